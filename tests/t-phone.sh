#!/usr/bin/env bash
# The softphone against real peers on 127.0.0.1: Debian's baresip,
# generated and supervised (runsv) by sipsh and driven through its control
# socket; a Kamailio registrar/proxy with digest auth started by the test;
# linphonec as an independent softphone. Registration, refusals, a
# registrar that goes away and comes back, calls both ways, kill -9
# recovery, applying account changes without a restart, commits that
# would drop calls, and the control socket's permissions.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/linphone.sh"

KP=$((21000 + $$ % 1000 * 4))   # Kamailio
SP=$((KP + 1))                  # our phone's SIP port
LP=$((KP + 2))                  # linphonec
export LP_RTP_PORTS="$((RTP + 20))-$((RTP + 39))"
RTP=$((2000 + $$ % 500 * 20))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }

trap 'phone_down; cleanup' EXIT


kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 1003:secret3 1004:secret4

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 60
 register-timeout 2
!
EOF
	two_lines_conf "$KP"
} >"$T/setup.in"
check "the configuration is committed" S -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
check "the generated accounts file is private" \
	test "$(stat -c %a "$SIPSH_RUNDIR/baresip/accounts")" = 600

# Registration, as the shell and as Kamailio's location table see it.
if wait_for 5 reg_is 1 registered && wait_for 5 reg_is 2 registered; then
	pass "both accounts register"
else
	fail "both accounts register" "$(S -c 'show registrations' 2>&1)"
fi
c1=$(kam_contact "$KP" 1001)
if [ -n "$c1" ] && kam_registered "$KP" 1002 &&
	S -c 'show registrations' | grep -q "^1 .*registered"; then
	pass "show registrations and Kamailio's location table agree"
else
	fail "show registrations and Kamailio's location table agree" \
		"kamailio: '$c1'; sipsh: $(S -c 'show registrations' 2>&1)"
fi
check "show phone: running, with our ctrl module" \
	sh -c "'$SIPSH' -C '$C' -c 'show phone' | grep -q 'Modules:.* ctrl'"

# A wrong password: the registrar's refusal, said clearly.
S -c 'account 3' -c 'user 1003' -c 'password wrong' \
	-c "registrar 127.0.0.1:$KP" >/dev/null 2>&1
if wait_for 5 reg_is 3 failed &&
	S -c 'show registrations' | grep -q '^3 .*failed.*403'; then
	pass "a wrong password shows the registrar's refusal"
else
	fail "a wrong password shows the registrar's refusal" \
		"$(S -c 'show registrations' 2>&1)"
fi
pid_before=$(phone_pid)
S -c 'account 3' -c 'password secret3' >/dev/null 2>&1
check "the corrected password registers" wait_for 5 reg_is 3 registered
check "an account change is applied without a restart" \
	test "$(phone_pid)" = "$pid_before"

# A call from account 1 to account 2 through Kamailio.
S -c 'dial 0 1002' >/dev/null 2>&1
if wait_for 5 has_call '"state":"incoming"'; then
	pass "a call through Kamailio rings the other account"
else
	fail "a call through Kamailio rings the other account" "$(S -c 'show calls' 2>&1)"
fi
S -c 'answer 1' >/dev/null 2>&1
if wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' | grep -c established | grep -qx 2"; then
	pass "answered: show calls shows both ends established"
else
	fail "answered: show calls shows both ends established" "$(S -c 'show calls' 2>&1)"
fi

# A commit that would end calls: refused in a batch unless forced.
out=$(S -c sip -c 'rtp-port-range 10000-19998' 2>&1)
if [ $? != 0 ] && grep -q 'would end 2 calls' <<<"$out" &&
	! grep -q 'rtp-port-range 10000-19998' "$C"; then
	pass "a batch commit that would end calls is refused"
else
	fail "a batch commit that would end calls is refused" "$out"
fi

