#!/usr/bin/env bash
# The ctrl baresip module (baresip-mods/ctrl) inside the real
# /usr/bin/baresip: the version pin and module list, the socket's mode and
# group (a user outside the group cannot connect, one inside can), the
# per-account registration view, a call dialled, listed, held, resumed and
# hung up by id, a manual answer, call events reaching two clients at
# once, a SIP trace, accounts added and deleted at run time, errors that
# keep the client, and the module refusing to load when misconfigured or
# when another server owns the socket. Clients speak to the socket through
# a small Python client (no socat on the test hosts).
. "$(dirname "$0")/lib.sh"

MOD=$TOP/build/baresip-mods/ctrl.so
SYSMODS=/usr/lib/baresip/modules
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

if [ ! -f "$MOD" ] || [ ! -x /usr/bin/baresip ] || [ -z "$PY" ]; then
	fail "ctrl: prerequisites" "need $MOD (make), /usr/bin/baresip, python3"
	exit 0
fi

# ctrlc [-w SECS] [-u REGEX] SOCKET [REQUEST...]: sends each request line
# and prints what comes back up to and including its reply (events too);
# then, with -w, keeps printing for SECS seconds, stopping early at a line
# matching REGEX (exit 4 if none did). Exit 2: cannot connect.
# A copy in $T, which the test users of the group checks can read.
cp "$TOP/tests/tools/ctrlc.py" "$T/ctrlc.py"
chmod 0644 "$T/ctrlc.py"
ctrlc() { "$PY" "$T/ctrlc.py" "$@"; }

# A free port for SIP (baresip also takes port+1 for TLS).
free_port() {
	"$PY" - <<'EOF'
import random, socket
for _ in range(200):
    p = random.randint(20000, 32000)
    try:
        for q in (p, p + 1):
            for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                x = socket.socket(socket.AF_INET, t)
                x.bind(('127.0.0.1', q))
                x.close()
        print(p)
        break
    except OSError:
        pass
EOF
}

# mkconf DIR PORT [EXTRA-CONFIG-LINE...]: a baresip config dir whose
# module_path holds our ctrl.so and the system modules it needs.
mkconf() {
	local d=$1 port=$2 m
	shift 2
	mkdir -p "$d/mods"
	ln -sf "$MOD" "$d/mods/ctrl.so"
	for m in g711 account; do
		ln -sf "$SYSMODS/$m.so" "$d/mods/$m.so"
	done
	{
		echo "module_path $d/mods"
		echo "sip_listen 127.0.0.1:$port"
		echo "net_interface 127.0.0.1"
		echo "module g711.so"
		echo "module ctrl.so"
		echo "module_app account.so"
		printf '%s\n' "$@"
	} >"$d/config"
	{
		echo "<sip:100@127.0.0.1:$port>;regint=0;answermode=manual"
		echo "<sip:101@127.0.0.1:$port>;regint=0;answermode=auto"
	} >"$d/accounts"
}

# Whether a PID is running (a zombie awaiting our wait does not count).
running() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st != *") Z "* ]]
}

