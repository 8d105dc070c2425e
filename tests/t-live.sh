#!/usr/bin/env bash
# The sip settings that need no new transport reach the running phone
# without a restart (ctrl's conf_reload): during one call between line 0
# and line 1 of sipsh's own baresip, each is committed and proven on the
# wire or at the line, while baresip's PID stays the same and the call
# stays up. User Agent and SIP DiffServ in the next re-INVITE, Remote
# Hold at the next hook flash, SIP proxy servers at the next new INVITE,
# the DNS Manager's lookup at once, the register interval and timers on
# the next REGISTER attempt of an account whose registrar never answers
# (Expires, the attempt's time, giving up), the DTMF mode from the next
# call on (a call keeps its own), the congestion tone at the next failed
# call; and the phone section's tone plan at the next tone. A module that
# refuses a new config makes the whole reload refuse. A reload that
# cannot read the new config (strace makes its open fail) changes
# nothing, and the commit restarts the phone and says why; bind-port
# still restarts.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/dnsmasq.sh"
. "$TOP/tests/tools/telephone.sh"
. "$TOP/tests/tools/capture.sh"

B=$((24000 + $$ % 400 * 10))
SP=$B                   # the phone's SIP port
DEADP=$((B + 2))        # a registrar that never answers
DNSP=$((B + 4))         # dnsmasq, the phone's DNS server
INVP=$((B + 6))         # sip_invite.py, a caller from outside
SP2=$((B + 8))          # bind-port after the last change
C=$SIPSH_CONF
R=$SIPSH_RUNDIR
PH=$TOP/build/sipsh-phone
S() { "$SIPSH" -C "$C" "$@"; }
phone_log() { cat "$R"/log/current 2>/dev/null; }

if ! command -v tshark >/dev/null || ! command -v dnsmasq >/dev/null ||
	! command -v strace >/dev/null || ! [ -e "$SIPSH_MODDIR/sipwire.so" ]; then
	fail "t-live prerequisites" "needs tshark, dnsmasq, strace and the baresip modules"
	exit 0
fi

# Telephones driven step by step: ftel NAME LINE starts one reading its
# commands from a FIFO; fdo NAME CMD hands it the next one.
declare -A FTEL_FD FTEL_PID
ftel() {
	local fd
	mkfifo "$T/$1.in"
	"$PH" -l "$2" --events --record "$T/$1.wav" <"$T/$1.in" >"$T/$1.ev" 2>&1 &
	FTEL_PID[$1]=$!
	TEST_PIDS+=("$!")
	exec {fd}>"$T/$1.in"
	FTEL_FD[$1]=$fd
}
fdo() { printf '%s\n' "$2" >&"${FTEL_FD[$1]}"; }
ftel_end() {
	local fd=${FTEL_FD[$1]:-}
	[ -n "$fd" ] && exec {fd}>&-
	unset "FTEL_FD[$1]"
	endtel "${FTEL_PID[$1]}"
}


trap 'for n in "${!FTEL_FD[@]}"; do ftel_end "$n"; done; phone_down; cleanup' EXIT

# The default configuration on our ports, and an account that registers
# with a registrar that never answers: the register timers act on it.
# It reads every REGISTER and answers none (a port with no listener
# would answer ICMP unreachable, which fails an attempt at once); it
# stops after 10000 datagrams or 300 s without one.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(300)
for _ in range(10000):
    s.recvfrom(65535)
' "$DEADP" 2>/dev/null &
TEST_PIDS+=("$!")
wait_for 10 sh -c "ss -Hlun 'sport = :$DEADP' | grep -q ." ||
	fail "the silent registrar listens" "nothing on udp port $DEADP"
sed -e "s/^ bind-interface lo$/ bind-interface lo\n bind-port $SP/" \
	-e "s/^ registrar 127.0.0.1$/ registrar 127.0.0.1:$SP/" \
	"$TOP/etc/sipsh.conf" >"$T/default.conf"
