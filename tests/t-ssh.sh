#!/usr/bin/env bash
# sipsh as a login shell over real SSH: Debian's OpenSSH server, started
# by the test on 127.0.0.1 with its own configuration and host key, a test
# user whose login shell is sipsh. 'ssh host CMD' runs a batch command; an
# interactive session works through tmux; dropping the connection in the
# middle of an edit leaves no lock behind.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	fail "ssh: setup" "needs root to add a test user and start sshd"
	exit 0
fi

USER_NAME=sipsh-ssh-$$
SOCK=sipsh-ssh-$$
PORT=$((19000 + $$ % 1000))
H=$T/home-ssh
tm() { tmux -L "$SOCK" "$@"; }

finish() {
	tm kill-server 2>/dev/null
	[ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
	pkill -u "$USER_NAME" 2>/dev/null
	userdel "$USER_NAME" 2>/dev/null
	cleanup
}
trap finish EXIT

# The login shell must be a path every user may run: a copy outside
# root's private directories.
install -d -m 0755 "$T/bin"
install -m 0755 "$SIPSH" "$T/bin/sipsh"
# '*': no password, but not a locked account ('!'), which sshd refuses.
useradd -M -d "$H" -s "$T/bin/sipsh" -p '*' "$USER_NAME" || {
	fail "ssh: setup" "useradd failed"
	exit 0
}
install -d -m 0755 -o "$USER_NAME" "$H" "$H/.ssh"
cp "$TOP/etc/sipsh.conf" "$H/sipsh.conf"
chown "$USER_NAME" "$H/sipsh.conf"
chmod 0600 "$H/sipsh.conf"
printf 'SIPSH_CONF=%s\nSIPSH_RUNDIR=%s\n' "$H/sipsh.conf" "$H/run" \
	>"$H/.ssh/environment"

ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/userkey"
cp "$T/userkey.pub" "$H/.ssh/authorized_keys"
chown -R "$USER_NAME" "$H/.ssh"
chmod 0600 "$H/.ssh/authorized_keys" "$H/.ssh/environment"

cat >"$T/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $H/.ssh/authorized_keys
PermitUserEnvironment SIPSH_CONF,SIPSH_RUNDIR
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
AllowUsers $USER_NAME
Subsystem sftp internal-sftp
EOF
mkdir -p /run/sshd
/usr/sbin/sshd -t -f "$T/sshd_config" || {
	fail "ssh: sshd configuration" "sshd -t refused it"
	exit 0
}
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SSHD_PID=$!

SSH=(ssh -p "$PORT" -i "$T/userkey" -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
	-o ConnectTimeout=5 "$USER_NAME@127.0.0.1")

for i in $(seq 1 100); do
	"${SSH[@]}" 'show version' >/dev/null 2>&1 && break
	sleep 0.1
done

expect_out "ssh host 'show version' runs sipsh -c" "sipsh    0.1.0" \
	"${SSH[@]}" 'show version | include ^sipsh'
"${SSH[@]}" 'show running-config' >"$T/show.out" 2>&1
same "ssh host 'show running-config' prints the configuration" \
	"$H/sipsh.conf" "$T/show.out"
"${SSH[@]}" 'sip
bind-port 5077' 2>&1
check "a batch over ssh commits" grep -qx ' bind-port 5077' "$H/sipsh.conf"

# Interactive, through tmux, as a person at a terminal.
pane_wait() {
	local i
	for i in $(seq 1 100); do
		tm capture-pane -p -t 0 -S - 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
tm -f /dev/null new-session -d -x 100 -y 40 "${SSH[*]} -tt"
tm set-option -g remain-on-exit on >/dev/null
check "an interactive ssh session gets the prompt" pane_wait 'sipsh>'
tm send-keys -t 0 -l 'show running-config sip'
tm send-keys -t 0 Enter
check "an interactive ssh session runs commands" pane_wait ' bind-port 5077'

# Drop the connection in the middle of an exclusive edit.
tm send-keys -t 0 -l 'configure exclusive'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'sip'
tm send-keys -t 0 Enter
tm send-keys -t 0 -l 'bind-port 5088'
tm send-keys -t 0 Enter
pane_wait 'sipsh(config-sip)#'
out=$("${SSH[@]}" 'sip
bind-port 5099' 2>&1)
if grep -qi 'exclusive' <<<"$out" && ! grep -q 5099 "$H/sipsh.conf"; then
	pass "an exclusive session over ssh locks out other commits"
else
	fail "an exclusive session over ssh locks out other commits" "$out"
fi
kill "$(tm display -p -t 0 '#{pane_pid}')"
for i in $(seq 1 50); do
	pgrep -u "$USER_NAME" -f "$T/bin/sipsh" >/dev/null || break
	sleep 0.1
done
check "the dropped session's shell is gone" \
	sh -c "! pgrep -u '$USER_NAME' -f '$T/bin/sipsh'"
out=$("${SSH[@]}" 'sip
bind-port 5099' 2>&1)
if grep -qx ' bind-port 5099' "$H/sipsh.conf"; then
	pass "a dropped connection leaves no lock behind"
else
	fail "a dropped connection leaves no lock behind" "$out"
fi
check "the dropped session's edit was not saved" \
	sh -c "! grep -q 5088 '$H/sipsh.conf'"
