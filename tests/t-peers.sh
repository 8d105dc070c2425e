#!/usr/bin/env bash
# The softphone tests' harness, proven against plain Debian baresip before
# sipsh is involved: Kamailio (tests/tools/kamailio.sh) registers users
# with digest auth, refuses a wrong password, challenges INVITEs and routes
# calls, hangups and cancels between two baresip instances and linphonec
# (tests/tools/linphone.sh), with media flowing both ways. When this test
# fails, a failing softphone test says nothing about sipsh.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/linphone.sh"

for p in kamailio kamcmd baresip linphonec stdbuf; do
	if ! command -v "$p" >/dev/null && ! [ -x "/usr/sbin/$p" ]; then
		fail "peers: setup" "$p is not installed (make deps)"
		exit 0
	fi
done

# --- plain baresip, headless, one config directory each ------------------
declare -A BS_PID=() BS_MARK=()
bs_dir() { printf '%s/bs-%s' "$T" "$1"; }
bs_log() { printf '%s/bs-%s/out.log' "$T" "$1"; }

# bs_start NAME SIPPORT ACCOUNT-LINE [BARESIP-ARGS...]: no stdio UI (stdin
# is /dev/null), no ctrl_tcp; aufile sends a tone, nothing plays what
# arrives. stdbuf: baresip's output to a file is otherwise block-buffered.
bs_start() {
	local name=$1 port=$2 account=$3 d
	shift 3
	d=$(bs_dir "$name")
	mkdir -p "$d"
	cat >"$d/config" <<EOF
sip_listen 127.0.0.1:$port
net_interface 127.0.0.1
rtp_ports $((port + 2))-$((port + 19))
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module_app account.so
module_app menu.so
audio_source aufile,$T/tone.wav
audio_player none,none
audio_alert none,none
EOF
	printf '%s\n' "$account" >"$d/accounts"
	BS_MARK[$name]=0
	stdbuf -oL -eL baresip -f "$d" "$@" </dev/null >"$d/out.log" 2>&1 &
	BS_PID[$name]=$!
	TEST_PIDS+=("$!")
}

# bs_mark NAME: later bs_wait look only at what baresip writes after now.
bs_mark() { BS_MARK[$1]=$(stat -c %s "$(bs_log "$1")" 2>/dev/null || echo 0); }
bs_grep() {
	tail -c +"$((${BS_MARK[$1]:-0} + 1))" "$(bs_log "$1")" 2>/dev/null | grep -qE -- "$2"
}
# bs_wait NAME REGEX SECONDS
bs_wait() { _kam_poll "$3" bs_grep "$1" "$2"; }
bs_gone() { ! kill -0 "$1" 2>/dev/null; }

# bs_stop NAME: SIGTERM makes baresip hang up and un-REGISTER, then exit;
# a second one makes it exit at once (it waits up to 32 s for a registrar
# that does not answer); SIGKILL last.
bs_stop() {
	local pid=${BS_PID[$1]:-}
	[ -z "$pid" ] && return 0
	kill "$pid" 2>/dev/null
	if ! _kam_poll 2 bs_gone "$pid"; then
		kill "$pid" 2>/dev/null
		_kam_poll 1 bs_gone "$pid" || kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	unset "BS_PID[$1]"
}

not() { ! "$@"; }

# recorded FILE BYTES: the WAV file holds more than BYTES of samples.
recorded() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt $((44 + $2)) ]; }

# show NAME FILE: the end of a log, for a failure message.
show() { printf '%s:\n%s\n' "$1" "$(tail -c 1500 "$2" 2>/dev/null | tr '\r' '\n' | grep -v '^\[0:')"; }

# The phones first: stopped after Kamailio, baresip would wait for it.
finish() {
	local n
	for n in "${!BS_PID[@]}"; do
		bs_stop "$n"
	done
	lp_stop_all
	kam_stop_all
	cleanup
}
trap finish EXIT

# aufile ends the call at the end of its file: make it outlast the test.
lp_make_wav "$T/tone.wav" 40

# --- Kamailio -------------------------------------------------------------
# A block of 100 ports: Kamailio at +0, baresip at +5, +10 and +30 (RTP
# up to +19 above each), linphonec at +50 (RTP +52..+89). Another block
# if Kamailio cannot have its port.
REALM=sipsh.test
for try in 0 1 2; do
	B=$((20000 + ($$ + try * 137) % 400 * 100))
	KP=$B
	kam_start "$KP" "$REALM" 1001:pw-1001 1002:pw-1002 1003:pw-1003 2>"$T/kam.err" && break
done
if [ -z "${KAM_PID[$KP]:-}" ]; then
	fail "peers: kamailio starts" "$(cat "$T/kam.err")"
	exit 0
