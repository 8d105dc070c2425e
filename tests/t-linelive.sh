#!/usr/bin/env bash
# Phone lines changed on the running phone (baresip-mods/phoneline's
# line_set and line_del, served by the ctrl module) with Debian's baresip
# run by sipsh and simulated telephones (build/sipsh-phone): a line added
# live has its socket at once, goes off hook, dials and talks (audio both
# ways) to a line added live on an account added live; a call on line 0
# stays connected while lines 2 and 3 are added and removed; a removed
# line's socket is gone and sipsh-phone says the line does not exist; a
# line moved to another account ends its call. Last, the modules refuse
# to load when a key the generator writes is missing, and say which.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/telephone.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
P=$((26000 + $$ % 1000 * 4))    # our phone's SIP port
RTP=$((2000 + $$ % 250 * 40))
C=$SIPSH_CONF
PH=$TOP/build/sipsh-phone
TA=$TOP/build/tone-analyze
LINES=$SIPSH_RUNDIR/lines
SOCK=$SIPSH_RUNDIR/ctrl.sock
BDIR=$SIPSH_RUNDIR/baresip
S() { "$SIPSH" -C "$C" "$@"; }
ctrlc() { "$PY" "$TOP/tests/tools/ctrlc.py" "$@"; }
# req JSON: one request; prints its reply only.
req() { ctrlc "$SOCK" "$1" | grep -v '"event"'; }
ok() { req "$1" | grep -q '"ok":true'; }

trap 'phone_down; cleanup' EXIT

# since_connected NAME REGEX: an event matching after the line connected.
since_connected() { sed -n '/state connected/,$p' "$T/$1.ev" | grep -q -- "$2"; }
# established AOR-USER: ctrl lists an established call of that account.
established() {
	req '{"id":1,"command":"calls"}' | "$PY" -c '
import json, sys
calls = json.loads(sys.stdin.read())["data"]
sys.exit(0 if any(c["state"] == "established" and
                  c["aor"].startswith("sip:" + sys.argv[1] + "@")
                  for c in calls) else 1)' "$1"
}

"$TOP/build/mkwav" "$T/1k.wav" tone 1000 3 >/dev/null

# --- The phone: lines 0 and 1 as shipped, account 3 with no line yet.
cp "$TOP/etc/sipsh.conf" "$C"
S -c sip -c "bind-port $P" -c "rtp-port-range $RTP-$((RTP + 19))" \
	-c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P" \
	-c 'account 3' -c 'user 102' -c "registrar 127.0.0.1:$P" \
	-c 'no register' >/dev/null
check "phone start: lines 0 and 1, account 3 without a line" \
	S -c 'phone start'
wait_for 10 test -S "$LINES/line1.sock"
wait_for 10 test -S "$SOCK"
AOR102=$(sed -n 's/^<\(sip:102@[^;>]*\).*/\1/p' "$BDIR/accounts")
# Account 4 is added live as the shell adds one: its accounts-file line.
LINE103=$(sed -n 's/^<sip:102@/<sip:103@/p' "$BDIR/accounts" |
	sed 's/phoneline,3/phoneline,4/g')
AOR103=${AOR102/102@/103@}
check "line 2 does not exist yet" sh -c "! test -e '$LINES/line2.sock'"

# A call on line 0 to line 1 that lasts until line 1 is moved (below).
tel b 1 'wait "ring on 100" 8' 'hook off' 'wait "state connected" 3' \
	'wait "tone busy" 60' 'hook on'
B=$TEL_PID
tel a 0 'hook off' 'wait "tone dial" 3' 'dial 101#' \
	'wait "state connected" 5' 'wait "tone busy" 60' 'hook on'
A=$TEL_PID
wait_for 10 established 100
check "line 0 calls line 1: connected" established 100
# on_line USER N: ctrl's calls gives the call of that account "line":N.
on_line() {
	req '{"id":1,"command":"calls"}' | "$PY" -c '
import json, sys
calls = json.loads(sys.stdin.read())["data"]
sys.exit(0 if any(c["aor"].startswith("sip:" + sys.argv[1] + "@") and
                  c.get("line") == int(sys.argv[2]) for c in calls) else 1)' "$1" "$2"
}
both_on_lines() { on_line 100 0 && on_line 101 1; }
if both_on_lines; then
	pass "calls: the call of 100 is on line 0, that of 101 on line 1"
