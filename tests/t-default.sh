#!/usr/bin/env bash
# The default configuration is a working phone with no SIP provider: its
# two lines register nowhere and call each other directly on 127.0.0.1.
# (Run on a port of the test's own, so a phone of 'make run' on 5060 is
# left alone; everything else is etc/sipsh.conf as shipped.)
. "$(dirname "$0")/lib.sh"

P=$((23000 + $$ % 1000 * 2))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
trap 'phone_down; cleanup' EXIT

calls() { S -c 'show calls | json' 2>/dev/null; }
ncalls() { [ "$(calls | grep -o "\"state\":\"$1\"" | wc -l)" = "$2" ]; }

cp "$TOP/etc/sipsh.conf" "$C"
S -c sip -c "bind-port $P" -c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P"
check "phone start on the default configuration" S -c 'phone start'

out=$(S -c 'show registrations' 2>&1)
if [ "$(grep -c ' off ' <<<"$out")" = 2 ]; then
	pass "neither line's account registers anywhere"
else
	fail "neither line's account registers anywhere" "$out"
fi

out=$(S -c 'dial 0 101 | json' 2>&1)
if grep -Eq '^\{"line":0,"command":"dial","call":"[^"]+","uri":"sip:101@127.0.0.1:'"$P"'"\}$' <<<"$out"; then
	pass "dial | json says the line, the call and the address"
else
	fail "dial | json says the line, the call and the address" "$out"
fi
if wait_for 5 ncalls incoming 1; then
	pass "line 0 dialling 101 rings line 1"
else
	fail "line 0 dialling 101 rings line 1" "$(S -c 'show calls' 2>&1)"
fi
check "show lines: line 1 is ringing" \
	sh -c "'$SIPSH' -C '$C' -c 'show lines' | grep -q '^1 .*incoming'"
S -c 'answer 1' >/dev/null 2>&1
if wait_for 5 ncalls established 2; then
	pass "line 1 answers: both ends established"
else
	fail "line 1 answers: both ends established" "$(S -c 'show calls' 2>&1)"
fi
S -c 'hold 0' >/dev/null 2>&1
check "hold from the shell" wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"held\":true'"
S -c 'resume 0' >/dev/null 2>&1
check "resume from the shell" wait_for 5 sh -c "! '$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"held\":true'"
S -c 'hangup 1' >/dev/null 2>&1
check "hangup from line 1 ends both ends" wait_for 5 ncalls established 0