fi
pass "peers: kamailio starts and answers OPTIONS and its control socket"
check "peers: nobody registered at start" not kam_registered "$KP" 1001

# --- a wrong password is refused ----------------------------------------
bs_start bad $((B + 5)) "<sip:1001@127.0.0.1:$KP>;auth_pass=wrong;regint=60"
if bs_wait bad 'reg: sip:1001@127.0.0.1:[0-9]+: 403 Forbidden' 5; then
	pass "peers: a wrong password gets 403 from the registrar"
else
	fail "peers: a wrong password gets 403 from the registrar" "$(show baresip "$(bs_log bad)")"
fi
if kam_registered "$KP" 1001; then
	fail "peers: a wrong password does not register" "$(kam_contact "$KP" 1001)"
else
	pass "peers: a wrong password does not register"
fi
bs_stop bad

# --- baresip 1001 calls baresip 1002 through Kamailio -------------------
bs_start b $((B + 30)) "<sip:1002@127.0.0.1:$KP>;auth_pass=pw-1002;regint=60;answermode=auto"
if kam_wait_registered "$KP" 1002 5; then
	pass "peers: baresip 1002 registers"
else
	fail "peers: baresip 1002 registers" "$(show baresip "$(bs_log b)")"
fi
bs_start a $((B + 10)) "<sip:1001@127.0.0.1:$KP>;auth_pass=pw-1001;regint=60" \
	-e "/dial sip:1002@127.0.0.1:$KP"
if kam_wait_registered "$KP" 1001 5; then
	pass "peers: baresip 1001 registers"
else
	fail "peers: baresip 1001 registers" "$(show baresip "$(bs_log a)")"
fi
check "peers: the registered Contact is baresip's own address" \
	grep -q "^sip:1001-0x[0-9a-f]*@127.0.0.1:$((B + 10))\$" <<<"$(kam_contact "$KP" 1001)"
if bs_wait a "1001@127.0.0.1: Call established: sip:1002@127.0.0.1:$KP" 5 &&
	bs_wait b "1002@127.0.0.1: Call established: sip:1001@127.0.0.1:$KP" 5; then
	pass "peers: a call baresip 1001 -> 1002 through kamailio is established"
else
	fail "peers: a call baresip 1001 -> 1002 through kamailio is established" \
		"$(show caller "$(bs_log a)") $(show callee "$(bs_log b)")"
fi
check "peers: kamailio challenged baresip's INVITE (407)" \
	kam_wait_log "$KP" "kam: challenge INVITE from 1001" 1
check "peers: kamailio routed the authenticated INVITE to 1002's Contact" \
	kam_wait_log "$KP" "kam: INVITE from 1001 to sip:1002-0x[0-9a-f]*@127.0.0.1:$((B + 30))" 1
check "peers: media flows 1002 -> 1001" \
	bs_wait a "incoming rtp for 'audio' established, receiving from 127.0.0.1:" 3
check "peers: media flows 1001 -> 1002" \
	bs_wait b "incoming rtp for 'audio' established, receiving from 127.0.0.1:" 3
# Hanging up: the BYE follows the recorded route to the callee.
bs_stop a
check "peers: the caller's hangup reaches the callee" \
	bs_wait b "sip:1001@127.0.0.1:$KP: session closed: Connection reset by peer" 5
check "peers: a stopped baresip un-registers" kam_wait_unregistered "$KP" 1001 3

# --- linphonec 1003, auto-answering, and baresip --------------------------
LP=$((B + 50))
if lp_start -a lp "$LP" "127.0.0.1:$KP" 1003 pw-1003 2>"$T/lp.err"; then
	pass "peers: linphonec 1003 registers"
else
	fail "peers: linphonec 1003 registers" "$(cat "$T/lp.err")"
fi
check "peers: linphonec's registered Contact is its own address" \
	grep -q "^sip:1003@127.0.0.1:$LP;transport=udp\$" <<<"$(kam_contact "$KP" 1003)"
# With wav files instead of a sound card linphonec sends RTP only while
# it plays a file; it records what it receives into another.
lp_cmd lp "play $T/tone.wav"
lp_cmd lp "record $T/lp-rec.wav"

# linphonec calls baresip 1002 (which auto-answers). linphonec's From
# has no port: baresip shows the caller as sip:1003@127.0.0.1.
lp_mark lp
bs_mark b
lp_cmd lp "call sip:1002@127.0.0.1:$KP"
if lp_wait lp "^Call [0-9]+ with sip:1002@127\.0\.0\.1:$KP connected\.\$" 5 &&
	bs_wait b "1002@127.0.0.1: Call established: sip:1003@127\.0\.0\.1(:|\$)" 5; then
	pass "peers: a call linphonec -> baresip through kamailio is established"
