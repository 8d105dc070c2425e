#!/usr/bin/env bash
# The interactive shell on a real pseudo-terminal (tmux): golden
# transcripts with '?', TAB, abbreviations, errors and mode changes; the
# same help through batch; Ctrl-C, the pager, a dumb terminal, the idle
# timeout and a hangup; secrets kept out of the history file.
. "$(dirname "$0")/lib.sh"

G=$TOP/tests/golden/shell
SOCK=sipsh-shell-$$
export SIPSH

tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; phone_down; cleanup' EXIT

# A shell just killed with its tmux may still be writing its history
# file: the removal is tried again (bounded).
fresh() {
	local i
	for i in 1 2 3 4 5; do
		rm -rf "$T/s" 2>/dev/null && break
		sleep 0.2
	done
	mkdir -p "$T/s"
	cp "$TOP/etc/sipsh.conf" "$T/s/sipsh.conf"
}

# pane_wait TEXT: poll the screen until TEXT shows (at most 5 s).
pane_wait() {
	local i
	for i in $(seq 1 100); do
		tm capture-pane -p -J -t 0 -S - 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

start() {
	tm -f /dev/null new-session -d -x 100 -y "${2:-50}" \
		"env TERM=${TERM_KIND:-xterm} HOME=$T/s $SIPSH -C $T/s/sipsh.conf"
	tm set-option -g remain-on-exit on >/dev/null
	pane_wait "${1:-sipsh>}"
}

pane_pid() { tm display -p -t 0 '#{pane_pid}'; }
pane_dead() { [ "$(tm display -p -t 0 '#{pane_dead}')" = 1 ]; }

for n in help errors modes; do
	fresh
	"$TOP/tests/tools/transcript.sh" "$SOCK" "$T/s/sipsh.conf" \
		"$G/$n.in" >"$T/$n.out" 2>&1
	same "transcript $n" "$G/$n.ok" "$T/$n.out"
done
check "the history file masks the password" \
	grep -q 'password\\040\*\*\*\*\*\*\*\*' "$T/s/.sipsh_history"
if grep -q s3cret "$T/s/.sipsh_history"; then
	fail "the history file never holds the secret" "found s3cret"
else
	pass "the history file never holds the secret"
fi
check "the history file is private" \
	test "$(stat -c %a "$T/s/.sipsh_history")" = 600

# The slips: leaving configure mode always asks, 'no KEY VALUE' of a
# value not held, and plain messages; it ends with 'do exit' answered
# yes: committed, and the shell gone.
fresh
"$TOP/tests/tools/transcript.sh" "$SOCK" "$T/s/sipsh.conf" "$G/slips.in" \
	>"$T/slips.out" 2>&1
same "transcript slips" "$G/slips.ok" "$T/slips.out"
check "'do exit' answered yes commits before leaving the shell" \
	sh -c "grep -q '^ tls-version 1.3' '$T/s/sipsh.conf' &&
	       ! grep -q 'tls-cipher' '$T/s/sipsh.conf' &&
	       grep -q '^ name Changed' '$T/s/sipsh.conf'"

# Long help pages at 80x24 like other output (q drops the rest), and
# help lines wrap at words.
fresh
TCOLS=80 TROWS=24 "$TOP/tests/tools/transcript.sh" "$SOCK" "$T/s/sipsh.conf" \
	"$G/help-page.in" >"$T/help-page.out" 2>&1
same "transcript help-page" "$G/help-page.ok" "$T/help-page.out"

# IOS habits: show without 'do' in configure modes, write memory and
# copy answered, '| section', one-line forms, default of a section.
fresh
"$TOP/tests/tools/transcript.sh" "$SOCK" "$T/s/sipsh.conf" "$G/habits.in" \
	>"$T/habits.out" 2>&1
same "transcript habits" "$G/habits.ok" "$T/habits.out"
check "one-line forms are saved in block form" \
	sh -c "grep -q '^ bind-port 5080' '$T/s/sipsh.conf' &&
	       grep -q '^account 3\$' '$T/s/sipsh.conf' &&
	       ! grep -q '^account 1 ' '$T/s/sipsh.conf'"

# show version with the phone stopped: what is installed.
"$SIPSH" -C "$T/s/sipsh.conf" -c 'show version' >"$T/ver.out" 2>&1
v=$("$SIPSH" -V | awk '{print $NF}')
bv=$(grep -a -o 'baresip v[0-9.]* (' /usr/bin/baresip | head -1 | sed 's/baresip v//; s/ (//')
ov=$(openssl version | awk '{print $2}')
check "show version, phone stopped: sipsh, baresip installed, libre, OpenSSL, modules" \
	sh -c "grep -qx 'sipsh    $v' '$T/ver.out' &&
	       grep -qx 'baresip  $bv (installed; the phone is not running)' '$T/ver.out' &&
	       grep -qx 'libre    1.1.0' '$T/ver.out' &&
	       grep -qx 'OpenSSL  $ov' '$T/ver.out' &&
	       grep -q '^Modules  acctauth ctrl phoneline regctl.* (installed in ' '$T/ver.out'"

# The same help through batch: a line ending in '?' asks for it.
fresh
"$SIPSH" -C "$T/s/sipsh.conf" -f "$G/batch-help.in" >"$T/bh.out" 2>&1
same "help through batch" "$G/batch-help.ok" "$T/bh.out"

# Ctrl-C drops the line and keeps the shell.
fresh
start
tm send-keys -t 0 -l 'show running-config'
tm send-keys -t 0 C-c
tm send-keys -t 0 -l 'show version'
tm send-keys -t 0 Enter
if pane_wait 'sipsh    0.' && ! pane_dead; then
	pass "Ctrl-C cancels the line, not the shell"
else
	fail "Ctrl-C cancels the line, not the shell" "$(tm capture-pane -p -t 0)"
fi
tm kill-server 2>/dev/null

# The pager stops after a page; q drops the rest.
fresh
start 'sipsh>' 12
tm send-keys -t 0 -l 'show running-config all'
tm send-keys -t 0 Enter
if pane_wait '--More--'; then
	tm send-keys -t 0 q
	sleep 0.3
	if tm capture-pane -p -t 0 | grep -q 'trusted-ca'; then
		fail "q at --More-- drops the rest" "$(tm capture-pane -p -t 0)"
	else
		pass "the pager stops at a page and q drops the rest"
	fi
else
	fail "the pager stops at a page" "$(tm capture-pane -p -t 0)"
fi
tm send-keys -t 0 -l 'terminal length 0'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'show running-config all | include trusted'
tm send-keys -t 0 Enter
check "terminal length 0 turns the pager off" pane_wait ' no trusted-ca'
tm kill-server 2>/dev/null

# A dumb terminal: plain lines, '?' answered when Enter is pressed.
fresh
TERM_KIND=dumb start
tm send-keys -t 0 -l 'show ?'
tm send-keys -t 0 Enter
check "TERM=dumb: help at the end of a line" pane_wait 'running-config  The configuration in effect'
tm send-keys -t 0 -l 'show running-config line 1'
tm send-keys -t 0 Enter
check "TERM=dumb: commands run" pane_wait ' name "Line 1"'
tm kill-server 2>/dev/null

# Idle timeout: the session closes and staged changes are dropped.
fresh
"$SIPSH" -C "$T/s/sipsh.conf" -c system -c 'exec-timeout 2'
cp "$T/s/sipsh.conf" "$T/before"
start
tm send-keys -t 0 -l 'configure'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'sip'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'bind-port 5999'
tm send-keys -t 0 Enter
if pane_wait 'session closed; staged changes discarded' && sleep 0.2 && pane_dead; then
	pass "the idle timeout closes the session"
else
	fail "the idle timeout closes the session" "$(tm capture-pane -p -t 0)"
fi
same "the idle timeout drops staged changes" "$T/before" "$T/s/sipsh.conf"
tm kill-server 2>/dev/null

# A hangup: staged edits discarded, clean exit. A shell around sipsh
# records its exit status (tmux may not have reaped it yet when asked).
fresh
cp "$T/s/sipsh.conf" "$T/before"
tm -f /dev/null new-session -d -x 100 -y 50 \
	"env TERM=xterm HOME=$T/s sh -c '$SIPSH -C $T/s/sipsh.conf; echo \$? >$T/status'"
pane_wait 'sipsh>'
tm send-keys -t 0 -l 'configure'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'line 0'
tm send-keys -t 0 Enter
pane_wait 'sipsh(config-line-0)#'
pid=$(pgrep -P "$(pane_pid)" -x sipsh)
kill -HUP "$pid"
for i in $(seq 1 100); do [ -s "$T/status" ] && break; sleep 0.05; done
if [ "$(cat "$T/status" 2>/dev/null)" = 0 ]; then
	pass "SIGHUP ends the session cleanly"
else
	fail "SIGHUP ends the session cleanly" "status '$(cat "$T/status" 2>/dev/null)'"
fi
same "SIGHUP saves nothing" "$T/before" "$T/s/sipsh.conf"
tm kill-server 2>/dev/null

# The trusted CA is pasted as a block ended by 'quit', then shown.
fresh
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=Paste Test CA" \
	-days 30 2>/dev/null
start
tm send-keys -t 0 -l 'configure'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'sip'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'trusted-ca'
tm send-keys -t 0 Enter
pane_wait "end with a line 'quit'"
while IFS= read -r l; do
	tm send-keys -t 0 -l -- "$l"
	tm send-keys -t 0 Enter
done <"$T/ca.pem"
tm send-keys -t 0 -l 'quit'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'commit'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'do show trusted-ca'
tm send-keys -t 0 Enter
fp=$(openssl x509 -in "$T/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)
if pane_wait "sha256: $fp"; then pass "a pasted CA is shown by subject and SHA-256"; else fail "a pasted CA is shown by subject and SHA-256" "$fp / $(tm capture-pane -p -t 0 | tail -12)"; fi
check "the pasted CA is committed" grep -q 'BEGIN CERTIFICATE' "$T/s/sipsh.conf"
tm kill-server 2>/dev/null

# Call commands against the running phone: plain, complete messages, and
# a timed trace that says when it starts and ends.
fresh
P=$((26000 + $$ % 1000 * 2))
S() { "$SIPSH" -C "$T/s/sipsh.conf" "$@"; }
S -q -c sip -c "bind-port $P" -c "rtp-port-range $((P + 2000))-$((P + 2019))" \
	-c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P" -c 'line 1' -c shutdown
check "the phone starts for the call commands" S -c 'phone start'
wait_for 10 S -c 'show calls'
expect_out "hangup on a line without a call" \
	"-c:1: % line 0 has no call" S -c 'hangup 0'
expect_out "answer on a line without an incoming call" \
	"-c:1: % line 0 has no incoming call" S -c 'answer 0'
expect_out "dial on a line that is shut down" \
	"-c:1: % line 1 is shut down ('no shutdown' in line 1 puts it in service)" \
	S -c 'dial 1 100'
S -c 'debug sip 1' >"$T/dbg.out" 2>&1
check "debug sip N says when the trace starts and ends" \
	sh -c "head -1 '$T/dbg.out' | grep -qx '% SIP trace for 1 second' &&
	       tail -1 '$T/dbg.out' | grep -qx '% SIP trace ended after 1 second'"
expect_out "undebug all and no debug all are taken" "" \
	S -c 'undebug all' -c 'no debug all'
expect_out "show calls | count counts the calls shown, not the table's head" \
	"0" S -c 'show calls | count'
expect_out "show calls | include: the head and the note past the filter" \
	"$(S -c 'show calls')" S -c 'show calls | include 100'
S -c 'show version' >"$T/ver.out" 2>&1
check "show version, phone running: the phone's own versions and modules" \
	sh -c "grep -qx 'baresip  $bv (running, pid [0-9]*)' '$T/ver.out' &&
	       grep -qx 'libre    1.1.0' '$T/ver.out' &&
	       grep -q '^Modules  .*ctrl.*regctl.* (loaded)' '$T/ver.out' &&
	       ! grep -q 'g711' '$T/ver.out'"
phone_down

# The login banner: before the first prompt of an interactive session,
# never in a batch.
fresh
"$SIPSH" -C "$T/s/sipsh.conf" -q -c system \
	-c 'banner "Authorised use only; call 555-0100"' >/dev/null 2>&1
start
if tm capture-pane -p -t 0 | head -2 | grep -qx 'Authorised use only; call 555-0100' &&
	[ "$(tm capture-pane -p -t 0 | grep -c 'Authorised use')" = 1 ]; then
	pass "the banner is shown once, before the first prompt"
else
	fail "the banner is shown once, before the first prompt" "$(tm capture-pane -p -t 0 | head -4)"
fi
tm kill-server 2>/dev/null
out=$("$SIPSH" -C "$T/s/sipsh.conf" -c 'show running-config system' 2>&1)
if ! echo "$out" | grep -q '^Authorised' && echo "$out" | grep -q '^ banner "Authorised use only; call 555-0100"'; then
	pass "a batch shows no banner"
else
	fail "a batch shows no banner" "$out"
fi
