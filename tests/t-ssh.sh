#!/usr/bin/env bash
# sipsh as a login shell over real SSH: Debian's OpenSSH server, started
# by the test on 127.0.0.1 with its own configuration and host key, and
# the sshd block sipsh ships (etc/ssh/sshd-sipsh.conf.in) included for a
# group of the test's; a test user in it whose login shell is sipsh.
# 'ssh host CMD' runs a batch command; an interactive session works
# through tmux; dropping the connection in the middle of an edit leaves
# no lock behind. What does not go through the shell is closed: -L, -R,
# -D, -W, Unix socket forwarding, sftp, scp, a command of another shell;
# a second user outside the group shows that the same probes get through
# where the block does not apply.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	fail "ssh: setup" "needs root to add a test user and start sshd"
	exit 0
fi

USER_NAME=sipsh-ssh-$$
OUTSIDER=sipsh-out-$$
GROUP=sipsh-grp-$$
SOCK=sipsh-ssh-$$
# Ports below the kernel's ephemeral range: sshd, the banner the
# forwarding probes try to reach, and the ends of the forwards.
PORT=$((19000 + $$ % 1000))
BPORT=$((20000 + $$ % 1000))
LPORT=$((21000 + $$ % 1000))
DPORT=$((22000 + $$ % 1000))
RPORT=$((23000 + $$ % 1000))
H=$T/home-ssh
tm() { tmux -L "$SOCK" "$@"; }

finish() {
	local p
	tm kill-server 2>/dev/null
	for p in "${SSH_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	[ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
	pkill -u "$USER_NAME" 2>/dev/null
	pkill -u "$OUTSIDER" 2>/dev/null
	userdel "$USER_NAME" 2>/dev/null
	userdel "$OUTSIDER" 2>/dev/null
	groupdel "$GROUP" 2>/dev/null
	cleanup
}
SSH_PIDS=()
trap finish EXIT

# The login shell must be a path every user may run: a copy outside
# root's private directories.
install -d -m 0755 "$T/bin"
install -m 0755 "$SIPSH" "$T/bin/sipsh"
# '*': no password, but not a locked account ('!'), which sshd refuses.
groupadd "$GROUP" &&
useradd -M -d "$H" -s "$T/bin/sipsh" -p '*' -G "$GROUP" "$USER_NAME" &&
useradd -M -d "$H" -s "$T/bin/sipsh" -p '*' "$OUTSIDER" || {
	fail "ssh: setup" "groupadd or useradd failed"
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
# Readable by the outsider too, who shares the home; they hold no secret.
chmod 0644 "$H/.ssh/authorized_keys" "$H/.ssh/environment"

# The shipped block, for the test's group and its copy of sipsh; the
# rest of the server's configuration allows what the block forbids.
sed -e "s|@BINDIR@|$T/bin|g" -e "s|@SSH_GROUP@|$GROUP|g" \
	-e "s|@SYSCONFDIR@|/etc|g" "$TOP/etc/ssh/sshd-sipsh.conf.in" \
	>"$T/sshd-sipsh.conf"
cat >"$T/sshd_config" <<EOF
Include $T/sshd-sipsh.conf
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
AllowUsers $USER_NAME $OUTSIDER
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
Subsystem sftp internal-sftp
EOF
mkdir -p /run/sshd
/usr/sbin/sshd -t -f "$T/sshd_config" || {
	fail "ssh: sshd configuration" "sshd -t refused it"
	exit 0
}
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SSHD_PID=$!

SSH_OPTS=(-i "$T/userkey" -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes
	-o ConnectTimeout=5)
SSH=(ssh -p "$PORT" "${SSH_OPTS[@]}" "$USER_NAME@127.0.0.1")

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

# What does not go through the shell. A banner on a TCP port and on a
# Unix socket (as the phone's control socket is) that a forward would
# reach; probe.py connects (directly, or by SOCKS through -D) and prints
# what it reads.
cat >"$T/banner.py" <<'PY'
import os, select, socket, sys
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", int(sys.argv[1])))
tcp.listen(8)
unix = socket.socket(socket.AF_UNIX)
unix.bind(sys.argv[2])
os.chmod(sys.argv[2], 0o777)
unix.listen(8)
for _ in range(1000):
    ready, _, _ = select.select([tcp, unix], [], [], 60)
    if not ready:
        break
    for ls in ready:
        c, _ = ls.accept()
        c.sendall(b"SECRET-BANNER\n")
        c.close()
PY
cat >"$T/probe.py" <<'PY'
import socket, sys
try:
    if sys.argv[1] == "unix":
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(3)
        s.connect(sys.argv[2])
    else:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), 3)
    if sys.argv[1] == "socks":
        s.sendall(b"\x05\x01\x00")
        if s.recv(2) != b"\x05\x00":
            sys.exit("no SOCKS")
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") +
                  int(sys.argv[3]).to_bytes(2, "big"))
        r = s.recv(10)
        if len(r) < 2 or r[1] != 0:
            sys.exit("SOCKS connect refused")
    sys.stdout.write(s.recv(100).decode(errors="replace") or "closed")
except OSError as e:
    sys.exit("error: %s" % e)
PY
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" "$T/banner.py" "$BPORT" "$T/banner.sock" &
TEST_PIDS+=($!)
wait_for 10 test -S "$T/banner.sock"
probe() { timeout 10 "$PY" "$T/probe.py" "$@" 2>&1; }
check "the banner answers directly" grep -q SECRET-BANNER <(probe tcp "$BPORT")

