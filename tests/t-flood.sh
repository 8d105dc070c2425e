#!/usr/bin/env bash
# INVITE floods from a caller that is not an allowed proxy ('proxy' in
# the sip section), against sipsh's phone (Debian's baresip with our
# sipwire module) and a real Kamailio on 127.0.0.1. A refusal must cost
# less than a call: sipwire answers 403 statelessly, a few times per
# source and then not at all, and keeps nothing of a refused INVITE.
# Proven on the real phone: what the flooder (build/sipflood, its own
# address 127.0.0.x) gets back, what tshark sees leave the phone, the
# phone's memory and log, a legitimate call through Kamailio during the
# burst, and an allowed proxy that floods as well and is never limited.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

B=$((24000 + $$ % 400 * 10))
KP=$B                   # Kamailio, realm sipsh.test
SP=$((B + 1))           # the phone's SIP port (TLS: SP + 1)
RTP=$((B + 4))
RTP_END=$((RTP + 5))
FLOOD=$TOP/build/sipflood
BAD=127.0.0.77          # the flooder's address: not an allowed proxy
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }

# The module's rates (baresip-mods/sipwire/ratetable.h), which the
# bounds below are reasoned from.
H=$TOP/baresip-mods/sipwire/ratetable.h
rate() { sed -n "s/^[[:space:]]*$1 *= *\([0-9]*\),.*/\1/p" "$H"; }
BURST=$(rate RATE_BURST)
PER_S=$(rate RATE_PER_S)
ALL_BURST=$(rate RATE_ALL_BURST)
ALL_PER_S=$(rate RATE_ALL_PER_S)

if ! command -v tshark >/dev/null || ! [ -x "$FLOOD" ] ||
	! [ -e "$SIPSH_MODDIR/sipwire.so" ] || [ -z "$BURST$PER_S" ]; then
	fail "t-flood prerequisites" "needs tshark, build/sipflood, build/baresip-mods/sipwire.so and the rates in $H"
	exit 0
fi
trap 'phone_down; cleanup' EXIT

