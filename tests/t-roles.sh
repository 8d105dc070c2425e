#!/usr/bin/env bash
# Roles with real Unix users: an admin (in sipsh-admin, and in sipsh-view
# as a supplementary group), a viewer (in sipsh-view) and an outsider (in
# neither), made by the test and removed at its end. Locally (runuser)
# and over SSH (Debian's sshd on a port of its own, as t-ssh.sh starts
# it): the admin configures and commits and the phone takes it; the
# viewer is shown the configuration with its password masked, cannot
# read any file that holds it, cannot configure, and the running phone's
# control socket refuses it a 'dial'; the outsider is refused everything.
# Then the control socket's limits: one user's connections lock out no
# other user, three viewers' leave the admins their reserve, and an idle
# connection is closed; last, an admin outside the view group, whose
# commit cannot give the masked view its group. Users and groups are
# made here and removed at the end (groups only if the machine had none).
# Every user's shell is an exact copy of build/sipsh.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	fail "roles: setup" "needs root to add test users and groups"
	exit 0
fi

PY=/usr/bin/python3
GA=sipsh-admin
GV=sipsh-view
ADM=sipsh-adm-$$
VIEW=sipsh-vw-$$
OUT=sipsh-out-$$
VIEW2=sipsh-vw2-$$
VIEW3=sipsh-vw3-$$
ADM2=sipsh-ad2-$$                # an admin outside the view group
PORT=$((19200 + $$ % 400))       # sshd
SP=$((20000 + $$ % 1000))        # the phone's SIP port
KP=$((SP + 1000))                # a registrar nobody answers at
RTP=$((24000 + $$ % 300 * 20))
D=$T/etc
C=$D/sipsh.conf
V=$D/.sipsh.conf.view
SOCK=$SIPSH_RUNDIR/ctrl.sock
made_groups=()

HOLD_PIDS=()
finish() {
	[ ${#HOLD_PIDS[@]} -gt 0 ] && kill "${HOLD_PIDS[@]}" 2>/dev/null
	[ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null &&
		wait "$SSHD_PID" 2>/dev/null
	phone_down
	for u in "$ADM" "$ADM2" "$VIEW" "$VIEW2" "$VIEW3" "$OUT"; do
		pkill -u "$u" 2>/dev/null
		userdel "$u" 2>/dev/null
	done
	for g in "${made_groups[@]}"; do
		groupdel "$g" 2>/dev/null
	done
	cleanup
}
trap finish EXIT

# The groups sipsh is built with: used as they are when the machine has
# them, else made here and removed at the end.
for g in "$GA" "$GV"; do
	if ! getent group "$g" >/dev/null; then
		groupadd "$g" || { fail "roles: setup" "groupadd $g"; exit 0; }
		made_groups+=("$g")
	fi
done

# Login shells must be paths every user may run.
install -d -m 0755 "$T/bin" "$T/homes"
install -m 0755 "$SIPSH" "$T/bin/sipsh"
for u in "$ADM" "$ADM2" "$VIEW" "$VIEW2" "$VIEW3" "$OUT"; do
	case $u in
	"$ADM") groups="-G $GA,$GV" ;;
	"$ADM2") groups="-G $GA" ;;
	"$VIEW" | "$VIEW2" | "$VIEW3") groups="-G $GV" ;;
	*) groups= ;;
	esac
	# '*': no password, but not a locked account, which sshd refuses.
	# shellcheck disable=SC2086
	useradd -M -N -g nogroup $groups -d "$T/homes/$u" \
		-s "$T/bin/sipsh" -p '*' "$u" || {
		fail "roles: setup" "useradd $u"
		exit 0
	}
	install -d -m 0700 -o "$u" "$T/homes/$u" "$T/homes/$u/.ssh"
done

# As a device is installed: the file and its directory belong to root
# and the admin group; the phone runs as root.
install -d -m 2775 -g "$GA" "$D"
install -m 0640 -g "$GA" /dev/null "$C"
export SIPSH_CONF=$C
S() { "$SIPSH" -C "$C" "$@"; }
# As USER, with the same configuration file and phone; under the
# command in R_UNDER when it is set (strace).
R_UNDER=()
R() {
	local u=$1
	shift
	"${R_UNDER[@]}" runuser -u "$u" -- env HOME="$T/homes/$u" SIPSH_CONF="$C" \
		SIPSH_RUNDIR="$SIPSH_RUNDIR" SIPSH_MODDIR="$SIPSH_MODDIR" \
		"$SIPSH" "$@"
}

