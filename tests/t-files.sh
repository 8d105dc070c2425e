#!/usr/bin/env bash
# What may be a configuration file: a FIFO, a device or a directory is
# refused at once with the reason (never a shell blocked on a FIFO or
# reading /dev/zero without end), so is a file above 1 MiB; a symlink is
# followed, and a commit writes through it to the file it names,
# atomically, leaving the link a link; a dangling symlink is refused.
# The files kept beside it are never reached through a link, and a
# directory others can write is refused.
. "$(dirname "$0")/lib.sh"

S() { timeout 10 "$SIPSH" "$@"; }

mkfifo "$T/fifo"
expect_out "a FIFO is refused, not waited on" \
	"sipsh: $T/fifo: not a regular file (a FIFO, a device or a directory cannot be the configuration file)" \
	S -C "$T/fifo" -c 'show running-config'
expect_out "a device is refused, not read without end" \
	"sipsh: /dev/zero: not a regular file (a FIFO, a device or a directory cannot be the configuration file)" \
	S -C /dev/zero -c 'show running-config'
expect_out "a directory is refused" \
	"sipsh: $T: not a regular file (a FIFO, a device or a directory cannot be the configuration file)" \
	S -C "$T" -c 'show running-config'
head -c 1048577 /dev/zero | tr '\0' '!' >"$T/big.conf"
expect_out "a file above 1 MiB is refused" \
	"sipsh: $T/big.conf: larger than the 1 MiB a configuration file may be" \
	S -C "$T/big.conf" -c 'show running-config'
S -C "$T/fifo" -c 'show running-config' >/dev/null 2>&1
check "the refusals exit with status 4" test $? = 4

mkdir "$T/etc"
cp "$TOP/etc/sipsh.conf" "$T/etc/real.conf"
chmod 600 "$T/etc/real.conf"
ln -s etc/real.conf "$T/link.conf"
S -C "$T/link.conf" -q -c sip -c 'bind-port 5099' >"$T/link.out" 2>&1
if [ -L "$T/link.conf" ] && grep -qx ' bind-port 5099' "$T/etc/real.conf" &&
	[ -d "$T/etc/real.conf.history" ] && [ ! -e "$T/link.conf.history" ]; then
	pass "a commit writes through a symlink to its target, the link stays"
else
	fail "a commit writes through a symlink to its target, the link stays" \
		"$(cat "$T/link.out"; ls -la "$T" "$T/etc")"
fi
check "the target keeps mode 0600" test "$(stat -c %a "$T/etc/real.conf")" = 600
ln -s nothing "$T/dangling.conf"
expect_out "a dangling symlink is refused" \
	"sipsh: $T/dangling.conf: a symlink to a file that does not exist" \
	S -C "$T/dangling.conf" -c 'show version'

# Nothing beside the configuration file is ever reached through a link:
# a symlink planted at the name of each file the store keeps there,
# pointing at a victim file (or at a name that does not exist yet, which
# an open with O_CREAT would make), leaves the victim as it was; the
# commit is refused naming the link, and saves nothing. (A temporary's
# random name is planted in tests/unit/test_links.c.)
mkdir -m 0755 "$T/side"
cp "$TOP/etc/sipsh.conf" "$T/side/s.conf"
echo 'the victim, untouched' >"$T/victim"
cp "$T/victim" "$T/victim.orig"
S -C "$T/side/s.conf" -q -c sip -c 'bind-port 5071' >/dev/null 2>&1
for name in .s.conf.lock .s.conf.excl .s.conf.confirm .s.conf.last-commit \
	s.conf.history; do
	for target in "$T/victim" "$T/made-through-$name"; do
		mv "$T/side/$name" "$T/side.aside" 2>/dev/null
		ln -s "$target" "$T/side/$name"
		cp "$T/side/s.conf" "$T/before"
		S -C "$T/side/s.conf" -c sip -c 'bind-port 5072' >"$T/out" 2>&1
		rc=$?
		want="$T/side/s.conf: % Commit refused: $T/side/$name is a symlink, which sipsh never follows beside the configuration file: remove it; nothing was saved"
		if [ "$rc" = 4 ] && [ "$(cat "$T/out")" = "$want" ] &&
			cmp -s "$T/victim" "$T/victim.orig" &&
			[ ! -e "$T/made-through-$name" ] &&
			cmp -s "$T/before" "$T/side/s.conf" && [ -L "$T/side/$name" ]; then
			pass "a symlink at $name -> ${target##*/}: refused, named, the victim untouched"
		else
			fail "a symlink at $name -> ${target##*/}: refused, named, the victim untouched" \
				"rc $rc: $(cat "$T/out"; ls -la "$T" "$T/side")"
		fi
		rm "$T/side/$name"
		mv "$T/side.aside" "$T/side/$name" 2>/dev/null
	done
