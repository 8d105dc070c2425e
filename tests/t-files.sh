#!/usr/bin/env bash
# What may be a configuration file: a FIFO, a device or a directory is
# refused at once with the reason (never a shell blocked on a FIFO or
# reading /dev/zero without end), so is a file above 1 MiB; a symlink is
# followed, and a commit writes through it to the file it names,
# atomically, leaving the link a link; a dangling symlink is refused.
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
