#!/usr/bin/env python3
"""The INVITE flood of the reliability issue, against sipsh's phone and
plain baresip in the same run. Called by bench/flood.sh, which starts
the Kamailio registrar and writes sipsh's configuration.

Per run and per phone (the same registrar, account 1001, call path):
  idle set-up   INVITE to 200 OK of a call from 1002 through Kamailio
                (with its 407 challenge) to 1001, answered at once: plain
                baresip by ;answermode=auto, sipsh's phone by a telephone
                on its line socket that lifts the handset when it rings
  flood         sipflood sends FLOOD_N INVITEs at FLOOD_RATE a second
                from 127.0.0.66, an address that is not an allowed proxy
                (sipsh: 'proxy 127.0.0.1', Kamailio's), straight to the
                phone's SIP port, each a new call that is never ACKed nor
                cancelled; twice: to a user the phone does not have (as
                SIP scanners do: plain baresip answers 404 through a
                server transaction) and to the account's own user 1001
                (plain baresip takes the calls as it does); sipsh's phone
                answers 403 statelessly up to its rate, then drops
  set-up during the flood   the same call, CALLS times while it runs
  CPU           utime + stime of baresip during the flood, and in the
                AFTER_S seconds after it (64*T1 = 32 s is how long libre
                keeps a server transaction)
  RSS           baresip's resident memory before and AFTER_S s after
"""
import hashlib, os, random, re, socket, statistics, subprocess, sys, \
    threading, time
from proc import cpu_ms, now, rss_kib, sipsh_runner

KP, SP, PP, CP, N = (int(a) for a in sys.argv[1:6])
T, SIPSH, FLOOD, KAMCTL = sys.argv[6:10]
ENV = dict(os.environ)
RUN = ENV["SIPSH_RUNDIR"]
CONF = ENV["SIPSH_CONF"]
FLOOD_N = int(ENV.get("BENCH_FLOOD_COUNT", 10000))
FLOOD_RATE = int(ENV.get("BENCH_FLOOD_RATE", 1000))
AFTER_S = float(ENV.get("BENCH_FLOOD_AFTER", 33))
CALLS = 4
SRC = "127.0.0.66"
REALM = "sipsh.test"


sipsh = sipsh_runner(SIPSH, CONF, ENV)

def kam_forget():
    """Kamailio forgets 1001's bindings, so that a call reaches only the
    phone under test."""
    subprocess.run(["kamcmd", "-s", "unix:" + KAMCTL, "ul.rm", "location",
                    "s:1001"], capture_output=True, timeout=5)
    if kam_registered():
        raise SystemExit("Kamailio still has a binding for 1001")


def kam_registered():
    r = subprocess.run(["kamcmd", "-s", "unix:" + KAMCTL, "ul.lookup",
                        "location", "s:1001"], capture_output=True,
                       text=True, timeout=5)
    return "Contact" in r.stdout


def wait_until(pred, limit, what):
    end = now() + limit
    while now() < end:
        if pred():
            return
        time.sleep(0.01)
    raise SystemExit("timed out: %s" % what)


# --- The legitimate caller: 1002 through Kamailio, with digest auth -------

