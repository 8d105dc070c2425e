#!/usr/bin/env bash
# 'make run', as the README promises and as a person uses it: in a
# terminal (a tmux pane on a server of the test's own), it opens the
# shell at its prompt on the configuration of run/, which is the default
# one unless the developer changed it; 'show running-config' shows that
# configuration and 'exit' ends the shell and 'make run' cleanly.
# It runs the plain command, no RUN= nor SIPSH_* variables, in a clone of
# the tree of the test's own, so a developer's run/ is never touched; the
# phone it starts is stopped at the end with the plain 'make stop'.
. "$(dirname "$0")/lib.sh"
unset SIPSH_CONF SIPSH_RUNDIR SIPSH_MODDIR SIPSH_SUPERVISOR
C=$T/clone
if ! git clone -q "$TOP" "$C" 2>"$T/clone.err"; then
	fail "git clone of the tree" "$(cat "$T/clone.err")"
	exit 0
fi

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
if ! make -s -j2 -C "$C" all >"$T/build.out" 2>&1; then
	fail "make all" "$(tail -20 "$T/build.out")"
	exit 0
fi

# remain-on-exit keeps the pane after make ends, to read how it ended.
# The run state is the clone's run/, stopped at the end.
R=$C/run
stop_phone() {
	(cd "$C" && timeout 20 make -s stop) >/dev/null 2>&1
}
trap 'stop_phone; stop_tmux; cleanup' EXIT
tm new-session -d -x 120 -y 40 -s run -c "$C" "exec make run" \; \
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
# A fresh RUN= directory starts from the default configuration.
same "make run creates the default configuration" "$C/etc/sipsh.conf" \
	"$R/sipsh.conf"
check "the shell runs on the default configuration (' user 100')" \
	grep -qx ' user 100' "$T/shown"
"$C/build/sipsh" -C "$R/sipsh.conf" -c 'show running-config' >"$T/want" 2>&1
same "the pane shows the configuration, as show running-config prints it" \
	"$T/want" "$T/shown"

# The phone was started with it, and it outlives the shell.
tm send-keys -t run -l 'show phone'
tm send-keys -t run Enter
check "make run starts the phone" wait_for 10 pane_has 'Phone:       running'

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

# The plain 'make stop' stops the phone the plain 'make run' started.
pid=$(cat "$R/var/sv/baresip/supervise/pid" 2>/dev/null)
if (cd "$C" && timeout 20 make -s stop) >"$T/stop.out" 2>&1 &&
	[ -n "$pid" ] && wait_for 5 sh -c "! kill -0 $pid 2>/dev/null" &&
	"$C/build/sipsh" -C "$R/sipsh.conf" -c 'show phone' | grep -q 'Phone: *stopped'; then
	pass "make stop stops the phone of make run"
else
	fail "make stop stops the phone of make run" "pid ${pid:-none}; $(cat "$T/stop.out")"
fi
