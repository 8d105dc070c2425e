#!/usr/bin/env bash
# 'make run', as the README promises and as a person uses it: in a
# terminal (a tmux pane on a server of the test's own), it opens the
# shell at its prompt on the configuration of run/, which is the default
# one unless the developer changed it; 'show running-config' shows that
# configuration and 'exit' ends the shell and 'make run' cleanly.
# A developer's run/sipsh.conf is never touched: etc/setup-run.sh only
# creates it when it is missing.
. "$(dirname "$0")/lib.sh"

SOCK=sipsh-test-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
stop_tmux() { tm kill-server >/dev/null 2>&1; }
trap 'stop_tmux; cleanup' EXIT
unset TMUX

# The pane's text, its history included.
pane() { tm capture-pane -p -S -300 -t run 2>/dev/null; }

# wait_for SECONDS TEST...: poll every 0.2 s until TEST succeeds.
wait_for() {
	local i n=$(($1 * 5))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}
pane_has() { pane | grep -qF -- "$1"; }
prompts_at_least() { [ "$(pane | grep -cE '^sipsh>( |$)')" -ge "$1" ]; }
pane_dead() {
	local d
	d=$(tm display-message -p -t run '#{pane_dead}' 2>/dev/null) || return 0
	[ "$d" = 1 ]
}

# Built first, so that the 30 s below are the shell's and not the compiler's.
if ! make -s -C "$TOP" all >"$T/build.out" 2>&1; then
	fail "make all" "$(tail -20 "$T/build.out")"
	exit 0
fi

# remain-on-exit keeps the pane after make ends, to read how it ended.
tm new-session -d -x 120 -y 40 -s run "exec make -C '$TOP' run" \; \
	set-option -t run remain-on-exit on
if wait_for 30 pane_has 'sipsh>'; then
	pass "make run opens the shell at its prompt"
else
	fail "make run opens the shell at its prompt" "$(pane | tail -20)"
	exit 0
fi

tm send-keys -t run -l 'show running-config'
tm send-keys -t run Enter
if wait_for 10 pane_has 'line 1' && wait_for 5 prompts_at_least 2; then
	pass "show running-config answers"
else
	fail "show running-config answers" "$(pane | tail -30)"
fi

# What the shell showed: the lines between the command and the next prompt.
pane | awk '/^sipsh> show running-config/ { on = 1; next }
	on && /^sipsh>( |$)/ { exit } on' >"$T/shown"
if cmp -s "$TOP/run/sipsh.conf" "$TOP/etc/sipsh.conf"; then
	check "the shell runs on the default configuration (' user 100')" \
		grep -qx ' user 100' "$T/shown"
	check "the shell runs on the default configuration ('account 2')" \
		grep -qx 'account 2' "$T/shown"
else
	echo "# run/sipsh.conf differs from etc/sipsh.conf (changed by hand);" \
		"comparing with it"
fi
"$SIPSH" -C "$TOP/run/sipsh.conf" -c 'show running-config' >"$T/want" 2>&1
same "the pane shows run/sipsh.conf, as show running-config prints it" \
	"$T/want" "$T/shown"

tm send-keys -t run -l 'exit'
tm send-keys -t run Enter
if wait_for 10 pane_dead; then
	pass "exit ends the shell and make run"
	status=$(tm display-message -p -t run '#{pane_dead_status}' 2>/dev/null)
	if [ -z "$status" ] || [ "$status" = 0 ]; then
		pass "make run exits 0"
	else
		fail "make run exits 0" "status $status; $(pane | tail -10)"
	fi
else
	fail "exit ends the shell and make run" "$(pane | tail -10)"
fi
