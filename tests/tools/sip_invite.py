#!/usr/bin/env python3
"""A one-shot SIP caller for tests: sends an INVITE with an IPv4 G.711 SDP
offer to a Request-URI over UDP, keeps it ringing for SECONDS (answering
nothing but printing the status lines it gets), then CANCELs it.

    sip_invite.py LOCALPORT DEST-HOST DEST-PORT REQUEST-URI SECONDS [USER]

USER, the caller's user part, may hold any bytes (as \\xNN escapes): a
test of what the phone shows of what the network sends. The caller sends
from 127.0.0.1, or from the address in SIP_INVITE_ADDR.
"""
import os
import random
import socket
import sys
import time


def main():
    lport, host, port, ruri, secs = (int(sys.argv[1]), sys.argv[2],
                                     int(sys.argv[3]), sys.argv[4],
                                     float(sys.argv[5]))
    user = (sys.argv[6].encode().decode("unicode_escape")
            if len(sys.argv) > 6 else "tester")
    laddr = os.environ.get("SIP_INVITE_ADDR", "127.0.0.1")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((laddr, lport))
    s.settimeout(0.2)
    branch = "z9hG4bK%08x" % random.getrandbits(32)
    callid = "%016x@test" % random.getrandbits(64)
    tag = "%08x" % random.getrandbits(32)
    via = "SIP/2.0/UDP %s:%d;branch=%s;rport" % (laddr, lport, branch)
    sdp = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\n"
           "c=IN IP4 %s\r\nt=0 0\r\n"
           "m=audio %d RTP/AVP 0 8\r\na=sendrecv\r\n"
           % (laddr, laddr, lport + 2))

    def req(method, body=""):
        hdr = ("%s %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\n"
               "From: <sip:%s@%s:%d>;tag=%s\r\nTo: <%s>\r\n"
               "Call-ID: %s\r\nCSeq: 1 %s\r\n"
               "Contact: <sip:%s@%s:%d>\r\n"
               % (method, ruri, via, user, laddr, lport, tag, ruri, callid,
                  method, user, laddr, lport))
        if body:
            hdr += "Content-Type: application/sdp\r\n"
        hdr += "Content-Length: %d\r\n\r\n%s" % (len(body), body)
        s.sendto(hdr.encode(), (host, port))

    req("INVITE", sdp)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            data = s.recv(65535).decode(errors="replace")
            print(data.split("\r\n", 1)[0], flush=True)
        except socket.timeout:
            pass
    req("CANCEL")
    end = time.monotonic() + 1
    while time.monotonic() < end:
        try:
            data = s.recv(65535).decode(errors="replace")
            print(data.split("\r\n", 1)[0], flush=True)
        except socket.timeout:
            pass


if __name__ == "__main__":
    main()