else
	fail "calls: the call of 100 is on line 0, that of 101 on line 1" \
		"$(req '{"id":1,"command":"calls"}')"
fi

# --- line_set: a new line on an existing account, its socket at once.
out=$(req "{\"id\":2,\"command\":\"line_set\",\"line\":2,\"aor\":\"$AOR102\"}")
if grep -q '"ok":true' <<<"$out" && grep -q '"changed":true' <<<"$out" &&
	test -S "$LINES/line2.sock"; then
	pass "line_set 2 on $AOR102: ok, changed, line2.sock exists when the reply comes"
else
	fail "line_set 2: ok, changed, line2.sock exists when the reply comes" \
		"$out $(ls -l "$LINES")"
fi
check "line2.sock has mode 0660" sh -c \
	"test \"\$(stat -c %a '$LINES/line2.sock')\" = 660"
check "line_set 2 again on the same account: ok, nothing changed" sh -c \
	"ctrlc() { '$PY' '$TOP/tests/tools/ctrlc.py' \"\$@\"; }
	 ctrlc '$SOCK' '{\"id\":3,\"command\":\"line_set\",\"line\":2,\"aor\":\"$AOR102\"}' |
	 grep -q '\"changed\":false'"

# An account added live (as the shell does: ua_add first), then its line.
check "ua_add account 103" ok \
	"{\"id\":4,\"command\":\"ua_add\",\"line\":\"$LINE103\"}"
check "line_set 3 on the account added live: ok, line3.sock exists" sh -c \
	"'$PY' '$TOP/tests/tools/ctrlc.py' '$SOCK' '{\"id\":5,\"command\":\"line_set\",\"line\":3,\"aor\":\"$AOR103\"}' |
	 grep -q '\"ok\":true' && test -S '$LINES/line3.sock'"

# Line 2 goes off hook, dials 103, line 3 rings and answers; 1 kHz from
# line 2 is heard on line 3: the live lines carry the calls' audio.
tel d 3 'wait "ring on 102" 8' 'hook off' 'wait "state connected" 3' \
	'sleep 20'
D=$TEL_PID
tel c 2 'hook off' 'wait "tone dial" 3' 'dial 103#' \
	'wait "state connected" 8' 'sleep 0.3' "play $T/1k.wav" 'sleep 2.5' \
	'wait "tone busy" 10' 'sleep 0.3' 'hook on'
CP=$TEL_PID
wait_for 15 ev d 'state connected'
if ev c 'tone dial' && ev c 'state connected' && ev d 'ring on 102' &&
	ev d 'state connected'; then
	pass "line 2 (added live) hears dial tone, dials 103; line 3 (added live) rings with 102, answers"
else
	fail "line 2 (added live) dials 103, line 3 (added live) rings and answers" \
		"$(cat "$T/c.ev" "$T/d.ev")"
fi
sleep 3     # line 2 plays its 3 s of 1 kHz meanwhile

# --- line_del 3 while its call runs: the call ends, the socket goes.
out=$(req '{"id":6,"command":"line_del","line":3}')
if grep -q '"ok":true' <<<"$out" && ! test -e "$LINES/line3.sock"; then
	pass "line_del 3 during its call: ok, line3.sock gone when the reply comes"
else
	fail "line_del 3: ok, line3.sock gone when the reply comes" "$out"
fi
endtel "$D"
endtel "$CP"
t=$(from_event d 'state connected')
wav_cut "$T/d.wav" "$T/d-mid.wav" "$(echo "$t + 1.2" | bc)" "$(echo "$t + 2.2" | bc)"
check "1 kHz into line 2 is heard on line 3 (both added live)" sh -c \
	"'$TA' --freq 0 1 '$T/d-mid.wav' | grep -Eq '^(99[0-9]|100[0-9]) Hz'"
check "line 2 hears busy once line 3 and its call are gone" ev c 'tone busy'
out=$("$PH" -l 3 'hook off' 2>&1); rc=$?
if [ "$rc" != 0 ] && grep -q 'does not exist' <<<"$out"; then
	pass "sipsh-phone -l 3 after line_del: 'does not exist' (exit $rc)"
