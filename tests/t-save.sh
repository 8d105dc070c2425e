#!/usr/bin/env bash
# The atomic-save crash test. sipsh.conf holds the SIP passwords and is
# the only copy of the configuration, so a saver killed at any instant
# (power cut, OOM killer) must leave it whole: the old content or the new,
# never a mix, a truncation or a file with looser permissions. We apply
# two large configurations alternately and SIGKILL each saver after a
# random time within the measured length of a run, then look at what is
# on disk.
#
# A killed saver may leave its temp file (.sipsh.conf.XXXXXX, mode 0600)
# behind; the next save removes it under the save lock (store.c), so at
# most one is ever there, and none after a save that completed.
. "$(dirname "$0")/lib.sh"

CONF=$T/sipsh.conf
MAX_RUNS=150
MAX_SECS=60

if [ ! -x "$SIPSH" ]; then
	fail "save: sipsh" "$SIPSH is not built"
	exit 0
fi

# make_input NAME FIRST-OCTET PASSWORD: 3000 distinct localnets, so that a
# save takes long enough to be killed in the middle of it. Each input
# sets every setting it touches ('no localnet' first), so applying it over
# either version gives the same file.
make_input() {
	local i
	{
		echo "sip"
		echo " no localnet"
		for ((i = 0; i < 3000; i++)); do
			echo " localnet $2.$((i / 250)).$((i % 250)).0/24"
		done
		echo " bind-port $((5000 + $2))"
		echo "!"
		echo "account 1"
		echo " user 10$2"
		echo " registrar 127.0.0.1"
		echo " password $3"
		echo "!"
	} >"$T/$1.in"
}
make_input a 10 secret-a
make_input b 11 secret-b

# The two complete versions, as sipsh itself writes them.
for v in a b; do
	if ! "$SIPSH" -C "$T/$v.conf" -f "$T/$v.in" >"$T/$v.out" 2>&1; then
		fail "save: reference $v" "$(head -c 600 "$T/$v.out")"
		exit 0
	fi
done
if cmp -s "$T/a.conf" "$T/b.conf"; then
	fail "save: references" "the two inputs give the same file"
	exit 0
fi

check "save: initial save" "$SIPSH" -C "$CONF" -f "$T/a.in"

# How long a run over the other version takes here (ms): the save comes
# near its end (only applying the configuration to the phone, which is
# not running here, follows). Kills land from half to 5/4 of that time
# (at most 100 ms), so that most hit sipsh while it works, and many while
# it saves.
ms=0
for v in b a; do
	t0=$(date +%s%N)
	"$SIPSH" -C "$CONF" -f "$T/$v.in" >/dev/null 2>&1
	t=$((($(date +%s%N) - t0) / 1000000))
	[ "$t" -le "$ms" ] || ms=$t
done
span=$((ms * 5 / 4 + 1))
[ "$span" -le 100 ] || span=100
from=$((ms / 2))
[ "$from" -le "$span" ] || from=0

# whole FILE: it is one of the two complete versions.
whole() {
	cmp -s "$1" "$T/a.conf" || cmp -s "$1" "$T/b.conf"
}

temps() {
	find "$T" -maxdepth 1 -name '.sipsh.conf.??????' \
		-type f
}

bad_load= bad_whole= bad_mode= bad_temps=
runs=0
declare -A seen   # the temp files killed savers left, to count them
start=$SECONDS
while [ "$runs" -lt "$MAX_RUNS" ] && [ $((SECONDS - start)) -lt "$MAX_SECS" ]
do
	runs=$((runs + 1))
	if ((runs % 2)); then in=$T/b.in; else in=$T/a.in; fi

	"$SIPSH" -C "$CONF" -f "$in" >/dev/null 2>&1 &
	pid=$!
	TEST_PIDS+=("$pid")
	sleep "0.$(printf '%03d' $((from + RANDOM % (span - from + 1))))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset 'TEST_PIDS[-1]'

	if [ ! -f "$CONF" ]; then
		[ -n "$bad_whole" ] || bad_whole="run $runs: $CONF is gone"
		continue
	fi
	if ! whole "$CONF"; then
		[ -n "$bad_whole" ] || bad_whole="run $runs: $(wc -c <"$CONF") \
bytes, neither version; starts: $(head -c 200 "$CONF")"
		cp "$CONF" "$T/bad.conf"
	fi
	if ! "$SIPSH" -C "$CONF" -c 'show running-config' >"$T/load.out" 2>&1
	then
		[ -n "$bad_load" ] || bad_load="run $runs: $(head -c 400 \
"$T/load.out")"
	fi
	mode=$(stat -c %a "$CONF")
	if [ "$mode" != 600 ]; then
		[ -n "$bad_mode" ] || bad_mode="run $runs: mode $mode"
	fi

	# What the killed saver left: at most its own temp file, 0600.
	mapfile -t tl < <(temps)
	if [ "${#tl[@]}" -gt 1 ]; then
		[ -n "$bad_temps" ] || bad_temps="run $runs: ${#tl[*]} temp \
files: ${tl[*]}"
	fi
	for f in "${tl[@]}"; do
		seen[$f]=1
		mode=$(stat -c %a "$f" 2>/dev/null) || continue
		if [ "$mode" != 600 ]; then
			[ -n "$bad_temps" ] || bad_temps="run $runs: temp file \
$f has mode $mode"
		fi
	done
done
echo "# $runs runs in $((SECONDS - start)) s, kills after $from-$span ms," \
	"${#seen[@]} of them in mid-save"
[ "${#seen[@]}" -gt 0 ] || echo "# no kill landed during a save" \
	"(runs take ${ms} ms here): the checks below prove little this time"

report() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}
report "save: the file is always one of the complete versions" "$bad_whole"
report "save: the file always loads" "$bad_load"
report "save: the file is always mode 0600" "$bad_mode"
report "save: a killed save leaves at most its own 0600 temp file" \
	"$bad_temps"

# A save that completes cleans up after the killed ones. It must change
# the file: sipsh does not save a configuration that did not change.
if cmp -s "$CONF" "$T/b.conf"; then v=a; else v=b; fi
check "save: a save after the kills" "$SIPSH" -C "$CONF" -f "$T/$v.in"
same "save: the file after the last save" "$T/$v.conf" "$CONF"
tl=$(temps)
report "save: no temp file after a completed save" \
	"${tl:+left behind: $tl}"

# The history: at most 10 versions, all whole, the newest the file.
H=$T/sipsh.conf.history
bad=
mapfile -t vers < <(find "$H" -maxdepth 1 -type f -name '[0-9]*' \
	-printf '%f\n' 2>/dev/null | sort -r)
if [ "${#vers[@]}" -lt 2 ] || [ "${#vers[@]}" -gt 10 ]; then
	bad="${#vers[@]} versions"
elif ! cmp -s "$H/${vers[0]}" "$CONF"; then
	bad="the newest, ${vers[0]}, is not the file"
elif [ "$(stat -c %a "$H")" != 700 ]; then
	bad="$H has mode $(stat -c %a "$H")"
else
	for v in "${vers[@]}"; do
		if ! whole "$H/$v"; then
			bad="version $v is not one of the complete versions"
			break
		fi
		if [ "$(stat -c %a "$H/$v")" != 600 ]; then
			bad="version $v has mode $(stat -c %a "$H/$v")"
			break
		fi
	done
fi
report "save: the history holds whole 0600 versions, the newest the file" \
	"$bad"
