#!/usr/bin/env bash
# A configuration file and the phone it drives (shell/phone/phone_paths.c,
# sipsh(1) "The phone of a file"), with the real baresip under runsv:
# the runtime directory recorded beside the file finds the phone without
# SIPSH_RUNDIR, and SIPSH_RUNDIR still overrides it; the phone of one
# file is never applied to or started over by another while it runs, and
# the refusal names both files; a stopped phone's directory is taken by
# the next file. The module directory of a build-tree sipsh is found by
# itself, and missing modules refuse the start, naming them, with no
# baresip started. 'phone stop' ends the runsv and svlogd 'phone start'
# spawned, by PID; a runsv sipsh did not start is left to whoever did.
. "$(dirname "$0")/lib.sh"

# The harness's variables stand for what the tests want said outright;
# here the file finds its own way.
unset SIPSH_MODDIR
R=$SIPSH_RUNDIR
A=$T/a/sipsh.conf
B=$T/b/sipsh.conf
mkdir -p "$T/a" "$T/b"
cp "$TOP/etc/sipsh.conf" "$A"
cp "$TOP/etc/sipsh.conf" "$B"

INIT_RUNSV=
down_all() {
	SIPSH_RUNDIR=$R "$SIPSH" -C "$A" -c 'phone stop' >/dev/null 2>&1
	phone_down
	[ -n "$INIT_RUNSV" ] && kill "$INIT_RUNSV" 2>/dev/null
}
trap 'down_all; cleanup' EXIT

# The processes of the runtime directory: runsv, svlogd, baresip.
sv_pids() {
	local f
	for f in "$R/runsv.pid" "$R/sv/baresip/supervise/pid" \
		"$R/sv/baresip/log/supervise/pid"; do
		[ -s "$f" ] && cat "$f"
	done
}
all_gone() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
			return 1
	done
	return 0
}
running_in() { SIPSH_RUNDIR=$1 "$SIPSH" -C "$2" -c 'show phone' 2>&1 | grep -q 'Phone: *running'; }

# --- the module directory of the build tree, found by itself -------------
check "phone start of file a, no SIPSH_MODDIR" "$SIPSH" -C "$A" -c 'phone start'
out=$("$SIPSH" -C "$A" -c 'show phone' 2>&1)
if grep -q 'Modules:.* ctrl regctl phoneline' <<<"$out" &&
	[ "$(readlink "$R/baresip/modules/ctrl.so")" = "$TOP/build/baresip-mods/ctrl.so" ]; then
	pass "a build-tree sipsh runs the phone with the modules it was built with"
else
	fail "a build-tree sipsh runs the phone with the modules it was built with" \
		"$out; $(readlink "$R/baresip/modules/ctrl.so")"
fi

# --- the records ----------------------------------------------------------
check "the file records its runtime directory (.FILE.run-dir)" \
	test "$(cat "$T/a/.sipsh.conf.run-dir")" = "$R"
check "the runtime directory records its file (conf-file)" \
	test "$(cat "$R/conf-file")" = "$A"
out=$(env -u SIPSH_RUNDIR "$SIPSH" -C "$A" -c 'show phone' 2>&1)
if grep -qx "Runtime:     $R" <<<"$out" && grep -q 'Phone: *running' <<<"$out"; then
	pass "sipsh -C FILE finds its phone without SIPSH_RUNDIR"
else
	fail "sipsh -C FILE finds its phone without SIPSH_RUNDIR" "$out"
fi
out=$(SIPSH_RUNDIR=$T/elsewhere "$SIPSH" -C "$A" -c 'show phone' 2>&1)
check "SIPSH_RUNDIR overrides the record" grep -qx "Runtime:     $T/elsewhere" <<<"$out"

# A commit through the record reaches the phone: a sip change that needs
# new sockets restarts it.
p1=$(cat "$R/sv/baresip/supervise/pid")
check "a commit to file a, found by its record" \
	env -u SIPSH_RUNDIR "$SIPSH" -C "$A" -c sip -c 'rtp-port-range 10000-19998'
p2=$(cat "$R/sv/baresip/supervise/pid")
if [ "$p1" != "$p2" ] && grep -qP '^rtp_ports\t10000-19998$' "$R/baresip/config" &&
	wait_for 5 running_in "$R" "$A"; then
	pass "the commit restarted file a's phone on the new configuration"
	check "...and the save kept the record beside the file" \
		test "$(cat "$T/a/.sipsh.conf.run-dir")" = "$R"
else
	fail "the commit restarted file a's phone on the new configuration" \
		"pid $p1 -> $p2; $(grep rtp_ports "$R/baresip/config")"
fi

# --- another file, the same runtime directory ------------------------------
cp "$R/baresip/config" "$T/config.before"
cp "$B" "$T/b.before"
out=$("$SIPSH" -C "$B" -c sip -c 'dtmf-mode inband' 2>&1)
st=$?
if [ $st != 0 ] && grep -qF "the phone in $R runs $A, not $B" <<<"$out" &&
	grep -qF 'Not committed' <<<"$out"; then
	pass "a commit of file b for file a's running phone is refused, naming both"
else
	fail "a commit of file b for file a's running phone is refused, naming both" "status $st: $out"
