"""What both bench scripts (measure.py, flood.py) read of a process and
how they run sipsh: one copy, imported from the scripts' own directory."""
import os, subprocess, time


def now():
    return time.monotonic()


def cpu_ms(pid):
    """utime + stime of a process so far, in ms."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / \
        os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """Resident memory of a process, in KiB; 0 when it is gone."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sipsh_runner(sipsh, conf, env):
    """sipsh(*cmds, check=True): sipsh -C conf -c CMD ... ; its output,
    or the bench stops naming the commands when check and it failed."""
    def run(*cmds, check=True):
        args = [sipsh, "-C", conf]
        for c in cmds:
            args += ["-c", c]
        r = subprocess.run(args, env=env, capture_output=True, text=True)
        if check and r.returncode:
            raise SystemExit("sipsh %s: %s" % (cmds, r.stderr))
        return r.stdout
    return run
