#!/usr/bin/env bash
# 'make install' into a staging root, as a package build does it: the
# binary runs and looks for /etc/sipsh/sipsh.conf, the default
# configuration is there with mode 0600 and loads, both manual pages are
# installed and render, and installing again keeps an edited sipsh.conf.
. "$(dirname "$0")/lib.sh"

R=$T/root
BIN=$R/usr/bin/sipsh
CONF=$R/etc/sipsh/sipsh.conf

# Leave build/ as 'make all' makes it: the install rebuilt the objects
# that embed the prefix.
restore_build() {
	make -s -C "$TOP" all >/dev/null 2>&1
}
trap 'restore_build; cleanup' EXIT

install_root() {
	(cd "$TOP" && make -s install PREFIX=/usr DESTDIR="$R") \
		>"$T/install.out" 2>&1
}

if install_root; then
	pass "make install PREFIX=/usr DESTDIR=... succeeds"
else
	fail "make install PREFIX=/usr DESTDIR=... succeeds" \
		"$(tail -20 "$T/install.out")"
	exit 0
fi

expect_out "the installed sipsh runs" "sipsh $("$TOP/build/sipsh" -V | cut -d' ' -f2)" \
	"$BIN" -V
expect_out "the installed sipsh-menu runs" \
	"sipsh-menu $("$TOP/build/sipsh" -V | cut -d' ' -f2)" "$R/usr/bin/sipsh-menu" -V
check "the installed sipsh-menu looks for /etc/sipsh/sipsh.conf" \
	grep -q ' /etc/sipsh/sipsh\.conf' <("$R/usr/bin/sipsh-menu" -h)
check "the installed sipsh looks for /etc/sipsh/sipsh.conf" \
	grep -q ' /etc/sipsh/sipsh\.conf' <("$BIN" -h)
check "sipsh.conf is installed with mode 0600" \
	test "$(stat -c %a "$CONF" 2>&1)" = 600
same "the installed sipsh.conf is the default configuration" \
	"$TOP/etc/sipsh.conf" "$CONF"
check "the installed sipsh.conf loads" \
	"$BIN" -C "$CONF" -c 'show running-config'
"$BIN" -C "$CONF" -c 'show running-config' >"$T/show.out" 2>&1
same "and shows as it is written" "$CONF" "$T/show.out"

for page in man1/sipsh.1 man1/sipsh-menu.1 man5/sipsh.conf.5; do
	f=$R/usr/share/man/$page
	if [ -f "$f" ] && [ "$(stat -c %a "$f")" = 644 ] &&
		mandoc -Tascii "$f" >"$T/page.txt" 2>"$T/page.err" &&
		sed 's/.\x08//g' "$T/page.txt" | grep -q '^NAME'; then
		pass "$page is installed (0644) and renders"
	else
		fail "$page is installed (0644) and renders" \
			"$(ls -l "$f" 2>&1; head -5 "$T/page.err")"
	fi
done
check "the installed sipsh.conf.5 is the generated one, with the settings" \
	grep -q '^\.It Cm bind-port' "$R/usr/share/man/man5/sipsh.conf.5"

# An administrator's configuration survives a second install.
"$BIN" -C "$CONF" -c sip -c 'bind-port 5070' >"$T/edit.out" 2>&1
check "the installed configuration can be edited" \
	grep -qx ' bind-port 5070' "$CONF"
cp "$CONF" "$T/edited"
if install_root; then
	pass "a second install succeeds"
else
	fail "a second install succeeds" "$(tail -20 "$T/install.out")"
fi
same "a second install keeps the edited sipsh.conf" "$T/edited" "$CONF"
check "and its mode 0600" test "$(stat -c %a "$CONF" 2>&1)" = 600

# The phone's service files point at the installed paths.
U=$R/usr/lib/systemd/system/sipsh-phone.service
check "the systemd unit is installed with the installed paths" \
	grep -qx 'ExecStartPre=/usr/bin/sipsh -c "phone generate"' "$U"
