#!/usr/bin/env bash
# Faults injected on purpose, each a named check (issue 13): the phone
# killed with SIGKILL (by its PID) during a connected call between two
# lines, control clients that send garbage or go away in the middle of a
# request, and the registrar killed with SIGKILL. After each the shell
# must tell the truth: no call that is gone, the phone restarted by runsv
# and registered again, the lines idle, other clients served, the memory
# of the phone bounded, the registrations no longer "registered" once the
# phone can know it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/telephone.sh"

KP=$((12000 + $$ % 500 * 4))    # Kamailio
SP=$((KP + 1))                  # our phone's SIP port
RTP=$((14000 + $$ % 500 * 20))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
PY=$(command -v python3)

trap 'phone_down; cleanup' EXIT

json() { S -c "$1 | json" 2>/dev/null; }
reg_state() { json 'show registrations' | grep -o "\"$1\":{[^}]*}" |
	grep -o '"state":"[a-z]*"' | cut -d'"' -f4; }
line_state() { json 'show lines' | grep -o "\"$1\":{[^}]*}" |
	grep -o '"state":"[a-z]*"' | cut -d'"' -f4; }
lines_idle() { [ "$(line_state 0)" = idle ] && [ "$(line_state 1)" = idle ]; }
n_established() { S -c 'show calls' 2>/dev/null | grep -c established; }
phone_pid() { json 'show phone' | grep -o '"pid":[0-9]*' | head -1 | cut -d: -f2; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

kam_start "$KP" sipsh.test 1001:secret1 1002:secret2

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 10
 register-timeout 2
!
EOF
	two_lines_conf "$KP"
} >"$T/setup.in"
check "faults: the configuration is committed" S -f "$T/setup.in"
check "faults: phone start" S -c 'phone start'
if ! wait_for 10 reg_is 1 registered || ! wait_for 10 reg_is 2 registered; then
	fail "faults: both accounts register" "$(S -c 'show registrations' 2>&1)"
	exit 0
fi
wait_for 5 test -S "$SIPSH_RUNDIR/lines/line1.sock"

# --- The phone killed during a connected call between two lines ---------
# Line 0 calls 1002 (line 1) through Kamailio; both stay off hook until
# the line goes away under them.
tel b 1 'wait "ring on" 10' 'hook off' 'wait "state connected" 5' 'sleep 30'
B=$TEL_PID
tel a 0 'hook off' 'wait "tone dial" 3' 'dial 1002#' \
	'wait "state connected" 10' 'sleep 30'
A=$TEL_PID
if wait_for 15 sh -c "test \$('$SIPSH' -C '$C' -c 'show calls' 2>/dev/null | grep -c established) = 2" &&
	ev a 'state connected' && ev b 'state connected'; then
	pass "faults: line 0 calls line 1 through Kamailio: both connected"
else
	fail "faults: line 0 calls line 1 through Kamailio: both connected" \
		"$(S -c 'show calls' 2>&1; cat "$T/a.ev" "$T/b.ev")"
fi

old=$(phone_pid)
kill -9 "$old"
check "faults: baresip killed (SIGKILL to pid $old) during the call" \
	wait_for 5 sh -c "! kill -0 $old"
# The telephones see their line go away: the handset is as good as down.
endtel "$A"; endtel "$B"
check "faults: both telephones see their line close" \
	sh -c "grep -q 'closed the connection' '$T/a.ev' && grep -q 'closed the connection' '$T/b.ev'"
