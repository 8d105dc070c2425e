#!/usr/bin/env python3
"""A STUN server that plays a NAT, for the tests: it answers every STUN
Binding request (RFC 5389) with an XOR-MAPPED-ADDRESS of MAPPED_ADDR and
the request's source port plus PORT_OFFSET, as a NAT in front of the
phone would show it, and logs one line per request, "SRC_ADDR SRC_PORT
MAPPED_ADDR MAPPED_PORT", to LOG. It stops on SIGTERM or after LIFETIME
seconds.

usage: stun_nat.py LISTEN_ADDR PORT MAPPED_ADDR PORT_OFFSET LOG [LIFETIME]
"""
import socket
import struct
import sys
import time

COOKIE = 0x2112A442


def answer(req, src, mapped, offset):
    if len(req) < 20:
        return None, None
    mtype, length, cookie = struct.unpack("!HHI", req[:8])
    if mtype != 0x0001 or cookie != COOKIE:
        return None, None
    tid = req[8:20]
    port = (src[1] + offset) & 0xFFFF
    addr = struct.unpack("!I", socket.inet_aton(mapped))[0]
    xattr = struct.pack("!BBHI", 0, 1, port ^ (COOKIE >> 16),
                        addr ^ COOKIE)
    attrs = struct.pack("!HH", 0x0020, len(xattr)) + xattr
    head = struct.pack("!HHI", 0x0101, len(attrs), COOKIE) + tid
    return head + attrs, port


def main():
    listen, port, mapped, offset, log = sys.argv[1:6]
    lifetime = float(sys.argv[6]) if len(sys.argv) > 6 else 300.0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((listen, int(port)))
    sock.settimeout(0.5)
    end = time.monotonic() + lifetime
    with open(log, "a", buffering=1) as out:
        out.write("ready\n")
        while time.monotonic() < end:
            try:
                req, src = sock.recvfrom(2048)
            except socket.timeout:
                continue
            resp, mport = answer(req, src, mapped, int(offset))
            if resp is None:
                continue
            sock.sendto(resp, src)
            out.write("%s %d %s %d\n" % (src[0], src[1], mapped, mport))


if __name__ == "__main__":
    main()
