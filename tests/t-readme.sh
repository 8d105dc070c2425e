#!/usr/bin/env bash
# The README, run as written, as a new user would: in a fresh 'git clone'
# of this tree, with none of the harness's variables, every code block of
# README.md is taken from the file and its lines typed into terminals
# (tmux windows running a plain bash at the top of the clone) or run as
# they are. How a line of a block is read:
#   first block        'make run' typed into terminal 1 (to the shell's
#                      prompt); 'make check' is what runs this suite, so
#                      only its recipe is checked (make -n), not run again
#   sipsh> CMD         typed into the shell of 'make run' (terminal 1);
#                      the lines after it, up to the next command, are its
#                      output, compared exactly
#   $ CMD  # terminal N   typed, comment and all, into terminal N
#   TEXT   # terminal N   typed into the program running in terminal N
#   $ CMD              run here, in the clone; the lines after it are its
#                      whole output
# Around the lines, the checks that the README's words hold: line 1 rings
# until it is answered, both telephones show the call connected, the shell
# lists it, 'Using it' reaches the running phone (the generated baresip
# configuration says what 'show running-config' says, and the phone was
# restarted on it), and after 'make stop' no process started from the
# clone is left.
. "$(dirname "$0")/lib.sh"

# A new user's environment: no SIPSH_* of the harness, and not inside
# a make (under 'make check' a make in the clone would say where it
# enters and leaves, which a user's own 'make stop' does not).
unset SIPSH_CONF SIPSH_RUNDIR SIPSH_MODDIR SIPSH_SUPERVISOR TMUX \
	MAKELEVEL MAKEFLAGS MFLAGS MAKEOVERRIDES

C=$T/clone
SOCK=sipsh-readme-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

# Every process whose command line names the clone, or whose working
# directory is in it: what the clone's commands started.
clone_pids() {
	local d p
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		if tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF "$C/" ||
			[[ "$(readlink "$d/cwd" 2>/dev/null)" == "$C"* ]]; then
			echo "$p"
		fi
	done
}
stop_all() {
	local p
	[ -x "$C/build/sipsh" ] && (cd "$C" && timeout 20 make -s stop) >/dev/null 2>&1
	tm kill-server >/dev/null 2>&1
	for p in $(cd / && clone_pids); do
		kill "$p" 2>/dev/null
	done
}
trap 'stop_all; cleanup' EXIT

if ! git clone -q "$TOP" "$C" 2>"$T/clone.err"; then
	fail "git clone of the tree" "$(cat "$T/clone.err")"
	exit 0
fi
[ -n "$(git -C "$TOP" status --porcelain -- README.md Makefile)" ] &&
	echo "# note: README.md or Makefile has uncommitted changes; the clone has the committed ones"

