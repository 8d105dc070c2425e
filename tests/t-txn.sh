#!/usr/bin/env bash
# Transactions against the real binary: staged changes shown as a
# structural diff, discarded, checked and rolled back to saved versions;
# two shells at once (tmux) never losing an update; 'configure exclusive'
# refusing others by name and dying with its session (end, SIGHUP,
# SIGKILL); 'commit confirmed' rolling back on time unless confirmed, from
# a guard that keeps nothing of the shell; and a user who may not write
# the file refused configure and commit but still shown the configuration.
. "$(dirname "$0")/lib.sh"

C=$T/txn.conf
STATE=$T/.txn.conf.confirm
S() { "$SIPSH" -C "$C" "$@"; }
ME=$(id -un)

TM=(tmux -L "sipsh-txn-$$" -f /dev/null)
tm() { "${TM[@]}" "$@"; }
TM_PID=
RO=
txn_cleanup() {
	local i
	tm kill-server 2>/dev/null
	# A guard still running holds its state file locked: stop it by the
	# PID it wrote there (never a PID that may have been reused).
	if [ -f "$STATE" ] && ! flock -n "$STATE" true; then
		kill "$(cut -d' ' -f1 "$STATE")" 2>/dev/null
	fi
	if [ -n "$RO" ]; then
		# userdel refuses while the user still runs a process.
		for i in $(seq 1 50); do
			pgrep -u "$RO" >/dev/null 2>&1 || break
			sleep 0.1
		done
		userdel "$RO" 2>/dev/null ||
			echo "FAIL - remove the test user $RO: userdel failed"
	fi
	[ -n "${made_view:-}" ] && groupdel sipsh-view
	cleanup
}
trap txn_cleanup EXIT

PROMPT_RE='^sipsh(\([a-z0-9-]+\))?[>#] ?$'

# The pane's whole screen and history, without blank lines.
tm_screen() { tm capture-pane -p -t "$1" -S - 2>/dev/null | sed '/^ *$/d'; }

# tm_start NAME [RUNNER...]: sipsh on $C in a new session; waits for it.
tm_start() {
	local name=$1 i
	shift
	tm new-session -d -s "$name" -x 150 -y 50 "$* $SIPSH -C $C" || return 1
	if [ -z "$TM_PID" ]; then
		TM_PID=$(tm display -p '#{pid}')
		TEST_PIDS+=("$TM_PID")
	fi
	for i in $(seq 1 100); do
		tm_screen "$name" | tail -n 1 | grep -Eq "$PROMPT_RE" && return 0
		sleep 0.1
	done
	return 1
}

# tm_run NAME COMMAND: type it, wait (at most 10 s) for the next prompt;
# TM_OUT is what the command printed.
tm_run() {
	local name=$1 n i s=
	n=$(tm_screen "$name" | wc -l)
	tm send-keys -t "$name" -l -- "$2"
	tm send-keys -t "$name" Enter
	for i in $(seq 1 100); do
		s=$(tm_screen "$name")
		if [ "$(wc -l <<<"$s")" -gt "$n" ] &&
			tail -n 1 <<<"$s" | grep -Eq "$PROMPT_RE"; then
			TM_OUT=$(sed -n "$((n + 1)),\$p" <<<"$s" | sed '$d')
			return 0
		fi
		sleep 0.1
	done
	TM_OUT="(no prompt after '$2') $s"
	return 1
}

# run_expect NAME SESSION COMMAND ERE: the command's output matches ERE.
run_expect() {
	if tm_run "$2" "$3" && grep -Eq -- "$4" <<<"$TM_OUT"; then
		pass "$1"
	else
		fail "$1" "$(printf '%s\nwanted /%s/' "$TM_OUT" "$4")"
	fi
}

pane_pid() { tm display -p -t "$1" '#{pane_pid}'; }

# prompt_is NAME CHECK-NAME PROMPT: the pane's last line is that prompt.
prompt_is() {
	local last
	last=$(tm_screen "$1" | tail -n 1)
	if [ "$last" = "$3" ] || [ "$last" = "${3% }" ]; then
		pass "$2"
	else
		fail "$2" "last line: '$last'; $TM_OUT"
	fi
}