# as USER ARGS...: ssh as USER with the forwarding arguments ARGS.
as() {
	local who=$1
	shift
	timeout 15 ssh -p "$PORT" "${SSH_OPTS[@]}" "$@" "$who@127.0.0.1"
}

# forward NAME PROBE-ARGS... -- SSH-ARGS...: a forward that listens
# here, probed once it listens; its ssh is stopped by its PID.
forward() {
	local name=$1 p out i probe_args=()
	shift
	while [ "$1" != -- ]; do
		probe_args+=("$1")
		shift
	done
	shift
	as "$USER_NAME" -N "$@" </dev/null >"$T/fwd.out" 2>&1 &
	p=$!
	SSH_PIDS+=("$p")
	for i in $(seq 1 100); do
		case ${probe_args[0]} in
		unix) [ -S "${probe_args[1]}" ] && break ;;
		*) ss -Hltn "sport = :${probe_args[1]}" | grep -q . && break ;;
		esac
		sleep 0.1
	done
	out=$(probe "${probe_args[@]}")
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	if [ "$i" -lt 100 ] && ! grep -q SECRET-BANNER <<<"$out"; then
		pass "$name"
	else
		fail "$name" "the probe read: $out; $(cat "$T/fwd.out")"
	fi
}

forward "ssh -L to a TCP port is refused" tcp "$LPORT" -- \
	-L "$LPORT:127.0.0.1:$BPORT"
forward "ssh -D (SOCKS) is refused" socks "$DPORT" "$BPORT" -- \
	-D "127.0.0.1:$DPORT"
forward "ssh -L to a Unix socket is refused" unix "$T/fwd.sock" -- \
	-L "$T/fwd.sock:$T/banner.sock"

out=$(as "$USER_NAME" -W "127.0.0.1:$BPORT" </dev/null 2>&1)
if ! grep -q SECRET-BANNER <<<"$out"; then
	pass "ssh -W is refused"
else
	fail "ssh -W is refused" "$out"
fi
out=$(as "$OUTSIDER" -W "127.0.0.1:$BPORT" </dev/null 2>&1)
check "outside the group, the same ssh -W reaches the banner" \
	grep -q SECRET-BANNER <<<"$out"

as "$USER_NAME" -o ExitOnForwardFailure=yes -N -R "$RPORT:127.0.0.1:$BPORT" \
	</dev/null >"$T/r.out" 2>&1
rc=$?
if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -qi 'forwarding failed' "$T/r.out" &&
	! ss -Hltn "sport = :$RPORT" | grep -q .; then
	pass "ssh -R is refused"
else
	fail "ssh -R is refused" "rc $rc: $(cat "$T/r.out")"
fi

SFTP=(timeout 15 sftp -P "$PORT" "${SSH_OPTS[@]}" -b -)
"${SFTP[@]}" "$USER_NAME@127.0.0.1" >"$T/sftp.out" 2>&1 <<<"get /etc/passwd $T/got-sftp"
rc=$?
if [ "$rc" != 0 ] && [ ! -e "$T/got-sftp" ]; then
	pass "sftp is refused"
else
	fail "sftp is refused" "rc $rc: $(cat "$T/sftp.out")"
fi
"${SFTP[@]}" "$OUTSIDER@127.0.0.1" >"$T/sftp.out" 2>&1 <<<"get /etc/hostname $T/got-out"
check "outside the group, the same sftp fetches a file" test -s "$T/got-out"
for mode in -s -O; do
	timeout 15 scp "$mode" -P "$PORT" "${SSH_OPTS[@]}" \
		"$USER_NAME@127.0.0.1:/etc/passwd" "$T/got-scp$mode" >"$T/scp.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && [ ! -s "$T/got-scp$mode" ]; then
		pass "scp $mode is refused"
	else
		fail "scp $mode is refused" "rc $rc: $(cat "$T/scp.out")"
	fi
done

out=$("${SSH[@]}" 'cat /etc/passwd' 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -qF "% Invalid input 'cat'" <<<"$out" &&
	! grep -q '^root:' <<<"$out"; then
	pass "ssh host 'cat /etc/passwd' lands in the shell, which refuses it"
else
	fail "ssh host 'cat /etc/passwd' lands in the shell, which refuses it" "rc $rc: $out"
fi

# What no probe here shows (an agent, X11, a tunnel, ~/.ssh/rc): the
# server's own view of the rules for a member of the group.
/usr/sbin/sshd -T -f "$T/sshd_config" \
	-C "user=$USER_NAME,host=localhost,addr=127.0.0.1" >"$T/eff" 2>&1
missing=
for want in "forcecommand $T/bin/sipsh --ssh" "permituserrc no" \
	"disableforwarding yes" "allowtcpforwarding no" \
	"allowstreamlocalforwarding no" "x11forwarding no" \
	"allowagentforwarding no" "permittunnel no" "permitopen none" \
	"permitlisten none"; do
	grep -qix "$want" "$T/eff" || missing="$missing [$want]"
done
if [ -z "$missing" ]; then
	pass "sshd applies every rule of the block to a member of the group"
else
	fail "sshd applies every rule of the block to a member of the group" "missing:$missing"
fi
