#!/usr/bin/env python3
"""A SIP caller for tests that sends DTMF in SIP INFO: INVITEs a
Request-URI over UDP with an IPv4 G.711 offer, waits (bounded) for the
call to be answered, ACKs it, then sends in the dialog each INFO named on
the command line, in order, and prints "NAME CODE" for the final answer to
each (or "NAME none"); then BYE.

    sip_info.py LOCALPORT DEST-PORT REQUEST-URI NAME...

The INFOs (from BODIES below): relay, relay-again (the same request
again, as a UDP retransmission: same branch, same CSeq), dtmf, flash,
bad, nodur, media, wrongtag (a To-tag that is not the dialog's).
"""
import random
import re
import socket
import sys
import time

BODIES = {
    "relay": ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
    "dtmf": ("application/dtmf", "7\r\n"),
    "flash": ("application/dtmf-relay", "Signal=16\r\nDuration=500\r\n"),
    "bad": ("application/dtmf-relay", "Signal=x\r\nDuration=160\r\n"),
    "nodur": ("application/dtmf-relay", "signal = #\n"),
    "media": ("application/media_control+xml",
              '<?xml version="1.0" encoding="utf-8" ?><media_control>'
              "<vc_primitive><to_encoder><picture_fast_update/>"
              "</to_encoder></vc_primitive></media_control>"),
    "wrongtag": ("application/dtmf-relay", "Signal=9\r\nDuration=160\r\n"),
}


def main():
    lport, port, ruri = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    names = sys.argv[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", lport))
    s.settimeout(0.2)
    callid = "%016x@info-test" % random.getrandbits(64)
    ftag = "%08x" % random.getrandbits(32)
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio %d RTP/AVP 0\r\na=sendrecv\r\n" % (lport + 2))

    def build(method, cseq, totag="", ctype="", body=""):
        branch = "z9hG4bK%08x" % random.getrandbits(32)
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:tester@127.0.0.1:%d>;tag=%s\r\n"
               "To: <%s>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sip:tester@127.0.0.1:%d>\r\n"
               % (method, ruri, lport, branch, lport, ftag, ruri,
                  ";tag=" + totag if totag else "", callid, cseq, method,
                  lport))
        if ctype:
            msg += "Content-Type: %s\r\n" % ctype
        msg += "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body)
        return msg.encode()

    def final(cseq, method, secs):
        """The final response to CSEQ METHOD, or None after SECS."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            try:
                data = s.recv(65535).decode(errors="replace")
            except socket.timeout:
                continue
            m = re.match(r"SIP/2.0 (\d+)", data)
            if not m or not re.search(r"\r\nCSeq: *%d %s\r\n"
                                      % (cseq, method), data, re.I):
                continue
            code = int(m.group(1))
            if code >= 200:
                return code, data
        return None, ""

    def send(b):
        s.sendto(b, ("127.0.0.1", port))

    send(build("INVITE", 1, ctype="application/sdp", body=sdp))
    code, resp = final(1, "INVITE", 15)
    if code != 200:
        print("invite", code or "none", flush=True)
        return 1
    totag = re.search(r"\r\nTo:[^\r]*;tag=([^;\r]+)", resp, re.I).group(1)
    send(build("ACK", 1, totag))
    print("invite 200", flush=True)

    cseq = 1
    last = None
    for name in names:
        if name == "relay-again":
            send(last)
            code, _ = final(cseq, "INFO", 3)
            print(name, code or "none", flush=True)
            continue
        cseq += 1
        ctype, body = BODIES[name]
        tag = "not-the-dialogs" if name == "wrongtag" else totag
        last = build("INFO", cseq, tag, ctype, body)
        send(last)
        code, _ = final(cseq, "INFO", 3)
        print(name, code or "none", flush=True)
        time.sleep(0.2)

    cseq += 1
    send(build("BYE", cseq, totag))
    code, _ = final(cseq, "BYE", 3)
    print("bye", code or "none", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