done

# 'configure exclusive' and 'commit confirmed' make their files
# themselves: through the shell, a link there is refused the same way.
ln -s "$T/victim" "$T/side/.s.conf.excl"
printf 'configure exclusive\nend\n' |
	S -C "$T/side/s.conf" -f - >"$T/out" 2>&1
if grep -qF "Configure refused: $T/side/.s.conf.excl is a symlink" "$T/out" &&
	cmp -s "$T/victim" "$T/victim.orig"; then
	pass "configure exclusive refuses a symlink at .s.conf.excl, the victim untouched"
else
	fail "configure exclusive refuses a symlink at .s.conf.excl, the victim untouched" \
		"$(cat "$T/out")"
fi
rm "$T/side/.s.conf.excl"

# A hard link at the lock's name could be any file of the same owner.
rm -f "$T/side/.s.conf.lock"
ln "$T/victim" "$T/side/.s.conf.lock"
S -C "$T/side/s.conf" -c sip -c 'bind-port 5073' >"$T/out" 2>&1
if grep -qF "Commit refused: $T/side/.s.conf.lock has another hard link" "$T/out" &&
	cmp -s "$T/victim" "$T/victim.orig" && ! grep -q 5073 "$T/side/s.conf"; then
	pass "a hard link at the lock's name is refused, the victim untouched"
else
	fail "a hard link at the lock's name is refused, the victim untouched" "$(cat "$T/out")"
fi
rm "$T/side/.s.conf.lock"

S -C "$T/side/s.conf" -q -c sip -c 'bind-port 5074' >"$T/out" 2>&1
check "with the links gone, the commit is saved" grep -qx ' bind-port 5074' "$T/side/s.conf"

# A directory others can write: refused, sticky (as /tmp) or not, with
# the directory named and what to do; nothing is made in it.
mkdir "$T/open"
cp "$TOP/etc/sipsh.conf" "$T/open/s.conf"
cp "$T/open/s.conf" "$T/open.orig"
for mode in 0777 1777 0775; do
	chmod "$mode" "$T/open"
	S -C "$T/open/s.conf" -c sip -c 'bind-port 5075' >"$T/out" 2>&1
	rc=$?
	if [ "$rc" = 4 ] && grep -qF "Commit refused: $T/open is writable by" "$T/out" &&
		grep -qF "(mode $mode)" "$T/out" && grep -qF "chmod go-w $T/open" "$T/out" &&
		cmp -s "$T/open.orig" "$T/open/s.conf" &&
		[ "$(ls -A "$T/open")" = s.conf ]; then
		pass "a directory of mode $mode is refused, named, and left as it was"
	else
		fail "a directory of mode $mode is refused, named, and left as it was" \
			"rc $rc: $(cat "$T/out"; ls -la "$T/open")"
	fi
done
# At a terminal, 'configure' says so before any edit is made.
chmod 0777 "$T/open"
TM=(tmux -L "sipsh-files-$$")
"${TM[@]}" -f /dev/null new-session -d -x 200 -y 20 \
	"$SIPSH -C '$T/open/s.conf'"
"${TM[@]}" set-option -g remain-on-exit on >/dev/null
screen_has() { "${TM[@]}" capture-pane -p -J -t 0 | grep -qF -- "$1"; }
wait_for 10 screen_has 'sipsh>'
"${TM[@]}" send-keys -t 0 -l 'configure'
"${TM[@]}" send-keys -t 0 Enter
check "configure at a terminal says so at once" wait_for 10 screen_has \
	"Configure refused: $T/open is writable by every user (mode 0777)"
SHELL_PID=$("${TM[@]}" display -p -t 0 '#{pane_pid}')
kill "$SHELL_PID" 2>/dev/null
"${TM[@]}" kill-server 2>/dev/null
chmod 0755 "$T/open"
S -C "$T/open/s.conf" -q -c sip -c 'bind-port 5075' >"$T/out" 2>&1
check "writable by its owner only, below the sticky /tmp, it is saved" \
	grep -qx ' bind-port 5075' "$T/open/s.conf"