S -c 'hangup 0' >/dev/null 2>&1
if wait_for 5 sh -c "! '$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"id\"'"; then
	pass "hangup from the shell ends the call"
else
	fail "hangup from the shell ends the call" "$(S -c 'show calls' 2>&1)"
fi

# linphonec, an independent softphone, both ways.
lp_start lp "$LP" "127.0.0.1:$KP" 1004 secret4 autoanswer
if kam_wait_registered "$KP" 1004 10; then
	S -c 'dial 0 1004' >/dev/null 2>&1
	if wait_for 10 has_call '"state":"established"'; then
		pass "a call to linphonec is set up"
	else
		fail "a call to linphonec is set up" "$(S -c 'show calls' 2>&1)"
	fi
	S -c 'hangup 0' >/dev/null 2>&1
	wait_for 5 sh -c "! '$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"id\"'"
	# linphonec refuses a new call until it has seen the last one end.
	lp_wait lp "^Call [0-9]+ with .* ended" 5
	lp_cmd lp "call sip:1002@127.0.0.1:$KP"
	if wait_for 10 has_call '"direction":"in"'; then
		S -c 'answer 1' >/dev/null 2>&1
		if wait_for 10 has_call '"state":"established"'; then
			pass "a call from linphonec rings line 1 and is answered"
		else
			fail "a call from linphonec is answered" "$(S -c 'show calls' 2>&1)"
		fi
		S -c 'hangup 1' >/dev/null 2>&1
	else
		fail "a call from linphonec rings line 1" "$(S -c 'show calls' 2>&1)"
	fi
else
	fail "linphonec registers" "$(tail -5 "$(lp_log lp)" 2>&1)"
fi
lp_stop lp

# Two lines on one account: a call shows on the line that takes part in
# it, not on every line of its account; a call command on the other line
# finds no call.
S -c 'line 2' -c 'account 1' >/dev/null 2>&1
S -c 'dial 0 1002' >/dev/null 2>&1
wait_for 5 has_call '"state":"incoming"' && S -c 'answer 1' >/dev/null 2>&1
wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' | grep -c established | grep -qx 2"
lines=$(S -c 'show lines' 2>&1)
calls=$(S -c 'show calls' 2>&1)
if grep -Eq '^0 .*established' <<<"$lines" && grep -Eq '^1 .*established' <<<"$lines" &&
	grep -Eq '^2 +[^ ]* *1 +idle' <<<"$lines" &&
	grep -Eq '^0 +1 +out +established' <<<"$calls" &&
	grep -Eq '^1 +2 +in +established' <<<"$calls" && ! grep -q '0,2' <<<"$calls"; then
	pass "two lines on one account: show lines and show calls name only the line in the call"
else
	fail "two lines on one account: show lines and show calls name only the line in the call" \
		"$lines; $calls"
fi
out=$(S -c 'hangup 2' 2>&1)
if [ $? != 0 ] && grep -q 'line 2 has no call' <<<"$out" && has_call '"state":"established"'; then
	pass "hangup on the other line of the account finds no call and ends none"
else
	fail "hangup on the other line of the account finds no call and ends none" "$out; $(S -c 'show calls' 2>&1)"
fi
S -c 'hangup 0' >/dev/null 2>&1
wait_for 5 sh -c "! '$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"id\"'"
S -c 'no line 2' >/dev/null 2>&1

# The phone's log is plain text: baresip's warnings (the refused
# password of account 3 among them) without colour escapes.
if grep -q '403' "$SIPSH_RUNDIR/log/current" && ! grep -q $'\e' "$SIPSH_RUNDIR/log/current"; then
	pass "the phone's log holds its warnings without colour escapes"
else
	fail "the phone's log holds its warnings without colour escapes" \
		"$(grep -c $'\e' "$SIPSH_RUNDIR/log/current") lines with ESC; $(grep 403 "$SIPSH_RUNDIR/log/current" | head -2 | cat -v)"