printf 'account 3\n user 102\n registrar 127.0.0.1:%s\n!\n' "$DEADP" >>"$T/default.conf"
printf 'system\n dns-server 127.0.0.1:%s\n!\n' "$DNSP" >>"$T/default.conf"
dns_start --address=/proxy.test/127.0.0.1 || fail "dnsmasq starts" "$(tail -3 "$T/dnsmasq.out")"
check "the configuration is committed" S -f "$T/default.conf"
check "phone start" S -c 'phone start'
p=$(cat "$R/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_for 5 test -S "$R/lines/line1.sock"
pid0=$(phone_pid)

# commit NAME ARGS...: a commit in the sip section; its report in
# $T/NAME.out. live NAME WHAT ARGS...: it is taken live, saying WHAT.
commit() {
	local n=$1 a args=(-c sip)
	shift
	for a in "$@"; do args+=(-c "$a"); done
	S "${args[@]}" >"$T/$n.out" 2>&1
}
live() {
	local n=$1 what=$2 pid
	shift 2
	commit "$n" "$@"
	pid=$(phone_pid)
	if grep -q "^% Committed: live: $what" "$T/$n.out" && [ "$pid" = "$pid0" ]; then
		pass "$n: taken live ($what), baresip $pid0 not restarted"
	else
		fail "$n: taken live ($what), baresip $pid0 not restarted" \
			"pid $pid: $(cat "$T/$n.out")"
	fi
}

# --- The call ------------------------------------------------------------
cap_start call "udp port $SP or udp port $DEADP"
ftel callee 1
ftel caller 0
fdo callee 'wait "ring on" 8'
fdo callee 'hook off'
fdo caller 'hook off'
fdo caller 'wait "tone dial" 3'
fdo caller 'dial 101#'
if wait_for 10 ev caller 'state connected' && wait_for 5 ev callee 'state connected'; then
	pass "line 0 calls line 1: connected"
else
	fail "line 0 calls line 1: connected" "$(cat "$T/caller.ev" "$T/callee.ev")"
fi
call_id=$(S -c 'show calls | json' 2>/dev/null | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)

# re_invites [ATTR]: the in-dialog INVITEs of the call the phone sent
# (with that SDP attribute), their User-Agent and DSCP.
re_invites() {
	cap_read call "sip.Method == \"INVITE\" && sip.To contains \"tag=\" && sip.Call-ID == \"$call_id\"${1:+ && sdp.media_attr == \"$1\"}" \
		sip.User-Agent ip.dsfield.dscp
}
held() { wait_for 5 sh -c "grep -c 'state held' '$T/caller.ev' | grep -qx '$1'"; }
resumed() { wait_for 5 sh -c "grep -c 'state connected' '$T/caller.ev' | grep -qx '$1'"; }

# --- User Agent and SIP DiffServ: the next re-INVITE ----------------------
live user-agent "user-agent changed" 'user-agent "Live Agent/2"'
live diffserv "diffserv sip changed" 'diffserv sip ef'
fdo caller flash
held 1
fdo caller flash
resumed 2
cap_stop call
r=$(re_invites sendonly; re_invites sendrecv)
before=$(cap_read call "sip.Method == \"INVITE\" && !(sip.To contains \"tag=\")" sip.User-Agent ip.dsfield.dscp | head -1)
if [[ $before == "sipsh/"*$'\t'24 ]]; then
	pass "before: the call's first INVITE had sipsh's user agent and DSCP 24 (cs3)"
else
	fail "before: the call's first INVITE had sipsh's user agent and DSCP 24 (cs3)" "$before"
fi
if [ "$(re_invites sendonly | sort -u)" = $'Live Agent/2\t46' ] &&
	[ "$(re_invites sendrecv | sort -u)" = $'Live Agent/2\t46' ]; then
	pass "user-agent and diffserv sip: hold and resume re-INVITEs carry 'Live Agent/2' and DSCP 46 (ef)"
else
	fail "user-agent and diffserv sip: hold and resume re-INVITEs carry 'Live Agent/2' and DSCP 46 (ef)" "$r"
fi

# --- Remote Hold: the next hook flash ----------------------------------------
live remote-hold "remote-hold changed" 'no remote-hold'
cap_start call "udp port $SP or udp port $DEADP"
fdo caller flash
held 2
fdo caller flash
resumed 3
cap_stop call
r=$(re_invites)
if [ -z "$r" ] && grep -q 'state held' "$T/caller.ev"; then
	pass "no remote-hold: the flash holds locally, no re-INVITE"
else
	fail "no remote-hold: the flash holds locally, no re-INVITE" "$r; $(tail -4 "$T/caller.ev")"
fi

# --- SIP proxy servers: the next new INVITE ----------------------------------
cap_start call "udp port $SP or udp port $DEADP"
live proxy "proxy changed" 'proxy 127.0.0.2'
log_mark
python3 "$TOP/tests/tools/sip_invite.py" "$INVP" 127.0.0.1 "$SP" \
	"sip:101@127.0.0.1:$SP" 1 >"$T/inv1.out" 2>&1
if grep -q '^SIP/2.0 403' "$T/inv1.out" && log_has "INVITE from 127.0.0.1:$INVP refused"; then
	pass "proxy 127.0.0.2 only: a new INVITE from 127.0.0.1 gets 403"
else
	fail "proxy 127.0.0.2 only: a new INVITE from 127.0.0.1 gets 403" "$(cat "$T/inv1.out")"
fi
live no-proxy "proxy changed" 'no proxy 127.0.0.2'
python3 "$TOP/tests/tools/sip_invite.py" "$((INVP + 1))" 127.0.0.1 "$SP" \
	"sip:101@127.0.0.1:$SP" 1 >"$T/inv2.out" 2>&1
if grep -q '^SIP/2.0' "$T/inv2.out" && ! grep -q '^SIP/2.0 403' "$T/inv2.out"; then
	pass "no proxy: the same INVITE is not refused ($(grep -m1 '^SIP/2.0' "$T/inv2.out"))"
else
	fail "no proxy: the same INVITE is not refused" "$(cat "$T/inv2.out")"
fi

# --- DNS Manager: the names are looked up at once ------------------------------
n0=$(grep -c 'query\[A\] proxy.test' "$T/dnsmasq.log" 2>/dev/null)
log_mark
live dns-manager "proxy changed, dns-manager changed" 'proxy proxy.test' 'dns-manager' 'dns-manager-refresh 10'
if log_wait 'proxy proxy.test is now 127.0.0.1' 5 && log_has 'proxy names resolved again every 10 s' &&
	[ "$(grep -c 'query\[A\] proxy.test' "$T/dnsmasq.log")" -gt "${n0:-0}" ]; then
	pass "dns-manager: proxy.test is looked up at once, again every 10 s"
else
	fail "dns-manager: proxy.test is looked up at once, again every 10 s" \
		"$(phone_log | tail -n +"$((LOG_MARK + 1))" | grep sipwire)"
fi
live dns-manager-off "proxy changed, dns-manager changed" 'no proxy proxy.test' 'no dns-manager'

# --- Register timers: the next attempt ---------------------------------------
log_mark
live register-interval "register-interval changed" 'register-interval 90'
log_wait 'regctl: sip:102@127.0.0.1:[0-9]+: expiry 90 s, registering again' 5
cap_stop call
n90=$(cap_read call "sip.Method == \"REGISTER\" && udp.dstport == $DEADP && sip.Contact contains \"expires=90\"" sip.Contact | wc -l)
if [ "$n90" -ge 1 ]; then
	pass "register-interval 90: the account registers again at once, asking Expires 90"
else
	fail "register-interval 90: the account registers again at once, asking Expires 90" \
		"$(cap_read call "sip.Method == \"REGISTER\"" sip.Contact | sort | uniq -c)"