check "...restarting the phone whenever it stops" grep -qx 'Restart=always' "$U"
check "the runit service is installed, executable" \
	test -x "$R/etc/sv/sipsh-phone/run"
check "...and generates before it runs baresip" \
	grep -q "^/usr/bin/sipsh -c 'phone generate'" "$R/etc/sv/sipsh-phone/run"

check "...and makes the runtime directory as tmpfiles.d says, not as root's alone" \
	sh -c "grep -qx 'ExecStartPre=-/usr/bin/systemd-tmpfiles --create sipsh.conf' '$U' && ! grep -q '^RuntimeDirectory=' '$U'"
TF=$R/usr/lib/tmpfiles.d/sipsh.conf
check "tmpfiles.d gives the runtime directory to the admin group (2771)" \
	grep -qx 'd /run/sipsh 2771 root sipsh-admin -' "$TF"

# The groups of the roles, made by an install on the system itself (not
# into a staging root); names of this test's own, removed at the end.
G="sipsh-ta$$ sipsh-tv$$ sipsh-tl$$"
groups_gone() { for g in $G; do groupdel "$g" 2>/dev/null; done; }
trap 'groups_gone; restore_build; cleanup' EXIT
mkgroups() {
	make -s -C "$TOP" install-groups ADMIN_GROUP=sipsh-ta$$ \
		VIEW_GROUP=sipsh-tv$$ SSH_GROUP=sipsh-tl$$ "$@"
}
mkgroups DESTDIR="$R"
check "into a staging root no group is made" \
	sh -c "! getent group sipsh-ta$$ sipsh-tv$$ sipsh-tl$$"
if mkgroups && mkgroups && getent group sipsh-ta$$ sipsh-tv$$ sipsh-tl$$ |
	awk -F: '$3 < 1000' | grep -c . | grep -qx 3; then
	pass "install makes the admin, view and login groups, as system groups, once"
else
	fail "install makes the admin, view and login groups, as system groups, once" \
		"$(getent group sipsh-ta$$ sipsh-tv$$ sipsh-tl$$)"
fi
sed -e "s/sipsh-admin/sipsh-ta$$/" -e "s|/run/sipsh|$T/tmprun|" "$TF" >"$T/tmpfiles.conf"
systemd-tmpfiles --create "$T/tmpfiles.conf" >/dev/null 2>&1
check "systemd-tmpfiles makes it so: 2771, root, the admin group" \
	test "$(stat -c '%a %U %G' "$T/tmprun" 2>&1)" = "2771 root sipsh-ta$$"

# The sshd block for the accounts confined to the shell (sipsh(1), SSH):
# installed where Debian's sshd_config includes it, for the installed
# sipsh, and as the manual shows it.
SB=$R/etc/ssh/sshd_config.d/sipsh.conf
check "the sshd block is installed (0644) for group sipsh-login" \
	sh -c "test \"\$(stat -c %a '$SB')\" = 644 && grep -qx 'Match Group sipsh-login' '$SB'"
check "...forcing the installed sipsh" \
	grep -qx '	ForceCommand /usr/bin/sipsh --ssh' "$SB"
mandoc -Tascii "$TOP/man/sipsh.1" | sed 's/.\x08//g' |
	sed -n '/^ *Match Group sipsh-login/,/^$/p' | sed 's/^ *//; /^$/d' >"$T/man-block"
grep -v '^[[:space:]]*#' "$SB" | sed 's/^[[:space:]]*//; /^$/d' >"$T/inst-block"
same "sipsh(1) shows the block as it is installed" "$T/inst-block" "$T/man-block"
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
printf 'Include %s\nHostKey %s\nPasswordAuthentication no\n' "$SB" \
	"$T/hostkey" >"$T/sshd_config"
mkdir -p /run/sshd
check "sshd accepts it, and what follows its Match stays global" \
	/usr/sbin/sshd -t -f "$T/sshd_config"
