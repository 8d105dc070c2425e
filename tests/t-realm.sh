#!/usr/bin/env bash
# The Realm setting against a real Kamailio whose realm is testbed.local:
# with that realm configured (in other case) the phone registers and
# answers the 407 of its INVITE; with another one its
# REGISTERs carry no Authorization header (from a capture on loopback),
# the registration fails and show registrations names both realms; an
# INVITE challenged (407) by testbed.local is not answered with
# credentials either, and the call's close reason says why. Unset again,
# any realm is answered.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

KP=$((25000 + $$ % 1000 * 4))   # Kamailio
SP=$((KP + 1))                  # the phone
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
SOCK=$SIPSH_RUNDIR/ctrl.sock
ctrlc() { python3 "$TOP/tests/tools/ctrlc.py" "$@"; }
trap 'cap_stop ok; cap_stop reg; cap_stop inv; phone_down; cleanup' EXIT

# The REGISTERs and INVITEs sent to Kamailio, with their credentials:
# "METHOD<TAB>Authorization<TAB>Proxy-Authorization" per packet.
sent() {
	cap_read "$1" "sip.Method == \"$2\" && udp.dstport == $KP" \
		sip.Method sip.Authorization sip.Proxy-Authorization
}

cat >"$T/base.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 register-interval 60
 register-timeout 2
 realm TestBed.Local
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
EOF
kam_start "$KP" testbed.local 1001:secret1 1002:secret2
S -f "$T/base.in"

# The configured realm (compared without regard to case): the challenge
# is answered and the phone registers.
S -c 'phone start' >/dev/null 2>&1
check "realm TestBed.Local: the generated config says acctauth_realm TestBed.Local" \
	grep -q '^acctauth_realm[[:space:]]*TestBed.Local$' "$SIPSH_RUNDIR/baresip/config"
if kam_wait_registered "$KP" 1001 5; then
	pass "realm TestBed.Local: a challenge of testbed.local is answered; registered"
else
	fail "realm TestBed.Local: a challenge of testbed.local is answered; registered" \
		"$(S -c 'show registrations' 2>&1)"
fi

# Its INVITE's 407 of testbed.local is answered too: Kamailio takes the
# credentials and finds 1002 not registered (480).
cap_start ok "udp port $KP"
ctrlc -w 8 -u '"type":"closed"' "$SOCK" \
	'{"id":1,"command":"dial","aor":"sip:1001@127.0.0.1:'"$KP"'","uri":"sip:1002@127.0.0.1:'"$KP"'"}' \
	>"$T/dial-ok.out" 2>&1
cap_stop ok
mapfile -t invs < <(sent ok INVITE)
withauth=$(printf '%s\n' "${invs[@]}" | awk -F'\t' '$3 != ""' | wc -l)
if [ "$withauth" -ge 1 ] &&
	grep -q '"type":"closed".*"reason":"480 Temporarily Unavailable"' "$T/dial-ok.out"; then
	pass "realm TestBed.Local: the INVITE's 407 is answered (Proxy-Authorization), then 480"
else
	fail "realm TestBed.Local: the INVITE's 407 is answered (Proxy-Authorization), then 480" \
		"${#invs[@]} INVITEs, $withauth with credentials; $(cat "$T/dial-ok.out")"
fi

# Another realm: the commit restarts the phone (acctauth reads the realm
# at baresip's start); its REGISTERs go without credentials.
phone_down
kam_restart "$KP"
KLOG=$(kam_dir "$KP")/kamailio.log
kseen=$(wc -l <"$KLOG")
klog() { tail -n +$((kseen + 1)) "$KLOG" | grep 'kam: '; }
cap_start reg "udp port $KP"
S -c sip -c 'realm other.example' >/dev/null 2>&1
check "realm other.example: the generated config says acctauth_realm other.example" \
	grep -q '^acctauth_realm[[:space:]]*other.example$' "$SIPSH_RUNDIR/baresip/config"
S -c 'phone start' >/dev/null 2>&1
refused() { S -c 'show registrations' 2>&1 | grep -q 'realm "testbed.local" asked, "other.example" configured'; }
wait_for 8 refused
out=$(S -c 'show registrations' 2>&1)
# The retries (2 s apart) are refused the same way.
retried() { S -c 'show registrations | json' 2>&1 | grep -Eq '"attempts": *([2-9]|[1-9][0-9])'; }
wait_for 10 retried
cap_stop reg
mapfile -t regs < <(sent reg REGISTER)
withauth=$(printf '%s\n' "${regs[@]}" | awk -F'\t' '$2 != "" || $3 != ""' | wc -l)
if [ "${#regs[@]}" -ge 2 ] && [ "$withauth" = 0 ]; then
	pass "realm other.example: ${#regs[@]} REGISTERs, none with an Authorization header"
else
	fail "realm other.example: REGISTERs without an Authorization header" \
		"${#regs[@]} REGISTERs, $withauth with credentials: $(printf '%s|' "${regs[@]}")"
fi
if kam_registered "$KP" 1001; then
	fail "realm other.example: not registered at Kamailio" "$(kam_contact "$KP" 1001)"
else
	pass "realm other.example: not registered at Kamailio"