fi
same "...and file b is not saved" "$T/b.before" "$B"
out=$("$SIPSH" -n -C "$B" -c sip -c 'dtmf-mode inband' 2>&1)
check "...and sipsh -n refuses it too" test $? != 0
same "file a's phone keeps its generated configuration" "$T/config.before" "$R/baresip/config"
check "file a's phone still belongs to file a" test "$(cat "$R/conf-file")" = "$A"
for verb in start restart generate; do
	out=$("$SIPSH" -C "$B" -c "phone $verb" 2>&1)
	st=$?
	if [ $st != 0 ] && grep -qF "the phone in $R runs $A, not $B" <<<"$out"; then
		pass "phone $verb of file b is refused while file a's phone runs"
	else
		fail "phone $verb of file b is refused while file a's phone runs" "status $st: $out"
	fi
done

# --- phone stop: nothing sipsh started is left ------------------------------
pids=($(sv_pids))
check "phone start spawned runsv, svlogd and baresip" test ${#pids[@]} = 3
check "phone stop" "$SIPSH" -C "$A" -c 'phone stop'
if wait_for 5 all_gone "${pids[@]}" && [ ! -e "$R/runsv.pid" ]; then
	pass "phone stop ends the runsv and svlogd phone start spawned (by PID)"
else
	fail "phone stop ends the runsv and svlogd phone start spawned (by PID)" \
		"$(for p in "${pids[@]}"; do ps -o pid=,args= -p "$p"; done)"
fi
# Two starts and stops leave nothing either (one runsv pair per start).
for i in 1 2; do
	"$SIPSH" -C "$A" -c 'phone start' >/dev/null 2>&1
	pids+=($(sv_pids))
	"$SIPSH" -C "$A" -c 'phone stop' >/dev/null 2>&1
done
check "repeated starts and stops leave no runsv, svlogd or baresip" \
	wait_for 5 all_gone "${pids[@]}"

# --- a stopped phone's directory is taken by the next file -------------------
check "phone start of file b, once file a's phone stopped" "$SIPSH" -C "$B" -c 'phone start'
check "the runtime directory now belongs to file b" test "$(cat "$R/conf-file")" = "$B"
out=$("$SIPSH" -C "$A" -c 'phone start' 2>&1)
check "and file a is refused now, naming both" grep -qF "the phone in $R runs $B, not $A" <<<"$out"
"$SIPSH" -C "$B" -c 'phone stop' >/dev/null 2>&1

# --- missing modules ----------------------------------------------------------
mkdir -p "$T/mods"
cp "$TOP/build/baresip-mods/regctl.so" "$T/mods/"
out=$(SIPSH_MODDIR=$T/mods "$SIPSH" -C "$A" -c 'phone start' 2>&1)
st=$?
if [ $st != 0 ] && grep -q "modules acctauth.so, ctrl.so, phoneline.so, sipaddr.so, siptls.so, sipwire.so are not in $T/mods" <<<"$out" &&
	grep -q 'SIPSH_MODDIR' <<<"$out"; then
	pass "phone start without our modules is refused, naming them and the fix"
else
	fail "phone start without our modules is refused, naming them and the fix" "status $st: $out"
fi
if ! running_in "$R" "$A" && [ -z "$(sv_pids)" ]; then
	pass "no phone was started without its modules"
else
	fail "no phone was started without its modules" "$(sv_pids)"
fi

# --- a runsv sipsh did not start stays --------------------------------------
# As init's runsvdir would: a runsv on the service directory, started here.
"$SIPSH" -C "$A" -c 'phone generate' >/dev/null 2>&1
rm -f "$R/runsv.pid"
(cd / && exec setsid runsv "$R/sv/baresip" </dev/null >/dev/null 2>&1) &
INIT_RUNSV=$!
TEST_PIDS+=("$INIT_RUNSV")
wait_for 5 test -p "$R/sv/baresip/supervise/control"
check "phone start under a runsv of init's" "$SIPSH" -C "$A" -c 'phone start'
check "phone stop under a runsv of init's" "$SIPSH" -C "$A" -c 'phone stop'
if kill -0 "$INIT_RUNSV" 2>/dev/null && ! running_in "$R" "$A"; then
	pass "phone stop leaves a runsv it did not start to its owner, the phone stopped"
else
	fail "phone stop leaves a runsv it did not start to its owner, the phone stopped" \
		"$(ps -o pid=,args= -p "$INIT_RUNSV")"
fi
# Its owner stops it, and its svlogd with it.
logpid=$(cat "$R/sv/baresip/log/supervise/pid" 2>/dev/null)
printf x >"$R/sv/baresip/supervise/control"
wait_for 5 all_gone "$INIT_RUNSV" $logpid
INIT_RUNSV=

# A runtime directory that does not exist yet, parents and all.
out=$(SIPSH_RUNDIR=$T/deep/er/var "$SIPSH" -C "$A" -c 'phone generate' 2>&1)
if [ -z "$out" ] && [ "$(cat "$T/deep/er/var/conf-file" 2>/dev/null)" = "$A" ] &&
	[ "$(stat -c %a "$T/deep/er/var")" = 711 ] && [ -s "$T/deep/er/var/baresip/config" ]; then
	pass "a new runtime directory is made (0711: the socket reachable, nothing listed) and records its file"
else
	fail "a new runtime directory is made (0711: the socket reachable, nothing listed) and records its file" \
		"$out; $(ls -la "$T/deep/er/var" 2>&1)"
fi
