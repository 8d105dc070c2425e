#!/usr/bin/env bash
# An account registered again keeps its binding at the registrar. Kamailio
# holds every authenticated un-REGISTER for 400 ms in one of its two UDP
# workers (KAM_UNREG_HOLD_MS) while the other goes on, so a REGISTER sent
# beside an un-REGISTER of the same Contact is always saved first and the
# un-REGISTER then removes it: what a busy registrar does now and then,
# made certain. An account changed at run time (ua_del + ua_add, same
# address of record, same Contact with the line suffix) un-registers
# first and registers only after the registrar answered; a new register
# interval, or a retry after a failed refresh, registers again without an
# un-REGISTER at all. An account
# removed while its registrar is gone stops retransmitting its
# un-REGISTER at the register timeout (libre alone: 32 s).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

B=$((24000 + $$ % 300 * 10))
KP=$B                   # Kamailio
SP=$((B + 2))           # the phone's SIP port
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
KLOG() { cat "$(kam_dir "$KP")/kamailio.log" 2>/dev/null; }
kmark() { KMARK=$(KLOG | wc -l); }
ksince() { KLOG | tail -n +"$((KMARK + 1))"; }
k_has() { ksince | grep -qE -- "$1"; }
CONTACT="sip:1001_0@127.0.0.1:$SP"
bound_ok() { [ "$(kam_contact "$KP" 1001)" = "$CONTACT" ]; }

if ! [ -e "$SIPSH_MODDIR/ctrl.so" ]; then
	fail "t-rebind prerequisites" "needs the baresip modules"
	exit 0
fi
trap 'phone_down; cleanup' EXIT

if ! KAM_UNREG_HOLD_MS=400 kam_start "$KP" 127.0.0.1 1001:secret1; then
	fail "kamailio starts" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
	exit 0
fi

cat >"$T/setup.in" <<EOT
sip
 bind-interface lo
 bind-port $SP
 register-timeout 3
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
line 0
 account 1
!
EOT
check "the configuration is committed" S -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
if wait_for 15 reg_is 1 registered && _kam_poll 3 bound_ok; then
	pass "account 1 registers its Contact with the line suffix ($CONTACT)"
else
	fail "account 1 registers its Contact with the line suffix ($CONTACT)" "$(S -c 'show registrations'; kam_contact "$KP" 1001)"
fi

# An account change: the old account's un-REGISTER is held 400 ms; the
# new account's REGISTER goes out only once it is answered. The order is
# read from a capture: Kamailio's save() answers before the script logs
# it, so its log can show the next REGISTER first.
kmark
cap_start change "udp port $KP" ||
	fail "capture of the account change starts" "$(cat "$T/change.tshark.log")"
S -c 'account 1' -c 'auth-user 1001' >"$T/change.out" 2>&1
unreg_saved() { k_has "kam: REGISTER 1001 ok contact <$CONTACT>;expires=0"; }
if grep -q 'account 1 re-registered' "$T/change.out" &&
	_kam_poll 5 unreg_saved && wait_for 10 reg_is 1 registered &&
	_kam_poll 3 bound_ok; then
	pass "account changed: the old binding is taken back, then the new one made"
else
	fail "account changed: the old binding is taken back, then the new one made" "$(cat "$T/change.out"; S -c 'show registrations'; ksince | grep 'kam:' | tail -8)"
fi
cap_stop change
# One line a REGISTER or its answer, in the order sent: the un-REGISTER
# (the old Call-ID, expires=0) is answered 200, held, before the first
# packet of the new REGISTER (a Call-ID of its own), which is answered
# 200 too. Retransmissions and challenges may come between.
cap_read change 'sip.CSeq.method == "REGISTER"' sip.Call-ID sip.Status-Code sip.Contact >"$T/change.seq"
order=$(awk -F'\t' '
	$2 == "" && $3 ~ /expires=0/ && old == "" { old = $1 }
	old == "" { next }
	$1 == old { s = $2 == "" ? "unREGISTER" : "unREGISTER " $2 }
	$1 != old { s = $2 == "" ? "REGISTER" : "REGISTER " $2 }
	s == "unREGISTER 200" && !new && !u200 { u200 = NR }
	$1 != old && !new { new = NR }
	$1 != old && $2 == "200" { n200 = NR }
	s != last { printf "%s|", s; last = s }
	END { printf " %s", (u200 && new > u200 && n200) ? "in order" : "out of order" }' "$T/change.seq")
held=no
k_has 'kam: un-REGISTER from 1001 held' && held=yes
case "$held $order" in
"yes unREGISTER|"*" in order") pass "account changed: the REGISTER goes out after the held un-REGISTER was answered" ;;
*) fail "account changed: the REGISTER goes out after the held un-REGISTER was answered" "held=$held $order" ;;
esac
# Still bound once everything held has been answered.
sleep 0.6
check "account changed: still registered at Kamailio after the held un-REGISTER" bound_ok

