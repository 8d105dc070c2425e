#!/usr/bin/env python3
"""Timings of sipsh's phone against plain baresip, in one run.

Called by bench/run.sh with a Kamailio registrar already listening.
Every figure is the median (and min/max) of N runs, measured here:

  start->registered   plain: baresip started until its REGISTER got 200;
                      sipsh: 'phone start' (generate, runsv, baresip with
                      our modules) until the control socket says registered
  commit->registered  sipsh only: an account change committed (applied by
                      ua_del/ua_add, no restart) until registered again;
                      a sip change (applied by a restart) likewise
  RSS                 resident memory of the registered, idle process
"""
import json, os, socket, statistics, subprocess, sys, time

KP, SP, PP, N = (int(a) for a in sys.argv[1:5])
T = sys.argv[5]
SIPSH = sys.argv[6]
ENV = dict(os.environ)
RUN = ENV["SIPSH_RUNDIR"]
CONF = ENV["SIPSH_CONF"]


def now():
    return time.monotonic()


def sipsh(*cmds, check=True):
    args = [SIPSH, "-C", CONF]
    for c in cmds:
        args += ["-c", c]
    r = subprocess.run(args, env=ENV, capture_output=True, text=True)
    if check and r.returncode:
        raise SystemExit("sipsh %s: %s" % (cmds, r.stderr))
    return r.stdout


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
    v = ctrl("version")
    if not v or (newer_than_pid and v.get("pid") == newer_than_pid):
        return False
    regs = ctrl("registrations") or []
    return any(r["state"] == "registered" and aor_user in r["aor"]
               for r in regs)


def wait_until(pred, limit=10.0, step=0.002):
    end = now() + limit
    while now() < end:
        if pred():
            return True
        time.sleep(step)
    raise SystemExit("timed out; registrations: %s"
                     % ctrl("registrations"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def summary(name, values, unit="ms"):
    med = statistics.median(values)
    print("%-40s %8.1f %s  (min %.1f, max %.1f, n=%d)"
          % (name, med, unit, min(values), max(values), len(values)))
    return med


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
        t0 = now()
        p = subprocess.Popen(["stdbuf", "-oL", "baresip", "-f", d],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in p.stdout:
            if b"200 OK" in line:
                break
        times.append((now() - t0) * 1000)
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
    pid = ctrl("version")["pid"]
    rss.append(rss_kib(pid) / 1024)
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


def commit_sip():
    times = []
    for i in range(N):
        pid = ctrl("version")["pid"]
        time.sleep(1.1)      # past runsv's crash-loop guard, as above
        t0 = now()
        sipsh("sip", "register-interval %d" % (61 - i % 2))
        wait_until(lambda: registered("1001", newer_than_pid=pid))
        times.append((now() - t0) * 1000)
    return times


def main():
    print("sipsh phone vs plain baresip 1.0.0, Kamailio on 127.0.0.1, "
          "n=%d" % N)
    print("plain baresip...", file=sys.stderr)
    plain_t, plain_rss = plain_baresip()
    print("sipsh phone start...", file=sys.stderr)
    ours_t, ours_rss = sipsh_phone()
    print("commits...", file=sys.stderr)
    acc_t = commit_account()
    sip_t = commit_sip()
    print()
    summary("plain baresip: start -> registered", plain_t)
    summary("sipsh: phone start -> registered", ours_t)
    summary("sipsh: commit (account) -> registered", acc_t)
    summary("sipsh: commit (sip, restart) -> registered", sip_t)
    summary("plain baresip: RSS registered, idle", plain_rss, "MiB")
    summary("sipsh's baresip: RSS registered, idle", ours_rss, "MiB")
    sipsh("phone stop", check=False)


main()
