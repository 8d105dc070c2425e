#!/usr/bin/env bash
# What is committed is what runs: the one commit path against the real
# baresip run by sipsh on the default configuration (two lines that call
# each other on 127.0.0.1). A commit-confirmed rollback reaches the phone
# and the other sessions; lines come and go on the running phone; a
# configuration the phone cannot run is refused before it is saved, by
# 'commit check', -n and 'commit' alike; another session's commit shows at
# once; a failed directory fsync after the rename is told truthfully and
# the phone still follows the file; 'phone start' records what it runs.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/telephone.sh"
. "$TOP/tests/tools/capture.sh"

C=$SIPSH_CONF
R=$SIPSH_RUNDIR
PH=$TOP/build/sipsh-phone
S() { "$SIPSH" -C "$C" "$@"; }
TM="tmux -L sipsh-commit-$$"

trap '$TM kill-server 2>/dev/null; phone_down; cleanup' EXIT

# nth_call SYSCALL AWK-REGEX: in the trace $T/trace (strace -y of sipsh's
# own process), the ordinal of the first SYSCALL call whose line matches.
nth_call() {
	awk -v re="$2" -v sc="$1(" 'index($0, sc) == 1 { n++; if ($0 ~ re) { print n; exit } }' "$T/trace"
}
gen_ua() { sed -n 's/^sipwire_user_agent[[:space:]]*//p' "$R/baresip/config"; }
applied_has() { grep -q -- "$1" "$R/applied.conf"; }

SP=$((23000 + $$ % 1000 * 2))
sed -e "s/^ bind-interface lo$/ bind-interface lo\n bind-port $SP/" \
	-e "s/^ registrar 127.0.0.1$/ registrar 127.0.0.1:$SP/" \
	"$TOP/etc/sipsh.conf" >"$T/default.conf"