else
	fail "sipsh-phone -l 3 after line_del says the line does not exist" "$rc $out"
fi

check "line_del 2: ok, line2.sock gone" sh -c \
	"'$PY' '$TOP/tests/tools/ctrlc.py' '$SOCK' '{\"id\":7,\"command\":\"line_del\",\"line\":2}' |
	 grep -q '\"ok\":true' && ! test -e '$LINES/line2.sock'"
check "line_del of a line that does not exist is refused" sh -c \
	"'$PY' '$TOP/tests/tools/ctrlc.py' '$SOCK' '{\"id\":8,\"command\":\"line_del\",\"line\":7}' |
	 grep -q '\"error\":\"no line 7\"'"
check "line_set on an account that does not exist is refused" sh -c \
	"'$PY' '$TOP/tests/tools/ctrlc.py' '$SOCK' '{\"id\":9,\"command\":\"line_set\",\"line\":5,\"aor\":\"sip:999@nowhere.invalid\"}' |
	 grep -q '\"error\":\"no account'"
check "line_set of line 32 is refused" sh -c \
	"'$PY' '$TOP/tests/tools/ctrlc.py' '$SOCK' '{\"id\":10,\"command\":\"line_set\",\"line\":32,\"aor\":\"$AOR102\"}' |
	 grep -q '\"ok\":false'"

# The call on line 0 lived through all of it.
if established 100 && ! since_connected a 'tone busy\|state idle' &&
	! since_connected b 'tone busy\|state idle'; then
	pass "the call on lines 0-1 stays connected while lines 2 and 3 come and go"
else
	fail "the call on lines 0-1 stays connected while lines 2 and 3 come and go" \
		"$(cat "$T/a.ev" "$T/b.ev")"
fi

# --- line_set 1 onto another account: its call ends.
out=$(req "{\"id\":11,\"command\":\"line_set\",\"line\":1,\"aor\":\"$AOR103\"}")
endtel "$A"; endtel "$B"
if grep -q '"changed":true' <<<"$out" && ev b 'tone busy' &&
	ev a 'tone busy' && ! established 100; then
	pass "line_set 1 onto account 103: the call on line 1 ends, both handsets hear busy"
else
	fail "line_set 1 onto account 103 ends the call on line 1" \
		"$out $(cat "$T/a.ev" "$T/b.ev")"
fi
check "line 1 is still there, on account 103" test -S "$LINES/line1.sock"

# --- Keys the generator writes are required: a module refuses to load
# without one and says which. baresip runs on a copy of the generated
# configuration, each time with one key taken out.
phone_down
wait_for 10 sh -c "! test -S '$SOCK'"
# refuses KEY MODULE: baresip, stopped by timeout (TERM after 3 s, then
# KILL), logs MODULE's refusal naming KEY; modules load in milliseconds.
refuses() {
	local key=$1 mod=$2 d=$T/no-$1
	mkdir -p "$d"
	grep -v "^$key[[:space:]]" "$BDIR/config" >"$d/config"
	cp "$BDIR/accounts" "$d/accounts"
	timeout -k 2 3 /usr/bin/baresip -f "$d" </dev/null >"$d/log" 2>&1
	grep -q "$mod: no '$key' in the baresip config: not loading" "$d/log"
}
check "the generated config has phoneline_digit_timeout 4, phoneline_contact_suffix yes" \
	sh -c "grep -Eq '^phoneline_digit_timeout[[:space:]]+4\$' '$BDIR/config' &&
	       grep -Eq '^phoneline_contact_suffix[[:space:]]+yes\$' '$BDIR/config'"
for km in phoneline_digit_timeout:phoneline phoneline_contact_suffix:phoneline \
	regctl_timeout:regctl sipwire_user_agent:sipwire; do
	k=${km%%:*}
	m=${km#*:}
	if refuses "$k" "$m"; then
		pass "without $k, $m refuses to load and names the key"
	else
		fail "without $k, $m refuses to load and names the key" \
			"$(grep -i "$m" "$T/no-$k/log" | head -5)"
	fi
done
check "without phoneline_digit_timeout phoneline does not start" sh -c \
	"! grep -q 'phoneline: [0-9]* lines on' '$T/no-phoneline_digit_timeout/log'"
