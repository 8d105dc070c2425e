#!/usr/bin/env bash
# The registration settings on the wire: Register Interval is the
# REGISTER's expiry; Register Timeout spaces the attempts to a registrar
# that does not answer; Register Back-off Attempts/Timeout stretch them;
# Register Attempts gives up. Proven from a capture of the REGISTERs the
# phone sends (tshark on loopback), against a real Kamailio where one is
# needed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

KP=$((24000 + $$ % 1000 * 4))   # Kamailio
DEAD=$((KP + 1))                # no listener: ICMP port unreachable
SP=$((KP + 2))                  # the phone
SINK=$((KP + 3))                # a registrar that reads and drops
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
SINK_PID=
trap 'cap_stop reg; cap_stop dead; cap_stop sink; phone_down;
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; cleanup' EXIT

# The times (s) of the REGISTER transactions sent to PORT (a UDP
# retransmission is not a new attempt), un-REGISTERs (expires=0) left out.
register_times() {
	cap_read "$1" "sip.Method == \"REGISTER\" && udp.dstport == $2" \
		frame.time_relative sip.Call-ID sip.CSeq.seq \
		sip.contact.parameter |
		awk -F'\t' '$4 !~ /expires=0/ && !seen[$2 " " $3]++ { print $1 }'
}

# Every REGISTER frame to PORT: time, Call-ID and CSeq (one transaction).
register_frames() {
	cap_read "$1" "sip.Method == \"REGISTER\" && udp.dstport == $2" \
		frame.time_relative sip.Call-ID sip.CSeq.seq
}

# Give-up, then a window longer than T2 (4 s), in which a transaction
# still alive would retransmit at least once; a marker datagram on the
# capture's probe port shows in the capture where the window starts.
mark_given_up() {
	wait_for 60 sh -c "[ \$(grep -c 'giving up after 5' \
		'$SIPSH_RUNDIR/log/current') -ge $2 ]"
	printf 'regtx-gave-up-%s' "$1" >/dev/udp/127.0.0.1/$CAP_PROBE_PORT
	sleep 6
}
mark_time() {
	tshark -r "$(cap_file "$1")" -Y "frame contains \"regtx-gave-up-$1\"" \
		-T fields -e frame.time_relative 2>/dev/null | head -1
}

# Wire checks of one giving-up run in capture NAME to PORT: nothing after
# giving up, and no transaction's frame after the next one's first.
wire_checks() {
	local name=$1 port=$2 what=$3 mark late overlap
	mark=$(mark_time "$name")
	register_frames "$name" "$port" >"$T/$name.frames"
	late=$(awk -F'\t' -v m="$mark" 'm != "" && $1 > m' "$T/$name.frames" |
		wc -l)
	if [ -n "$mark" ] && [ "$late" = 0 ]; then
		pass "$what: no REGISTER on the wire after giving up"
	else
		fail "$what: no REGISTER on the wire after giving up" \
			"mark '$mark', $late after it: $(awk -F'\t' -v m="$mark" \
				'$1 > m { print $2 "/" $3 }' "$T/$name.frames" |
				sort | uniq -c | tr '\n' ' ')"
	fi
	# Per transaction (Call-ID and CSeq) its first and last frame, in
	# the order of the first: each must end before the next begins.
	overlap=$(awk -F'\t' '{ k = $2 " " $3
		if (!(k in first)) { first[k] = $1; order[++n] = k }
		last[k] = $1 }
		END { for (i = 1; i < n; i++)
			if (last[order[i]] + 0 > first[order[i + 1]] + 0)
				printf "%s until %s after the next began at %s; ",
					order[i], last[order[i]],
					first[order[i + 1]] }' "$T/$name.frames")
	if [ -z "$overlap" ] && [ -s "$T/$name.frames" ]; then
		pass "$what: one REGISTER transaction at a time"
	else
		fail "$what: one REGISTER transaction at a time" \
			"${overlap:-no REGISTER seen}"
	fi
}