# The code blocks of README.md, in order: $T/block.0, $T/block.1, ...
awk -v out="$T/block." -v n=0 '
	/^```/ { if (on) { on = 0; n++ } else { on = 1; printf "" > (out n) } next }
	on { print > (out n) }' "$C/README.md"
NB=$(ls "$T"/block.* 2>/dev/null | wc -l)
if [ "$NB" -lt 2 ]; then
	fail "README.md has code blocks" "found $NB"
	exit 0
fi

# The terminals: tmux windows t1, t2, t3 with bash at the clone's top.
tm new-session -d -x 200 -y 50 -s readme -n t1 -c "$C" \
	"exec env PS1='\$ ' bash --norc --noprofile -i"
tm set-option -t readme remain-on-exit on >/dev/null
for n in 2 3; do
	tm new-window -d -t readme -n "t$n" -c "$C" \
		"exec env PS1='\$ ' bash --norc --noprofile -i"
done

# The text of terminal N, its history included.
pane() {
	tm capture-pane -p -J -S -2000 -t "readme:t$1" 2>/dev/null |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
pane_has() { pane "$1" | grep -qE -- "$2"; }
pane_count() { pane "$1" | grep -cE -- "$2"; }
type_into() {
	tm send-keys -t "readme:t$1" -l "$2"
	tm send-keys -t "readme:t$1" Enter
}
# The program in the foreground of terminal N.
pane_cmd() { tm display-message -p -t "readme:t$1" '#{pane_current_command}'; }
pane_runs() { local c; c=$(pane_cmd "$1") && [ "${c##*/}" = "$2" ]; }
prompts_more_than() { [ "$(pane_count 1 '^sipsh> ')" -gt "$1" ]; }
# The shell's output between the last 'sipsh> CMD' and the next prompt.
shell_output() {
	pane 1 | awk -v cmd="sipsh> $1" '
		$0 == cmd || $0 == cmd " " { at = NR } { line[NR] = $0 }
		END {
			for (i = at + 1; at && i <= NR && line[i] !~ /^sipsh>/; i++)
				print line[i]
		}' | sed 's/[[:space:]]*$//'
}

# --- the first block: make run, make check ---------------------------------
first_run=$(grep -m1 '^make run' "$T/block.0")
if [ -z "$first_run" ] || ! grep -q '^make check' "$T/block.0"; then
	fail "the README's first commands are make run and make check" \
		"$(cat "$T/block.0")"
	exit 0
fi
type_into 1 "$first_run"
# make run builds the clone first: allow for the compiler on a busy box.
if wait_for 400 prompts_more_than 0; then
	pass "make run, as the README writes it, opens the shell at its prompt"
else
	fail "make run, as the README writes it, opens the shell at its prompt" \
		"$(pane 1 | tail -25)"
	exit 0
fi
check "make run started the phone" grep -q . "$C/run/var/runsv.pid"
if (cd "$C" && make -n check 2>&1) | grep -q 'tests/run.sh'; then
	pass "make check runs the test suite (tests/run.sh)"
else
	fail "make check runs the test suite (tests/run.sh)" \
		"$(cd "$C" && make -n check 2>&1 | tail -5)"
fi

# --- the other blocks, line by line ----------------------------------------
PIDS_BEFORE=()
started_pids() {
	local f
	for f in "$C/run/var/runsv.pid" "$C/run/var/sv/baresip/supervise/pid" \
		"$C/run/var/sv/baresip/log/supervise/pid"; do
		[ -s "$f" ] && cat "$f"
	done
}
baresip_pid() { cat "$C/run/var/sv/baresip/supervise/pid" 2>/dev/null; }

# A sipsh> line: typed into terminal 1, its output compared.
shell_line() {
	local cmd=$1 want=$2 n
	n=$(pane_count 1 '^sipsh> ')
	if [ "$cmd" = exit ]; then
		type_into 1 "$cmd"
		if wait_for 20 pane_runs 1 bash && wait_for 5 pane_has 1 '^\$ $'; then
			pass "sipsh> exit ends the shell and make run"
		else
			fail "sipsh> exit ends the shell and make run" "$(pane 1 | tail -10)"
		fi
		if pane 1 | grep -q '^make: \*\*\*'; then
			fail "make run ends without an error" "$(pane 1 | tail -10)"
		else
			pass "make run ends without an error"
		fi
		return
	fi
	type_into 1 "$cmd"
	if ! wait_for 20 prompts_more_than "$n"; then
		fail "sipsh> $cmd answers" "$(pane 1 | tail -20)"
		return
	fi
	shell_output "$cmd" >"$T/got"
	case $cmd in
	"show calls")
		# Both ends of the one call between the lines, established.
		if grep -qE '^0 +1 +out +established .*sip:101@' "$T/got" &&
			grep -qE '^1 +2 +in +established .*sip:100@' "$T/got"; then
			pass "sipsh> show calls lists the call, both ends established"
		else
			fail "sipsh> show calls lists the call, both ends established" \
				"$(cat "$T/got")"
		fi
		;;
	*)
		printf '%s' "$want" >"$T/want"
		same "sipsh> $cmd prints what the README shows" "$T/want" "$T/got"
		;;
	esac
}

# A '$ CMD' line without a terminal: run in the clone, output compared.
run_line() {
	local cmd=$1 want=$2
	case $cmd in
	"make stop") PIDS_BEFORE=($(started_pids)) ;;
	*" -c 'sip' "*) OLD_BARESIP=$(baresip_pid) ;;
	esac
	(cd "$C" && bash -c "$cmd") >"$T/got" 2>&1
	printf '%s' "$want" >"$T/want"
	same "\$ $cmd prints what the README shows" "$T/want" "$T/got"
	case $cmd in
	*" -c 'sip' "*) using_it_applied ;;
	"make stop") nothing_left ;;
	esac
}

# 'Using it': the change reached the phone make run started.
using_it_applied() {
	local cfg=$C/run/var/baresip/config pid
	pid=$(baresip_pid)
	if [ -n "$pid" ] && [ "$pid" = "$OLD_BARESIP" ] && kill -0 "$pid" 2>/dev/null &&
		wait_for 10 test -S "$C/run/var/ctrl.sock"; then
		pass "the sip change reached the phone make run started, live"
	else
		fail "the sip change reached the phone make run started, live" \
			"baresip pid $OLD_BARESIP, now ${pid:-none}"
	fi
	# baresip's configuration has no quoting: the blank is %20.
	if grep -qP '^phoneline_dtmf_mode\tsip-info$' "$cfg" &&
		grep -qP '^sipwire_user_agent\tGateway%201.0$' "$cfg"; then
		pass "the generated baresip configuration has the new dtmf-mode and user-agent"
	else
		fail "the generated baresip configuration has the new dtmf-mode and user-agent" \
			"$(grep -E 'dtmf|user_agent' "$cfg")"
	fi
	(cd "$C" && build/sipsh -C run/sipsh.conf -c 'show running-config') >"$T/shown" 2>&1
	(cd "$C" && build/sipsh -C run/var/applied.conf -c 'show running-config') >"$T/applied" 2>&1
	same "the phone runs what show running-config shows (applied.conf)" \
		"$T/shown" "$T/applied"
	if (cd "$C" && build/sipsh -C run/sipsh.conf -c 'show phone') |
		grep -qx "Runtime:     $C/run/var"; then
		pass "sipsh -C run/sipsh.conf finds the phone of make run by itself"
	else
		fail "sipsh -C run/sipsh.conf finds the phone of make run by itself" \
			"$(cd "$C" && build/sipsh -C run/sipsh.conf -c 'show phone' 2>&1)"
	fi
}

# After make stop: no process started from the clone.
nothing_left() {
	local p left=() i
	for i in $(seq 1 100); do
		left=()
		for p in "${PIDS_BEFORE[@]}"; do
			kill -0 "$p" 2>/dev/null && left+=("$p")
		done
		[ ${#left[@]} = 0 ] && break
		sleep 0.05
	done
	if [ ${#PIDS_BEFORE[@]} -ge 3 ] && [ ${#left[@]} = 0 ]; then
		pass "make stop ends the phone, its runsv and svlogd (by PID)"
	else
		fail "make stop ends the phone, its runsv and svlogd (by PID)" \
			"before: ${PIDS_BEFORE[*]}; left: ${left[*]}"
	fi
	# The terminals are the test's, not the clone's: closed first.
	tm kill-server >/dev/null 2>&1
	wait_for 5 sh -c "! tmux -L '$SOCK' has-session 2>/dev/null"
	left=($(cd / && clone_pids))
	if [ ${#left[@]} = 0 ]; then
		pass "after make stop no process started from the clone remains"
	else
		fail "after make stop no process started from the clone remains" \
			"$(for p in "${left[@]}"; do tr '\0' ' ' </proc/$p/cmdline; echo; done)"
	fi
}

# A line typed into a terminal: a command there, or input to its program.
term_line() {
	local n=$1 text=$2
	case $text in
	'$ '*)
		type_into "$n" "${text#\$ }"
		case $text in
		*sipsh-phone*) wait_for 10 pane_has "$n" 'connected to line' ||
			fail "terminal $n: ${text#\$ }" \
				"$(pane_cmd "$n"; pane "$n" | tail -5)" ;;
		esac
		case $text in
		*"'dial "*) rings ;;
		esac
		;;
	*)
		type_into "$n" "$text"
		case $text in
		"hook off"*) connected "$n" ;;
		"quit"*) hung_up "$n" ;;
		esac
		;;
	esac
}

# The line dialled rings, and goes on ringing: the caller stays off hook.
RINGING=
rings() {
	local r
	for r in 2 3; do
		wait_for 10 pane_has "$r" 'ring on' && RINGING=$r
		[ -n "$RINGING" ] && break
	done
	if [ -z "$RINGING" ]; then
		fail "the call rings the other line" "$(pane 2 | tail -5; pane 3 | tail -5)"
		return
	fi
	pass "the call rings line 1 (terminal $RINGING)"
	# A caller that hung up would end the ringing ('ring off').
	sleep 3
	if ! pane_has "$RINGING" 'ring off' && pane_runs 3 sipsh-phone &&
		pane_has 3 'state ringback'; then
		pass "line 1 goes on ringing while the caller waits off hook"
	else
		fail "line 1 goes on ringing while the caller waits off hook" \
			"$(pane_cmd 3; pane "$RINGING" | tail -5; pane 3 | tail -5)"
	fi
}

connected() {
	if wait_for 10 pane_has 2 'state connected' &&
		wait_for 10 pane_has 3 'state connected'; then
		pass "hook off answers: both telephones show the call connected"
	else
		fail "hook off answers: both telephones show the call connected" \
			"$(pane 2 | tail -5; pane 3 | tail -5)"
	fi
}

hung_up() {
	local n=$1 other=$(( $1 == 2 ? 3 : 2 ))
	if wait_for 10 pane_runs "$n" bash; then
		pass "quit hangs up and ends the telephone of terminal $n"
	else
		fail "quit hangs up and ends the telephone of terminal $n" \
			"$(pane "$n" | tail -5)"
	fi
	if pane_runs "$other" sipsh-phone; then
		if wait_for 10 pane_has "$other" 'state (busy|idle|failed)'; then
			pass "the other telephone hears the hang-up"
		else
			fail "the other telephone hears the hang-up" "$(pane "$other" | tail -5)"
		fi
	fi
}

for ((b = 1; b < NB; b++)); do
	mapfile -t L <"$T/block.$b"
	for ((i = 0; i < ${#L[@]}; i++)); do
		line=${L[i]}
		# The output lines that follow a command.
		want=
		for ((j = i + 1; j < ${#L[@]}; j++)); do
			case ${L[j]} in
			'$ '* | 'sipsh> '* | *'# terminal '*) break ;;
			esac
			want+="${L[j]}"$'\n'
		done
		if [[ $line =~ \#\ terminal\ ([0-9]+) ]]; then
			term_line "${BASH_REMATCH[1]}" "$line"
		elif [[ $line == 'sipsh> '* ]]; then
			shell_line "${line#sipsh> }" "$want"
		elif [[ $line == '$ '* ]]; then
			run_line "${line#\$ }" "$want"
		else
			continue
		fi
		i=$((j - 1))
	done
done
