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
DEAD=$((KP + 1))                # a registrar that never answers
SP=$((KP + 2))                  # the phone
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
trap 'cap_stop reg; cap_stop dead; phone_down; cleanup' EXIT

# The times (s) of the REGISTER transactions sent to PORT (a UDP
# retransmission is not a new attempt), un-REGISTERs (expires=0) left out.
register_times() {
	cap_read "$1" "sip.Method == \"REGISTER\" && udp.dstport == $2" \
		frame.time_relative sip.Call-ID sip.CSeq.seq \
		sip.contact.parameter |
		awk -F'\t' '$4 !~ /expires=0/ && !seen[$2 " " $3]++ { print $1 }'
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
sleep 20
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
