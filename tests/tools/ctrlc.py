#!/usr/bin/env python3
# A client of the ctrl module's socket for the tests:
#   ctrlc.py [-w SECS] [-u REGEX] SOCKET [REQUEST...]
# sends each request line and prints what comes back up to and including
# its reply (events too); then, with -w, keeps printing for SECS seconds,
# stopping early at a line matching REGEX (exit 4 if none did). Exit 2:
# cannot connect; 1: no reply within 10 s; 3: the connection closed.
import json, re, select, socket, sys, time
args = sys.argv[1:]
wait, until = 0.0, None
while len(args) > 1 and args[0] in ('-w', '-u'):
    if args[0] == '-w':
        wait = float(args[1])
    else:
        until = re.compile(args[1])
    args = args[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(args[0])
except OSError as e:
    print('connect: %s' % e.strerror, file=sys.stderr)
    sys.exit(2)
buf = b''
def lines(deadline):
    global buf
    while True:
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            yield line.decode('utf-8', 'replace')
        left = deadline - time.time()
        if left <= 0:
            return
        if not select.select([s], [], [], left)[0]:
            return
        data = s.recv(65536)
        if not data:
            raise EOFError
        buf += data
def is_reply(line):
    try:
        return 'event' not in json.loads(line)
    except ValueError:
        return True
try:
    for req in args[1:]:
        s.sendall(req.encode() + b'\n')
        for line in lines(time.time() + 10):
            print(line, flush=True)
            if is_reply(line):
                break
        else:
            print('no reply to: %s' % req, file=sys.stderr)
            sys.exit(1)
    if wait:
        for line in lines(time.time() + wait):
            print(line, flush=True)
            if until and until.search(line):
                sys.exit(0)
        if until:
            sys.exit(4)
except EOFError:
    print('connection closed', file=sys.stderr)
    sys.exit(3)