cat >"$T/setup.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
!
account 1
 user 1001
 password Hunter2-secret
 registrar 127.0.0.1:$KP
!
line 0
 account 1
!
EOF
check "root commits the configuration" S -q -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
wait_for 10 test -S "$SOCK"

# What a non-root admin's commit writes for the phone: the runtime
# directory given to the admin group, as sipsh(1) says.
chgrp -R "$GA" "$SIPSH_RUNDIR"
chmod -R g+rwX "$SIPSH_RUNDIR"
find "$SIPSH_RUNDIR" -type d -exec chmod g+s {} +

check "the file is 0660, owner and admin group" \
	test "$(stat -c '%a %G' "$C")" = "660 $GA"
check "the masked view is 0640 with the view group" \
	test "$(stat -c '%a %G' "$V")" = "640 $GV"
check "the masked view holds no password" \
	sh -c "! grep -q Hunter2 '$V' && grep -q '^ user 1001' '$V'"
check "the history is the admin group's" \
	test "$(stat -c '%a %G' "$C.history")" = "770 $GA"
check "the control socket lets everyone connect (ctrl decides)" \
	test "$(stat -c %a "$SOCK")" = 666

# --- The admin -----------------------------------------------------------
out=$(R "$ADM" -c 'account 1' -c 'password Other-secret9' 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q '^% Committed: account 1 re-registered' <<<"$out" &&
	grep -q '^ password Other-secret9' "$C"; then
	pass "the admin commits, and the phone re-registers the account"
else
	fail "the admin commits, and the phone re-registers the account" \
		"rc=$rc $out"
fi
check "after the admin's commit the file is still 0660, admin group" \
	test "$(stat -c '%a %G' "$C")" = "660 $GA"
check "after the admin's commit the view is still the view group's" \
	sh -c "test \"\$(stat -c '%a %G' '$V')\" = '640 $GV' &&
		! grep -q Other-secret '$V'"
check "the phone runs the admin's password" \
	grep -q 'Other-secret9' "$SIPSH_RUNDIR/baresip/accounts"
check "root still commits after the admin" \
	S -q -c 'sip' -c 'register-interval 900'
# The exclusive lock root took once is the admin group's too.
check "root commits under configure exclusive" \
	S -q -c 'configure exclusive' -c 'sip' -c 'register-timeout 9'
out=$(R "$ADM" -q -c 'configure exclusive' -c 'sip' -c 'register-timeout 8' 2>&1)
if [ $? = 0 ] && grep -qx ' register-timeout 8' "$C"; then
	pass "...and so does the admin after it"
else
	fail "...and so does the admin after it" "$out; $(ls -la "$D")"
fi

# --- The viewer ----------------------------------------------------------
R "$VIEW" -c 'show running-config' >"$T/view.show" 2>&1
rc=$?
if [ $rc = 0 ] && grep -qx ' password \*\*\*\*\*\*\*\*' "$T/view.show" &&
	grep -qx ' register-interval 900' "$T/view.show" &&
	! grep -q 'secret' "$T/view.show"; then
	pass "the viewer is shown the running configuration, password masked"
else
	fail "the viewer is shown the running configuration, password masked" \
		"rc=$rc $(cat "$T/view.show")"
fi
for f in "$C" "$C.history/$(ls "$C.history" | tail -1)" \
	"$SIPSH_RUNDIR/baresip/accounts" "$SIPSH_RUNDIR/applied.conf"; do
	if runuser -u "$VIEW" -- cat "$f" >/dev/null 2>&1; then
		fail "the viewer cannot read $(basename "$f")" "cat succeeded"
	else
		pass "the viewer cannot read $(basename "$f")"
	fi
done
# At a terminal, through tmux, as a person would.
tm() { tmux -L "roles-$$" "$@"; }
pane_has() { tm capture-pane -p -t 0 -S - 2>/dev/null | grep -qF -- "$1"; }
tm -f /dev/null new-session -d -x 100 -y 30 \
	"runuser -u $VIEW -- env HOME=$T/homes/$VIEW SIPSH_CONF=$C SIPSH_RUNDIR=$SIPSH_RUNDIR $SIPSH"
TEST_PIDS+=("$(tm display -p -t 0 '#{pane_pid}')")
wait_for 10 pane_has 'sipsh>'
tm send-keys -t 0 -l 'configure'
tm send-keys -t 0 Enter
if wait_for 10 pane_has "% Permission denied: configuration needs the $GA group"; then
	pass "the viewer's configure at a terminal says why it is refused"
else
	fail "the viewer's configure at a terminal says why it is refused" \
		"$(tm capture-pane -p -t 0)"
fi
tm send-keys -t 0 -l 'show running-config account 1'
tm send-keys -t 0 Enter
check "...and show commands still work there" \
	wait_for 10 pane_has ' password ********'
tm kill-server 2>/dev/null
out=$(R "$VIEW" -c sip -c 'bind-port 5090' 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q "Permission denied: configuration needs the $GA group" <<<"$out" &&
	! grep -q 5090 "$C"; then
	pass "the viewer's batch of changes is refused, nothing saved"
else
	fail "the viewer's batch of changes is refused, nothing saved" \
		"rc=$rc $out"
fi
out=$(R "$VIEW" -c 'show phone' 2>&1)
check "the viewer is shown the phone's state" \
	grep -q 'Modules:.* ctrl' <<<"$out"

cat >"$T/ctrl.py" <<'EOF'
# ctrl.py SOCKET MODE: what the socket answers this user.
#   req LINE...   send each request, print each reply
#   follow N SECS hold N connections that each made a request, SECS
#   hold N SECS   hold N connections that send nothing; after SECS print
#                 how many the phone has closed
#   partial SECS  send half a request; print whether it was closed
import os, socket, sys, time

def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s

def line(s):
    buf = b''
    while not buf.endswith(b'\n'):
        b = s.recv(4096)
        if not b:
            break
        buf += b
    return buf.decode().strip()

path, mode = sys.argv[1], sys.argv[2]
if mode == 'req':
    s = conn(path)
    for r in sys.argv[3:]:
        try:
            s.sendall(r.encode() + b'\n')
        except BrokenPipeError:
            pass    # refused before it was written: the reply says why
        print(line(s))
    print('closed' if s.recv(10) == b'' else 'open')
elif mode == 'follow':
    n, secs = int(sys.argv[3]), float(sys.argv[4])
    socks = []
    for i in range(n):
        s = conn(path)
        s.sendall(b'{"id":1,"command":"version"}\n')
        if '"ok":true' not in line(s):
            sys.exit('connection %d refused' % i)
        socks.append(s)
    print('holding', os.getpid(), flush=True)
    time.sleep(secs)
elif mode in ('hold', 'partial'):
    n = int(sys.argv[3]) if mode == 'hold' else 1
    secs = float(sys.argv[4] if mode == 'hold' else sys.argv[3])
    socks = [conn(path) for _ in range(n)]
    if mode == 'partial':
        socks[0].sendall(b'{"id":1,')
    print('holding', flush=True)
    end = time.time() + secs
    closed, refused = set(), set()
    while time.time() < end and len(closed) < n:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            s.settimeout(0.05)
            try:
                b = s.recv(4096)
                if b == b'':
                    closed.add(i)
                elif b'"id":null' in b:
                    refused.add(i)    # told why: not an idle close
                # anything else is an event pushed to every client
            except socket.timeout:
                pass
    print('closed', len(closed), 'of', n, 'refused', len(refused))
EOF
chmod 0644 "$T/ctrl.py"
PYC() { local u=$1; shift; runuser -u "$u" -- "$PY" "$T/ctrl.py" "$SOCK" "$@"; }

out=$(PYC "$VIEW" req '{"id":1,"command":"dial","aor":"sip:1001@127.0.0.1:'"$KP"'","uri":"sip:9@127.0.0.1"}' \
	'{"id":2,"command":"trace","on":true}' '{"id":3,"command":"registrations"}' 2>&1)
if grep -qx '{"id":1,"ok":false,"error":"permission denied: this command needs the '"$GA"' group"}' <<<"$out" &&
	grep -qx '{"id":2,"ok":false,"error":"permission denied: this command needs the '"$GA"' group"}' <<<"$out" &&
	grep -q '^{"id":3,"ok":true' <<<"$out"; then
	pass "ctrl refuses the viewer's dial and trace, answers its state query"
else
	fail "ctrl refuses the viewer's dial and trace, answers its state query" "$out"
fi
out=$(R "$VIEW" -c 'dial 0 sip:9@127.0.0.1' 2>&1)
if grep -q "permission denied: this command needs the $GA group" <<<"$out"; then
	pass "the viewer's shell prints the phone's refusal of dial"
else
	fail "the viewer's shell prints the phone's refusal of dial" "$out"
fi
expect_out "the viewer cannot stop the phone, and is told why" \
	"-c:1: % Permission denied: phone stop needs the $GA group" \
	R "$VIEW" -c 'phone stop'
out=$(PYC "$ADM" req '{"id":1,"command":"trace","on":true}' 2>&1)
check "ctrl lets the admin trace" grep -q '^{"id":1,"ok":true' <<<"$out"

# --- The outsider ----------------------------------------------------------
out=$(R "$OUT" -c 'show running-config' 2>&1)
rc=$?
if [ $rc = 4 ] && [ "$out" = "sipsh: Permission denied: sipsh needs the $GA or the $GV group" ]; then
	pass "the outsider's shell is refused, status 4"
else
	fail "the outsider's shell is refused, status 4" "rc=$rc $out"
fi
for f in "$C" "$V"; do
	if runuser -u "$OUT" -- cat "$f" >/dev/null 2>&1; then
		fail "the outsider cannot read $(basename "$f")" "cat succeeded"
	else
		pass "the outsider cannot read $(basename "$f")"
	fi
done
out=$(PYC "$OUT" req '{"id":1,"command":"version"}' 2>&1)
if [ "$out" = '{"id":1,"ok":false,"error":"permission denied: uid '"$(id -u "$OUT")"' is in neither group '"$GA"' nor '"$GV"'"}
closed' ]; then
	pass "ctrl refuses the outsider's first request and disconnects it"
else
	fail "ctrl refuses the outsider's first request and disconnects it" "$out"
fi

# --- Over SSH -----------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/userkey"
for u in "$ADM" "$VIEW" "$OUT"; do
	cp "$T/userkey.pub" "$T/homes/$u/.ssh/authorized_keys"
	printf 'SIPSH_CONF=%s\nSIPSH_RUNDIR=%s\nSIPSH_MODDIR=%s\n' "$C" \
		"$SIPSH_RUNDIR" "$SIPSH_MODDIR" >"$T/homes/$u/.ssh/environment"
	chown -R "$u" "$T/homes/$u/.ssh"
	chmod 0600 "$T/homes/$u/.ssh/"*
done
cat >"$T/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PermitUserEnvironment SIPSH_CONF,SIPSH_RUNDIR,SIPSH_MODDIR
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
AllowUsers $ADM $VIEW $OUT
EOF
mkdir -p /run/sshd
if /usr/sbin/sshd -t -f "$T/sshd_config"; then
	/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
	SSHD_PID=$!
	SSH() {
		local u=$1
		shift
		ssh -p "$PORT" -i "$T/userkey" -o StrictHostKeyChecking=no \
			-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
			-o ConnectTimeout=5 -o BatchMode=yes "$u@127.0.0.1" "$@"
	}
	wait_for 10 SSH "$VIEW" 'show version'

	out=$(SSH "$VIEW" 'show running-config account 1' 2>&1)
	if grep -qx ' password \*\*\*\*\*\*\*\*' <<<"$out" && ! grep -q secret <<<"$out"; then
		pass "over ssh the viewer is shown the configuration, password masked"
	else
		fail "over ssh the viewer is shown the configuration, password masked" "$out"
	fi
	out=$(SSH "$VIEW" 'sip
bind-port 5091' 2>&1)
	if grep -q "Permission denied: configuration needs the $GA group" <<<"$out" &&
		! grep -q 5091 "$C"; then
		pass "over ssh the viewer cannot configure"
	else
		fail "over ssh the viewer cannot configure" "$out"
	fi
	out=$(SSH "$ADM" 'sip
register-interval 600' 2>&1)
	if grep -q '^% Committed' <<<"$out" && grep -qx ' register-interval 600' "$C"; then
		pass "over ssh the admin commits"
	else
		fail "over ssh the admin commits" "$out"
	fi
	out=$(SSH "$OUT" 'show running-config' 2>&1)
	if grep -q "Permission denied: sipsh needs the $GA or the $GV group" <<<"$out" &&
		! grep -q 'user 1001' <<<"$out"; then
		pass "over ssh the outsider is refused"
	else
		fail "over ssh the outsider is refused" "$out"
	fi
else
	fail "roles: sshd configuration" "sshd -t refused it"
fi

# --- The control socket's limits ------------------------------------------
# Viewers that stay connected after a request (as a client following
# events does) fill their shares: a user's ninth connection is refused;
# with three viewers' 24 the rest are kept for admins, so the outsider is
# refused while the admin's shell is served.
HOLD_PIDS=()
for u in "$VIEW" "$VIEW2" "$VIEW3"; do
	PYC "$u" follow 8 60 >"$T/follow.$u" 2>&1 &
	TEST_PIDS+=($!)
	wait_for 10 grep -q holding "$T/follow.$u"
	# The holder's own PID: the shell's is only its runuser's parent.
	p=$(awk '/^holding/ { print $2 }' "$T/follow.$u")
	[ -n "$p" ] && HOLD_PIDS+=("$p")
done
out=$(PYC "$VIEW" req '{"id":1,"command":"version"}' 2>&1)
if grep -q '^{"id":null,"ok":false,"error":"too many connections of uid '"$(id -u "$VIEW")"' (8)"}' <<<"$out"; then
	pass "one user's ninth connection is refused, saying why"
else
	fail "one user's ninth connection is refused, saying why" "$out"
fi
out=$(PYC "$OUT" req '{"id":1,"command":"version"}' 2>&1)
if grep -q '^{"id":null,"ok":false,"error":"too many connections (24); the last 8 are kept for the '"$GA"' group"}' <<<"$out"; then
	pass "past 24 connections the rest are kept for admins"
else
	fail "past 24 connections the rest are kept for admins" "$out"
fi
out=$(R "$ADM" -c 'show phone' 2>&1)
check "the admin's show phone is served beside them" \
	grep -q 'Modules:.* ctrl' <<<"$out"
out=$(R "$VIEW" -c 'show phone' 2>&1)
check "...and the viewer's shell says why it is not" \
	grep -q "too many connections of uid $(id -u "$VIEW") (8)" <<<"$out"
kill "${HOLD_PIDS[@]}" 2>/dev/null
all_gone() {
	local p
	for p in "${HOLD_PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
check "the holders are gone" wait_for 10 all_gone

# Connections that send nothing, or half a request, are closed.
PYC "$VIEW" hold 8 20 >"$T/hold.out" 2>&1
check "connections that send nothing are closed after the idle timeout" \
	grep -qx 'closed 8 of 8 refused 0' "$T/hold.out"
out=$(PYC "$VIEW" partial 20 2>&1)
if grep -qx 'closed 1 of 1 refused 0' <<<"$out"; then
	pass "a request left unfinished is closed after the idle timeout"
else
	fail "a request left unfinished is closed after the idle timeout" "$out"
fi
check "the phone logged why" \
	grep -q "ctrl: client [0-9]* (uid $(id -u "$VIEW")): no complete request within 5000 ms: closing it" \
	"$SIPSH_RUNDIR/log/current"

# --- One admin confirms another's commit ---------------------------------
# The rollback guard runs as the admin who committed; another admin may
# not signal it, and stops it through its FIFO instead. The record of
# the last commit and the guard's state are the admin group's.
GUARD=$D/.sipsh.conf.confirm
printf 'sip\n register-interval 900\ncommit confirmed 5 seconds\n' |
	R "$ADM" -f - >"$T/confirm-adm.out" 2>&1
gst=$(stat -c '%a %G %U' "$GUARD" 2>/dev/null)
gpid=$(cut -d' ' -f1 "$GUARD" 2>/dev/null)
lst=$(stat -c '%a %G' "$D/.sipsh.conf.last-commit" 2>/dev/null)
out=$(R "$ADM2" -c 'commit confirm' 2>&1)
guard_gone() { ! kill -0 "$gpid" 2>/dev/null; }
if [ "$gst" = "660 $GA $ADM" ] && grep -q '^% Commit confirmed$' <<<"$out" &&
	[ -n "$gpid" ] && wait_for 3 guard_gone && [ ! -e "$GUARD" ] &&
	[ ! -e "$GUARD-stop" ]; then
	pass "an admin confirms another admin's commit: its guard stops"
else
	fail "an admin confirms another admin's commit: its guard stops" \
		"guard '$gst' pid '$gpid'; $out; $(cat "$T/confirm-adm.out"); $(ls -la "$D")"
fi
sleep 5.5
check "...and nothing is rolled back past the deadline" grep -qx ' register-interval 900' "$C"
if [ "$lst" = "660 $GA" ] && runuser -u "$ADM2" -- cat "$D/.sipsh.conf.last-commit" >/dev/null 2>&1; then
	pass "the record of the last commit is the admin group's: another admin reads it"
else
	fail "the record of the last commit is the admin group's: another admin reads it" "'$lst'"
fi

# The record has the group's mode and group before it has its name:
# from the system calls of an admin's commit (strace), every
# temporary file renamed to it was given 0660 and the group first.
gid=$(getent group "$GA" | cut -d: -f3)
R_UNDER=(strace -f -o "$T/last.strace" -e trace=openat,fchmod,fchown,renameat)
R "$ADM" -c sip -c 'register-interval 950' >"$T/last.out" 2>&1
R_UNDER=()
seen=$(awk -v gid="$gid" '
	/openat\(.*"\.\.sipsh\.conf\.last-commit\.[^"]*".* = [0-9]+$/ {
		fd = $NF; mode = 0; grp = 0 }
	fd != "" && $0 ~ "fchmod\\(" fd ", 0660\\) += 0" { mode = 1 }
	fd != "" && $0 ~ "fchown\\(" fd ", -1, " gid "\\) += 0" { grp = 1 }
	/renameat\(.*, "\.sipsh\.conf\.last-commit"\) += 0/ {
		n++; if (mode && grp) ok++; fd = "" }
	END { printf "%d %d", ok, n }' "$T/last.strace")
read -r ok n <<<"$seen"
if [ "$n" -ge 1 ] && [ "$ok" = "$n" ]; then
	pass "the record of the last commit is the group's before it has its name ($n renamed)"
else
	fail "the record of the last commit is the group's before it has its name" "$ok of $n; $(cat "$T/last.out"); $(grep -E 'last-commit|fchmod|fchown' "$T/last.strace")"
fi

# --- An admin who cannot give the view its group ------------------------
out=$(R "$ADM2" -c sip -c 'register-interval 1200' 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q "no view for the $GV group: only root or a member of $GV can give it that group" <<<"$out" &&
	[ ! -e "$V" ] && grep -qx ' register-interval 1200' "$C"; then
	pass "an admin outside the view group commits; the stale view is removed, and the commit says so"
else
	fail "an admin outside the view group commits; the stale view is removed, and the commit says so" \
		"rc=$rc $out; $(ls -la "$D")"
fi
out=$(R "$VIEW" -c 'show running-config' 2>&1)
check "...and the viewer is told there is no view, not shown an old one" \
	grep -q 'no view of the configuration for the group yet' <<<"$out"
S -q -c sip -c 'register-interval 1500'
out=$(R "$VIEW" -c 'show running-config sip' 2>&1)
check "root's next commit writes the view again" \
	grep -qx ' register-interval 1500' <<<"$out"