# A new register interval: the same account registers again with the
# same Contact, and sends no un-REGISTER that could remove it.
kmark
S -c sip -c 'register-interval 120' >"$T/regint.out" 2>&1
expiry_120() { k_has "kam: REGISTER 1001 ok contact <$CONTACT>;expires=120"; }
if _kam_poll 5 expiry_120 && sleep 0.6 && bound_ok && ! k_has 'un-REGISTER from 1001'; then
	pass "register interval changed: registered again, no un-REGISTER, still bound"
else
	fail "register interval changed: registered again, no un-REGISTER, still bound" "$(cat "$T/regint.out"; ksince | grep 'kam:' | tail -8; kam_contact "$KP" 1001)"
fi

# A refresh that fails (the registrar restarting: ICMP unreachable) is
# retried at the register timeout: registered again with the same
# Contact, and no un-REGISTER of the binding the failed one still counts
# as made races the retry.
S -c sip -c 'register-interval 10' >"$T/short.out" 2>&1
expiry_10() { k_has "kam: REGISTER 1001 ok contact <$CONTACT>;expires=10"; }
_kam_poll 5 expiry_10 || fail "register interval 10: registered with expires=10" "$(cat "$T/short.out"; ksince | grep 'kam:' | tail -4)"
log_mark
kam_stop "$KP"
log_wait 'attempt 1 failed \(port unreachable' 15
KAM_UNREG_HOLD_MS=400 kam_start "$KP" 127.0.0.1 1001:secret1 ||
	fail "kamailio starts again" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
kmark
if wait_for 10 reg_is 1 registered && _kam_poll 3 bound_ok && sleep 0.6 &&
	bound_ok && ! k_has 'un-REGISTER from 1001'; then
	pass "a failed refresh retried: registered again, no un-REGISTER, still bound"
else
	fail "a failed refresh retried: registered again, no un-REGISTER, still bound" "$(phone_log | tail -n +"$((LOG_MARK + 1))" | grep -E 'regctl|ctrl:' | grep -v client | tail -5; ksince | grep 'kam:' | tail -6)"
fi

# The registrar gone (its port closed), the account removed: its
# un-REGISTER is retransmitted until the register timeout (3 s), not for
# libre's 32 s: sent at 0, 0.5 and 1.5 s, ended at 3 s, where libre
# alone sends again at 3.5 and 7.5 s.
kam_stop "$KP"
cap_start unreg "udp port $SP"
log_mark
t0=$EPOCHREALTIME
S -c 'no line 0' -c 'no account 1' >"$T/remove.out" 2>&1
sleep 8
cap_stop unreg
times=$(cap_read unreg "sip.Method == \"REGISTER\" && udp.srcport == $SP" frame.time_epoch)
n=$(grep -c . <<<"$times")
last=$(tail -1 <<<"$times")
span=$(echo "${last:-0} - $t0" | bc)
if [ "$n" -ge 2 ] && [ "$(echo "$span < 3" | bc)" = 1 ] &&
	log_has 'no answer to the un-REGISTER in time: ended'; then
	pass "account removed, registrar gone: un-REGISTER retransmitted for 3 s only ($n sent, the last after ${span%.*} s)"
else
	fail "account removed, registrar gone: un-REGISTER retransmitted for 3 s only" "n=$n span=$span $(cat "$T/remove.out"; phone_log | tail -n +"$((LOG_MARK + 1))" | tail -5)"
fi