restarted() {
	local p
	p=$(phone_pid)
	[ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$old" ] &&
		reg_is 1 registered && reg_is 2 registered
}
if wait_for 10 restarted; then
	pass "faults: runsv restarted the phone (pid $(phone_pid)), both accounts registered again"
else
	fail "faults: runsv restarted the phone, both accounts registered again" \
		"$(S -c 'show phone' 2>&1; S -c 'show registrations' 2>&1)"
fi
if [ "$(n_established)" = 0 ] && ! json 'show calls' | grep -q '"id"'; then
	pass "faults: show calls: the killed call is gone"
else
	fail "faults: show calls: the killed call is gone" "$(S -c 'show calls' 2>&1)"
fi
check "faults: show lines: both lines idle" lines_idle
# The lines work again: a new call between them connects.
tel b2 1 'wait "ring on" 10' 'hook off' 'wait "state connected" 5' 'sleep 1' 'hook on'
B=$TEL_PID
tel a2 0 'hook off' 'wait "tone dial" 3' 'dial 1002#' \
	'wait "state connected" 10' 'sleep 1.5' 'hook on'
A=$TEL_PID
endtel "$A"; endtel "$B"
if ev a2 'state connected' && ev b2 'state connected'; then
	pass "faults: after the restart a new call between the lines connects"
else
	fail "faults: after the restart a new call between the lines connects" \
		"$(cat "$T/a2.ev" "$T/b2.ev")"
fi
check "faults: ... and both lines are idle again once it is hung up" \
	wait_for 5 lines_idle

# --- Control clients that send garbage or go away mid-request ------------
SOCK=$SIPSH_RUNDIR/ctrl.sock
BPID=$(phone_pid)
cat >"$T/garbage.py" <<'EOF'
import random, socket, sys
path, rounds = sys.argv[1], int(sys.argv[2])
rng = random.Random(13)          # the same bytes every run
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(5)
    return s
def gone(s):
    """Whether the phone closed this connection (all replies read)."""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
def send(s, b):
    try:
        s.sendall(b)
    except (BrokenPipeError, ConnectionResetError):
        pass
def served(s, i):
    s.sendall(b'{"id":%d,"command":"version"}\n' % i)
    return s.recv(4096).startswith(b'{"id":%d,"ok":true' % i)
keep = conn()
res = {k: True for k in ('binary', 'lax', 'overlong', 'nul', 'mib',
                         'served')}
for r in range(rounds):
    # Binary without NUL or newline, then a newline: one malformed line.
    b = conn()
    junk = bytes(rng.choice(range(1, 256)) for _ in range(3000))
    send(b, junk.replace(b'\n', b' ') + b'\n')
    rep = b.recv(4096)
    res['binary'] &= rep.startswith(b'{"id":null,"ok":false,"error":"malformed JSON')
    b.close()
    # JSON that libre would take but is not JSON: refused, client kept.
    x = conn()
    send(x, b'{"id":9,"command":"version",}\n{"id":1,":8,"command":"calls"}\n')
    rep = b''
    while rep.count(b'\n') < 2:
        got = x.recv(4096)
        if not got:
            break
        rep += got
    res['lax'] &= rep.split(b'\n')[:2] == [
        b'{"id":null,"ok":false,"error":"malformed JSON: invalid syntax"}'] * 2
    x.close()
    # A line over 64 KiB with its newline: dropped.
    o = conn()
    send(o, b'{"id":1,"command":"' + b'x' * 70000 + b'"}\n')
    res['overlong'] &= gone(o)
    # A NUL byte inside a request: dropped.
    n = conn()
    send(n, b'{"id":1,"command":"ver\x00sion"}\n')
    res['nul'] &= gone(n)
    # Half a request, then the client goes away.
    h = conn()
    send(h, b'{"id":7,"command":"regis')
    h.close()
    # A whole request, gone before its reply is read.
    q = conn()
    send(q, b'{"id":8,"command":"registrations"}\n' * 50)
    q.close()
    # 1 MiB without a newline, in pieces: dropped after 64 KiB.
    m = conn()
    piece = bytes(rng.choice(range(1, 256)) for _ in range(16384)).replace(b'\n', b'a')
    for _ in range(64):
        send(m, piece)
    res['mib'] &= gone(m)
    res['served'] &= served(keep, r + 100)
for k, v in res.items():
    print(k, 'ok' if v else 'FAILED')
EOF
"$PY" "$T/garbage.py" "$SOCK" 1 >"$T/garbage1.out" 2>&1
rss0=$(rss_kb "$BPID")
"$PY" "$T/garbage.py" "$SOCK" 20 >"$T/garbage.out" 2>&1
rss1=$(rss_kb "$BPID")
g() { grep -qx "$1 ok" "$T/garbage.out" && grep -qx "$1 ok" "$T/garbage1.out"; }
gl() { cat "$T/garbage1.out" "$T/garbage.out"; }
if g binary; then pass "faults: ctrl: a binary line is answered 'malformed JSON', id null"
else fail "faults: ctrl: a binary line is answered 'malformed JSON'" "$(gl)"; fi
if g lax; then pass "faults: ctrl: text libre would take but is not JSON is refused 'invalid syntax'"
else fail "faults: ctrl: text that is not JSON is refused 'invalid syntax'" "$(gl)"; fi
if g overlong; then pass "faults: ctrl: a line over 64 KiB: that client is dropped"
else fail "faults: ctrl: a line over 64 KiB: that client is dropped" "$(gl)"; fi
if g nul; then pass "faults: ctrl: a NUL byte: that client is dropped"
else fail "faults: ctrl: a NUL byte: that client is dropped" "$(gl)"; fi
if g mib; then pass "faults: ctrl: 1 MiB without a newline: that client is dropped"
else fail "faults: ctrl: 1 MiB without a newline: that client is dropped" "$(gl)"; fi
if g served; then
	pass "faults: ctrl: a client kept open is served after every kind of garbage, half request and vanished client (21 rounds)"
else
	fail "faults: ctrl: a client kept open is served after the garbage" "$(gl)"
fi
if [ "$(phone_pid)" = "$BPID" ] && kill -0 "$BPID" 2>/dev/null &&
	reg_is 1 registered; then
	pass "faults: ctrl: the phone did not crash or restart (pid $BPID) and is registered"
else
	fail "faults: ctrl: the phone did not crash or restart" \
		"pid $BPID, now $(phone_pid); $(tail -5 "$SIPSH_RUNDIR/log/current" 2>&1)"
fi
# 20 rounds (20 MiB and more sent) after a first one: the phone's memory
# grows by less than 4 MiB, i.e. what a client sends is never kept.
if [ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 4096 ]; then
	pass "faults: ctrl: memory bounded: RSS ${rss0} kB before 20 rounds, ${rss1} kB after"
else
	fail "faults: ctrl: memory bounded" "RSS ${rss0} kB before, ${rss1} kB after"
fi
log=$SIPSH_RUNDIR/log/current
check "faults: ctrl: the log says why each client was dropped" sh -c \
	"grep -q 'disconnected: request longer than 64 KiB' '$log' &&
	 grep -q 'disconnected: sent a NUL byte' '$log' &&
	 grep -q 'disconnected: closed' '$log'"

# --- The registrar killed -------------------------------------------------
# SIGKILL to Kamailio's main process and its workers, by PID: nothing
# answers on its port any more. The refresh goes unanswered (libre would
# wait 32 s to say so over UDP), but the phone knows when the registrar
# last confirmed the binding: once register-interval (10 s) has passed
# since then, the account is no longer shown registered.
kpid=${KAM_PID[$KP]}
kids=$(pgrep -P "$kpid" | tr '\n' ' ')
# shellcheck disable=SC2086
kill -9 "$kpid" $kids
wait "$kpid" 2>/dev/null
forget "$kpid"
unset "KAM_PID[$KP]"
check "faults: Kamailio killed (SIGKILL to pid $kpid and its workers)" \
	sh -c "! kill -0 $kpid 2>/dev/null"
off() { ! reg_is 1 registered && ! reg_is 2 registered; }
start=$SECONDS
if wait_for 15 off; then
	pass "faults: a killed registrar: both accounts leave 'registered' within $((SECONDS - start)) s (register-interval 10 s since the last confirmation)"
else
	fail "faults: a killed registrar: both accounts leave 'registered' within 15 s" \
		"$(S -c 'show registrations' 2>&1)"
fi
check "faults: ... show registrations says the account is retrying or failed" \
	sh -c "'$SIPSH' -C '$C' -c 'show registrations' | grep -Eq '^1 .*(registering|failed)'"
check "faults: ... and the phone itself still runs (pid $BPID)" \
	test "$(phone_pid)" = "$BPID"
kam_start "$KP" sipsh.test 1001:secret1 1002:secret2
if wait_for 15 reg_is 1 registered && wait_for 5 reg_is 2 registered; then
	pass "faults: the registrar back: both accounts registered again"
else
	fail "faults: the registrar back: both accounts registered again" \
		"$(S -c 'show registrations' 2>&1)"
fi

check "faults: phone stop" S -c 'phone stop'
