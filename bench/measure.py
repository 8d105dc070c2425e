#!/usr/bin/env python3
"""Timings of sipsh's phone against plain baresip, in one run.

Called by bench/run.sh with a Kamailio registrar already listening.
Every figure is the median (and min/max) of N runs, measured here:

  start->registered   plain: baresip started until its REGISTER got 200;
                      sipsh: 'phone start' (generate, runsv, baresip with
                      our modules) until the control socket says registered
  commit->registered  sipsh only: an account change committed (applied by
                      ua_del/ua_add, no restart) until registered again;
                      a sip change that needs a new transport (bind-port,
                      applied by a restart) likewise
  commit->in effect   sipsh only: a sip change the phone takes live
                      (user-agent, conf_reload on the control socket)
                      until the commit returns, after the phone's reply
  RSS                 resident memory of the registered, idle process
  start, part by part one strace'd start of each, the time between
                      markers (exec, config read, runsv, each module,
                      REGISTER, 200 OK)
  INVITE -> 200 OK    through Kamailio (its 407 answered), a sipsh line
                      and plain baresip calling the same plain callee;
                      on the wire (tshark), caller's INVITE to its 200
  CPU per call leg    utime+stime of the phone over a 10 s G.711 call
  shell               show running-config and a 10,000-command batch:
                      wall time, and instructions (callgrind)
"""
import json, os, re, select, signal, socket, statistics, subprocess, sys
import time
from proc import cpu_ms, now, rss_kib, sipsh_runner

KP, SP, PP, N = (int(a) for a in sys.argv[1:5])
T = sys.argv[5]
SIPSH = sys.argv[6]
AP, RTP = int(sys.argv[7]), int(sys.argv[8])   # audio: SIP ports, RTP ports
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ)
RUN = ENV["SIPSH_RUNDIR"]
CONF = ENV["SIPSH_CONF"]


def sipsh(*cmds, check=True):
    """sipsh -C CONF -c CMD ...: on the configuration file CONF names when
    it is called (the audio step swaps in the default configuration)."""
    return sipsh_runner(SIPSH, CONF, ENV)(*cmds, check=check)


def ctrl(command, **params):
    """One request on the control socket; None if it does not answer."""
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(2)
        s.connect(RUN + "/ctrl.sock")
    except OSError:
        return None
    req = dict(id=1, command=command, **params)
    s.sendall((json.dumps(req) + "\n").encode())
    buf = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return None
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = json.loads(line)
                if msg.get("id") == 1 and "event" not in msg:
                    return msg.get("data")
    except (OSError, ValueError):
        return None
    finally:
        s.close()


def registered(aor_user, newer_than_pid=None):
    if newer_than_pid:
        v = ctrl("version")
        if not v or v.get("pid") == newer_than_pid:
            return False
    regs = ctrl("registrations") or []
    return any(r["state"] == "registered" and aor_user in r["aor"]
               for r in regs)


def wait_until(pred, limit=10.0, step=0.001):
    end = now() + limit
    while now() < end:
        if pred():
            return True
        time.sleep(step)
    raise SystemExit("timed out; registrations: %s"
                     % ctrl("registrations"))


def summary(name, values, unit="ms"):
    med = statistics.median(values)
    print("%-40s %8.1f %s  (min %.1f, max %.1f, n=%d)"
          % (name, med, unit, min(values), max(values), len(values)))
    return med


def start_until_200(argv):
    """A baresip started with argv, timed until its output shows the 200
    OK of its REGISTER: (milliseconds, the running process)."""
    t0 = now()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in p.stdout:
        if b"200 OK" in line:
            break
    return (now() - t0) * 1000, p


def plain_baresip():
    d = T + "/plain"
    os.makedirs(d, exist_ok=True)
    with open(d + "/config", "w") as f:
        f.write("sip_listen 127.0.0.1:%d\nnet_interface 127.0.0.1\n"
                "module_path /usr/lib/baresip/modules\n"
                "module g711.so\nmodule_app account.so\n" % PP)
    with open(d + "/accounts", "w") as f:
        f.write("<sip:1002@127.0.0.1:%d>;auth_pass=secret2;regint=60\n" % KP)
    times, rss = [], []
    for _ in range(N):
        ms, p = start_until_200(["stdbuf", "-oL", "baresip", "-f", d])
        times.append(ms)
        time.sleep(0.3)
        rss.append(rss_kib(p.pid) / 1024)
        p.kill()
        p.wait()
    return times, rss