# show registrations after giving up: failed, 5 attempts, and the reason.
state_checks() {
	local what=$1 reason=$2 out
	out=$(S -c 'show registrations' 2>&1)
	if grep -Eq '^1 .*failed.* 5 ' <<<"$out" && grep -q "$reason" <<<"$out"; then
		pass "$what: show registrations says failed, 5 attempts, $reason"
	else
		fail "$what: show registrations says failed, 5 attempts, $reason" \
			"$out"
	fi
}

cat >"$T/base.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 register-interval 45
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
EOF
kam_start "$KP" sipsh.test 1001:secret1
S -f "$T/base.in"

# Register Interval: the expiry the REGISTER asks for, and Kamailio's.
cap_start reg "udp port $KP"
S -c 'phone start' >/dev/null 2>&1
kam_wait_registered "$KP" 1001 5
cap_stop reg
exp=$(cap_read reg 'sip.Method == "REGISTER"' sip.contact.parameter |
	grep -o 'expires=[0-9]*' |
	sort -u | cut -d= -f2 | head -1)
if [ "$exp" = 45 ]; then
	pass "register-interval 45: the REGISTER asks for 45 s"
else
	fail "register-interval 45: the REGISTER asks for 45 s" "saw '$exp'"
fi
kexp=$(kam_lookup "$KP" 1001 Expires 2>/dev/null)
if [ -n "$kexp" ] && [ "$kexp" -le 45 ] && [ "$kexp" -ge 40 ]; then
	pass "Kamailio's binding expires in 45 s"
else
	fail "Kamailio's binding expires in 45 s" "Expires '$kexp'"
fi

# Register Timeout 2, back-off after 3 failures to 5 s, give up after 5:
# attempts at 0, 2, 4, then 9, 14 (5 failed), then nothing. The commit
# restarts the phone (sip settings changed) with the dead registrar.
cap_start dead "udp port $DEAD"
S -c sip -c 'register-timeout 2' -c 'register-attempts 5' \
	-c 'register-backoff-attempts 3' -c 'register-backoff-timeout 5' \
	-c 'account 1' -c "registrar 127.0.0.1:$DEAD" >/dev/null 2>&1
mark_given_up dead 1
cap_stop dead
mapfile -t times < <(register_times dead "$DEAD")
gaps=()
for ((i = 1; i < ${#times[@]}; i++)); do
	gaps+=("$(awk -v a="${times[i - 1]}" -v b="${times[i]}" 'BEGIN { printf "%.0f", b - a }')")
done
if [ "${#times[@]}" = 5 ] && [ "${gaps[*]}" = "2 2 5 5" ]; then
	pass "timeout 2 s, back-off to 5 s after 3, give up after 5 attempts"
else
	fail "timeout 2 s, back-off to 5 s after 3, give up after 5 attempts" \
		"${#times[@]} REGISTERs, gaps: ${gaps[*]}"
fi
out=$(S -c 'show registrations' 2>&1)
if grep -Eq '^1 .* 5 +(-|[0-9]+s ago)$' <<<"$out"; then
	pass "show registrations counts the 5 failed attempts"
else
	fail "show registrations counts the 5 failed attempts" "$out"
fi
wire_checks dead "$DEAD" "ICMP unreachable"
state_checks "ICMP unreachable" "port unreachable from 127.0.0.1:$DEAD"

# The same policy against a registrar that reads every REGISTER and
# answers none (no ICMP): the same limits on the wire. The sink stops
# after 10000 datagrams or 120 s without one, if not stopped before.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(120)
for _ in range(10000):
    s.recvfrom(65535)
' "$SINK" 2>/dev/null &
SINK_PID=$!
TEST_PIDS+=("$SINK_PID")
# A fresh phone: one that has given up waits for a new policy.
phone_down
S -c 'account 1' -c "registrar 127.0.0.1:$SINK" >/dev/null 2>&1
cap_start sink "udp port $SINK"
S -c 'phone start' >/dev/null 2>&1
mark_given_up sink 2
cap_stop sink
n=$(register_times sink "$SINK" | wc -l)
if [ "$n" = 5 ]; then
	pass "silent registrar: 5 attempts, then giving up"
else
	fail "silent registrar: 5 attempts, then giving up" "$n REGISTER transactions"
fi
wire_checks sink "$SINK" "silent registrar"
state_checks "silent registrar" "no answer"