else
	fail "peers: a call linphonec -> baresip through kamailio is established" \
		"$(show linphonec "$(lp_log lp)") $(show baresip "$(bs_log b)")"
fi
check "peers: kamailio challenged linphonec's INVITE (407)" \
	grep -q "^SIP/2.0 407 Proxy Authentication Required" "$(lp_debug_log lp)"
check "peers: media flows linphonec -> baresip" \
	bs_wait b "incoming rtp for 'audio' established, receiving from 127.0.0.1:" 3
lp_mark lp
bs_mark b
lp_cmd lp "terminate"
check "peers: linphonec hangs up" lp_wait lp "^Call [0-9]+ with .* ended" 5
check "peers: linphonec's hangup reaches baresip" \
	bs_wait b "sip:1003@127.0.0.1: session closed: Connection reset by peer" 5

# baresip 1001 calls linphonec (which auto-answers); linphonec hangs up.
lp_mark lp
rm -f "$T/lp-rec.wav"
bs_start c $((B + 10)) "<sip:1001@127.0.0.1:$KP>;auth_pass=pw-1001;regint=60" \
	-e "/dial sip:1003@127.0.0.1:$KP"
if bs_wait c "1001@127.0.0.1: Call established: sip:1003@127.0.0.1:$KP\$" 5 &&
	lp_wait lp "^Call [0-9]+ with sip:1001@127\.0\.0\.1:$KP connected\.\$" 5; then
	pass "peers: a call baresip -> linphonec through kamailio is established"
else
	fail "peers: a call baresip -> linphonec through kamailio is established" \
		"$(show baresip "$(bs_log c)") $(show linphonec "$(lp_log lp)")"
fi
check "peers: media flows baresip -> linphonec (its recording grows)" \
	_kam_poll 3 recorded "$T/lp-rec.wav" 8000
check "peers: media flows linphonec -> baresip" \
	bs_wait c "incoming rtp for 'audio' established, receiving from 127.0.0.1:" 3
lp_mark lp
bs_mark c
lp_cmd lp "terminate"
check "peers: linphonec hangs up a call it answered" lp_wait lp "^Call [0-9]+ with .* ended" 5
check "peers: linphonec's hangup reaches the calling baresip" \
	bs_wait c "sip:1003@127.0.0.1:$KP: session closed: Connection reset by peer" 5

# linphonec calls baresip 1001, which does not answer, and gives up: the
# CANCEL reaches baresip.
lp_mark lp
bs_mark c
lp_cmd lp "call sip:1001@127.0.0.1:$KP"
check "peers: baresip without auto-answer rings" \
	bs_wait c "Incoming call from: +sip:1003@127.0.0.1 " 5
lp_cmd lp "terminate"
check "peers: linphonec cancels its call" lp_wait lp "^Call [0-9]+ with .* ended" 5
check "peers: linphonec sent a CANCEL" grep -q "^CANCEL sip:1001@127.0.0.1:$KP " "$(lp_debug_log lp)"
check "peers: the CANCEL reaches baresip" \
	bs_wait c "sip:1003@127.0.0.1: session closed: Connection reset by peer" 5
check "peers: the cancelled call was never established" \
	not bs_grep c "Call established"
bs_stop c

# --- a password changed live works at once and after a restart ----------
if ! kam_set_user "$KP" 1001 pw-new 2>"$T/kam.err"; then
	fail "peers: kam_set_user" "$(cat "$T/kam.err")"
fi
bs_start d $((B + 10)) "<sip:1001@127.0.0.1:$KP>;auth_pass=pw-new;regint=60"
check "peers: a password changed live works at once" kam_wait_registered "$KP" 1001 5
bs_stop d
if kam_restart "$KP" 2>"$T/kam.err"; then
	pass "peers: kamailio restarts on the same port"
else
	fail "peers: kamailio restarts on the same port" "$(cat "$T/kam.err")"
fi
check "peers: a restart forgets the registrations" not kam_registered "$KP" 1002
bs_start d $((B + 10)) "<sip:1001@127.0.0.1:$KP>;auth_pass=pw-new;regint=60"
if kam_wait_registered "$KP" 1001 5; then
	pass "peers: the changed password still works after the restart"
else
	fail "peers: the changed password still works after the restart" \
		"$(show baresip "$(bs_log d)")"
fi

pids="${LP_PID[lp]:-} ${BS_PID[b]:-} ${BS_PID[d]:-} ${KAM_PID[$KP]:-}"
lp_stop lp
bs_stop b
bs_stop d
kam_stop "$KP"
check "peers: every peer stopped by its PID" \
	sh -c "for p in $pids; do kill -0 \$p 2>/dev/null && exit 1; done; exit 0"