def sipsh_phone():
    times, rss = [], []
    for _ in range(N):
        sipsh("phone stop", check=False)
        # runsv sleeps 1 s before restarting a service that ran less
        # than 1 s (its crash-loop guard): measure as a device would.
        time.sleep(1.1)
        t0 = now()
        sipsh("phone start")
        wait_until(lambda: registered("1001"))
        times.append((now() - t0) * 1000)
        time.sleep(0.3)
        rss.append(rss_kib(ctrl("version")["pid"]) / 1024)
    return times, rss


def commit_account():
    times = []
    for i in range(N):
        pid = ctrl("version")["pid"]
        # Alternate between two spellings of the same credentials: the
        # account changes, so it is applied (ua_del + ua_add).
        t0 = now()
        sipsh("account 1", "auth-user 1001" if i % 2 == 0 else
              "no auth-user")
        wait_until(lambda: registered("1001"))
        times.append((now() - t0) * 1000)
        if ctrl("version")["pid"] != pid:
            raise SystemExit("an account change restarted the phone")
    return times


def commit_regint():
    """A sip-section setting only account lines read: re-registered live."""
    times = []
    for i in range(N):
        pid = ctrl("version")["pid"]
        t0 = now()
        sipsh("sip", "register-interval %d" % (61 - i % 2))
        wait_until(lambda: registered("1001"))
        times.append((now() - t0) * 1000)
        if ctrl("version")["pid"] != pid:
            raise SystemExit("a register-interval change restarted the phone")
    return times


def commit_live():
    """A sip-section setting a module takes at run time: the commit ends
    when the phone's conf_reload has answered, i.e. the setting is in
    effect; baresip does not restart."""
    times = []
    for i in range(N):
        pid = ctrl("version")["pid"]
        t0 = now()
        out = sipsh("sip", "user-agent \"Bench %s\"" % ("A" if i % 2 else "B"))
        times.append((now() - t0) * 1000)
        if "live: user-agent changed" not in out:
            raise SystemExit("a user-agent change was not taken live: %s"
                             % out)
        if ctrl("version")["pid"] != pid:
            raise SystemExit("a user-agent change restarted the phone")
    return times


def commit_restart():
    """A sip-section setting that needs a new transport: baresip
    restarts, until registered again."""
    times = []
    for i in range(N):
        pid = ctrl("version")["pid"]
        time.sleep(1.1)      # past runsv's crash-loop guard, as above
        t0 = now()
        sipsh("sip", "bind-port %d" % (KP + 3 if i % 2 == 0 else SP))
        wait_until(lambda: registered("1001", newer_than_pid=pid))
        times.append((now() - t0) * 1000)
    if N % 2:
        sipsh("sip", "bind-port %d" % SP)
    return times


def plain_config(d, port, accounts, extra=""):
    os.makedirs(d, exist_ok=True)
    with open(d + "/config", "w") as f:
        f.write("sip_listen 127.0.0.1:%d\nnet_interface 127.0.0.1\n"
                "module_path /usr/lib/baresip/modules\n"
                "module g711.so\nmodule_app account.so\n%s" % (port, extra))
    with open(d + "/accounts", "w") as f:
        f.write(accounts)


# --- The floors of a supervised start ---------------------------------------
#
# What each link of sipsh's chain costs at least, untraced, N runs each:
# plain baresip (its own config) started directly is the first figure
# above; the same plain baresip started the way sipsh's phone is (a fresh
# runsv on a service directory whose run script is a /bin/sh that execs
# it, svlogd keeping its output) gives the supervisor's share; the phone's
# generated config with all of our modules, started directly, gives our
# modules' and configuration's share; 'sipsh' with no command, exiting at
# once, gives the shell's own start. Every process is stopped by PID.

