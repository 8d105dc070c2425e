# Sourced by tests (after tests/lib.sh): linphonec, an independent SIP
# softphone (Debian's linphone-cli 5.1), as the far end of sipsh's calls.
# It runs headless with a fresh rc file per start, reads its commands from
# a FIFO and writes its output line-buffered to a log the tests poll. It
# uses wav files instead of a sound card ('play FILE.wav', 'record FILE.wav').
#
#   lp_start [-a] NAME SIPPORT [REGISTRAR USER PASS [autoanswer]]
#       -a (or autoanswer last): auto-answer. REGISTRAR is host:port, or
#       host:port;transport=tcp; with it linphonec registers sip:USER@host:port
#       with PASS. Status 0 once it reads commands and, with a registrar,
#       once it says it is registered (each up to ~5 s); status 1 when it
#       did not register, but then it keeps running. It uses the ports
#       SIPPORT (UDP, and TCP only for a TCP registrar) and, for RTP,
#       SIPPORT+2 to SIPPORT+39 unless LP_RTP_PORTS says otherwise.
#   lp_cmd NAME "COMMAND"            one line to its stdin
#   lp_wait NAME REGEX SECONDS       REGEX (grep -E) in its output since
#                                    the last lp_mark (or the start), each
#                                    line without the prompts before it
#   lp_mark NAME                     later lp_wait look only after now
#   lp_registered NAME               status: registered ('status register')
#   lp_wait_registered NAME SECONDS
#   lp_stop NAME                     'quit'; SIGTERM, SIGKILL by PID if needed
#   lp_stop_all                      lp_stop each one still running
#   lp_log NAME / lp_debug_log NAME  its output / its debug log (with
#                                    LP_DEBUG=6 every SIP message in full)
#   lp_make_wav FILE SECONDS [HZ]    an 8 kHz mono 16-bit WAV: a 1000 Hz
#                                    tone (HZ=1000, default) or silence (0)
#
# LP_PID[NAME] holds its PID (also in TEST_PIDS). Call lp_start and lp_stop
# directly, never inside $( ). Environment read by lp_start:
#   LP_REALM   the digest realm of the credentials [empty: any realm]
#   LP_REGINT  the registration interval in seconds [60]
#   LP_RTP_PORTS  "MIN-MAX" for audio RTP [SIPPORT+2-SIPPORT+29]; video,
#              though disabled, gets SIPPORT+30-SIPPORT+39 unless
#              LP_VIDEO_PORTS says otherwise
#   LP_DEBUG   linphonec's debug level for lp_debug_log, 0-6 [6]
#   LP_DTMF    how it sends digits (a call's single-character commands
#              0-9 * #): rfc2833 (telephone-events), info (SIP INFO) or
#              both [rfc2833]. It prints "Receiving tone D from URI" for
#              each digit it receives as a telephone-event or INFO.
#   LP_NET_MON [sip] auto_net_state_mon [1]. With 0, linphonec 5.1 opens its
#              SIP port but considers the network unreachable: it never
#              registers. 1 works on loopback, also in a network namespace
#              that has only 'lo'.
#
# Commands and what linphonec 5.1 prints (URI as in the From/To it got):
#   call URI    "Establishing call id to URI, assigned id N"
#               "Call N to URI in progress." / "Call N to URI ringing."
#               "Call N with URI connected."
#               "Media streams established with URI for call N (audio)."
#               a failure (404, 480, ...): "Call N with URI error."
#               declined (603): "Call N with URI ended (Call declined)."
#   incoming    "Receiving new incoming call from URI, assigned id N"
#               with -a then "-------auto answering to call-------"
#   answer      "Call N with URI connected."
#   terminate   hangs up, cancels, or declines (603) an incoming call;
#               "Call N with URI ended (No error)." (also when the far end
#               hangs up)
#   play F.wav / record F.wav: the files used instead of a sound card, for
#               the calls that follow. Nothing is sent without a file to
#               play. The recording of a G.711 call is 8 kHz mono 16-bit.
#   A second 'call' while one is active: "Terminate or hold on the current
#   call first." linphonec prints no line when it registers: poll
#   lp_registered. Its From and To carry no port (sip:1003@127.0.0.1).

# shellcheck shell=bash
declare -gA LP_PID=() LP_FD=() LP_MARK=()

lp_dir() { printf '%s/lp-%s' "$T" "$1"; }
lp_log() { printf '%s/lp-%s/out.log' "$T" "$1"; }
lp_debug_log() { printf '%s/lp-%s/debug.log' "$T" "$1"; }

