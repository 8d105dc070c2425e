# Shared by every test script (sourced): where things are, a scratch
# directory removed on exit, and the pass/fail reporting tests/run.sh counts.
# A script reports each check with 'pass NAME' or 'fail NAME WHY'; run.sh
# counts the lines "ok - " and "FAIL - ".

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIPSH=${SIPSH:-$TOP/build/sipsh}
T=$(mktemp -d "${TMPDIR:-/tmp}/sipsh-test.XXXXXX")
chmod 0755 "$T"
export SIPSH_CONF=$T/sipsh.conf
# The phone's runtime state of this test, and our baresip modules as built.
export SIPSH_RUNDIR=$T/run
export SIPSH_MODDIR=$TOP/build/baresip-mods
mkdir -p "$SIPSH_RUNDIR"
export HOME=$T/home
mkdir -p "$HOME"

# Wireshark decodes a UDP or TCP port by its number before it tries SIP
# (26000 is Quake's, 27036 Steam's, 27960 Quake 3's), and tests pick
# their ports from wide ranges: SIP on such a port was read as that
# protocol, and a capture showed no SIP at all. Every tshark of a test
# reads its preferences from $HOME: there, each protocol that claims a
# port above 1023 is off, but those the tests read. The list, from this
# tshark, is made once per build directory.
if command -v tshark >/dev/null; then
	_protos_off=$TOP/build/tests/wireshark-disabled-protos
	if ! [ -s "$_protos_off" ]; then
		mkdir -p "${_protos_off%/*}"
		tshark -G decodes 2>/dev/null |
			awk -F'\t' '($1 == "udp.port" || $1 == "tcp.port") && $2 >= 1024 { print $3 }' |
			sort -u | grep -vxE 'sip|sdp|rtp|rtcp|rtpevent|stun|dns|tls|dtls' \
			>"$_protos_off.$$" && mv "$_protos_off.$$" "$_protos_off"
	fi
	mkdir -p "$HOME/.config/wireshark"
	cp "$_protos_off" "$HOME/.config/wireshark/disabled_protos" 2>/dev/null
fi

# Processes a test started, stopped by PID when the script ends.
TEST_PIDS=()
cleanup() {
	local p
	for p in "${TEST_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${TEST_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	# SIPSH_TEST_KEEP=1: a script that failed a check leaves its scratch
	# directory (logs, captures) for reading, and says where.
	if [ -n "${SIPSH_TEST_KEEP:-}" ] && [ -n "${T_FAILED:-}" ]; then
		echo "(kept $T)" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# stop_pid PID: one of them stopped now (TERM, then KILL after 3 s),
# waited for, and forgotten, so no later process with that number is
# killed at exit.
forget() {
	local p keep=()
	for p in "${TEST_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	TEST_PIDS=("${keep[@]}")
}
stop_pid() {
	local pid=$1 i
	[ -z "$pid" ] && return 0
	kill "$pid" 2>/dev/null
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	forget "$pid"
}

pass() { printf 'ok - %s\n' "$1"; }
fail() {
	T_FAILED=1
	printf 'FAIL - %s: %s\n' "$1" "$2"
}

# check NAME CMD...: pass when the command succeeds.
check() {
	local name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		pass "$name"
	else
		fail "$name" "$(head -c 600 "$T/check.out")"
	fi
}

# same NAME FILE-EXPECTED FILE-ACTUAL: pass when identical; else show a diff.
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(diff -u "$2" "$3" | head -40)"
	fi
}

# expect_out NAME EXPECTED-TEXT CMD...: pass when stdout+stderr is exactly it.
expect_out() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "$(printf 'expected:\n%s\ngot:\n%s' "$want" "$got")"
	fi
}

# wait_for SECONDS CMD...: run CMD every 50 ms until it succeeds; status 1
# once SECONDS have passed.
wait_for() {
	local end=$((SECONDS + $1)) i
	shift
	for i in $(seq 1 2000); do
		"$@" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
	return 1
}

# phone_down: stop the phone a test started through sipsh ('phone start'),
# the runsv that supervised it and its log's svlogd, by their PIDs, and
# wait (bounded) until they are gone.
phone_down() {
	local sv=$SIPSH_RUNDIR/sv/baresip p pids=() i
	"$SIPSH" -c 'phone stop' >/dev/null 2>&1
	p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null) && pids+=("$p")
	p=$(cat "$sv/supervise/pid" 2>/dev/null) && [ -n "$p" ] && pids+=("$p")
	p=$(cat "$sv/log/supervise/pid" 2>/dev/null) && [ -n "$p" ] && pids+=("$p")
	[ ${#pids[@]} = 0 ] && return 0
	kill "${pids[@]}" 2>/dev/null
	for i in $(seq 1 40); do
		kill -0 "${pids[@]}" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -9 "${pids[@]}" 2>/dev/null
	return 0
}

# The accounts and lines most tests call between: account 1 (1001,
# secret1) on line 0 and account 2 (1002, secret2) on line 1, both
# registering with the registrar at 127.0.0.1:$1 (kam_start ... 1001:secret1
# 1002:secret2). Printed for a configuration file after its sip section.
two_lines_conf() {
	cat <<EOF
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$1
!
account 2
 user 1002
 password secret2
 registrar 127.0.0.1:$1
!
line 0
 account 1
!
line 1
 account 2
!
EOF
}

# The phone's state as the shell shows it, for the tests that drive a
# phone through sipsh: each test defines S (sipsh on its configuration
# file) before calling these; a test whose phone needs another way in
# defines its own after this file.
reg_state() { S -c 'show registrations | json' 2>/dev/null | grep -o "\"$1\":{[^}]*}" | grep -o '"state":"[a-z]*"' | cut -d'"' -f4; }
reg_is() { [ "$(reg_state "$1")" = "$2" ]; }
calls_json() { S -c 'show calls | json' 2>/dev/null; }
has_call() { calls_json | grep -q "$1"; }
no_calls() { ! calls_json | grep -q '"id"'; }
phone_pid() { S -c 'show phone | json' 2>/dev/null | grep -o '"pid":[0-9]*' | head -1 | cut -d: -f2; }
# The phone's log; log_mark: later log_has/log_wait (and a test's own
# readers of LOG_MARK) look only at what the phone logs after it.
phone_log() { cat "$SIPSH_RUNDIR"/log/current 2>/dev/null; }
LOG_MARK=0
log_mark() { LOG_MARK=$(phone_log | wc -l); }
log_has() { phone_log | tail -n +"$((LOG_MARK + 1))" | grep -qE -- "$1"; }
log_wait() { wait_for "$2" log_has "$1"; }