fi

# kill -9: runsv restarts it and it registers again (bench/README.md
# has how fast).
old=$(phone_pid)
start=$(date +%s%N)
kill -9 "$old"
ok=
for i in $(seq 1 200); do
	new=$(phone_pid)
	if [ -n "$new" ] && [ "$new" != "$old" ] && [ "$new" != 0 ] &&
		reg_is 1 registered && reg_is 2 registered; then
		ok=1
		break
	fi
	sleep 0.05
done
ms=$((($(date +%s%N) - start) / 1000000))
if [ -n "$ok" ]; then
	pass "after kill -9 the phone runs and is registered again"
else
	fail "after kill -9 the phone runs and is registered again" \
		"$ms ms; $(S -c 'show registrations' 2>&1)"
fi

# The control socket: mode 0666, ctrl decides (t-roles.sh); a user in
# neither role's group is refused.
check "the control socket is mode 0666" \
	test "$(stat -c %a "$SIPSH_RUNDIR/ctrl.sock")" = 666
u=sipsh-nogrp-$$
if useradd -M -s /bin/false "$u" 2>/dev/null; then
	chmod 0755 "$T" "$SIPSH_RUNDIR"
	cp "$C" "$T/ro.conf" && chmod 0644 "$T/ro.conf"
	out=$(runuser -u "$u" -- env SIPSH_RUNDIR="$SIPSH_RUNDIR" \
		"$SIPSH" -C "$T/ro.conf" -c 'show calls' 2>&1)
	if grep -qi 'permission denied' <<<"$out"; then
		pass "a user in neither role's group is refused"
	else
		fail "a user in neither role's group is refused" "$out"
	fi
	userdel "$u"
else
	fail "a user in neither role's group is refused" "useradd failed"
fi

# A registrar that restarts loses its bindings (usrloc in memory) and
# tells nobody: the phone can only say when the binding was last
# confirmed, and that age grows past the restart.
conf_ago() { S -c 'show registrations | json' 2>/dev/null |
	grep -o '"2":{[^}]*}' | grep -o '"confirmed_ago":[-0-9]*' | cut -d: -f2; }
a0=$(conf_ago)
kam_stop "$KP"
kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 1003:secret3 1004:secret4
sleep 2
a1=$(conf_ago)
if [ -n "$a0" ] && [ "$a0" -ge 0 ] && [ -n "$a1" ] && [ "$a1" -ge $((a0 + 2)) ] &&
	! kam_registered "$KP" 1002 && reg_is 2 registered &&
	S -c 'show registrations' | grep -Eq "^2 .*registered.* ${a1}s ago|^2 .*registered.* $((a1 + 1))s ago"; then
	pass "a registrar that lost its binding: registered, confirmed ${a1} s ago, as far as the phone can know"
else
	fail "a registrar that lost its binding: the age of the confirmation is shown" \
		"before $a0, after $a1: $(S -c 'show registrations' 2>&1)"
fi

# The registrar goes away: retrying is shown; it comes back: registered.
kam_stop "$KP"
S -c 'account 1' -c 'transport tcp' >/dev/null 2>&1
if wait_for 15 sh -c "'$SIPSH' -C '$C' -c 'show registrations' | grep -Eq '^1 .*(registering|failed)'"; then
	pass "a stopped registrar shows the account retrying"
else
	fail "a stopped registrar shows the account retrying" "$(S -c 'show registrations' 2>&1)"
fi
kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 1003:secret3 1004:secret4
if wait_for 6 reg_is 1 registered; then
	pass "it registers again when the registrar is back"
else
	fail "it registers again when the registrar is back" "$(S -c 'show registrations' 2>&1)"
fi

check "phone stop" S -c 'phone stop'
check "show phone says stopped" sh -c "'$SIPSH' -C '$C' -c 'show phone' | grep -q 'Phone: *stopped'"
