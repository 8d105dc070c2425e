"""What a start is made of: one start of a phone under strace, cut into
parts at markers every start passes (the exec, the configuration read,
runsv's fork, baresip's exec, each module's file opened, the REGISTER,
its 200 OK). strace follows every process of the start (-f), stops them
only at the few system calls it traces (--seccomp-bpf), and stamps each
with the wall clock; the tracing itself slows a start, so the parts are
read for their shares, and the untraced totals are measure.py's.
"""
import glob
import re
import subprocess
import time

TRACE = "execve,openat,bind,sendto,recvfrom,clone,clone3,exit_group"
LINE = re.compile(r"^(\d+\.\d+)\s+(.*)$")
BARESIP_EXEC = re.compile(r'execve\("[^"]*/baresip"')
MODULE = re.compile(r'openat\(.*/modules/([A-Za-z0-9_]+)\.so"')


def trace(argv, done, log, env, limit=10.0):
    """Runs argv under strace until done() holds (bounded by limit), then
    ends strace by its PID. The traced processes run on, but keep its
    seccomp filter, under which the traced system calls fail (ENOSYS):
    the caller ends them. Returns the events (time, pid, text) and the
    traced PIDs."""
    p = subprocess.Popen(["strace", "-ff", "-ttt", "--seccomp-bpf",
                          "-e", "trace=" + TRACE, "-s", "200", "-o", log]
                         + argv, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    end = time.monotonic() + limit
    while time.monotonic() < end and not done():
        time.sleep(0.005)
    time.sleep(0.2)
    p.kill()
    p.wait()
    # One file per process (-ff: LOG.PID), merged by time.
    events, pids = [], []
    for path in glob.glob(log + ".*"):
        pid = path.rsplit(".", 1)[1]
        if not pid.isdigit():
            continue
        pids.append(pid)
        with open(path) as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    events.append((float(m.group(1)), pid, m.group(2)))
    events.sort(key=lambda e: e[0])
    return events, pids


def first(events, pred):
    for t, pid, text in events:
        if pred(pid, text):
            return t, pid
    return None, None


def modules(events, pid=None):
    """Each module's file opened by baresip, in order: (name, time)."""
    out, seen = [], set()
    for t, p, text in events:
        m = MODULE.search(text)
        if m and (pid is None or p == pid) and m.group(1) not in seen:
            seen.add(m.group(1))
            out.append((m.group(1), t))
    return out


def register_parts(events, t_first_module, bpid):
    """From the first module to the 200 OK: each module, then the
    registration. Returns [(label, ms)]."""
    mods = modules(events, bpid)
    reg, _ = first(events, lambda p, x: p == bpid and "sendto(" in x and
                   "REGISTER " in x)
    ok, _ = first(events, lambda p, x: p == bpid and "recvfrom(" in x and
                  "SIP/2.0 200" in x)
    parts = []
    for i, (name, t) in enumerate(mods):
        nxt = mods[i + 1][1] if i + 1 < len(mods) else reg
        if nxt is not None:
            parts.append(("module %s (its load and init)" % name,
                          (nxt - t) * 1000))
    if reg is not None and ok is not None:
        parts.append(("REGISTER to its 200 OK (with the 401 answered)",
                      (ok - reg) * 1000))
    return parts, ok


def plain_parts(events):
    t0 = events[0][0]
    bpid = events[0][1]
    mods = modules(events, bpid)
    if not mods:
        return None, None
    parts = [("exec to the first module (linking, config, SIP stack)",
              (mods[0][1] - t0) * 1000)]
    more, ok = register_parts(events, mods[0][1], bpid)
    return parts + more, (ok - t0) * 1000 if ok else None


def sipsh_parts(events, conf):
    t0 = events[0][0]
    spid = events[0][1]
    conf_t, _ = first(events, lambda p, x: p == spid and "openat(" in x
                      and conf in x and "ENOENT" not in x)
    fork_t, _ = first(events, lambda p, x: p == spid and
                      x.startswith(("clone(", "clone3(")))
    bexec_t, bpid = first(events, lambda p, x: BARESIP_EXEC.match(x) and
                          "ENOENT" not in x)
    ret_t, _ = first(events, lambda p, x: p == spid and
                     x.startswith("exit_group("))
    if None in (conf_t, fork_t, bexec_t):
        return None, None, None
    mods = modules(events, bpid)
    if not mods:
        return None, None, None
    parts = [
        ("sipsh: exec to reading its file (linking libre, OpenSSL)",
         (conf_t - t0) * 1000),
        ("sipsh: load, check, generate (unchanged files not rewritten)",
         (fork_t - conf_t) * 1000),
        ("runsv: fork, exec, the run script, until baresip's exec",
         (bexec_t - fork_t) * 1000),
        ("baresip: exec to the first module (linking, config, SIP stack)",
         (mods[0][1] - bexec_t) * 1000),
    ]
    more, ok = register_parts(events, mods[0][1], bpid)
    total = (ok - t0) * 1000 if ok else None
    returned = (ret_t - t0) * 1000 if ret_t else None
    return parts + more, total, returned