fi
if klog | grep -q 'REGISTER' &&
	! klog | grep -q 'REGISTER 1001 ok\|refused REGISTER\|challenge REGISTER from 1001 again'; then
	pass "realm other.example: Kamailio saw no credentials at all (its log)"
else
	fail "realm other.example: Kamailio saw no credentials at all (its log)" \
		"$(klog | tail -5)"
fi
if grep -Eq '^1 +failed +.*401 Unauthorized' <<<"$out" &&
	grep -Eq '^ {4}sip:1001@127\.0\.0\.1:[0-9]+ -> ' <<<"$out" &&
	grep -Eq '^ {4}realm "testbed.local" asked, "other.example" configured$' <<<"$out"; then
	pass "show registrations: failed, 401, and the realm asked and the one configured"
else
	fail "show registrations: failed, 401, and the realm asked and the one configured" "$out"
fi
json=$(S -c 'show registrations | json' 2>&1)
if grep -q '"realm_asked": *"testbed.local"' <<<"$json" &&
	grep -q '"auth_refused": *"realm \\"testbed.local\\" asked, \\"other.example\\" configured"' <<<"$json"; then
	pass "show registrations | json: realm_asked and auth_refused"
else
	fail "show registrations | json: realm_asked and auth_refused" "$json"
fi
wide=$(awk 'length > 80' <<<"$out")
check "show registrations fits 80 columns, the realm line too" test -z "$wide"
check "the phone's log names both realms" \
	grep -rq 'acctauth: sip:1001@127.0.0.1:[0-9]*: REGISTER challenged by realm "testbed.local", "other.example" configured: no credentials sent' \
	"$SIPSH_RUNDIR"

# An INVITE challenged by testbed.local (Kamailio's 407): no credentials,
# the call fails and says why.
cap_start inv "udp port $KP"
ctrlc -w 8 -u '"type":"closed"' "$SOCK" \
	'{"id":1,"command":"dial","aor":"sip:1001@127.0.0.1:'"$KP"'","uri":"sip:1002@127.0.0.1:'"$KP"'"}' \
	>"$T/dial.out" 2>&1
cap_stop inv
mapfile -t invs < <(sent inv INVITE)
withauth=$(printf '%s\n' "${invs[@]}" | awk -F'\t' '$2 != "" || $3 != ""' | wc -l)
if [ "${#invs[@]}" -ge 1 ] && [ "$withauth" = 0 ]; then
	pass "INVITE challenged by another realm: ${#invs[@]} INVITE, no Proxy-Authorization"
else
	fail "INVITE challenged by another realm: no Proxy-Authorization" \
		"${#invs[@]} INVITEs, $withauth with credentials: $(printf '%s|' "${invs[@]}")"
fi
check "Kamailio challenged the INVITE (407)" \
	kam_wait_log "$KP" "kam: challenge INVITE from 1001" 1
if grep -q '"type":"closed".*"reason":"407 Proxy Authentication Required: realm \\"testbed.local\\" asked, \\"other.example\\" configured"' "$T/dial.out"; then
	pass "the call closes: 407, the realm asked and the one configured"
else
	fail "the call closes: 407, the realm asked and the one configured" "$(cat "$T/dial.out")"
fi
if klog | grep -q "INVITE from 1001 to\|challenge INVITE from 1001 again"; then
	fail "Kamailio routed no INVITE" "$(klog | tail -5)"
else
	pass "Kamailio routed no INVITE"
fi

# A call that ends for another reason (we hang up before anything
# answers) keeps its own reason, though the account's REGISTER was
# refused.
ctrlc "$SOCK" \
	'{"id":1,"command":"dial","aor":"sip:1001@127.0.0.1:'"$KP"'","uri":"sip:1002@127.0.0.1:'"$((KP + 3))"'"}' \
	>"$T/dial-other.out" 2>&1
CALL=$(sed -n 's/^{"id":1,"ok":true,"data":{"id":"\([^"]*\)"}}$/\1/p' "$T/dial-other.out")
ctrlc -w 8 -u '"type":"closed"' "$SOCK" \
	'{"id":2,"command":"hangup","call":"'"$CALL"'"}' >"$T/hangup.out" 2>&1
if [ -n "$CALL" ] && grep -q '"type":"closed".*"id":"'"$CALL"'"' "$T/hangup.out" &&
	! grep -q 'asked' "$T/hangup.out"; then
	pass "a call ended otherwise names no realm"
else
	fail "a call ended otherwise names no realm" "$(cat "$T/dial-other.out" "$T/hangup.out")"
fi

# Unset: any realm is answered again.
S -c sip -c 'no realm' >/dev/null 2>&1
if grep -q '^acctauth_realm' "$SIPSH_RUNDIR/baresip/config"; then
	fail "no realm: no acctauth_realm key" "$(grep acctauth "$SIPSH_RUNDIR/baresip/config")"
else
	pass "no realm: no acctauth_realm key"
fi
S -c 'phone restart' >/dev/null 2>&1
if kam_wait_registered "$KP" 1001 8; then
	pass "no realm: any realm is answered; registered"
else
	fail "no realm: any realm is answered; registered" "$(S -c 'show registrations' 2>&1)"
fi
out=$(S -c 'show registrations' 2>&1)
if grep -q 'asked' <<<"$out"; then
	fail "no realm: show registrations names no realm" "$out"
else
	pass "no realm: show registrations names no realm"
fi