log_count() { phone_log | tail -n +"$((LOG_MARK + 1))" | grep -cE -- "$1"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# val FILE KEY: a figure sipflood printed ("key value"), 0 when absent.
val() { awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
status_n() { awk -v c="$2" '$1 == "status" && $2 == c { print $3; f = 1 } END { if (!f) print 0 }' "$1"; }

# The number of 403s the flooder may get over E ms from one source: the
# bucket's burst, then PER_S a second, one more for a refill on the
# boundary.
bound() { echo $((BURST + PER_S * ($1 / 1000 + 1))); }

kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 || {
	fail "kamailio starts" "see above"
	exit 0
}

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$RTP_END
 proxy 127.0.0.1
 register-interval 120
!
EOF
	two_lines_conf "$KP"
} >"$T/setup.in"
check "the configuration (proxy 127.0.0.1, Kamailio) is committed" S -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_for 8 reg_is 1 registered && wait_for 4 reg_is 2 registered ||
	fail "both accounts register" "$(S -c 'show registrations' 2>&1)"
pid=$(phone_pid)

# --- One INVITE: one 403, no transaction ------------------------------------
# A 403 through a server transaction is sent again at 0.5, 1.5, 3.5 s...
# until an ACK comes, which the flooder never sends: in 4 s it would have
# 4. Stateless, it has one, and one per copy of an INVITE sent again.
cap_start one "udp port $SP"
"$FLOOD" -d "127.0.0.1:$SP" -s "$BAD" -n 1 -w 4000 >"$T/one.out" 2>&1
"$FLOOD" -d "127.0.0.1:$SP" -s "$BAD" -n 1 -x 2 -i 300 -w 4000 >"$T/one3.out" 2>&1
cap_stop one
n=$(status_n "$T/one.out" 403)
if [ "$n" = 1 ] && [ "$(val "$T/one.out" replies)" = 1 ]; then
	pass "one INVITE from $BAD: exactly one 403 in 4 s (nothing sent again)"
else
	fail "one INVITE from $BAD: exactly one 403 in 4 s" "$(tr '\n' ' ' <"$T/one.out")"
fi
n=$(status_n "$T/one3.out" 403)
if [ "$n" -ge 1 ] && [ "$n" -le 3 ] && [ "$(val "$T/one3.out" max_replies_per_invite)" -le 3 ]; then
	pass "one INVITE sent 3 times: $n 403s, at most one per copy"
else
	fail "one INVITE sent 3 times: at most one 403 per copy" "$(tr '\n' ' ' <"$T/one3.out")"
fi
# On the wire: every 403 the phone sent answers a distinct copy of an
# INVITE: no two 403s for one Call-ID within one copy's life.
inv=$(cap_read one "ip.src == $BAD && sip.Method == \"INVITE\"" sip.Call-ID | sort | uniq -c | awk '{ print $2, $1 }')
rep=$(cap_read one "ip.dst == $BAD && sip.Status-Code == 403" sip.Call-ID | sort | uniq -c | awk '{ print $2, $1 }')
over=$(join <(echo "$inv") <(echo "$rep") -a 2 -e 0 -o 0,1.2,2.2 | awk '$3 > $2')
if [ -n "$rep" ] && [ -z "$over" ]; then
	pass "tshark: no 403 sent again: per Call-ID never more 403s than INVITEs"
else
	fail "tshark: no 403 sent again" "INVITEs: $(tr '\n' ' ' <<<"$inv"); 403s: $(tr '\n' ' ' <<<"$rep")"
fi

# --- A burst: 6000 INVITEs at 1000 a second, a call through Kamailio -------
sleep $((BURST / PER_S + 1))     # the source's bucket is full again
rss0=$(rss_kib "$pid")
log_mark
# Only what the phone sends the flooder: a capture that sees every packet.
cap_start burst "udp src port $SP and dst host $BAD"
"$FLOOD" -d "127.0.0.1:$SP" -s "$BAD" -n 6000 -r 1000 -x 1 -i 500 -w 1500 -t 60 \
	>"$T/burst.out" 2>&1 &
fpid=$!
TEST_PIDS+=("$fpid")
sleep 0.5
S -c 'dial 0 1002' >/dev/null 2>&1
if wait_for 5 has_call '"direction":"in"'; then
	S -c 'answer 1' >/dev/null 2>&1
	if wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' | grep -c established | grep -qx 2"; then
		if kill -0 "$fpid" 2>/dev/null; then
			pass "during the burst: a call from line 0 through Kamailio to line 1 connects"
		else
			fail "during the burst: a call through Kamailio connects" "the call connected, but only after the burst ended"
		fi
	else
		fail "during the burst: a call through Kamailio connects" "$(S -c 'show calls' 2>&1)"
	fi
else
	fail "during the burst: a call through Kamailio rings line 1" "$(S -c 'show calls' 2>&1)"
fi
S -c 'hangup 1' >/dev/null 2>&1
S -c 'hangup 0' >/dev/null 2>&1
wait_for 5 no_calls
wait "$fpid"
cap_stop burst
rss1=$(rss_kib "$pid")

sent=$(val "$T/burst.out" sent)
el=$(val "$T/burst.out" elapsed_ms)
n=$(status_n "$T/burst.out" 403)
b=$(bound "$el")
if [ "$sent" = 6000 ] && [ "$n" -ge 1 ] && [ "$n" -le "$b" ] &&
	[ "$(val "$T/burst.out" replies)" = "$n" ]; then
	pass "burst of 6000 INVITEs (and 6000 copies): $n 403s, within $b (burst $BURST, $PER_S/s over $el ms), nothing else"
else
	fail "burst of 6000 INVITEs: 403s within $b" "$(tr '\n' ' ' <"$T/burst.out")"
fi
w=$(cap_read burst "sip.Status-Code" sip.Status-Code | wc -l)
if [ "$w" = "$n" ]; then
	pass "tshark: the phone sent $BAD exactly the $n replies the flooder counted"
else
	fail "tshark: the phone sent $BAD only the replies counted" "tshark $w, sipflood $n"
fi
# Nothing is kept of a refused INVITE; the rate table is a fixed array.
# Answered through server transactions, half this burst grew baresip by
# 27 MiB (4-5 KiB an INVITE, kept 32 s); allow 4 MiB for the call and
# the allocator's own growth.
if [ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -le 4096 ]; then
	pass "baresip's memory after the burst: $rss0 -> $rss1 KiB (at most 4 MiB more)"
else
	fail "baresip's memory after the burst grows by at most 4 MiB" "$rss0 -> $rss1 KiB"
fi
r=$(log_count "sipwire: INVITE from $BAD:[0-9]+ refused")
d=$(log_count "sipwire: INVITEs from $BAD dropped unanswered")
if [ "$r" = "$n" ] && [ "$d" -ge 1 ] && [ "$d" -le "$b" ]; then
	pass "the log: one line per 403 ($r), $d saying the source's INVITEs are dropped"
else
	fail "the log: one line per 403, a few saying INVITEs are dropped" "refused lines $r (403s $n), dropped lines $d"
fi

# --- Many sources at once: all refusals together are bounded too ----------
# 100 addresses (127.0.1.1-100), 10 INVITEs each, in one second: each
# source alone could have BURST 403s, all together only the bucket of
# all sources.
log_mark
"$FLOOD" -d "127.0.0.1:$SP" -s 127.0.1.1 -S 100 -n 1000 -r 1000 -w 300 \
	>"$T/many.out" 2>&1
tot=$(status_n "$T/many.out" 403)
el=$(val "$T/many.out" elapsed_ms)
ball=$((ALL_BURST + ALL_PER_S * (el / 1000 + 1)))
if [ "$tot" -ge 1 ] && [ "$tot" -le "$ball" ] && [ "$ball" -lt $((100 * BURST)) ] &&
	[ "$(log_count 'sipwire: INVITEs from callers not allowed dropped')" -ge 1 ]; then
	pass "100 sources x 10 INVITEs: $tot 403s in all, within $ball (all sources: $ALL_BURST, $ALL_PER_S/s), and the log says so"
else
	fail "100 sources x 10 INVITEs: 403s in all within $ball" "$(tr '\n' ' ' <"$T/many.out")"
fi

# --- An allowed proxy is never limited ---------------------------------------
# 200 INVITEs from 127.0.0.1 (the allowed proxy's address), to a user the
# phone does not have: each reaches baresip, which answers 404 itself.
"$FLOOD" -d "127.0.0.1:$SP" -s 127.0.0.1 -n 200 -r 400 -u nobody -w 1500 \
	>"$T/allowed.out" 2>&1
a=$(val "$T/allowed.out" invites_answered)
if [ "$a" = 200 ] && [ "$(status_n "$T/allowed.out" 403)" = 0 ] &&
	[ "$(status_n "$T/allowed.out" 404)" -ge 200 ]; then
	pass "200 INVITEs from the allowed proxy's address: every one reaches baresip (404), none refused"
else
	fail "INVITEs from the allowed proxy are never limited" "$(tr '\n' ' ' <"$T/allowed.out")"
fi
# And calls through it still work right after.
S -c 'dial 0 1002' >/dev/null 2>&1
if wait_for 5 has_call '"direction":"in"'; then
	pass "after the floods: a call through Kamailio rings line 1"
else
	fail "after the floods: a call through Kamailio rings line 1" "$(S -c 'show calls' 2>&1)"
fi
S -c 'hangup 0' >/dev/null 2>&1
wait_for 5 no_calls
if [ "$(phone_pid)" = "$pid" ]; then
	pass "the phone ran through every flood (same baresip, PID $pid)"
else
	fail "the phone ran through every flood" "PID $pid, now '$(phone_pid)'"
fi
check "phone stop" S -c 'phone stop'

# sipsh.conf(5), under 'proxy', says what a refused source gets, in the
# module's own figures.
txt=$(tr '\n' ' ' <"$TOP/build/man/sipsh.conf.5" | tr -s ' ')
if grep -qF "at most $BURST such answers at once and then $PER_S a second" <<<"$txt" &&
	grep -qF "together $ALL_PER_S a second" <<<"$txt" &&
	grep -qF "An allowed proxy is never limited" <<<"$txt"; then
	pass "sipsh.conf(5) says what a refused source gets ($BURST at once, $PER_S/s; $ALL_PER_S/s in all)"
else
	fail "sipsh.conf(5) says what a refused source gets" "no '$BURST such answers at once and then $PER_S a second' under proxy"
fi
