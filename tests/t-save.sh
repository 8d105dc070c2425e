#!/usr/bin/env bash
# The atomic-save crash test. sipsh.conf holds the SIP passwords and is
# the only copy of the configuration, so a saver killed at any instant
# (power cut, OOM killer) must leave it whole: the old content or the new,
# never a mix, a truncation or a file with looser permissions. The kills
# are not left to chance: one save is traced (strace), and the same save
# is then repeated from the same state and killed (strace's syscall fault
# injection, SIGKILL) at each system call it makes on the configuration's
# directory, one run per call, after which we look at what is on disk.
#
# A killed saver may leave its temp file (.sipsh.conf.XXXXXX, mode 0600)
# behind; the next save removes it under the save lock (store.c), so at
# most one is ever there, and none after a save that completed.
. "$(dirname "$0")/lib.sh"

CONF=$T/sipsh.conf

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

# whole FILE: it is one of the two complete versions.
whole() {
	cmp -s "$1" "$T/a.conf" || cmp -s "$1" "$T/b.conf"
}

temps() {
	find "$T" -maxdepth 1 -name '.sipsh.conf.??????' \
		-type f
}

# The state every killed run starts from: version a saved, with its
# history, and version b to be saved over it; and the phone's generated
# files as a left them, since the generator writes only what changed.
snap=$T/snap
mkdir -p "$snap"
cp -a "$CONF" "$CONF.history" "$snap/"
[ -d "$SIPSH_RUNDIR" ] && cp -a "$SIPSH_RUNDIR" "$snap/run"
restore() {
	rm -rf "$CONF" "$CONF.history" "$T"/.sipsh.conf.??????
	cp -a "$snap/sipsh.conf" "$snap/sipsh.conf.history" "$T/"
	if [ -d "$snap/run" ]; then
		rm -rf "$SIPSH_RUNDIR"
		cp -a "$snap/run" "$SIPSH_RUNDIR"
	fi
}

# The calls of one save of b over a that touch the directory: "NAME N",
# the N-th call of that name in sipsh's own process.
CALLS="openat,write,fsync,fchmod,fchown,close,linkat,link,rename,renameat,unlink,unlinkat,mkdir,ftruncate"
strace -y -e trace="$CALLS" -o "$T/trace" "$SIPSH" -C "$CONF" -f "$T/b.in" \
	>/dev/null 2>&1