# stop PID: SIGTERM, then SIGKILL after 10 s.
stop() {
	local _
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do
		running "$1" || break
		sleep 0.2
	done
	running "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_match FILE REGEX [SECS]: until FILE has a line matching REGEX.
wait_match() {
	local _
	for _ in $(seq $((${3:-10} * 10))); do
		grep -q -E -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Throwaway group and users for the socket permissions, removed at exit.
G=sipshg$$
UOUT=sipsho$$
UIN=sipshi$$
have_users=
ctrl_cleanup() {
	if [ -n "$have_users" ]; then
		userdel "$UOUT" 2>/dev/null
		userdel "$UIN" 2>/dev/null
		groupdel "$G" 2>/dev/null
	fi
	[ -n "${BPID:-}" ] && running "$BPID" && stop "$BPID"
	cleanup
}
trap ctrl_cleanup EXIT

GROUPLINE=
VIEWLINE=
if [ "$(id -u)" = 0 ] && groupadd "$G" 2>/dev/null; then
	have_users=1
	if ! useradd -M -N -g nogroup -s /usr/sbin/nologin "$UOUT" ||
		! useradd -M -N -g nogroup -G "$G" -s /usr/sbin/nologin "$UIN"; then
		fail "ctrl: throwaway users" "useradd failed"
	fi
	GROUPLINE="ctrl_socket_group $G"
	# Its members may read state (auth.c): the view role.
	VIEWLINE="ctrl_view_group $G"
fi

PORT=$(free_port)
SOCK=$T/ctrl.sock
A100="sip:100@127.0.0.1:$PORT"
A101="sip:101@127.0.0.1:$PORT"

# --- The module refuses to load when misconfigured ----------------------
mkconf "$T/nosock" "$PORT"
timeout 20 baresip -f "$T/nosock" -t 1 </dev/null >"$T/nosock.log" 2>&1
check "ctrl: no ctrl_socket: refuses to load and says why" \
	grep -q "ctrl: no 'ctrl_socket PATH' in the baresip config: not loading" \
	"$T/nosock.log"

: >"$T/plainfile"
mkconf "$T/notsock" "$PORT" "ctrl_socket $T/plainfile"
timeout 20 baresip -f "$T/notsock" -t 1 </dev/null >"$T/notsock.log" 2>&1
check "ctrl: ctrl_socket that is not a socket: refuses, file kept" \
	eval "grep -q 'exists and is not a socket: not loading' '$T/notsock.log' && test -f '$T/plainfile'"

mkconf "$T/badmode" "$PORT" "ctrl_socket $T/x.sock" "ctrl_socket_mode 0999"
timeout 20 baresip -f "$T/badmode" -t 1 </dev/null >"$T/badmode.log" 2>&1
check "ctrl: a bad ctrl_socket_mode is refused" \
	grep -q "ctrl_socket_mode '0999' is not an octal mode" "$T/badmode.log"

# The version pin: the same binary with its embedded version string
# changed to 1.0.9 is refused by name.
"$PY" - "$T/baresip-1.0.9" <<'EOF'
import sys
b = open('/usr/bin/baresip', 'rb').read()
assert b.count(b'baresip v1.0.0 (') == 1
open(sys.argv[1], 'wb').write(b.replace(b'baresip v1.0.0 (', b'baresip v1.0.9 ('))
EOF
chmod 0755 "$T/baresip-1.0.9"
mkconf "$T/other" "$PORT" "ctrl_socket $T/other.sock"
timeout 20 "$T/baresip-1.0.9" -f "$T/other" -t 1 </dev/null >"$T/other.log" 2>&1
check "ctrl: refuses to load into another baresip version" \
	grep -q -F 'ctrl: built for baresip 1.0.0 / libre 1.1.0, running on baresip 1.0.9 / libre 1.1.0: not loading' \
	"$T/other.log"
check "ctrl: ... and leaves no socket behind" test ! -e "$T/other.sock"

# --- Start baresip over a stale socket left by a dead server ------------
"$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
mkconf "$T/b" "$PORT" "ctrl_socket $SOCK" ${GROUPLINE:+"$GROUPLINE"} \
	${VIEWLINE:+"$VIEWLINE"}
baresip -f "$T/b" </dev/null >"$T/baresip.log" 2>&1 &
BPID=$!
TEST_PIDS+=("$BPID")

ready=
for _ in $(seq 100); do
	if [ -S "$SOCK" ] && ctrlc "$SOCK" '{"id":1,"command":"version"}' \
		>"$T/version.out" 2>/dev/null; then
		ready=1
		break
	fi
	running "$BPID" || break
	sleep 0.1
done
if [ -z "$ready" ]; then
	fail "ctrl: baresip starts with the module" "$(tail -20 "$T/baresip.log")"
	exit 0
fi
pass "ctrl: baresip starts with the module"
check "ctrl: a stale socket is replaced" \
	grep -q "ctrl: removed stale socket $SOCK" "$T/baresip.log"

check "ctrl: version answers baresip 1.0.0 / libre 1.1.0" \
	grep -q -F '"ok":true,"data":{"baresip":"1.0.0","libre":"1.1.0","pid":'"$BPID" \
	"$T/version.out"
check "ctrl: ctrl is in the module list" \
	grep -q -E '"modules":\[[^]]*"ctrl"' "$T/version.out"
check "ctrl: the socket is mode 0660" test "$(stat -c %a "$SOCK")" = 660

# --- Registrations ------------------------------------------------------
ctrlc "$SOCK" '{"id":2,"command":"registrations"}' >"$T/reg.out" 2>&1
check "ctrl: registrations lists 100 with state off" \
	grep -q -F '{"aor":"'"$A100"'","registered":false,"state":"off","registrar":"127.0.0.1:'"$PORT"'","expires":0' \
	"$T/reg.out"
check "ctrl: registrations lists 101 with state off" \
	grep -q -F '{"aor":"'"$A101"'","registered":false,"state":"off"' "$T/reg.out"

# --- Errors keep the client --------------------------------------------
ctrlc "$SOCK" '{"id":3,"command":"frobnicate"}' '{"id":4,"command":' \
	'["not","an","object"]' '{"id":5} trailing' \
	'{"id":6,"command":"version"}' >"$T/err.out" 2>&1
expect_out "ctrl: unknown command and malformed JSON: ok:false, client kept" \
'{"id":3,"ok":false,"error":"unknown command '"'frobnicate'"'"}
{"id":null,"ok":false,"error":"malformed JSON: unterminated object"}
{"id":null,"ok":false,"error":"malformed JSON: expected a JSON object"}
{"id":null,"ok":false,"error":"malformed JSON: trailing data after the object"}
ok' sed 's/^{"id":6,"ok":true,.*/ok/' "$T/err.out"

# A client sending a line over 64 KiB or a NUL byte is dropped, alone.
"$PY" - "$SOCK" >"$T/garbage.out" 2>&1 <<'EOF'
import socket, sys
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.settimeout(5)
    return s
def dropped(s):
    try:
        return s.recv(100) == b''
    except ConnectionResetError:
        return True
keep = conn()
big = conn()
big.sendall(b'{"id":1,"command":"' + b'a' * 70000)
nul = conn()
nul.sendall(b'{"id":1,\x00"command":"version"}\n')
print('long line dropped:', dropped(big))
print('NUL byte dropped:', dropped(nul))
keep.sendall(b'{"id":2,"command":"calls"}\n')
print('other client kept:', keep.recv(100).startswith(b'{"id":2,"ok":true'))
EOF
expect_out "ctrl: a client sending garbage is dropped, others kept" \
'long line dropped: True
NUL byte dropped: True
other client kept: True' cat "$T/garbage.out"

# --- Socket permissions -------------------------------------------------
if [ -n "$have_users" ]; then
	check "ctrl: the socket belongs to ctrl_socket_group" \
		test "$(stat -c %G "$SOCK")" = "$G"
	runuser -u "$UOUT" -- "$PY" "$T/ctrlc.py" "$SOCK" \
		'{"id":1,"command":"version"}' >"$T/uout.out" 2>&1
	rc=$?
	check "ctrl: a user outside the socket's group cannot connect" \
		eval "test $rc = 2 && grep -q 'Permission denied' '$T/uout.out'"
	runuser -u "$UIN" -- "$PY" "$T/ctrlc.py" "$SOCK" \
		'{"id":1,"command":"version"}' >"$T/uin.out" 2>&1
	check "ctrl: a user in the socket's group can" \
		grep -q -F '"ok":true' "$T/uin.out"
else
	echo "skip - ctrl: socket group checks need root"
fi

# --- A call from 100 to 101 (auto-answer), seen by two clients ---------
for n in 1 2; do
	ctrlc -w 20 -u '"type":"closed"' "$SOCK" '{"id":1,"command":"version"}' \
		>"$T/listen$n.out" 2>&1 &
	eval "L$n=\$!"
done
ctrlc -w 20 -u '"dir":"send".*"text":"INVITE sip:101@' "$SOCK" \
	'{"id":1,"command":"trace","on":true}' >"$T/trace.out" 2>&1 &
LT=$!
for f in listen1 listen2 trace; do
	wait_match "$T/$f.out" '^\{"id":1,"ok":true' ||
		fail "ctrl: client $f connects" "$(cat "$T/$f.out")"
done

ctrlc "$SOCK" '{"id":7,"command":"dial","aor":"'"$A100"'","uri":"sip:101@127.0.0.1:'"$PORT"'"}' \
	>"$T/dial.out" 2>&1
CALL=$(sed -n 's/^{"id":7,"ok":true,"data":{"id":"\([^"]*\)"}}$/\1/p' "$T/dial.out")
check "ctrl: dial gives a call id" test -n "$CALL"

est=
for _ in $(seq 50); do
	ctrlc "$SOCK" '{"id":8,"command":"calls"}' >"$T/calls.out" 2>&1
	if grep -q -F '{"id":"'"$CALL"'","aor":"'"$A100"'","direction":"out","peer":"sip:101@127.0.0.1:'"$PORT"'","state":"established"' \
		"$T/calls.out"; then
		est=1
		break
	fi
	sleep 0.2
done
check "ctrl: the call is established and listed with direction out" test -n "$est"
check "ctrl: the answering leg is listed with direction in" \
	grep -q -F '{"id":"'"$CALL"'","aor":"'"$A101"'","direction":"in"' "$T/calls.out"

ctrlc "$SOCK" '{"id":9,"command":"hangup","call":"'"$CALL"'"}' >"$T/amb.out" 2>&1
check "ctrl: a Call-ID shared by two local legs needs 'aor'" \
	grep -q -F '{"id":9,"ok":false,"error":"call id '"'$CALL'"' is ambiguous' "$T/amb.out"

ctrlc "$SOCK" '{"id":10,"command":"hold","call":"'"$CALL"'","aor":"'"$A100"'"}' \
	'{"id":11,"command":"calls"}' >"$T/hold.out" 2>&1
check "ctrl: hold by id is accepted" \
	grep -q -F '{"id":10,"ok":true,"data":{"id":"'"$CALL"'"}}' "$T/hold.out"
check "ctrl: calls shows it held" \
	grep -q -E '"aor":"'"$A100"'","direction":"out"[^}]*"held":true' "$T/hold.out"
ctrlc "$SOCK" '{"id":12,"command":"resume","call":"'"$CALL"'","aor":"'"$A100"'"}' \
	'{"id":13,"command":"calls"}' >"$T/resume.out" 2>&1
check "ctrl: resume by id takes it off hold" \
	eval "grep -q -F '{\"id\":12,\"ok\":true' '$T/resume.out' && ! grep -q '\"held\":true' '$T/resume.out'"

ctrlc "$SOCK" '{"id":14,"command":"hangup","call":"'"$CALL"'","aor":"'"$A100"'"}' \
	>"$T/hangup.out" 2>&1
check "ctrl: hangup by id" \
	grep -q -F '{"id":14,"ok":true,"data":{"id":"'"$CALL"'"}}' "$T/hangup.out"
gone=
for _ in $(seq 50); do
	ctrlc "$SOCK" '{"id":15,"command":"calls"}' >"$T/calls2.out" 2>&1
	grep -q -F '{"id":15,"ok":true,"data":[]}' "$T/calls2.out" && gone=1 && break
	sleep 0.2
done
check "ctrl: both legs are gone after the hangup" test -n "$gone"

wait "$L1" "$L2" "$LT"
for n in 1 2; do
	check "ctrl: client $n of 2 saw the call established" \
		grep -q -F '{"event":"call","type":"established","aor":"'"$A100"'","id":"'"$CALL"'","direction":"out"' \
		"$T/listen$n.out"
	check "ctrl: client $n of 2 saw the call closed" \
		grep -q -F '{"event":"call","type":"closed","aor":"'"$A100"'","id":"'"$CALL"'"' \
		"$T/listen$n.out"
done
check "ctrl: trace on shows the INVITE sent" \
	grep -q -E '^\{"event":"sip","dir":"send","transport":"UDP","src":"127\.0\.0\.1:[0-9]+","dst":"127\.0\.0\.1:'"$PORT"'","text":"INVITE sip:101@' \
	"$T/trace.out"
check "ctrl: trace events went only to the tracing client" \
	eval "! grep -q '\"event\":\"sip\"' '$T/listen1.out' '$T/listen2.out'"

# --- A manual answer: 101 calls 100 (answermode=manual) ----------------
ctrlc -w 10 -u '"type":"incoming"' "$SOCK" \
	'{"id":16,"command":"dial","aor":"'"$A101"'","uri":"sip:100@127.0.0.1:'"$PORT"'"}' \
	>"$T/dial2.out" 2>&1
CALL2=$(sed -n 's/^{"id":16,"ok":true,"data":{"id":"\([^"]*\)"}}$/\1/p' "$T/dial2.out")
check "ctrl: an incoming call to a manual account raises 'incoming'" \
	grep -q -F '{"event":"call","type":"incoming","aor":"'"$A100"'","id":"'"$CALL2"'","direction":"in"' \
	"$T/dial2.out"
ctrlc -w 10 -u '"type":"established","aor":"'"$A100"'"' "$SOCK" \
	'{"id":17,"command":"answer","call":"'"$CALL2"'","aor":"'"$A100"'"}' \
	>"$T/answer.out" 2>&1
check "ctrl: answer by id establishes it" \
	eval "grep -q -F '{\"id\":17,\"ok\":true' '$T/answer.out' && grep -q -F '\"type\":\"established\",\"aor\":\"$A100\"' '$T/answer.out'"
ctrlc "$SOCK" '{"id":18,"command":"hangup","call":"'"$CALL2"'","aor":"'"$A101"'"}' \
	'{"id":19,"command":"hangup","call":"nosuchcall"}' >"$T/hangup2.out" 2>&1
check "ctrl: hangup of the other leg; an unknown call id is refused" \
	eval "grep -q -F '{\"id\":18,\"ok\":true' '$T/hangup2.out' && grep -q -F '{\"id\":19,\"ok\":false,\"error\":\"no call with id '\\''nosuchcall'\\''\"}' '$T/hangup2.out'"

# --- Accounts added and removed at run time -----------------------------
A102="sip:102@127.0.0.1:$PORT"
ctrlc "$SOCK" '{"id":20,"command":"ua_add","line":"<'"$A102"'>;regint=0"}' \
	'{"id":21,"command":"ua_add","line":"<'"$A102"'>;regint=0"}' \
	'{"id":22,"command":"registrations"}' \
	'{"id":23,"command":"ua_del","aor":"'"$A102"'"}' \
	'{"id":24,"command":"registrations"}' \
	'{"id":25,"command":"ua_del","aor":"'"$A102"'"}' \
	'{"id":26,"command":"dial","aor":"'"$A100"'","uri":"not a uri"}' \
	>"$T/ua.out" 2>&1
expect_out "ctrl: ua_add, duplicate refused, ua_del, unknown AOR, bad URI" \
'{"id":20,"ok":true,"data":{"aor":"'"$A102"'"}}
{"id":21,"ok":false,"error":"account '"'$A102'"' exists"}
22 has 102
{"id":23,"ok":true,"data":{"aor":"'"$A102"'"}}
24 lacks 102
{"id":25,"ok":false,"error":"unknown AOR '"'$A102'"'"}
{"id":26,"ok":false,"error":"bad URI '"'not a uri'"'"}' \
	awk -v a="\"aor\":\"$A102\"" '
		/^\{"id":2[24],/ { print substr($0, 7, 2), (index($0, a) ? "has" : "lacks"), 102; next }
		{ print }' "$T/ua.out"

# --- Registrations against a registrar --------------------------------
# A minimal UDP registrar: 200 OK for user 200, 403 Forbidden for others.
"$PY" - >"$T/registrar.port" 2>"$T/registrar.err" <<'EOF' &
import re, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
while True:
    data, addr = s.recvfrom(65535)
    head = data.decode('utf-8', 'replace').split('\r\n\r\n', 1)[0].split('\r\n')
    if not head[0].startswith('REGISTER '):
        continue
    def hdrs(*names):
        return [l for l in head[1:] if l.split(':', 1)[0].strip().lower() in names]
    to = hdrs('to', 't')[0]
    user = re.search(r'sips?:([^@;>]+)@', to).group(1)
    if ';tag=' not in to:
        to += ';tag=reg'
    resp = ['SIP/2.0 ' + ('200 OK' if user == '200' else '403 Forbidden')]
    resp += hdrs('via', 'v') + hdrs('from', 'f') + [to]
    resp += hdrs('call-id', 'i') + hdrs('cseq') + ['Content-Length: 0', '', '']
    s.sendto('\r\n'.join(resp).encode(), addr)
EOF
REGPID=$!
TEST_PIDS+=("$REGPID")
wait_match "$T/registrar.port" '^[0-9]+$' || fail "ctrl: test registrar" "$(cat "$T/registrar.err")"
RPORT=$(head -1 "$T/registrar.port")
A200="sip:200@127.0.0.1:$RPORT"
A201="sip:201@127.0.0.1:$RPORT"

ctrlc -w 10 -u '"event":"register","aor":"'"$A201"'","state":"failed"' "$SOCK" \
	'{"id":30,"command":"ua_add","line":"<'"$A200"'>;regint=60"}' \
	'{"id":31,"command":"ua_add","line":"<'"$A201"'>;regint=60"}' \
	>"$T/regev.out" 2>&1
check "ctrl: a register event says registered with the 200 OK" \
	grep -q -F '{"event":"register","aor":"'"$A200"'","state":"registered","last":"200 OK"}' \
	"$T/regev.out"
check "ctrl: a register event says failed with the 403" \
	grep -q -F '{"event":"register","aor":"'"$A201"'","state":"failed","last":"403 Forbidden"}' \
	"$T/regev.out"
ctrlc "$SOCK" '{"id":32,"command":"registrations"}' >"$T/reg2.out" 2>&1
check "ctrl: registrations shows the registered account" \
	grep -q -F '{"aor":"'"$A200"'","registered":true,"state":"registered","registrar":"127.0.0.1:'"$RPORT"'","expires":60,"last":"200 OK","attempts":0,"since":' \
	"$T/reg2.out"
check "ctrl: registrations shows the failed account and its attempts" \
	grep -q -F '{"aor":"'"$A201"'","registered":false,"state":"failed","registrar":"127.0.0.1:'"$RPORT"'","expires":60,"last":"403 Forbidden","attempts":1,"since":' \
	"$T/reg2.out"
ctrlc "$SOCK" '{"id":33,"command":"ua_del","aor":"'"$A200"'"}' \
	'{"id":34,"command":"ua_del","aor":"'"$A201"'"}' \
	'{"id":35,"command":"registrations"}' >"$T/reg3.out" 2>&1
check "ctrl: deleted accounts leave the registrations" \
	eval "grep -q -F '{\"id\":35,\"ok\":true' '$T/reg3.out' && ! grep '^{\"id\":35,' '$T/reg3.out' | grep -q ':$RPORT\"'"

# --- A second baresip must not take over a live socket -------------------
PORT2=$(free_port)
mkconf "$T/second" "$PORT2" "ctrl_socket $SOCK"
timeout 20 baresip -f "$T/second" -t 1 </dev/null >"$T/second.log" 2>&1
check "ctrl: a second server refuses a live socket" \
	grep -q "ctrl: another server answers on $SOCK: not loading" "$T/second.log"
check "ctrl: the first server still answers" \
	ctrlc "$SOCK" '{"id":27,"command":"version"}'

# --- Shutdown removes the socket ---------------------------------------
stop "$BPID"
check "ctrl: baresip stops on SIGTERM" eval "! running $BPID"
check "ctrl: the socket is removed at unload" test ! -e "$SOCK"

# --- The shell against a phone that hangs up on it ------------------------
# A control socket that accepts and closes at once; the shell's request is
# held back 300 ms (strace delays its send), so it is written to a closed
# connection: an error to report, never a SIGPIPE (status 141, no word).
mkdir -p "$T/hup"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(8)
end = time.monotonic() + 20
s.settimeout(1)
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.close()
' "$T/hup/ctrl.sock" 2>"$T/hup.py.err" &
HUP_PID=$!
TEST_PIDS+=("$HUP_PID")
wait_for 5 test -S "$T/hup/ctrl.sock"
SIPSH_RUNDIR=$T/hup strace -o "$T/hup.trace" -e trace=connect,write,sendto \
	-e inject=write,sendto:delay_enter=300000 "$TOP/build/sipsh" \
	-C "$T/hup.conf" -c 'show registrations' >"$T/hup.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q 'show registrations: .*Broken pipe' "$T/hup.out" &&
	grep -q 'EPIPE' "$T/hup.trace"; then
	pass "ctrl: a phone that closes the socket is reported, not a SIGPIPE ($(head -1 "$T/hup.out"))"
else
	fail "ctrl: a phone that closes the socket is reported, not a SIGPIPE" \
		"status $rc: $(cat "$T/hup.out" "$T/hup.py.err"; grep -v 'write(2' "$T/hup.trace" | head -5)"
fi
kill "$HUP_PID" 2>/dev/null
