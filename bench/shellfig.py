"""The shell's own figures: a command's wall time (median of N runs) and
its instruction count under valgrind's callgrind, which, unlike a time,
repeats from run to run and machine to machine: what to compare across
changes. Each figure is the whole process (start, linking, the command,
exit); a start that runs no command is measured beside them.
"""
import os
import re
import shutil
import statistics
import subprocess
import time


def wall_ms(argv, env, n, prepare=None):
    values = []
    for _ in range(n):
        if prepare:
            prepare()
        t0 = time.monotonic()
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        values.append((time.monotonic() - t0) * 1000)
        if r.returncode:
            raise SystemExit("%s: exit %d" % (argv, r.returncode))
    return values


def instructions(argv, env, prepare=None):
    """Instructions (callgrind's Ir) of one run, or None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    if prepare:
        prepare()
    r = subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=/dev/null"] + argv, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    return int(m.group(1)) if m else None


def batch_file(path, n):
    """n commands: the sip section entered, n - 2 localnet lines added,
    and left; committed once, at the end, as every batch is."""
    with open(path, "w") as f:
        f.write("sip\n")
        for i in range(n - 2):
            f.write(" localnet 10.%d.%d.0/24\n" % (i // 256, i % 256))
        f.write("!\n")


def figures(sipsh, conf, tmp, n, env):
    """[(name, wall values ms, instructions)]"""
    env = dict(env)
    env["SIPSH_RUNDIR"] = os.path.join(tmp, "shell-run")   # no phone here
    os.makedirs(env["SIPSH_RUNDIR"], exist_ok=True)
    shown = os.path.join(tmp, "shell.conf")
    shutil.copyfile(conf, shown)
    batch_in = os.path.join(tmp, "batch.in")
    batch_conf = os.path.join(tmp, "batch.conf")
    batch_file(batch_in, 10000)

    def fresh():
        with open(batch_conf, "w") as f:
            f.write("! sipsh configuration\n")

    runs = [
        ("start and exit, no command", [sipsh, "-C", shown], None),
        ("show running-config", [sipsh, "-C", shown, "-c",
                                 "show running-config"], None),
        ("10,000-command batch (-f), one commit",
         [sipsh, "-q", "-C", batch_conf, "-f", batch_in], fresh),
    ]
    out = []
    for name, argv, prep in runs:
        out.append((name, wall_ms(argv, env, n, prep),
                    instructions(argv, env, prep)))
    return out
