#!/usr/bin/env bash
# DTMF that a far end sends in SIP INFO (baresip-mods/phoneline/info_rx.c
# and info_body.c) on the real baresip: a SIP caller (tests/tools/
# sip_info.py) calls line 1 directly, the telephone on it answers, and
# the caller sends INFOs in the dialog: application/dtmf-relay, the same
# request again as a UDP retransmission, application/dtmf, a hook flash,
# an unreadable body, a body without Duration, an INFO that is not DTMF
# and one outside the dialog. Checked: each answer, and the digits the
# telephone hears, each once and in order.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/telephone.sh"

P=$((16000 + $$ % 500 * 4))     # our phone
UP=$((P + 1))                   # the caller (its RTP: UP + 2)
RTP=$((20000 + $$ % 500 * 20))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }

trap 'phone_down; cleanup' EXIT

cp "$TOP/etc/sipsh.conf" "$C"
S -c sip -c "bind-port $P" -c "rtp-port-range $RTP-$((RTP + 19))" \
	-c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P" >/dev/null
check "info: phone start" S -c 'phone start'
wait_for 5 test -S "$SIPSH_RUNDIR/lines/line1.sock"

tel b 1 'wait "ring on" 10' 'hook off' 'wait "state connected" 5' \
	'sleep 6' 'hook on'
B=$TEL_PID
python3 "$TOP/tests/tools/sip_info.py" "$UP" "$P" "sip:101@127.0.0.1:$P" \
	relay relay-again dtmf flash bad nodur media wrongtag \
	>"$T/info.out" 2>&1
endtel "$B"

r() { grep -qx "$1" "$T/info.out"; }
if r 'invite 200' && ev b 'state connected'; then
	pass "info: a SIP caller's call rings line 1 and is answered"
else
	fail "info: a SIP caller's call rings line 1 and is answered" \
		"$(cat "$T/info.out" "$T/b.ev")"
	exit 0
fi
check "info: application/dtmf-relay Signal=5: 200" r 'relay 200'
check "info: the same INFO retransmitted: 200 again (its transaction's)" \
	r 'relay-again 200'
check "info: application/dtmf 7: 200 (baresip alone answers 488)" r 'dtmf 200'
check "info: Signal=16, a hook flash: 200" r 'flash 200'
check "info: an unreadable body (Signal=x): 400" r 'bad 400'
check "info: a body without Duration, lower case, blanks: 200" r 'nodur 200'
check "info: an INFO that is not DTMF goes to baresip (media_control: 200)" \
	r 'media 200'
check "info: an INFO outside the dialog goes to baresip (481)" r 'wrongtag 481'
check "info: the call is hung up (BYE 200)" r 'bye 200'

# The digits the telephone heard: 5 once (not again for the
# retransmission), 7, # in order; no 1 for the flash, none for the rest.
got=$(sed -n 's/^T+[0-9.]* dtmf \(.\)$/\1/p' "$T/b.ev" | tr -d '\n')
if [ "$got" = '57#' ]; then
	pass "info: line 1 hears 5 7 #: each digit once, in order, none for the flash"
else
	fail "info: line 1 hears 5 7 #, each once, in order" \
		"got '$got': $(grep dtmf "$T/b.ev" | tr '\n' ' ')"
fi
check "info: the phone's log names the unreadable body" \
	grep -q "line 1: SIP INFO dtmf-relay: unreadable DTMF body: 400" \
	"$SIPSH_RUNDIR/log/current"