# A refresh still resolving the registrar's name when the account
# registers again (a new register interval): it is let go, and sends no
# un-REGISTER once resolved. A registrar that challenges ends it at its
# 401 (libre sends every refresh without credentials); one that trusts
# the source address (KAM_OPEN_REGISTER) would have bound it, and libre
# then un-REGISTERs the same Contact. dnsmasq names registrar.test; a
# relay in front of it answers each query 2 s late once $T/delay.ms
# says so, and logs when each query came and its answer left (epoch
# seconds).
. "$TOP/tests/tools/dnsmasq.sh"
DNSP=$((B + 4))         # dnsmasq
RP=$((B + 5))           # the late relay, the phone's dns-server
LATE=2000               # how late it answers, in ms
if dns_start --address=/registrar.test/127.0.0.1; then
	echo 0 >"$T/delay.ms"
	python3 "$TOP/tests/tools/dns_delay.py" 127.0.0.1 "$RP" 127.0.0.1 "$DNSP" \
		"$T/delay.ms" "$T/delay.log" 120 &
	TEST_PIDS+=("$!")
	RELAY_PID=$!
else
	fail "dnsmasq starts" "$(tail -3 "$T/dnsmasq.out")"
fi
KAM_OPEN_REGISTER=1 KAM_UNREG_HOLD_MS=400 kam_start "$KP" 127.0.0.1 1001:secret1 ||
	fail "kamailio starts, REGISTERs unchallenged" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
cat >"$T/dns.in" <<EOT
system
 dns-server 127.0.0.1:$RP
!
sip
 register-interval 10
 register-timeout 5
!
account 1
 user 1001
 password secret1
 registrar registrar.test:$KP
!
line 0
 account 1
!
EOT
kmark
S -f "$T/dns.in" >"$T/dns.out" 2>&1
if ! _kam_poll 15 expiry_10; then
	fail "registrar by name: registered with expires=10" "$(cat "$T/dns.out"; S -c 'show registrations'; ksince | grep 'kam:' | tail -4)"
fi
# The Call-ID of the registration whose refresh is caught resolving.
old=$(ksince | grep -F "kam: REGISTER 1001 ok contact <$CONTACT>;expires=10" | tail -1 |
	sed -E 's/.*\{[0-9]+ [0-9]+ REGISTER ([^}]*)\}.*/\1/')
echo "$LATE" >"$T/delay.ms"
refresh_asked() { grep -q "registrar.test A delay $LATE " "$T/delay.log" 2>/dev/null; }
wait_for 15 refresh_asked
t1=$EPOCHREALTIME
S -c sip -c 'register-interval 20' >"$T/dnsregint.out" 2>&1
t2=$EPOCHREALTIME
expiry_20() { k_has "kam: REGISTER 1001 ok contact <$CONTACT>;expires=20"; }
old_seen() { [ -n "$old" ] && k_has "\{[0-9]+ [0-9]+ REGISTER $old\}.*kam: (REGISTER|challenge)"; }
_kam_poll 10 expiry_20
_kam_poll 10 old_seen
# One more resolution and the hold: what an un-REGISTER would take.
sleep 3
# The first query answered late is the refresh's; its answer time.
read -r qid qt at < <(awk -v late="$LATE" '
	$1 == "query" && $3 == "registrar.test" && $4 == "A" && $6 == late && id == "" { id = $2; qt = $NF }
	$1 == "answer" && id != "" && $2 == id && at == "" { at = $NF }
	END { print id, qt, at }' "$T/delay.log")
caught=no
[ -n "${at:-}" ] && [ "$(echo "$qt < $t1 && $t2 < $at" | bc)" = 1 ] && caught=yes
if [ $caught = yes ] && expiry_20 && old_seen && ! k_has 'un-REGISTER from 1001' && bound_ok; then
	pass "a refresh still resolving when the account registers again: let go, no un-REGISTER, still bound"
else
	fail "a refresh still resolving when the account registers again: let go, no un-REGISTER, still bound" \
		"caught=$caught (query $qid at $qt, commit $t1-$t2, answer at ${at:-none}); $(cat "$T/dnsregint.out"); $(ksince | grep 'kam:' | tail -8); $(kam_contact "$KP" 1001)"
fi
stop_pid "$RELAY_PID"
dns_stop