# _lp_poll SECONDS CMD...: CMD every 50 ms until it succeeds or SECONDS
# (integer) have passed by the clock; at most 20 tries a second.
_lp_poll() {
	local secs=$1 end i
	shift
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	for ((i = 0; i < secs * 20 + 1; i++)); do
		"$@" && return 0
		((${EPOCHREALTIME/./} < end)) || return 1
		sleep 0.05
	done
	return 1
}

# _lp_grep NAME REGEX [OFFSET]: REGEX in the output after OFFSET bytes
# (default: the mark). linphonec prints an event on the line of the prompt
# it last printed ("linphonec> Call 1 with ... connected."), or on a line
# of its own, as it happens: the prompts are taken off first, so that a
# REGEX anchored at ^ sees the event either way.
_lp_grep() {
	tail -c +"$((${3:-${LP_MARK[$1]:-0}} + 1))" "$(lp_log "$1")" 2>/dev/null |
		sed -E 's/^(linphonec> )+//' | grep -qE -- "$2"
}

lp_mark() {
	LP_MARK[$1]=$(stat -c %s "$(lp_log "$1")" 2>/dev/null || echo 0)
}

lp_wait() {
	_lp_poll "$3" _lp_grep "$1" "$2"
}

lp_cmd() {
	local fd=${LP_FD[$1]:-}
	if [ -z "$fd" ]; then
		echo "lp_cmd: no linphonec named $1" >&2
		return 1
	fi
	printf '%s\n' "$2" >&"$fd"
}

# _lp_write_rc NAME SIPPORT [REGISTRAR USER PASS]
_lp_write_rc() {
	local name=$1 port=$2 reg=${3:-} user=${4:-} pass=${5:-} d rtp tcp
	d=$(lp_dir "$name")
	# RTP ports next to the SIP port so parallel tests do not collide.
	rtp=${LP_RTP_PORTS:-$((port + 2))-$((port + 29))}
	# TCP only when the registrar wants it (0 turns a transport off, -1
	# would be a random port); its port number is the UDP one.
	tcp=0
	case $reg in *";transport=tcp"*) tcp=$port ;; esac
	{
		cat <<EOF
# Written by tests/tools/linphone.sh; rewritten at each start because
# linphonec rewrites this file when it exits.
[sip]
sip_port=$port
sip_tcp_port=$tcp
sip_tls_port=0
auto_net_state_mon=${LP_NET_MON:-1}
inc_timeout=60
in_call_timeout=0
delayed_timeout=4
guess_hostname=1
EOF
		case ${LP_DTMF:-rfc2833} in
		info) printf 'use_info=1\nuse_rfc2833=0\n' ;;
		both) printf 'use_info=1\nuse_rfc2833=1\n' ;;
		*) printf 'use_info=0\nuse_rfc2833=1\n' ;;
		esac
		[ -n "$reg" ] && echo "default_proxy=0"
		cat <<EOF
[rtp]
audio_rtp_port=$rtp
video_rtp_port=${LP_VIDEO_PORTS:-$((port + 30))-$((port + 39))}
[net]
firewall_policy=0
[video]
enabled=0
capture=0
display=0
automatically_initiate=0
automatically_accept=0
[sound]
echocancellation=0
EOF
		if [ -n "$reg" ]; then
			cat <<EOF
[proxy_0]
reg_proxy=<sip:$reg>
reg_identity=sip:$user@${reg%%;*}
reg_expires=${LP_REGINT:-60}
reg_sendregister=1
publish=0
dial_escape_plus=0
[auth_info_0]
username=$user
passwd=$pass
EOF
			if [ -n "${LP_REALM:-}" ]; then
				echo "realm=$LP_REALM"
			fi
		fi
	} >"$d/rc"
}