class Caller:
    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", CP))

    def send(self, text):
        self.s.sendto(text.encode(), ("127.0.0.1", KP))

    def recv(self, deadline):
        while now() < deadline:
            self.s.settimeout(max(0.001, deadline - now()))
            try:
                data = self.s.recv(65535).decode(errors="replace")
            except socket.timeout:
                return None
            head, _, body = data.partition("\r\n\r\n")
            lines = head.split("\r\n")
            hdrs = {}
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                hdrs.setdefault(k.strip().lower(), []).append(v.strip())
            return lines[0], hdrs
        return None

    def request(self, method, ruri, callid, ftag, cseq, branch, to,
                extra="", body=""):
        msg = ("%s %s SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:1002@127.0.0.1>;tag=%s\r\nTo: %s\r\n"
               "Call-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sip:1002@127.0.0.1:%d>\r\n%s"
               % (method, ruri, CP, branch, ftag, to, callid, cseq,
                  method, CP, extra))
        if body:
            msg += "Content-Type: application/sdp\r\n"
        msg += "Content-Length: %d\r\n\r\n%s" % (len(body), body)
        self.send(msg)

    def call(self):
        """Milliseconds from the first INVITE to the 200 OK; None when no
        200 came within 10 s. The call is then ACKed and hung up."""
        ruri = "sip:1001@127.0.0.1:%d" % KP
        to = "<%s>" % ruri
        callid = "%016x@bench" % random.getrandbits(64)
        ftag = "%08x" % random.getrandbits(32)
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
               "a=sendrecv\r\n" % (CP + 2))
        br = lambda: "z9hG4bK%016x" % random.getrandbits(64)
        b1 = br()
        t0 = now()
        deadline = t0 + 10
        self.request("INVITE", ruri, callid, ftag, 1, b1, to, body=sdp)
        cseq, b, auth, got = 1, b1, "", None
        while True:
            r = self.recv(deadline)
            if r is None:
                break
            st, h = r
            code = int(st.split()[1])
            if h.get("call-id", [""])[0] != callid or code < 200:
                continue
            if code == 407 and not auth:
                totag = h["to"][0]
                self.request("ACK", ruri, callid, ftag, cseq, b, totag)
                ch = h["proxy-authenticate"][0]
                nonce = re.search(r'nonce="([^"]*)"', ch).group(1)
                ha1 = hashlib.md5(("1002:%s:secret2" % REALM).encode())
                ha2 = hashlib.md5(("INVITE:%s" % ruri).encode())
                resp = hashlib.md5(("%s:%s:%s" % (
                    ha1.hexdigest(), nonce, ha2.hexdigest())).encode())
                auth = ('Proxy-Authorization: Digest username="1002", '
                        'realm="%s", nonce="%s", uri="%s", '
                        'response="%s", algorithm=MD5\r\n'
                        % (REALM, nonce, ruri, resp.hexdigest()))
                cseq, b = 2, br()
                self.request("INVITE", ruri, callid, ftag, cseq, b, to,
                             auth, sdp)
                continue
            got = (code, h)
            break
        if not got or got[0] != 200:
            if not got:
                self.request("CANCEL", ruri, callid, ftag, cseq, b, to)
                self.recv(now() + 1)
            return None
        ms = (now() - t0) * 1000
        h = got[1]
        totag = h["to"][0]
        contact = re.search(r"<([^>]*)>", h["contact"][0]).group(1)
        route = "".join("Route: %s\r\n" % v
                        for rr in h.get("record-route", [])
                        for v in rr.split(","))
        self.request("ACK", contact, callid, ftag, cseq, br(), totag,
                     route)
        time.sleep(0.2)
        self.request("BYE", contact, callid, ftag, cseq + 1, br(), totag,
                     route)
        end = now() + 3
        while now() < end:
            r = self.recv(end)
            if r and r[1].get("call-id", [""])[0] == callid and \
                    r[0].split()[1] == "200":
                break
        return ms


# --- The telephone on sipsh's line 0: lifts the handset when it rings ------