def wait_file(path, text, limit=10.0):
    end = now() + limit
    while now() < end:
        try:
            with open(path, "rb") as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.0005)
    raise SystemExit("%s: no '%s' in %g s" % (path, text.decode(), limit))


def stop_pids(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    for p in pids:
        for _ in range(200):
            try:
                os.kill(p, 0)
            except OSError:
                break
            time.sleep(0.01)


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def floor_runsv():
    """Plain baresip under a fresh runsv, /bin/sh run script, svlogd log:
    runsv spawned until the 200 OK is in the log's file."""
    sv = T + "/floor-sv"
    os.makedirs(sv + "/log", exist_ok=True)
    with open(sv + "/run", "w") as f:
        f.write("#!/bin/sh\nexec 2>&1\nexec baresip -f %s/plain "
                "</dev/null\n" % T)
    with open(sv + "/log/run", "w") as f:
        f.write("#!/bin/sh\nexec svlogd -tt %s/floor-log\n" % T)
    os.chmod(sv + "/run", 0o755)
    os.chmod(sv + "/log/run", 0o755)
    times = []
    for _ in range(N):
        subprocess.run(["rm", "-rf", T + "/floor-log", sv + "/supervise",
                        sv + "/log/supervise"])
        os.makedirs(T + "/floor-log")
        t0 = now()
        p = subprocess.Popen(["runsv", sv], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        wait_file(T + "/floor-log/current", b"200 OK")
        times.append((now() - t0) * 1000)
        pids = [read_pid(sv + "/supervise/pid"),
                read_pid(sv + "/log/supervise/pid")]
        stop_pids([q for q in pids if q])
        p.terminate()
        p.wait()
        time.sleep(0.2)
    return times


def floor_modules():
    """The phone's generated config (all of our modules), baresip started
    directly: started until its 200 OK is printed."""
    times = []
    for _ in range(N):
        ms, p = start_until_200(["baresip", "-f", RUN + "/baresip"])
        times.append(ms)
        p.terminate()
        p.stdout.close()
        p.wait()
        time.sleep(0.3)
    return times


def floor_shell():
    times = []
    for _ in range(N):
        t0 = now()
        subprocess.run([SIPSH, "-C", CONF], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, env=ENV)
        times.append((now() - t0) * 1000)
    return times


def floors():
    sipsh("phone stop", check=False)
    time.sleep(0.5)
    return floor_shell(), floor_runsv(), floor_modules()


# --- Start, part by part (one strace'd start each) --------------------------

def start_parts():
    sys.path.insert(0, os.path.join(TOP, "bench"))
    import startparts
    # The phone's SIP over TLS listens on the plain baresip's port.
    sipsh("phone stop", check=False)
    d = T + "/plain"
    ev, pids = startparts.trace(["baresip", "-f", d], lambda: False,
                                T + "/plain.strace", ENV, limit=1.5)
    kill_ours(pids)
    plain, plain_total = startparts.plain_parts(ev)
    time.sleep(1.1)
    ev, pids = startparts.trace([SIPSH, "-C", CONF, "-c", "phone start"],
                                lambda: registered("1001"),
                                T + "/sipsh.strace", ENV)
    ours, ours_total, returned = startparts.sipsh_parts(ev, CONF)
    # The traced processes keep strace's seccomp filter, under which the
    # traced system calls fail once strace is gone: they are ended (the
    # runsv, its svlogd, the phone) and a fresh phone started.
    kill_ours(pids)
    time.sleep(0.5)
    sipsh("phone start")
    wait_until(lambda: registered("1001"))
    return plain, plain_total, ours, ours_total, returned


def kill_ours(pids):
    """SIGKILL to each PID that is still a process of this bench's own
    (its command line names the bench's directory)."""
    for p in pids:
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if T.encode() not in f.read():
                    continue
            os.kill(int(p), signal.SIGKILL)
        except (OSError, ValueError):
            pass


def print_parts(plain, plain_total, ours, ours_total, returned):
    print()
    print("start -> registered, part by part: one start of each under "
          "strace (slowed by it; read the shares)")
    for name, parts, total in (("plain baresip", plain, plain_total),
                               ("sipsh phone start", ours, ours_total)):
        if not parts:
            raise SystemExit("start, part by part: the trace of %s has "
                             "no markers" % name)
        print("  %s: %.1f ms to 200 OK" % (name, total or 0))
        for label, ms in parts:
            print("    %-62s %6.1f ms" % (label, ms))
    if returned is not None:
        print("    ('phone start' itself returned at %.1f ms: its phone's "
              "control socket answered)" % returned)


# --- INVITE to 200 OK through Kamailio --------------------------------------
#
# The same plain baresip callee (1004, answermode=auto, registered) is
# called N times by a sipsh line (account 1001: line 0 lifts the handset,
# dials 1004#) and N times by a plain baresip (1003, registered, one
# process told '/dial' and '/hangup' on its stdin by the stdio module).
# Kamailio challenges each INVITE with 407. Measured on the wire (tshark
# on lo): the caller's first INVITE to the 200 OK it gets.

def line_dial_once(lines, number):
    a = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    a.connect(lines + "/line0.sock")
    a.settimeout(0.05)
    a.send(b"Ehook off")
    end = now() + 10
    dialed, connected = False, False
    try:
        while now() < end and not connected:
            try:
                m = a.recv(1024)
            except socket.timeout:
                continue
            if not m:
                raise SystemExit("line 0 closed its socket")
            if m[:1] != b"E":
                continue
            ev = m[1:].decode(errors="replace")
            if ev == "tone dial" and not dialed:
                dialed = True
                for d in number:
                    a.send(b"Edigit " + d.encode())
                    time.sleep(0.1)
            elif ev == "state connected":
                connected = True
        if not connected:
            raise SystemExit("line 0: the call to %s did not connect"
                             % number)
        time.sleep(0.2)
        a.send(b"Ehook on")
        time.sleep(0.3)
    finally:
        a.close()


def invite_times(path, caller_port):
    """Per call caller_port made: INVITE -> 200 OK, and the caller's own
    part of it, the 407 received -> the INVITE with credentials sent
    (ms). The rest is Kamailio's and the callee's, the same for both."""
    r = subprocess.run(["tshark", "-r", path, "-Y", "sip", "-T", "fields",
                        "-E", "separator=|", "-e", "frame.time_epoch",
                        "-e", "sip.Call-ID", "-e", "sip.Method",
                        "-e", "sip.Status-Code", "-e", "sip.CSeq.method",
                        "-e", "udp.srcport", "-e", "udp.dstport"],
                       capture_output=True, text=True)
    start, done, chal, again = {}, {}, {}, {}
    for line in r.stdout.splitlines():
        f = line.split("|")
        if len(f) != 7:
            continue
        t, cid, method, code, cseq, sport, dport = f
        if method == "INVITE" and sport == str(caller_port):
            if cid in chal:
                again.setdefault(cid, float(t))
            start.setdefault(cid, float(t))
        elif code == "407" and dport == str(caller_port) and cid in start:
            chal.setdefault(cid, float(t))
        elif code == "200" and cseq == "INVITE" and \
                dport == str(caller_port) and cid in start:
            done.setdefault(cid, float(t))
    return ([(done[c] - start[c]) * 1000 for c in done],
            [(again[c] - chal[c]) * 1000 for c in again])


def invite_calls():
    wav = tone_wav()
    callee = T + "/callee"
    audio = ("audio_source aufile,%s\naudio_player none,none\n"
             "audio_alert none,none\nmodule aufile.so\n"
             "rtp_ports %d-%d\n" % (wav, RTP + 20, RTP + 39))
    plain_config(callee, PP + 10,
                 "<sip:1004@127.0.0.1:%d>;auth_pass=secret4;regint=60;"
                 "answermode=auto\n" % KP, audio + "module_app menu.so\n")
    caller = T + "/caller"
    plain_config(caller, PP + 20,
                 "<sip:1003@127.0.0.1:%d>;auth_pass=secret3;regint=60\n"
                 % KP, audio + "module stdio.so\nmodule_app menu.so\n")
    log = open(T + "/callee.log", "wb")
    cp = subprocess.Popen(["stdbuf", "-oL", "baresip", "-f", callee],
                          stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    cap = None
    try:
        wait_log(T + "/callee.log", b"200 OK", 10)
        # A line on account 1 for the sipsh phone (a commit).
        sipsh("line 0", "account 1")
        time.sleep(1.2)      # a restart past runsv's crash-loop guard
        end = now() + 10
        while now() < end and not os.path.exists(RUN + "/lines/line0.sock"):
            time.sleep(0.02)
        wait_until(lambda: registered("1001"))
        cap, path = capture_start("invite", "udp port %d" % KP)
        for _ in range(N):
            for attempt in range(3):
                try:
                    line_dial_once(RUN + "/lines", "1004#")
                    break
                except OSError:
                    if attempt == 2:
                        raise
                    time.sleep(1)
        clog = T + "/caller.log"
        with open(clog, "wb") as f:
            p = subprocess.Popen(["stdbuf", "-oL", "baresip", "-f", caller],
                                 stdin=subprocess.PIPE, stdout=f, stderr=f)
        try:
            wait_log(clog, b"200 OK", 10)
            for i in range(N):
                p.stdin.write(b"/dial sip:1004@127.0.0.1:%d\n" % KP)
                p.stdin.flush()
                wait_log(clog, b"Call established", 10, count=i + 1)
                time.sleep(0.2)
                p.stdin.write(b"/hangup\n")
                p.stdin.flush()
                time.sleep(0.5)
        finally:
            stop([p])
        time.sleep(0.5)
    finally:
        if cap:
            stop([cap])
        stop([cp])
        log.close()
    return invite_times(path, SP), invite_times(path, PP + 20)


# --- Audio frame timing, idle and under load -------------------------------
#
# sipsh: the default configuration (etc/sipsh.conf, its bind port and both
# registrars moved to AP), line 0 dials 101, line 1 answers; for AUDIO_S
# seconds the arrival time of every audio frame the line sends to line 0's
# telephone, and the RTP the phone sends (tshark on lo). Plain baresip: two
# instances calling each other directly, its RTP likewise.

AUDIO_S = 10          # seconds recorded per run
CPU = {}              # ms of CPU per call leg over AUDIO_S, per run
FRAME = b"A" + bytes(320)


def spawn_load():
    """One busy loop per CPU, each pinned to its CPU; stopped by PID."""
    procs = []
    for cpu in range(os.cpu_count() or 1):
        procs.append(subprocess.Popen(
            [sys.executable, "-c", "while True: pass"],
            preexec_fn=lambda c=cpu: os.sched_setaffinity(0, {c})))
    time.sleep(0.5)
    return procs


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def capture_start(name, bpf):
    path = "%s/%s.pcap" % (T, name)
    p = subprocess.Popen(["tshark", "-q", "-i", "lo", "-f", bpf, "-w", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = now() + 10
    while now() < end and not (os.path.exists(path) and
                               os.path.getsize(path) > 0):
        time.sleep(0.05)
    time.sleep(0.5)
    return p, path


def rtp_intervals(path, t0, t1):
    """Send intervals (ms) per RTP stream (source port), pooled; only
    packets captured between wall-clock times t0 and t1."""
    r = subprocess.run(["tshark", "-r", path, "-o", "rtp.heuristic_rtp:TRUE",
                        "-Y", "rtp", "-T", "fields", "-e", "frame.time_epoch",
                        "-e", "udp.srcport"], capture_output=True, text=True)
    streams = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and t0 <= float(f[0]) <= t1:
            streams.setdefault(f[1], []).append(float(f[0]))
    out = []
    for ts in streams.values():
        out += [(b - a) * 1000 for a, b in zip(ts, ts[1:])]
    return out, len(streams)


def jitter(name, intervals, streams=None):
    if len(intervals) < 2:
        raise SystemExit("%s: no frames recorded" % name)
    dev = sorted(abs(i - 20) for i in intervals)
    n = len(dev)
    p = lambda q: dev[min(n - 1, max(0, -(-n * q // 100) - 1))]
    fig = dict(p50=p(50), p99=p(99), max=dev[-1],
               over30=sum(1 for i in intervals if i > 30), n=n)
    print("%-40s |dev| p50 %5.2f p99 %5.2f max %6.2f ms, >30 ms: %d  "
          "(n=%d%s)" % (name, fig["p50"], fig["p99"], fig["max"],
                        fig["over30"], n,
                        ", %d streams" % streams if streams else ""))
    return fig


def line_call(lines, on_window=None):
    """Line 0 calls line 1 (dials 101#), line 1 answers when it rings.
    Two telephones: each sends a silent frame every 20 ms once off hook.
    Returns line 0's earpiece frame arrival times (monotonic ns) over
    AUDIO_S s from 'state connected', and the wall-clock window."""
    a = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    b = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    a.connect(lines + "/line0.sock")
    b.connect(lines + "/line1.sock")
    a.setblocking(False)
    b.setblocking(False)
    off = {a: True, b: False}
    a.send(b"Ehook off")
    digits, next_digit = None, None
    arrivals, t_end, window = [], None, None
    tick = time.monotonic_ns()
    deadline = tick + (AUDIO_S + 15) * 10**9     # bounded, whatever happens
    try:
        while time.monotonic_ns() < deadline:
            t = time.monotonic_ns()
            if t_end and t >= t_end:
                window = (window, time.time())
                if on_window:
                    on_window()
                break
            if t >= tick:
                for s in (a, b):
                    if off[s]:
                        s.send(FRAME)
                tick += 20 * 10**6
            if digits and t >= next_digit:
                a.send(b"Edigit " + digits[:1])
                digits = digits[1:]
                next_digit = t + 100 * 10**6
            wake = min(tick, next_digit if digits else tick)
            r, _, _ = select.select([a, b], [], [],
                                    max(0, wake - time.monotonic_ns()) / 1e9)
            for s in r:
                while True:
                    try:
                        m = s.recv(1024)
                    except BlockingIOError:
                        break
                    rt = time.monotonic_ns()
                    if not m:
                        raise SystemExit("a line closed its socket")
                    if s is a and m[:1] == b"A":
                        if t_end:
                            arrivals.append(rt)
                    elif m[:1] == b"E":
                        ev = m[1:].decode(errors="replace")
                        if s is a and ev == "tone dial" and digits is None:
                            digits, next_digit = b"101#", rt
                        elif s is b and ev.startswith("ring on") \
                                and not off[b]:
                            b.send(b"Ehook off")
                            off[b] = True
                        elif s is a and ev == "state connected" \
                                and not t_end:
                            t_end = rt + AUDIO_S * 10**9
                            window = time.time()
                            if on_window:
                                on_window()
        if not isinstance(window, tuple):
            raise SystemExit("line call: no %d s of connected audio "
                             "(connected: %s)" % (AUDIO_S, bool(t_end)))
        for s in (a, b):
            s.send(b"Ehook on")
        time.sleep(0.3)
    finally:
        a.close()
        b.close()
    return arrivals, window


def telephone_priority(on):
    """The simulated telephone stands for hardware, which no busy core
    delays: at the lowest real-time priority while it times the frames,
    where the system allows it."""
    try:
        if on:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        else:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
        return True
    except OSError:
        return False


def sipsh_audio(loaded):
    rtp = open(RUN + "/baresip/config").read().split("rtp_ports")[1].split()[0]
    cap, path = capture_start("line-%d" % loaded,
                              "udp portrange %s" % rtp)
    load = spawn_load() if loaded else []
    pid = ctrl("version")["pid"]
    cpu = []
    rt = telephone_priority(True)
    try:
        arrivals, (t0, t1) = line_call(RUN + "/lines",
                                       lambda: cpu.append(cpu_ms(pid)))
    finally:
        if rt:
            telephone_priority(False)
        stop(load)
        time.sleep(0.3)
        stop([cap])
    frames = [(b - a) / 1e6 for a, b in zip(arrivals, arrivals[1:])]
    # One process, both legs of the call (line 0 calls line 1).
    CPU["sipsh-%d" % loaded] = (cpu[1] - cpu[0]) / 2
    return frames, rtp_intervals(path, t0, t1)


def sipsh_default_phone():
    conf = T + "/default.conf"
    with open(TOP + "/etc/sipsh.conf") as f, open(conf, "w") as g:
        g.write(f.read())
    global CONF
    saved, CONF = CONF, conf
    try:
        sipsh("sip", "bind-port %d" % AP, "account 1",
              "registrar 127.0.0.1:%d" % AP, "account 2",
              "registrar 127.0.0.1:%d" % AP)
        sipsh("phone start")
        end = now() + 10
        while now() < end and not all(os.path.exists(
                "%s/lines/line%d.sock" % (RUN, i)) for i in (0, 1)):
            time.sleep(0.05)
        time.sleep(0.5)
        return [sipsh_audio(False), sipsh_audio(True)]
    finally:
        sipsh("phone stop", check=False)
        CONF = saved


def wait_log(path, text, limit, count=1):
    end = now() + limit
    while now() < end:
        with open(path, "rb") as f:
            if f.read().count(text) >= count:
                return True
        time.sleep(0.02)
    raise SystemExit("%s: no '%s' in %g s" % (path, text.decode(), limit))


def tone_wav():
    """A 15 s 8 kHz mono WAV (440 Hz) for plain baresip's aufile source."""
    wav = T + "/tone15.wav"
    if not os.path.exists(wav):
        import math, struct, wave
        w = wave.open(wav, "wb")
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i /
                                                  8000)))
            for i in range(8000 * 15)))
        w.close()
    return wav


def plain_audio(loaded):
    wav = tone_wav()
    # Caller on AP (aufile source), callee on AP+2 (answermode=auto);
    # each also takes its port + 1 for SIP over TLS.
    procs = []
    for name, port, rtp, extra in (("callee", AP + 2, RTP + 10,
                                    ";answermode=auto"),
                                   ("caller", AP, RTP, "")):
        d = "%s/plain-%s" % (T, name)
        os.makedirs(d, exist_ok=True)
        with open(d + "/config", "w") as f:
            f.write("sip_listen 127.0.0.1:%d\nnet_interface 127.0.0.1\n"
                    "module_path /usr/lib/baresip/modules\n"
                    "rtp_ports %d-%d\n"
                    "audio_source aufile,%s\naudio_player aufile,none\n"
                    "module g711.so\nmodule aufile.so\n"
                    "module_app account.so\nmodule_app menu.so\n"
                    % (port, rtp, rtp + 9, wav))
        with open(d + "/accounts", "w") as f:
            f.write("<sip:%s@127.0.0.1:%d>;regint=0%s\n" % (name, port, extra))
    cap, path = capture_start("plain-%d" % loaded,
                              "udp portrange %d-%d" % (RTP, RTP + 19))
    load = spawn_load() if loaded else []
    try:
        for name, args in (("callee", []),
                           ("caller", ["-e", "/dial sip:callee@127.0.0.1:%d"
                                       % (AP + 2)])):
            log = "%s/plain-%s.log" % (T, name)
            with open(log, "wb") as f:
                procs.append(subprocess.Popen(
                    ["baresip", "-f", "%s/plain-%s" % (T, name),
                     "-t", str(AUDIO_S + 20)] + args,
                    stdin=subprocess.DEVNULL, stdout=f, stderr=f))
            wait_log(log, b"Call established" if name == "caller"
                     else b"baresip is ready", 10)
        c0 = [cpu_ms(p.pid) for p in procs]
        t0 = time.time()
        time.sleep(AUDIO_S)
        t1 = time.time()
        c1 = [cpu_ms(p.pid) for p in procs]
        # Two processes, one leg each.
        CPU["plain-%d" % loaded] = (sum(c1) - sum(c0)) / 2
    finally:
        stop(procs)
        stop(load)
        time.sleep(0.3)
        stop([cap])
    return rtp_intervals(path, t0, t1)


def audio_figures():
    print("audio...", file=sys.stderr)
    (f_idle, r_idle), (f_load, r_load) = sipsh_default_phone()
    p_idle = plain_audio(False)
    p_load = plain_audio(True)
    ncpu = os.cpu_count()
    print()
    print("audio frame intervals, |interval - 20 ms|, %d s per run; "
          "load: %d busy loops" % (AUDIO_S, ncpu))
    jitter("sipsh line -> telephone, idle", f_idle)
    jitter("sipsh line -> telephone, load", f_load)
    jitter("sipsh RTP sent, idle", *r_idle)
    jitter("sipsh RTP sent, load", *r_load)
    jitter("plain baresip RTP sent, idle", *p_idle)
    jitter("plain baresip RTP sent, load", *p_load)
    print()
    print("CPU time (utime + stime) of the phone per call leg over the "
          "same %d s G.711 call" % AUDIO_S)
    for loaded in (0, 1):
        print("%-40s sipsh %6.0f ms, plain %6.0f ms: %.2fx"
              % ("per call leg, %s" % ("load" if loaded else "idle"),
                 CPU["sipsh-%d" % loaded], CPU["plain-%d" % loaded],
                 CPU["sipsh-%d" % loaded] / max(CPU["plain-%d" % loaded],
                                                 1e-9)))


def main():
    print("sipsh phone vs plain baresip 1.0.0, Kamailio on 127.0.0.1, "
          "n=%d" % N)
    print("plain baresip...", file=sys.stderr)
    plain_t, plain_rss = plain_baresip()
    print("sipsh phone start...", file=sys.stderr)
    ours_t, ours_rss = sipsh_phone()
    print("commits...", file=sys.stderr)
    acc_t = commit_account()
    regint_t = commit_regint()
    live_t = commit_live()
    restart_t = commit_restart()
    print()
    summary("plain baresip: start -> registered", plain_t)
    summary("sipsh: phone start -> registered", ours_t)
    summary("sipsh: commit (account) -> registered", acc_t)
    summary("sipsh: commit (register-interval, re-register) -> registered",
            regint_t)
    summary("sipsh: commit (user-agent, live) -> in effect", live_t)
    summary("sipsh: commit (bind-port, restart) -> registered", restart_t)
    summary("plain baresip: RSS registered, idle", plain_rss, "MiB")
    summary("sipsh's baresip: RSS registered, idle", ours_rss, "MiB")
    print("ratios sipsh / plain: start -> registered %.2fx, RSS %.2fx"
          % (statistics.median(ours_t) / statistics.median(plain_t),
             statistics.median(ours_rss) / statistics.median(plain_rss)))
    sys.stdout.flush()

    print("floors...", file=sys.stderr)
    f_shell, f_runsv, f_mods = floors()
    print()
    print("the floors of the chain, untraced (n=%d each)" % N)
    summary("sipsh with no command (exec, link, exit)", f_shell)
    summary("plain baresip under runsv + sh + svlogd", f_runsv)
    summary("phone's config and modules, no runsv", f_mods)
    sys.stdout.flush()

    print("start, part by part...", file=sys.stderr)
    print_parts(*start_parts())
    sys.stdout.flush()

    print("INVITE -> 200 OK...", file=sys.stderr)
    inv_ours, inv_plain = invite_calls()
    print()
    print("INVITE -> 200 OK through Kamailio (its 407 answered), the same "
          "plain callee, on the wire")
    summary("plain baresip caller: INVITE -> 200 OK", inv_plain[0])
    summary("sipsh line caller: INVITE -> 200 OK", inv_ours[0])
    summary("plain baresip caller: its 407 -> INVITE", inv_plain[1])
    summary("sipsh line caller: its 407 -> INVITE", inv_ours[1])
    sipsh("phone stop", check=False)
    sys.stdout.flush()

    print("shell...", file=sys.stderr)
    sys.path.insert(0, os.path.join(TOP, "bench"))
    import shellfig
    print()
    print("the shell: wall time (n=%d) and instructions (callgrind, one "
          "run; the whole process)" % N)
    for name, wall, ir in shellfig.figures(SIPSH, CONF, T, N, ENV):
        summary(name, wall)
        print("%-40s %8s instructions" % ("", "{:,}".format(ir) if ir
                                          else "(no valgrind)"))
    sys.stdout.flush()
    audio_figures()


main()
