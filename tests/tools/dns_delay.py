#!/usr/bin/env python3
"""A DNS relay that answers late, for the tests: every UDP query to
LISTEN_ADDR:PORT goes on at once to UPSTREAM_ADDR:UPSTREAM_PORT, and its
answer comes back after the number of milliseconds DELAY_FILE holds when
the query came (0, or no file: at once), so that a request of the phone
is still resolving its name for as long as a test needs. One line per
query, "query ID NAME TYPE delay MS TIME", and per answer sent on,
"answer ID TIME" (TIME: epoch seconds), to LOG. It stops on SIGTERM or
after LIFETIME seconds.

usage: dns_delay.py LISTEN_ADDR PORT UPSTREAM_ADDR UPSTREAM_PORT
                    DELAY_FILE LOG [LIFETIME]
"""
import heapq
import select
import socket
import struct
import sys
import time

TYPES = {1: "A", 28: "AAAA", 33: "SRV", 35: "NAPTR"}


def question(msg):
    """The query's id, name and type, or None."""
    if len(msg) < 12:
        return None
    qid, = struct.unpack("!H", msg[:2])
    labels, i = [], 12
    while i < len(msg) and msg[i] and len(labels) < 64:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    if i + 5 > len(msg):
        return None
    qtype, = struct.unpack("!H", msg[i + 1:i + 3])
    return qid, ".".join(labels), TYPES.get(qtype, str(qtype))


def delay_ms(path):
    try:
        with open(path) as f:
            return max(0, int(f.read().strip() or 0))
    except (OSError, ValueError):
        return 0


def main():
    listen, port, up, upport, dfile, log = sys.argv[1:7]
    lifetime = float(sys.argv[7]) if len(sys.argv) > 7 else 300.0
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((listen, int(port)))
    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    back.connect((up, int(upport)))
    waiting = {}     # query id -> (client address, delay in s)
    due = []         # (when, seq, answer, client address, query id)
    seq = 0
    end = time.monotonic() + lifetime
    with open(log, "a", buffering=1) as out:
        while time.monotonic() < end:
            now = time.monotonic()
            while due and due[0][0] <= now:
                _, _, msg, dst, qid = heapq.heappop(due)
                front.sendto(msg, dst)
                out.write("answer %d %.6f\n" % (qid, time.time()))
            wait = min(0.5, end - now)
            if due:
                wait = max(0.0, min(wait, due[0][0] - now))
            ready, _, _ = select.select([front, back], [], [], wait)
            if front in ready:
                msg, src = front.recvfrom(4096)
                q = question(msg)
                if q is None:
                    continue
                d = delay_ms(dfile)
                waiting[q[0]] = (src, d / 1000.0)
                out.write("query %d %s %s delay %d %.6f\n"
                          % (q[0], q[1], q[2], d, time.time()))
                back.send(msg)
            if back in ready:
                msg = back.recv(4096)
                q = question(msg)
                if q is None or q[0] not in waiting:
                    continue
                src, d = waiting.pop(q[0])
                seq += 1
                heapq.heappush(due, (time.monotonic() + d, seq, msg, src,
                                     q[0]))


if __name__ == "__main__":
    main()