check "the default configuration is committed" S -f "$T/default.conf"
check "phone start" S -c 'phone start'
p=$(cat "$R/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_for 5 test -S "$R/lines/line1.sock"

# 7. 'phone start' records what it runs.
if cmp -s "$C" "$R/applied.conf"; then
	pass "phone start: applied.conf is the configuration the phone runs"
else
	fail "phone start: applied.conf is the configuration the phone runs" \
		"$(diff "$C" "$R/applied.conf" | head)"
fi

# 1. commit confirmed, not confirmed: the rollback reaches the phone.
$TM -f /dev/null new-session -d -x 100 -y 30 "env TERM=xterm SIPSH_CONF=$C SIPSH_RUNDIR=$R SIPSH_MODDIR=$SIPSH_MODDIR $SIPSH"
$TM set-option -g remain-on-exit on >/dev/null
wait_for 5 sh -c "$TM capture-pane -p -J | grep -q 'sipsh>'"
pid0=$(phone_pid)
printf 'sip\n user-agent "Unconfirmed UA"\ncommit confirmed 3 seconds\n' |
	S -f - >"$T/confirmed.out" 2>&1
pid1=$(phone_pid)
if [ "$(gen_ua)" = "Unconfirmed%20UA" ] && applied_has 'Unconfirmed UA' &&
	grep -q 'live: user-agent changed' "$T/confirmed.out" &&
	[ -n "$pid1" ] && [ "$pid1" = "$pid0" ]; then
	pass "commit confirmed: the phone runs the unconfirmed user agent (live)"
else
	fail "commit confirmed: the phone runs the unconfirmed user agent" \
		"ua '$(gen_ua)' pid $pid0 -> $pid1; $(cat "$T/confirmed.out")"
fi
$TM send-keys Enter
if wait_for 5 sh -c "$TM capture-pane -p -J | grep -q 'Note: .*batch by user'"; then
	pass "an open session is told of the confirmed commit"
else
	fail "an open session is told of the confirmed commit" "$($TM capture-pane -p -J | grep -v "^$" | tail -8)"
fi
back() { ! grep -q 'Unconfirmed' "$C" && ! applied_has 'Unconfirmed UA' &&
	[ "$(gen_ua)" != "Unconfirmed%20UA" ]; }
if wait_for 10 back; then
	pass "not confirmed: the file, applied.conf and baresip's config are restored"
else
	fail "not confirmed: the file, applied.conf and baresip's config are restored" \
		"ua '$(gen_ua)'; $(grep -c Unconfirmed "$C" "$R/applied.conf")"
fi
pid2=$(phone_pid)
ua_back() { grep -q "sipwire: User-Agent 'sipsh/.*' (was 'Unconfirmed UA')" "$R/log/current"; }
if [ -n "$pid2" ] && [ "$pid2" = "$pid1" ] && wait_for 5 ua_back; then
	pass "the rollback reached the running phone: the user agent is back, no restart"
else
	fail "the rollback reached the running phone: the user agent is back, no restart" \
		"pid $pid1 -> $pid2; $(grep sipwire "$R/log/current" | tail -3)"
fi
n=$(S -c 'show configuration history' | grep -c '(current)')
check "show configuration history marks one version current ($n)" test "$n" = 1
$TM send-keys -l 'show version'
$TM send-keys Enter
if wait_for 5 sh -c "$TM capture-pane -p -J | grep -q 'Note: .*rollback of an unconfirmed commit'"; then
	pass "an open session is told of the rollback"
else
	fail "an open session is told of the rollback" "$($TM capture-pane -p -J | grep -v "^$" | tail -8)"
fi

# 4. Another session's commit shows at once in 'show running-config'.
S -c 'sip' -c 'user-agent "Committed by A"' >/dev/null 2>&1
$TM send-keys -l 'show running-config sip'
$TM send-keys Enter
if wait_for 5 sh -c "$TM capture-pane -p -J | grep -q 'user-agent \"Committed by A\"'"; then
	pass "session B's show running-config shows session A's commit"
else
	fail "session B's show running-config shows session A's commit" \
		"$($TM capture-pane -p -J | grep -v "^$" | tail -12)"
fi
$TM send-keys -l 'exit'
$TM send-keys Enter

# 2. Lines come and go on the running phone, while a call between line 0
# and line 1 goes on.
cap_start call "udp port $SP"
tel callee 1 'wait "ring on" 5' 'hook off' 'wait "state connected" 5' 'sleep 6' 'hook on'
callee=$TEL_PID
tel caller 0 'hook off' 'wait "tone dial" 3' 'dial 101#' 'wait "state connected" 5' 'sleep 6' 'hook on'
caller=$TEL_PID
wait_for 8 ev caller 'state connected'
cap_stop call
# The accounts do not register, yet their Contact carries the line suffix
# (contact-line-suffix is on by default): 100_0 in line 0's INVITE, 101_1
# in line 1's answer.
inv=$(cap_read call 'sip.Method == "INVITE"' sip.Contact | head -1)
ok=$(cap_read call 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE"' sip.Contact | head -1)
if [[ $inv == *"sip:100_0@"* ]] && [[ $ok == *"sip:101_1@"* ]]; then
	pass "no register: the INVITE and its 200 carry the line suffix ($inv / $ok)"
else
	fail "no register: the INVITE and its 200 carry the line suffix" "INVITE '$inv', 200 '$ok'"
fi
pid3=$(phone_pid)
S -c 'account 3' -c 'user 102' -c "registrar 127.0.0.1:$SP" -c 'no register' \
	-c 'line 2' -c 'account 3' >"$T/line2.out" 2>&1
if wait_for 5 test -S "$R/lines/line2.sock"; then
	pass "line 2 added: its socket appears"
else
	fail "line 2 added: its socket appears" "$(cat "$T/line2.out"; ls "$R/lines")"
fi
if "$PH" -R "$R" -l 2 --events 'hook off' 'wait "tone dial" 3' 'hook on' >"$T/l2.ev" 2>&1; then
	pass "sipsh-phone on line 2 gets a dial tone"
else
	fail "sipsh-phone on line 2 gets a dial tone" "$(cat "$T/l2.ev")"
fi
if grep -q "^% Committed: .*line 2" "$T/line2.out"; then pass "the commit says what it did"; else fail "the commit says what it did" "$(cat "$T/line2.out")"; fi
S -c 'no line 2' -c 'no account 3' >"$T/noline2.out" 2>&1
if wait_for 5 sh -c "! test -e '$R/lines/line2.sock'"; then
	pass "no line 2: its socket is gone"
else
	fail "no line 2: its socket is gone" "$(cat "$T/noline2.out"; ls "$R/lines")"
fi
if ! "$PH" -R "$R" -l 2 'hook off' >"$T/l2b.out" 2>&1 &&
	grep -qi 'line 2\|does not exist\|no such' "$T/l2b.out"; then
	pass "sipsh-phone -l 2 then says the line does not exist"
else
	fail "sipsh-phone -l 2 then says the line does not exist" "$(cat "$T/l2b.out")"
fi
if ev caller 'state connected' && ev callee 'state connected' &&
	S -c 'show calls' 2>/dev/null | grep -qi 'established'; then
	pass "the call between line 0 and line 1 is still up after line 2 came and went"
else
	fail "the call between line 0 and line 1 is still up after line 2 came and went" \
		"$(tail -3 "$T/caller.ev"; tail -3 "$T/callee.ev"; S -c 'show calls' 2>&1)"
fi
if ! grep -q 'state idle\|tone busy' <(sed -n '/state connected/,$p' "$T/caller.ev"); then
	pass "line 0's telephone saw no hangup meanwhile"
else
	fail "line 0's telephone saw no hangup meanwhile" "$(cat "$T/caller.ev")"
fi
endtel "$caller"
endtel "$callee"
pid4=$(phone_pid)
check "lines were added and removed without restarting baresip (pid $pid3 -> $pid4)" \
	test -n "$pid3" -a "$pid3" = "$pid4"

# Calls driven from the shell belong to their lines: 'dial 0 101' and
# 'answer 1' with both handsets on hook, and each telephone follows.
tel w1 1 'wait "state connected" 10'
w1=$TEL_PID
tel w0 0 'wait "state connected" 10'
w0=$TEL_PID
S -c 'dial 0 101' >"$T/dial.out" 2>&1
wait_for 5 ev w1 'ring on'
S -c 'answer 1' >"$T/answer.out" 2>&1
if wait_for 5 ev w0 'state connected' && wait_for 5 ev w1 'state connected' &&
	ev w0 'state calling'; then
	pass "dial 0 and answer 1 from the shell: both telephones follow the call"
else
	fail "dial 0 and answer 1 from the shell: both telephones follow the call" \
		"$(cat "$T/dial.out" "$T/answer.out"; tail -3 "$T/w0.ev"; tail -3 "$T/w1.ev")"
fi
S -c 'hangup 0' >/dev/null 2>&1
endtel "$w0"
endtel "$w1"
wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' 2>&1 | grep -q 'No calls'"

# What the network sends is shown, not obeyed: a caller whose name holds
# a terminal escape (clear the screen) is printed with it escaped.
python3 "$TOP/tests/tools/sip_invite.py" $((SP + 1)) 127.0.0.1 "$SP" \
	"sip:101@127.0.0.1:$SP" 3 'ev\x1b[2Jil' >"$T/evil.out" 2>&1 &
evil=$!
TEST_PIDS+=("$evil")
wait_for 3 sh -c "'$SIPSH' -C '$C' -c 'show calls' 2>&1 | grep -q incoming"
S -c 'show calls' >"$T/evil.calls" 2>&1
S -c 'show lines' >"$T/evil.lines" 2>&1
if grep -qF 'sip:ev\x1b[2Jil@' "$T/evil.calls" && grep -qF 'sip:ev\x1b[2Jil@' "$T/evil.lines" &&
	! grep -q $'\x1b' "$T/evil.calls" "$T/evil.lines"; then
	pass "show calls and show lines print a caller's control characters escaped"
else
	fail "show calls and show lines print a caller's control characters escaped" \
		"$(cat -v "$T/evil.calls" "$T/evil.lines")"
fi
wait "$evil" 2>/dev/null

# 3. A configuration the phone cannot run is refused before it is saved.
cp "$C" "$T/before.conf"
for how in "commit check" "-n" "commit"; do
	case $how in
	-n) out=$(S -n -c 'sip' -c 'bind-interface eth99' 2>&1) ;;
	commit) out=$(S -c 'sip' -c 'bind-interface eth99' 2>&1) ;;
	*) out=$(S -c 'sip' -c 'bind-interface eth99' -c "$how" 2>&1) ;;
	esac
	if echo "$out" | grep -q 'eth99: no such interface' && cmp -s "$C" "$T/before.conf"; then
		pass "bind-interface eth99: '$how' refuses it, nothing saved"
	else
		fail "bind-interface eth99: '$how' refuses it, nothing saved" "$out"
	fi