awk -v dir="$T/" '
	{ name = $0; sub(/\(.*/, "", name); n[name]++ }
	index($0, dir) && !/= -1 / { print name, n[name] }' "$T/trace" \
	>"$T/points"
npoints=$(wc -l <"$T/points")

bad_load= bad_whole= bad_mode= bad_temps= bad_kill= bad_hist=
runs=0 killed=0 mid=0
declare -A seen   # the temp files killed savers left, to count them
while read -r name nth; do
	runs=$((runs + 1))
	restore
	rc=$( (strace -o /dev/null -e trace="$name" \
		-e inject="$name":signal=SIGKILL:when="$nth" \
		"$SIPSH" -C "$CONF" -f "$T/b.in") >/dev/null 2>&1; echo $?) \
		2>/dev/null
	if [ "$rc" = 137 ]; then
		killed=$((killed + 1))
	else
		[ -n "$bad_kill" ] || bad_kill="$name #$nth: exit status $rc, not killed"
	fi
	cmp -s "$CONF" "$T/a.conf" || mid=$((mid + 1))

	if [ ! -f "$CONF" ]; then
		[ -n "$bad_whole" ] || bad_whole="kill at $name #$nth: $CONF is gone"
		continue
	fi
	if ! whole "$CONF"; then
		[ -n "$bad_whole" ] || bad_whole="kill at $name #$nth: $(wc -c <"$CONF") \
bytes, neither version; starts: $(head -c 200 "$CONF")"
		cp "$CONF" "$T/bad.conf"
	fi
	if ! "$SIPSH" -C "$CONF" -c 'show running-config' >"$T/load.out" 2>&1
	then
		[ -n "$bad_load" ] || bad_load="kill at $name #$nth: $(head -c 400 \
"$T/load.out")"
	fi
	mode=$(stat -c %a "$CONF")
	if [ "$mode" != 600 ]; then
		[ -n "$bad_mode" ] || bad_mode="kill at $name #$nth: mode $mode"
	fi
	# The history never lists the killed save's version as current.
	if ! "$SIPSH" -C "$CONF" -c 'show configuration history' 2>&1 |
		grep -q '^ *0  .*(current)$'; then
		[ -n "$bad_hist" ] || bad_hist="kill at $name #$nth: $("$SIPSH" \
-C "$CONF" -c 'show configuration history' 2>&1 | head -4)"
	fi

	# What the killed saver left: at most its own temp file, 0600.
	mapfile -t tl < <(temps)
	if [ "${#tl[@]}" -gt 1 ]; then
		[ -n "$bad_temps" ] || bad_temps="kill at $name #$nth: ${#tl[*]} temp \
files: ${tl[*]}"
	fi
	for f in "${tl[@]}"; do
		seen[$name$nth]=1
		mode=$(stat -c %a "$f" 2>/dev/null) || continue
		if [ "$mode" != 600 ]; then
			[ -n "$bad_temps" ] || bad_temps="kill at $name #$nth: temp file \
$f has mode $mode"
		fi
	done
done <"$T/points"
echo "# $runs kills, one at each of the $npoints calls of a save on the" \
	"directory; ${#seen[@]} left a temp file, $mid left the new version"

report() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# The same calls failed in turn, with EIO and with ENOSPC: the file is the
# old version or the new, loads, is 0600, the history's rollback 0 is the
# file's version, and the message matches what happened ("Committed" when
# the new version is in place, never when it is not).
bad_fail= nfail=0 nnew=0
while read -r name nth; do
	for e in EIO ENOSPC; do
		nfail=$((nfail + 1))
		restore
		strace -o /dev/null -e trace="$name" \
			-e inject="$name":error="$e":when="$nth" \
			"$SIPSH" -C "$CONF" -f "$T/b.in" >"$T/fail.out" 2>&1
		what="$name #$nth failing with $e"
		if cmp -s "$CONF" "$T/b.conf"; then
			nnew=$((nnew + 1))
			grep -q '^% Committed' "$T/fail.out" || bad="new version, but: $(head -c 300 "$T/fail.out")"
		elif cmp -s "$CONF" "$T/a.conf"; then
			! grep -q 'Committed' "$T/fail.out" && [ -s "$T/fail.out" ] ||
				bad="old version, but: $(head -c 300 "$T/fail.out")"
		else
			bad="neither version: $(wc -c <"$CONF") bytes"
		fi
		[ -z "${bad:-}" ] && [ "$(stat -c %a "$CONF")" != 600 ] && bad="mode $(stat -c %a "$CONF")"
		[ -z "${bad:-}" ] && ! "$SIPSH" -C "$CONF" -c 'show configuration history' 2>&1 |
			grep -q '^ *0  .*(current)$' && bad="rollback 0 is not the file's version"
		if [ -n "${bad:-}" ] && [ -z "$bad_fail" ]; then
			bad_fail="$what: $bad"
		fi
		bad=
	done
done <"$T/points"
echo "# $nfail failed calls (each point with EIO and ENOSPC); $nnew left the new version"
report "save: a failed call leaves the old or the new version, 0600, said as it is" \
	"$bad_fail"
report "save: every planned kill landed ($killed of $npoints)" \
	"${bad_kill}$([ "$npoints" -ge 10 ] || echo "only $npoints calls traced")"
report "save: the file is always one of the complete versions" "$bad_whole"
report "save: the file always loads" "$bad_load"
report "save: rollback 0 is always the file's version" "$bad_hist"
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