# gone PID: wait (at most 10 s) until the process has ended. A zombie
# has: its descriptors, and so its locks, are gone (tmux may be slow to
# reap a killed pane).
gone() {
	local i st
	for i in $(seq 1 100); do
		st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

# The guard of the latest 'commit confirmed' (txn_cleanup stops it).
guard_pid() { cut -d' ' -f1 "$STATE" 2>/dev/null; }

# port_is PORT: the file's bind-port, polled for at most 10 s.
port_is() {
	local i
	for i in $(seq 1 100); do
		grep -qx " bind-port $1" "$C" && return 0
		sleep 0.1
	done
	return 1
}

# --- Batch: diff, discard, commit check, rollback, history ----------------

S -c sip -c 'bind-port 5070' 2>/dev/null
check "the first commit saves" grep -qx ' bind-port 5070' "$C"

expect_out "diff: changed settings under their section, new instances whole" \
"sip
- bind-port 5070
+ bind-port 5080
- localnet 10.0.0.0/8
- localnet 172.16.0.0/12
- localnet 192.168.0.0/16
+ no localnet
+ localnet 10.0.0.0/8
+ localnet 172.16.0.0/12
+ localnet 192.168.0.0/16
+ localnet 10.1.0.0/16
- no dns-manager
+ dns-manager
!
+ account 2
+ user bob
+ password ********
+ registrar r.example
+ !
% Staged changes discarded" \
	S -c sip -c 'bind-port 5080' -c dns-manager -c 'localnet 10.1.0.0/16' \
	-c 'account 2' -c 'user bob' -c 'registrar r.example' \
	-c 'password s3cret' -c 'show configuration diff' -c discard
check "discard saves nothing" grep -qx ' bind-port 5070' "$C"
expect_out "diff with nothing staged" "% No staged changes" \
	S -c 'show configuration diff'
expect_out "a default set explicitly away shows both sides (PR_ALL)" \
"sip
- bind-port 5070
+ bind-port 5060
!
% Staged changes discarded" \
	S -c sip -c 'no bind-port' -c 'show configuration diff' -c discard
expect_out "discard with nothing staged" "% No staged changes" S -c discard

expect_out "commit check: valid" "% Configuration is valid
% Staged changes discarded" \
	S -c sip -c 'bind-port 5071' -c 'commit check' -c discard
expect_out "commit check: the problems, and status 3" \
"-c:3: % The configuration has 1 problem:
  line 0: account 4 does not exist
3" \
	sh -c "'$SIPSH' -C '$C' -c 'line 0' -c 'account 4' -c 'commit check' 2>&1; echo \$?"
check "commit check saves nothing" grep -qx ' bind-port 5070' "$C"

S -c sip -c 'bind-port 5071' 2>/dev/null
S -c sip -c 'bind-port 5072' 2>/dev/null
S -c 'show configuration history' >"$T/hist" 2>&1
if [ "$(grep -c '^ *[0-9]  [0-9-]* [0-9:]*  ' "$T/hist")" = 3 ] &&
	grep -Eq "^ +0  [0-9-]+ [0-9:]+  $ME +[0-9]+  \(current\)$" "$T/hist" &&
	[ "$(grep -c current "$T/hist")" = 1 ]; then
	pass "history: one line per version, newest first, the current marked"
else
	fail "history: one line per version, newest first, the current marked" \
		"$(cat "$T/hist")"
fi

out=$(S -c 'rollback 2' -c 'show configuration diff' 2>&1)
if grep -Eq "^% Version 2 \(saved [0-9-]+ [0-9:]+ by $ME\) loaded; 'show configuration diff' shows the change, 'commit' applies it$" <<<"$out" &&
	grep -qx -- '- bind-port 5072' <<<"$out" &&
	grep -qx -- '+ bind-port 5070' <<<"$out"; then
	pass "rollback 2 stages the version, the diff shows it"
else
	fail "rollback 2 stages the version, the diff shows it" "$out"
fi
check "rollback is committed like any change" grep -qx ' bind-port 5070' "$C"
expect_out "rollback beyond the history is refused" \
	"-c:1: % Version 9 is not kept: the history holds rollback 0 to 3" \
	S -c 'rollback 9'

expect_out "show startup-config is the file, not the staged candidate" \
"! sipsh configuration
sip
 bind-port 5070
!
% Staged changes discarded" \
	S -c sip -c 'bind-port 5099' -c 'show startup-config' -c discard

expect_out "'conf t' is still unambiguous in a batch" "" S -c 'conf t'

# --- Two shells: no lost update -------------------------------------------

tm_start a && tm_start b
check "two interactive shells start" test -n "$TM_PID"
tm_run a 'conf t'
prompt_is a "'conf t' is still unambiguous at a terminal" 'sipsh(config)# '
tm_run b configure
tm_run a sip
tm_run a 'bind-port 5073'
tm_run a commit
check "A commits" grep -qx ' bind-port 5073' "$C"
tm_run b sip
tm_run b 'bind-port 5074'
run_expect "B, based on the file before A's commit, is refused" b commit \
	"^% Commit refused: $C was changed by another session since this one read it; nothing was saved$"
check "the file keeps A's change (no lost update)" grep -qx ' bind-port 5073' "$C"
run_expect "discard in B re-reads the file" b discard \
	"was re-read: another session had changed it"
tm_run b 'bind-port 5075'
tm_run b commit
check "B's change, redone on the new file, commits" grep -qx ' bind-port 5075' "$C"
tm_run a end
tm_run b end
S -c sip -c 'bind-port 5076' 2>/dev/null
run_expect "show startup-config shows another session's commit at once" a \
	'show startup-config' '^ bind-port 5076$'

# --- configure exclusive --------------------------------------------------

apid=$(pane_pid a)
tm_run a 'configure exclusive'
prompt_is a "configure exclusive enters configure mode" 'sipsh(config)# '
held="the configuration is locked exclusively by user $ME \\(pid $apid\\) since [0-9-]+ [0-9:]+"
run_expect "configure in B is refused, naming A's user, pid and time" b \
	configure "^% Configure refused: $held$"
run_expect "configure exclusive in B is refused too" b \
	'configure exclusive' "^% Configure refused: $held$"
out=$(S -c sip -c 'bind-port 5077' 2>&1)
rc=$?
if [ $rc = 5 ] && grep -Eq "^$C: % Commit refused: $held; nothing was saved$" <<<"$out"; then
	pass "a batch commit is refused with status 5, naming the holder"
else
	fail "a batch commit is refused with status 5, naming the holder" "rc=$rc $out"
fi
check "the refused batch saved nothing" grep -qx ' bind-port 5076' "$C"
tm_run a sip
tm_run a 'bind-port 5078'
tm_run a commit
check "the holder itself commits" grep -qx ' bind-port 5078' "$C"
tm_run a end
tm_run b configure
prompt_is b "after A's 'end', B may configure" 'sipsh(config)# '
tm_run b end
check "after A's 'end', a batch commits" S -c sip -c 'bind-port 5079'

tm_run a 'configure exclusive'
check "A holds the lock again" sh -c "! '$SIPSH' -C '$C' -c sip -c 'bind-port 5080' 2>/dev/null"
kill -HUP "$apid"
check "A ends on SIGHUP" gone "$apid"
check "the lock died with A (SIGHUP)" S -c sip -c 'bind-port 5080'

tm_start a2
apid=$(pane_pid a2)
tm_run a2 'configure exclusive'
check "A2 holds the lock" sh -c "! '$SIPSH' -C '$C' -c sip -c 'bind-port 5081' 2>/dev/null"
kill -9 "$apid"
check "A2 ends on SIGKILL" gone "$apid"
check "the lock died with A2 (SIGKILL)" S -c sip -c 'bind-port 5081'

# --- commit confirmed -----------------------------------------------------

# The guard must keep neither the terminal nor the shell's output: this
# command substitution ends only when every holder of the pipe has.
start=$(date +%s)
out=$(timeout 5 "$SIPSH" -C "$C" -c sip -c 'bind-port 5082' \
	-c 'commit confirmed 2 seconds' 2>&1)
rc=$?
gp=$(guard_pid)
if [ $rc = 0 ] && grep -Eq "^% Commit confirmed: rolling back at [0-9]{2}:[0-9]{2}:[0-9]{2} unless 'commit confirm' is given$" <<<"$out"; then
	pass "commit confirmed commits and says when it rolls back"
else
	fail "commit confirmed commits and says when it rolls back" "rc=$rc $out"
fi
check "the guard runs detached, the batch has returned" kill -0 "$gp"
if [ -n "$gp" ] && ! ls -l "/proc/$gp/fd" 2>/dev/null | grep -q 'pts\|pipe\|excl'; then
	pass "the guard holds no terminal, pipe or lock of the shell"
else
	fail "the guard holds no terminal, pipe or lock of the shell" \
		"$(ls -l "/proc/$gp/fd" 2>&1)"
fi
check "the committed change is in the file" grep -qx ' bind-port 5082' "$C"
check "without confirm, the previous version is back on time" port_is 5081
check "...within the deadline and a moment" test $(($(date +%s) - start)) -le 6
check "the guard has ended" gone "$gp"
check "its FIFO ended with it, its state stays for confirm" \
	eval '[ ! -e "$T/.txn.conf.confirm-stop" ] && [ -s "$STATE" ]'
expect_out "confirm after the rollback says it is too late" \
	"-c:1: % Too late: the commit was rolled back at $(date -d @"$(cut -d' ' -f2 "$T/.txn.conf.confirm" 2>/dev/null || echo 0)" +%T) to the version saved before it" \
	S -c 'commit confirm'

S -c sip -c 'bind-port 5083' -c 'commit confirmed 2 seconds' >/dev/null 2>&1
gp=$(guard_pid)
expect_out "confirm keeps the commit" "% Commit confirmed" S -c 'confirm'
check "confirm stops the guard" gone "$gp"
sleep 3
check "a confirmed commit is not rolled back past its deadline" \
	grep -qx ' bind-port 5083' "$C"
expect_out "confirm with nothing pending is refused" \
	"-c:1: % No commit is waiting for confirmation" S -c 'commit confirm'

# A second 'commit confirmed' replaces the first; the rollback goes back
# to the version before the first, the last one confirmed.
S -c sip -c 'bind-port 5084' -c 'commit confirmed 5' >/dev/null 2>&1
gp1=$(guard_pid)
S -c sip -c 'bind-port 5085' -c 'commit confirmed 2 seconds' >/dev/null 2>&1
gp2=$(guard_pid)
check "a second commit confirmed replaces the first guard" gone "$gp1"
check "the replaced commits roll back to the last confirmed version" port_is 5083
check "the second guard has ended" gone "$gp2"

# A plain commit replaces what a pending guard would undo.
S -c sip -c 'bind-port 5086' -c 'commit confirmed 5' >/dev/null 2>&1
gp=$(guard_pid)
expect_out "a plain commit cancels a pending rollback" \
	"% Committed: the phone is not running; it starts with this configuration; the rollback pending from 'commit confirmed' is cancelled" \
	S -c sip -c 'bind-port 5087'
check "the cancelled guard has ended" gone "$gp"

# From a terminal, in exclusive configure: the guard inherits no lock.
tm_start c
tm_run c 'configure exclusive'
tm_run c sip
tm_run c 'bind-port 5088'
run_expect "commit confirmed at a terminal" c 'commit confirmed 1' \
	"^% Commit confirmed: rolling back at"
gp=$(guard_pid)
tm_run c end
check "the guard runs on" kill -0 "$gp"
check "after 'end' the lock is free: the guard did not inherit it" \
	S -c 'configure exclusive'
run_expect "configure confirm from exec mode" c 'configure confirm' \
	'^% Commit confirmed$'
check "confirm from the terminal stopped the guard" gone "$gp"

# --- A user who may not write the file -----------------------------------

if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null &&
	command -v runuser >/dev/null; then
	RO=sipsh-ro-$$
	# A viewer (sipsh(1) ROLES): in the view group, made here if the
	# machine has none.
	made_view=
	if ! getent group sipsh-view >/dev/null; then
		groupadd sipsh-view && made_view=1
	fi
	useradd -M -N -g nogroup -G sipsh-view -s /bin/false "$RO"
	mkdir -m 0755 "$T/ro"
	cp "$C" "$T/ro/ro.conf"
	chmod 0644 "$T/ro/ro.conf"
	R() { runuser -u "$RO" -- "$SIPSH" -C "$T/ro/ro.conf" "$@"; }

	R -c 'show running-config' >"$T/ro.show" 2>&1
	check "a read-only user is shown the configuration" \
		grep -qx ' bind-port 5088' "$T/ro.show"
	out=$(R -c sip -c 'bind-port 5090' 2>&1)
	rc=$?
	want="$T/ro/ro.conf: % Permission denied: configuration needs the sipsh-admin group; nothing was saved"
	if [ $rc = 4 ] && [ "$out" = "$want" ]; then
		pass "a read-only user's batch is refused for its role (status 4)"
	else
		fail "a read-only user's batch is refused for its role (status 4)" \
			"rc=$rc $out"
	fi
	check "the read-only file is unchanged" cmp -s "$C" "$T/ro/ro.conf"

	C=$T/ro/ro.conf tm_start ro runuser -u "$RO" --
	TEST_PIDS+=("$(pane_pid ro)")
	run_expect "a read-only user's configure is refused" ro configure \
		"^% Permission denied: configuration needs the sipsh-admin group$"
	run_expect "...and show commands still work" ro \
		'show running-config' '^ bind-port 5088$'
	run_expect "...and history too" ro 'show configuration history' \
		'has no saved versions yet|Rollback'
	tm kill-session -t ro
else
	pass "read-only user checks skipped (need root, useradd, runuser)"
fi

tm kill-server 2>/dev/null