fi
reg_branches=$(cap_read call "sip.Method == \"REGISTER\" && udp.dstport == $DEADP" sip.Via.branch | sort -u)
cap_start call "udp port $SP or udp port $DEADP"
last_is() { S -c 'show registrations | json' 2>/dev/null | grep -q "\"last\":\"$1\""; }
live register-timeout "register-timeout changed" 'register-timeout 2'
if wait_for 15 last_is 'no answer in 2 s'; then
	pass "register-timeout 2: the attempt under way is given up after 2 s"
else
	fail "register-timeout 2: the attempt under way is given up after 2 s" "$(S -c 'show registrations' 2>&1)"
fi
log_mark
live register-attempts "register-attempts changed" 'register-attempts 2'
if log_wait 'regctl: sip:102@127.0.0.1:[0-9]+: giving up after [0-9]+ failed attempts' 15; then
	pass "register-attempts 2: the account gives up"
else
	fail "register-attempts 2: the account gives up" "$(phone_log | grep regctl | tail -4)"
fi
cap_stop call
# The attempts after the timeout change are transactions of their own,
# none of those of the attempt before it.
branches=$(cap_read call "sip.Method == \"REGISTER\" && udp.dstport == $DEADP" sip.Via.branch | sort -u |
	comm -23 - <(printf '%s\n' "$reg_branches") | grep -c .)
check "the registrar got REGISTER attempts with new transactions ($branches)" test "$branches" -ge 1

# --- DTMF mode: the next call; this one keeps its own ---------------------------
cap_start call "udp port $SP"
live dtmf-mode "dtmf-mode changed" 'dtmf-mode sip-info'
fdo caller 'dial 5'
wait_for 5 ev callee 'dtmf 5'
cap_stop call
n_info() { cap_read "$1" 'sip.Method == "INFO"' sip.Call-ID | wc -l; }
if ev callee 'dtmf 5' && [ "$(n_info call)" = 0 ]; then
	pass "dtmf-mode sip-info during the call: its digit 5 still goes as a telephone-event"