done
check "the phone still runs after the refusals" sh -c "'$SIPSH' -C '$C' -c 'show phone' | grep -q running"

# 5. The directory fsync after the rename fails: told truthfully, and the
# phone follows the file. The fsync to fail is found by tracing a first
# commit: the one on the configuration's directory right after the rename
# (a renameat within that directory, to the file's own name).
strace -y -e trace=fsync,renameat -o "$T/trace" "$SIPSH" -C "$C" \
	-c 'sip' -c 'user-agent "Traced"' >/dev/null 2>&1
nth=$(awk -v f="$(basename "$C")" '
	/^renameat\(/ && index($0, ", \"" f "\")") { seen = 1; next }
	/^fsync\(/ { n++; if (seen) { print n; exit } }' "$T/trace")
if [ -n "$nth" ]; then
	strace -o /dev/null -e trace=fsync -e inject=fsync:error=EIO:when="$nth" \
		"$SIPSH" -C "$C" -c 'sip' -c 'user-agent "After EIO"' >"$T/eio.out" 2>&1
	rc=$?
	if [ "$rc" = 4 ] && grep -q 'may not survive a power loss' "$T/eio.out" &&
		! grep -q 'nothing was changed' "$T/eio.out" &&
		grep -q 'After EIO' "$C" && [ "$(gen_ua)" = "After%20EIO" ]; then
		pass "a failed directory fsync: said so (status 4), the phone has the new file"
	else
		fail "a failed directory fsync: said so (status 4), the phone has the new file" \
			"rc $rc ua '$(gen_ua)': $(cat "$T/eio.out")"
	fi
else
	fail "a failed directory fsync" "no fsync after the rename in the trace"
fi

# 6. The history lists only versions that became current, each once.
# The two newest version files differ: none was recorded twice.
newest_differ() {
	local a b
	a=$(ls "$C.history" | grep -x '[0-9]*' | sort | tail -2 | head -1)
	b=$(ls "$C.history" | grep -x '[0-9]*' | sort | tail -1)
	! cmp -s "$C.history/$a" "$C.history/$b"
}
strace -y -e trace=renameat -o "$T/trace" "$SIPSH" -C "$C" -c 'sip' \
	-c 'user-agent "Traced again"' >/dev/null 2>&1
nth=$(nth_call renameat ", \"$(basename "$C")\"[)]")
cp "$C" "$T/before-kill.conf"
rc=$( (strace -o /dev/null -e trace=renameat -e inject=renameat:signal=SIGKILL:when="${nth:-1}" \
	"$SIPSH" -C "$C" -c 'sip' -c 'user-agent "Killed at rename"') >/dev/null 2>&1; echo $?) 2>/dev/null
check "the save was killed at its rename (status $rc)" test "$rc" = 137
h=$(S -c 'show configuration history' 2>&1)
r0=$(S -c 'rollback 0' 2>&1)
if cmp -s "$C" "$T/before-kill.conf" && echo "$h" | grep -q '^ *0  .*(current)$' &&
	echo "$r0" | grep -q 'nothing to commit'; then
	pass "a save killed at its rename: its version is not listed, rollback 0 is current"
else
	fail "a save killed at its rename: its version is not listed, rollback 0 is current" "$h $r0"
fi
strace -y -e trace=openat -o "$T/trace" "$SIPSH" -C "$C" -c 'sip' \
	-c 'user-agent "Traced a third time"' >/dev/null 2>&1
nth=$(nth_call openat "history>, \"[0-9]+\"")
cp "$C" "$T/before-kill.conf"
strace -o /dev/null -e trace=openat -e inject=openat:error=EIO:when="${nth:-1}" \
	"$SIPSH" -C "$C" -c 'sip' -c 'user-agent "Version unreadable"' \
	>"$T/eio2.out" 2>&1
rc=$?
if [ "$rc" = 4 ] && newest_differ && cmp -s "$C" "$T/before-kill.conf" &&
	grep -q 'nothing was changed' "$T/eio2.out"; then
	pass "a version that cannot be read: the save is refused, the current version is not recorded twice"
else
	fail "a version that cannot be read: the save is refused, the current version is not recorded twice" \
		"rc $rc, at openat $nth: $(cat "$T/eio2.out")"
fi
check "a save after both faults works" S -c 'sip' -c 'user-agent "After the faults"'
