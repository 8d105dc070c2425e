#!/usr/bin/env bash
# The lines' clock thread runs at real-time priority (SCHED_FIFO 1) where
# the system allows it, and at normal priority, saying so in the log,
# where it does not: a phone started without CAP_SYS_NICE (setpriv drops
# it from the bounding set, and RLIMIT_RTPRIO is 0 here) still starts and
# its lines still call each other. Read from the kernel (ps: each
# thread's scheduling class) and from the phone's log.
. "$(dirname "$0")/lib.sh"

P=$((23000 + $$ % 1000 * 2 + 1))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
trap 'phone_down; cleanup' EXIT
LOG=$SIPSH_RUNDIR/log/current

cp "$TOP/etc/sipsh.conf" "$C"
S -c sip -c "bind-port $P" -c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P" >/dev/null

baresip_pid() { cat "$SIPSH_RUNDIR/sv/baresip/supervise/pid" 2>/dev/null; }
# fifo_threads: how many of the phone's threads are SCHED_FIFO at 1.
fifo_threads() { ps -L -o cls=,rtprio= -p "$(baresip_pid)" | awk '$1 == "FF" && $2 == 1' | wc -l; }
ncalls() { [ "$(S -c 'show calls | json' 2>/dev/null | grep -o '"state":"incoming"' | wc -l)" = 1 ]; }

check "phone start" S -c 'phone start'
if wait_for 5 grep -q 'line clock runs at real-time priority (SCHED_FIFO 1)' "$LOG" &&
	[ "$(fifo_threads)" = 1 ]; then
	pass "the line clock is the phone's one SCHED_FIFO 1 thread, and the log says so"
else
	fail "the line clock is the phone's one SCHED_FIFO 1 thread" \
		"$(ps -L -o tid,cls,rtprio,comm -p "$(baresip_pid)"); $(grep phoneline "$LOG" | tail -3)"
fi
phone_down

L0=$(wc -l <"$LOG")
if setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice \
	"$SIPSH" -C "$C" -c 'phone start' >"$T/start.out" 2>&1 &&
	wait_for 5 sh -c "tail -n +$((L0 + 1)) '$LOG' | grep -q 'line clock runs at normal priority: real-time scheduling is not allowed'" &&
	[ "$(fifo_threads)" = 0 ]; then
	pass "without CAP_SYS_NICE the line clock runs at normal priority, and the log says why"
else
	fail "without CAP_SYS_NICE the line clock runs at normal priority" \
		"$(cat "$T/start.out"); $(ps -L -o tid,cls,rtprio,comm -p "$(baresip_pid)"); $(tail -n +$((L0 + 1)) "$LOG" | grep phoneline | tail -3)"
fi
S -c 'dial 0 101' >/dev/null 2>&1
if wait_for 5 ncalls; then
	pass "without real-time priority the lines still call each other"
else
	fail "without real-time priority the lines still call each other" "$(S -c 'show calls' 2>&1)"
fi