else
	fail "dtmf-mode sip-info during the call: its digit 5 still goes as a telephone-event" \
		"info $(n_info call); $(grep dtmf "$T/callee.ev")"
fi

# The call is still up, on the same baresip, after every change.
if ev caller 'state connected' && S -c 'show calls' 2>/dev/null | grep -qi established &&
	! sed -n '/state connected/,$p' "$T/caller.ev" | grep -q 'state idle\|tone busy' &&
	! sed -n '/state connected/,$p' "$T/callee.ev" | grep -q 'state idle\|tone busy'; then
	pass "the call between line 0 and line 1 is up after every change"
else
	fail "the call between line 0 and line 1 is up after every change" \
		"$(tail -4 "$T/caller.ev"; tail -4 "$T/callee.ev"; S -c 'show calls' 2>&1)"
fi
check "baresip was never restarted (pid $pid0 -> $(phone_pid))" test "$(phone_pid)" = "$pid0"
fdo caller 'hook on'
fdo callee 'hook on'
ftel_end caller
ftel_end callee
wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' 2>&1 | grep -q 'No calls'"

# The next call has the new mode.
cap_start call2 "udp port $SP"
tel b2 1 'wait "ring on" 8' 'hook off' 'wait "dtmf 6" 5' 'hook on'
b2=$TEL_PID
tel a2 0 'hook off' 'wait "tone dial" 3' 'dial 101#' 'wait "state connected" 8' 'sleep 0.5' 'dial 6' 'sleep 1' 'hook on'
endtel "$TEL_PID"
endtel "$b2"
cap_stop call2
if ev b2 'dtmf 6' && [ "$(n_info call2)" -ge 1 ]; then
	pass "dtmf-mode sip-info: the next call sends its digit 6 as SIP INFO"
else
	fail "dtmf-mode sip-info: the next call sends its digit 6 as SIP INFO" \
		"info $(n_info call2); $(cat "$T/b2.ev")"
fi

# --- Congestion tone: the next failed call ---------------------------------------
live congestion-tone "congestion-tone changed" 'congestion-tone info'
tel cong 0 'hook off' 'wait "tone dial" 3' 'dial 1999#' 'wait "tone info" 8' 'hook on'
endtel "$TEL_PID"
check "congestion-tone info: the next failed call plays the information tone" ev cong 'tone info'

# --- The phone section's tone plan: the next tone ------------------------------------
S -c phone -c 'tone-plan us' >"$T/tone-plan.out" 2>&1
if grep -q '^% Committed: live: tone-plan changed' "$T/tone-plan.out" && [ "$(phone_pid)" = "$pid0" ]; then
	pass "tone-plan: taken live, baresip $pid0 not restarted"
else
	fail "tone-plan: taken live, baresip $pid0 not restarted" "$(cat "$T/tone-plan.out")"
fi
tel us 0 'hook off' 'wait "tone dial" 3' 'sleep 1' 'hook on'
endtel "$TEL_PID"
f=$("$TOP/build/tone-analyze" --freq 0 0.9 "$T/us.wav" 2>&1)
if ev us 'tone dial' && grep -Eq '^(3[45][0-9]|4[34][0-9]) Hz' <<<"$f"; then
	pass "tone-plan us: the next dial tone is the US one, 350 + 440 Hz ($f)"
else
	fail "tone-plan us: the next dial tone is the US one, 350 + 440 Hz" "$f"
fi

# --- A module that refuses: no module takes anything -------------------------------
# The generated file is edited behind sipsh's back, as a config the
# modules were not made for: regctl and phoneline (checked first) accept
# their new values, sipwire finds no sipwire_tos; conf_reload asked
# directly must refuse, naming it, and neither of the others may take
# theirs.
cp "$R/baresip/config" "$T/config.good"
sed -e 's/^regctl_timeout.*/regctl_timeout\t7/' \
	-e 's/^phoneline_congestion_tone.*/phoneline_congestion_tone\tcongestion/' \
	-e '/^sipwire_tos/d' "$T/config.good" >"$R/baresip/config"
log_mark
python3 "$TOP/tests/tools/ctrlc.py" "$R/ctrl.sock" '{"id":1,"command":"conf_reload"}' >"$T/refuse.out" 2>&1
if grep -q '"ok":false' "$T/refuse.out" && grep -q "sipwire: no 'sipwire_tos' in the baresip config" "$T/refuse.out" &&
	log_has 'conf_reload refused, nothing changed' && ! log_has 'regctl: now|phoneline: now'; then
	pass "a module refuses the new config: conf_reload says which and why, and no module takes anything"