lp_start() {
	local auto='' name port fd
	if [ "${1:-}" = "-a" ]; then
		auto=-a
		shift
	fi
	name=$1 port=$2
	# Auto-answer also as a last argument: ... PASS autoanswer
	case ${6:-} in
	autoanswer | -a) auto=-a ;;
	'') ;;
	*) echo "lp_start: unknown argument '$6'" >&2; return 1 ;;
	esac
	local d
	d=$(lp_dir "$name")
	if [ -n "${LP_PID[$name]:-}" ]; then
		echo "lp_start: $name already running" >&2
		return 1
	fi
	mkdir -p "$d/home/.local/share/linphone"
	_lp_write_rc "$@" || return 1
	rm -f "$d/in"
	mkfifo "$d/in" || return 1
	: >"$d/out.log"
	LP_MARK[$name]=0
	# Opened read-write by the test's shell first, so neither side blocks
	# and linphonec sees no end of input while the test runs.
	exec {fd}<>"$d/in"
	LP_FD[$name]=$fd
	HOME=$d/home stdbuf -oL -eL linphonec -c "$d/rc" $auto \
		-d "${LP_DEBUG:-6}" -l "$d/debug.log" \
		<"$d/in" >"$d/out.log" 2>&1 &
	LP_PID[$name]=$!
	TEST_PIDS+=("$!")
	# No sound card: wav files ('play' and 'record' choose them).
	lp_cmd "$name" "soundcard use files"
	if ! lp_wait "$name" '^Using wav files' 5; then
		echo "lp_start: linphonec $name did not start; its output:" >&2
		tail -5 "$d/out.log" >&2
		lp_stop "$name"
		return 1
	fi
	if [ -n "${3:-}" ] && ! lp_wait_registered "$name" 5; then
		echo "lp_start: linphonec $name did not register; its output:" >&2
		tail -5 "$d/out.log" >&2
		return 1
	fi
	return 0
}

# lp_stop NAME: 'quit' (it un-registers first), then SIGTERM and SIGKILL
# by PID if it has not exited within ~3 s and ~1 s.
lp_stop() {
	local name=$1 pid fd p keep=()
	pid=${LP_PID[$name]:-}
	fd=${LP_FD[$name]:-}
	[ -z "$pid" ] && return 0
	lp_cmd "$name" quit 2>/dev/null
	if ! _lp_poll 3 _lp_gone "$pid"; then
		kill "$pid" 2>/dev/null
		_lp_poll 1 _lp_gone "$pid" || kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	[ -n "$fd" ] && exec {fd}>&-
	for p in "${TEST_PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	TEST_PIDS=("${keep[@]}")
	unset "LP_PID[$name]" "LP_FD[$name]"
	return 0
}

_lp_gone() { ! kill -0 "$1" 2>/dev/null; }

# lp_stop_all: every linphonec still running (for an EXIT trap).
lp_stop_all() {
	local n
	for n in "${!LP_PID[@]}"; do
		lp_stop "$n"
	done
}

# lp_make_wav FILE SECONDS [HZ]: 8 kHz, mono, S16LE. HZ is 1000 (a tone
# made of one 8-sample period, amplitude 8000) or 0 (silence).
lp_make_wav() {
	local f=$1 n=$(($2 * 16000)) hz=${3:-1000}
	if [ "$hz" = 0 ]; then
		head -c 16 /dev/zero >"$f.period"
	elif [ "$hz" != 1000 ]; then
		echo "lp_make_wav: only 1000 Hz or 0 (silence)" >&2
		return 1
	else
		printf '\x00\x00\x1a\x16\x40\x1f\x1a\x16\x00\x00\xe6\xe9\xc0\xe0\xe6\xe9' >"$f.period"
	fi
	while [ "$(stat -c %s "$f.period")" -lt "$n" ]; do
		cat "$f.period" "$f.period" >"$f.twice"
		mv "$f.twice" "$f.period"
	done
	{
		printf 'RIFF'
		_lp_le32 $((36 + n))
		printf 'WAVEfmt '
		_lp_le32 16
		printf '\x01\x00\x01\x00' # PCM, 1 channel
		_lp_le32 8000
		_lp_le32 16000
		printf '\x02\x00\x10\x00data'
		_lp_le32 "$n"
		head -c "$n" "$f.period"
	} >"$f"
	rm -f "$f.period"
}

_lp_le32() {
	# shellcheck disable=SC2059 # the format is the bytes, made here
	printf "$(printf '\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}

# lp_registered NAME: status 0 when linphonec says its default proxy is
# registered ('status register' prints "registered, identity=URI
# duration=N", or "registered=-1"). It prints no line by itself when a
# registration succeeds.
lp_registered() {
	local name=$1 i from
	from=$(stat -c %s "$(lp_log "$name")" 2>/dev/null || echo 0)
	lp_cmd "$name" "status register" || return 1
	for i in $(seq 1 20); do
		_lp_grep "$name" '^registered[,=]' "$from" && break
		sleep 0.025
	done
	_lp_grep "$name" '^registered, identity=' "$from"
}

# lp_wait_registered NAME SECONDS
lp_wait_registered() {
	_lp_poll "$2" lp_registered "$1"
}