class Telephone(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(RUN + "/lines/line0.sock")
        self.s.settimeout(0.2)
        self.stop = False
        self.idle = threading.Event()
        self.idle.set()

    def run(self):
        off = False
        while not self.stop:
            try:
                m = self.s.recv(1024)
            except socket.timeout:
                continue
            except OSError:
                return
            if not m:
                return
            if m[:1] != b"E":
                continue
            ev = m[1:].decode(errors="replace")
            if ev.startswith("ring on") and not off:
                self.idle.clear()
                self.s.send(b"Ehook off")
                off = True
            elif ev == "state idle" and not off:
                self.idle.set()
            elif off and ev in ("state idle", "state busy", "tone busy",
                                "state failed", "tone congestion"):
                self.s.send(b"Ehook on")
                off = False

    def close(self):
        self.stop = True
        self.join(2)
        self.s.close()


# --- The two phones ---------------------------------------------------------

def plain_start():
    d = T + "/plain"
    os.makedirs(d, exist_ok=True)
    with open(d + "/config", "w") as f:
        f.write("sip_listen 127.0.0.1:%d\nnet_interface 127.0.0.1\n"
                "module_path /usr/lib/baresip/modules\n"
                "rtp_ports %d-%d\n"
                "module g711.so\nmodule_app account.so\n"
                % (PP, CP + 10, CP + 19))
    with open(d + "/accounts", "w") as f:
        f.write("<sip:1001@127.0.0.1:%d>;auth_pass=secret1;regint=600;"
                "answermode=auto\n" % KP)
    log = open(T + "/plain.log", "wb")
    p = subprocess.Popen(["baresip", "-f", d], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log)
    wait_until(kam_registered, 10, "plain baresip registers")
    return p.pid, None, lambda: (p.kill(), p.wait(), log.close())


def sipsh_start():
    sipsh("phone stop", check=False)
    time.sleep(1.1)          # past runsv's crash-loop guard
    sipsh("phone start")
    wait_until(kam_registered, 10, "sipsh's phone registers")
    wait_until(lambda: os.path.exists(RUN + "/lines/line0.sock"), 10,
               "line 0's socket")
    out = sipsh("show phone | json")
    pid = int(re.search(r'"pid":(\d+)', out).group(1))
    tel = Telephone()
    tel.start()
    return pid, tel.idle, lambda: (tel.close(),
                                   sipsh("phone stop", check=False))


def one_run(name, start, port, user, caller):
    kam_forget()
    pid, ready, stop = start()

    def call():
        # A line is busy until its handset is down again after a call:
        # wait for that (plain baresip has no line to wait for).
        if ready and not ready.wait(5):
            return None
        return caller.call()

    try:
        time.sleep(0.5)
        idle = [call() for _ in range(3)]
        rss0 = rss_kib(pid) / 1024
        c0 = cpu_ms(pid)
        t_fl = now()
        fl = subprocess.Popen([FLOOD, "-d", "127.0.0.1:%d" % port,
                               "-s", SRC, "-n", str(FLOOD_N),
                               "-r", str(FLOOD_RATE), "-u", user,
                               "-w", "0", "-t", "120"],
                              stdout=subprocess.PIPE, text=True)
        during = []
        span = FLOOD_N / FLOOD_RATE
        for i in range(CALLS):
            # spread over the flood's middle
            t_at = span * (i + 1) / (CALLS + 1)
            time.sleep(max(0, t_at - (now() - t_fl)))
            during.append(call())
        out, _ = fl.communicate(timeout=150)
        c1 = cpu_ms(pid)
        time.sleep(AFTER_S)
        c2 = cpu_ms(pid)
        rss2 = rss_kib(pid) / 1024
        flood = dict(l.split(None, 1) for l in out.splitlines()
                     if l and not l.startswith("status "))
        codes = " ".join("%s x%s" % tuple(l.split()[1:])
                         for l in out.splitlines() if l.startswith("status"))
        return dict(idle=idle, during=during, cpu_during=c1 - c0,
                    cpu_after=c2 - c1, rss0=rss0, rss=rss2,
                    replies=int(flood.get("replies", 0)), codes=codes)
    finally:
        stop()


def fmt(vals, unit="ms", f="%.1f"):
    ok = [v for v in vals if v is not None]
    bad = len(vals) - len(ok)
    if not ok:
        return "none of %d connected" % len(vals)
    s = (f + " %s (" + f + "-" + f + ", n=%d)") % (
        statistics.median(ok), unit, min(ok), max(ok), len(ok))
    return s + (", %d did not connect" % bad if bad else "")


def main():
    caller = Caller()
    users = ENV.get("BENCH_FLOOD_USERS", "flood 1001").split()
    res = {}
    for i in range(N):
        for user in users:
            for name, start, port in (("plain baresip", plain_start, PP),
                                      ("sipsh", sipsh_start, SP)):
                print("flood run %d/%d, to %s: %s..." % (i + 1, N, user,
                                                         name),
                      file=sys.stderr)
                res.setdefault((user, name), []).append(
                    one_run(name, start, port, user, caller))
    print()
    print("INVITE flood: %d INVITEs at %d/s from %s (not an allowed proxy), "
          "n=%d runs" % (FLOOD_N, FLOOD_RATE, SRC, N))
    for (user, name), r in res.items():
        print("%s, flood to sip:%s@ (%s):" % (
            name, user, "the account's user" if user == "1001"
            else "no such user"))
        print("  call set-up, no flood      %s"
              % fmt([v for x in r for v in x["idle"]]))
        print("  call set-up, during flood  %s"
              % fmt([v for x in r for v in x["during"]]))
        print("  CPU during the flood       %s"
              % fmt([x["cpu_during"] for x in r], "ms", "%.0f"))
        print("  CPU in %g s after it       %s"
              % (AFTER_S, fmt([x["cpu_after"] for x in r], "ms", "%.0f")))
        print("  RSS before -> %g s after   %s -> %s"
              % (AFTER_S, fmt([x["rss0"] for x in r], "MiB"),
                 fmt([x["rss"] for x in r], "MiB")))
        print("  replies the flooder got    %s; %s"
              % (fmt([x["replies"] for x in r], "", "%.0f"),
                 r[-1]["codes"] or "none"))


main()