else
	fail "a module refuses the new config: conf_reload says which and why, and no module takes anything" \
		"$(cat "$T/refuse.out"; phone_log | tail -n +"$((LOG_MARK + 1))")"
fi
cp "$T/config.good" "$R/baresip/config"

# --- Asked before the save: a live change the modules would refuse -----------------
# With a call up, the commit first has the phone check the config it is
# about to save (conf_check, on config.next); the phone cannot read it
# (an injected EACCES), so the change would mean a restart: the commit
# without --force is refused, naming the call (both its legs, line 0 and
# line 1), before anything is saved,
# and the call goes on.
ftel callee2 1
ftel caller2 0
fdo callee2 'wait "ring on" 8'
fdo callee2 'hook off'
fdo caller2 'hook off'
fdo caller2 'wait "tone dial" 3'
fdo caller2 'dial 101#'
wait_for 10 ev caller2 'state connected'
strace -f -p "$pid0" -o "$T/strace-check.out" -e trace=openat \
	-e inject=openat:error=EACCES -P "$R/baresip/config.next" 2>/dev/null &
st=$!
TEST_PIDS+=("$st")
wait_for 5 grep -q 'attached\|^[0-9]' "$T/strace-check.out" || sleep 1
cp "$C" "$T/before-check.conf"
log_mark
commit checked 'user-agent "Never Saved"'
kill "$st" 2>/dev/null
wait "$st" 2>/dev/null
if grep -q '% Commit refused: it would end 2 calls' "$T/checked.out" &&
	grep -q 'INJECTED' "$T/strace-check.out" && cmp -s "$C" "$T/before-check.conf" &&
	log_has 'conf_check refused, nothing changed' && [ "$(phone_pid)" = "$pid0" ] &&
	has_call '"state":"established"' && [ ! -e "$R/baresip/config.next" ]; then
	pass "a live change the phone would refuse, with a call up: refused before the save, the call goes on"
else
	fail "a live change the phone would refuse, with a call up: refused before the save, the call goes on" \
		"$(cat "$T/checked.out"; tail -3 "$T/strace-check.out"; calls_json)"
fi
commit checked2 'user-agent "Saved Live"'
if grep -q '^% Committed: live: user-agent changed' "$T/checked2.out" && [ "$(phone_pid)" = "$pid0" ] &&
	has_call '"state":"established"'; then
	pass "the same change the phone takes: checked, saved, taken live, the call goes on"
else
	fail "the same change the phone takes: checked, saved, taken live, the call goes on" \
		"$(cat "$T/checked2.out"; calls_json)"
fi
fdo caller2 'hook on'
fdo callee2 'hook on'
ftel_end caller2
ftel_end callee2
wait_for 5 no_calls

# --- A reload that fails: nothing changes, the phone restarts --------------------
strace -f -p "$pid0" -o "$T/strace.out" -e trace=openat \
	-e inject=openat:error=EACCES -P "$R/baresip/config" 2>/dev/null &
st=$!
TEST_PIDS+=("$st")
wait_for 5 grep -q 'attached\|^[0-9]' "$T/strace.out" || sleep 1
commit refused 'user-agent "After a refusal"'
kill "$st" 2>/dev/null
wait "$st" 2>/dev/null
pid1=$(phone_pid)
if grep -q '^% Committed: phone restarted (user-agent changed; not taken live: .*config: Permission denied)' "$T/refused.out" &&
	grep -q 'INJECTED' "$T/strace.out" && [ -n "$pid1" ] && [ "$pid1" != "$pid0" ]; then
	pass "a reload that cannot read the config: the commit restarts the phone and says why"
else
	fail "a reload that cannot read the config: the commit restarts the phone and says why" \
		"pid $pid0 -> $pid1: $(cat "$T/refused.out"; tail -3 "$T/strace.out")"
fi
if phone_log | grep -q 'ctrl: conf_reload refused, nothing changed' &&
	phone_log | grep -q "sipwire: User-Agent 'After a refusal'"; then
	pass "the refused reload changed nothing; the restarted phone has the new user agent"
else
	fail "the refused reload changed nothing; the restarted phone has the new user agent" \
		"$(phone_log | grep -E 'conf_reload|User-Agent' | tail -4)"
fi

# --- What needs a new transport still restarts -------------------------------------
commit bind-port "bind-port $SP2"
pid2=$(phone_pid)
if grep -q '^% Committed: phone restarted (bind-port changed)' "$T/bind-port.out" &&
	[ -n "$pid2" ] && [ "$pid2" != "$pid1" ]; then
	pass "bind-port: the phone restarts"
else
	fail "bind-port: the phone restarts" "pid $pid1 -> $pid2: $(cat "$T/bind-port.out")"
fi
