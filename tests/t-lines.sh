#!/usr/bin/env bash
# The analog lines (baresip-mods/phoneline) with Debian's baresip run by
# sipsh, simulated telephones (build/sipsh-phone) on the line sockets, a
# Kamailio and linphonec as real peers: dial tone, calls between lines
# with caller ID and audio both ways, busy, congestion and information
# tones by frequency and cadence, hold signalled or local (from a tshark
# capture), each DTMF mode on the wire and at the far end, both ways with
# linphonec (each digit once, in order, none late; INFO and
# telephone-events both sent; inband's SDP without telephone-event), and
# the Contact line suffix, also for lines removed and added on the running
# phone.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/linphone.sh"
. "$TOP/tests/tools/telephone.sh"

KP=$((25000 + $$ % 1000 * 4))   # Kamailio
SP=$((KP + 1))                  # our phone
LP=$((KP + 2))                  # linphonec (registered)
L2=$((KP + 3))                  # linphonec (direct)
RTP=$((2000 + $$ % 250 * 40))
export LP_RTP_PORTS="$((RTP + 20))-$((RTP + 39))"
C=$SIPSH_CONF
PH=$TOP/build/sipsh-phone
TA=$TOP/build/tone-analyze
S() { "$SIPSH" -C "$C" "$@"; }

trap 'phone_down; cleanup' EXIT

# A capture of loopback; cap_stop ends it by PID.
cap_start() {
	tshark -i lo -f "$2" -w "$T/$1.pcap" >/dev/null 2>&1 &
	CAP_PID=$!
	TEST_PIDS+=("$CAP_PID")
	wait_for 5 test -s "$T/$1.pcap"
	sleep 0.5
}
cap_stop() { sleep 0.3; kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
tsh() { local f=$1; shift; tshark -r "$T/$f.pcap" -o rtp.heuristic_rtp:TRUE "$@" 2>/dev/null; }

"$TOP/build/mkwav" "$T/1k.wav" tone 1000 3 >/dev/null
"$TOP/build/mkwav" "$T/440.wav" tone 440 3 >/dev/null

# --- The default configuration: two lines calling each other directly.
P=$((SP + 2000))
cp "$TOP/etc/sipsh.conf" "$C"
S -c sip -c "bind-port $P" -c "rtp-port-range $RTP-$((RTP + 19))" \
	-c 'account 1' -c "registrar 127.0.0.1:$P" \
	-c 'account 2' -c "registrar 127.0.0.1:$P" >/dev/null
check "phone start on the default configuration with phoneline.so" \
	S -c 'phone start'
wait_for 5 test -S "$SIPSH_RUNDIR/lines/line1.sock"
check "the line sockets exist, mode 0660" sh -c \
	"test \"\$(stat -c %a '$SIPSH_RUNDIR/lines/line0.sock')\" = 660 &&
	 test -S '$SIPSH_RUNDIR/lines/line1.sock'"
tel b 1 'wait "ring on 100" 8' 'hook off' 'wait "state connected" 3' \
	'sleep 0.3' 'play '"$T/440.wav" 'sleep 2.5' 'wait "tone busy" 5' \
	'sleep 3' 'hook on'
B=$TEL_PID
tel a 0 'hook off' 'wait "tone dial" 3' 'sleep 1' 'dial 101#' \
	'wait "state connected" 5' 'sleep 0.3' "play $T/1k.wav" 'sleep 2.5' \
	'hook on'
A=$TEL_PID
endtel "$A"; endtel "$B"
dialtone() { ev a 'tone dial' && "$TA" --freq 0 0.9 "$T/a.wav" | grep -Eq '^42[0-9] Hz'; }
check "off hook: dial tone, 425 Hz (itu)" dialtone
if ev b 'ring on 100' && ev a 'state connected' && ev b 'state connected'; then
	pass "default config: line 0 dials 101, line 1 rings with caller ID 100, answers"
else
	fail "default config: line 0 dials 101, line 1 rings with caller ID 100, answers" \
		"$(cat "$T/a.ev" "$T/b.ev")"
fi
# The middle of the call: 1 kHz on line 1, 440 Hz on line 0.
t=$(from_event b 'state connected')
wav_cut "$T/b.wav" "$T/b-mid.wav" "$(echo "$t + 1.2" | bc)" "$(echo "$t + 2.2" | bc)"
t=$(from_event a 'state connected')
wav_cut "$T/a.wav" "$T/a-mid.wav" "$(echo "$t + 1.2" | bc)" "$(echo "$t + 2.2" | bc)"
check "a 1 kHz tone into line 0 is heard on line 1" sh -c \
	"'$TA' --freq 0 1 '$T/b-mid.wav' | grep -Eq '^(99[0-9]|100[0-9]) Hz'"
check "a 440 Hz tone into line 1 is heard on line 0" sh -c \
	"'$TA' --freq 0 1 '$T/a-mid.wav' | grep -Eq '^(43[0-9]|44[0-9]) Hz'"
t=$(from_event b 'tone busy')
wav_cut "$T/b.wav" "$T/b-busy.wav" "$t" "$(echo "$t + 2.9" | bc)"
check "line 0 hangs up: line 1 hears busy, 425 Hz 500/500 ms" sh -c \
	"'$TA' --cadence 425 '$T/b-busy.wav' | grep -Eq '^on (4[89][0-9]|5[01][0-9]) off (4[89][0-9]|5[01][0-9])'"
phone_down
wait_for 10 sh -c "! test -S '$SIPSH_RUNDIR/lines/line0.sock'"

# --- Through Kamailio: two accounts, three lines.
kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 1004:secret4
cat >"$C" <<EOF2
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 60
 dtmf-mode rfc2833
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
account 2
 user 1002
 password secret2
 registrar 127.0.0.1:$KP
!
line 0
 account 1
!
line 1
 account 2
!
line 2
 account 1
!
EOF2
check "phone start with Kamailio" S -c 'phone start'
if kam_wait_registered "$KP" 1001 10 && kam_wait_registered "$KP" 1002 10 &&
	kam_contact "$KP" 1001 | grep -q 'sip:1001_02@' &&
	kam_contact "$KP" 1002 | grep -q 'sip:1002_1@'; then
	pass "Contact line suffix: 1001_02 (lines 0, 2) and 1002_1 registered"
else
	fail "Contact line suffix: 1001_02 (lines 0, 2) and 1002_1 registered" \
		"$(kam_contact "$KP" 1001) $(kam_contact "$KP" 1002)"
fi

# Lines changed on the running phone (ctrl's line_del, line_set): the
# account registers again with the suffix naming its lines now, and the
# old binding is taken back.
ctrlc() { python3 "$TOP/tests/tools/ctrlc.py" "$SIPSH_RUNDIR/ctrl.sock" "$@"; }
AOR1=$(sed -n 's/^<\(sip:1001@[^;>]*\).*/\1/p' "$SIPSH_RUNDIR/baresip/accounts")
# only USER-IN USER-OUT: 1001's bindings at Kamailio have one, not the other.
only() {
	local c
	c=$(kam_lookup "$KP" 1001 Address | tr '\n' ' ')
	grep -q "sip:$1@" <<<"$c" && ! grep -q "sip:$2@" <<<"$c"
}
ctrlc '{"id":1,"command":"line_del","line":2}' >"$T/ld.out" 2>&1
wait_for 10 only 1001_0 1001_02
check "line_del 2 live: 1001 is registered as 1001_0 only" only 1001_0 1001_02
ctrlc "{\"id\":2,\"command\":\"line_set\",\"line\":2,\"aor\":\"$AOR1\"}" \
	>"$T/ls.out" 2>&1
wait_for 10 only 1001_02 1001_0
check "line_set 2 live: 1001 is registered as 1001_02 only" only 1001_02 1001_0

# call_lines NAME DIGITS-ON-A [HOLD]: line 0 calls 1002 (line 1), both
# answer, line 0 sends DIGITS, optionally flashes twice; captured.
call_lines() {
	cap_start "$1" "udp port $SP or udp portrange $RTP-$((RTP + 19))"
	tel "$1b" 1 'wait "ring on" 8' 'hook off' 'wait "state connected" 3' \
		'sleep 3.5' 'hook on'
	local b=$TEL_PID
	tel "$1a" 0 'hook off' 'dial 1002#' 'wait "state connected" 8' \
		'sleep 0.5' "dial $2" 'sleep 0.8' ${3:+flash} ${3:+'wait "state held" 3'} \
		${3:+'sleep 0.5'} ${3:+flash} ${3:+'wait "state connected" 3'} \
		'sleep 0.5' 'hook on'
	endtel "$TEL_PID"; endtel "$b"
	cap_stop
}
te_pt() { tsh "$1" -Y sdp -T fields -e sdp.media_attr | tr ',' '\n' |
	sed -n 's/^rtpmap:\([0-9]*\) telephone-event.*/\1/p' | head -1; }
n_te() { local pt; pt=$(te_pt "$1"); [ -n "$pt" ] || { echo 0; return; }
	tsh "$1" -Y "rtp.p_type == $pt" | wc -l; }
# INFO requests we sent (the capture also has Kamailio's copies to us).
n_info() { tsh "$1" -Y "udp.dstport == $KP && sip.Method == \"INFO\" && sip.Content-Type == \"application/dtmf-relay\"" | wc -l; }
rinvites() { tsh "$1" -Y "udp.dstport == $KP && sip.Method == \"INVITE\" && sip.To contains \"tag=\"" -T fields -e sdp.media_attr; }

call_lines rfc 123 hold
if ev rfcb 'ring on 1001' && ev rfca 'state connected' && ev rfcb 'state connected'; then
	pass "line 0 calls line 1 through Kamailio: caller ID 1001, connected"
else
	fail "line 0 calls line 1 through Kamailio: caller ID 1001, connected" \
		"$(cat "$T/rfca.ev" "$T/rfcb.ev")"
fi
n=$(n_te rfc)
if [ "$n" -gt 3 ] && [ "$(n_info rfc)" = 0 ] && ev rfcb 'dtmf 1' &&
	ev rfcb 'dtmf 2' && ev rfcb 'dtmf 3'; then
	pass "dtmf-mode rfc2833: $n telephone-event packets (PT $(te_pt rfc)), no INFO; line 1 gets 1 2 3"
else
	fail "dtmf-mode rfc2833: telephone-events on the wire, digits at the far end" \
		"te=$n info=$(n_info rfc) $(grep dtmf "$T/rfcb.ev" | tr '\n' ' ')"
fi
r=$(rinvites rfc)
if grep -q sendonly <<<"$r" && grep -q sendrecv <<<"$r" && ev rfca 'state held'; then
	pass "remote-hold yes: flash sends a sendonly re-INVITE, flash again sendrecv"
else
	fail "remote-hold yes: flash sends a sendonly re-INVITE, flash again sendrecv" "$r"
fi

# A number Kamailio refuses: congestion, then the information tone.
tel cong 0 'hook off' 'dial 1999#' 'wait "tone congestion" 8' 'sleep 2.2' 'hook on'
endtel "$TEL_PID"
t=$(from_event cong 'tone congestion')
wav_cut "$T/cong.wav" "$T/cong-t.wav" "$t" "$(echo "$t + 2" | bc)"
congestion() { ev cong 'state failed' && "$TA" --cadence 425 "$T/cong-t.wav" | grep -Eq '^on (2[34][0-9]|25[0-9]) off (2[34][0-9]|25[0-9])'; }
check "a refused call plays congestion: 425 Hz 250/250 ms" congestion

S -c sip -c 'congestion-tone info' -c 'no remote-hold' \
	-c 'dtmf-mode sip-info' >/dev/null 2>&1
wait_for 10 sh -c "grep -q 'phoneline_congestion_tone.info' '$SIPSH_RUNDIR/baresip/config'"
kam_wait_registered "$KP" 1001 10
sleep 1
tel info 0 'hook off' 'dial 1999#' 'wait "tone info" 8' 'sleep 3' 'hook on'
endtel "$TEL_PID"
t=$(from_event info 'tone info')
wav_cut "$T/info.wav" "$T/info-t.wav" "$t" "$(echo "$t + 2.9" | bc)"
out=$("$TA" --sequence "$T/info-t.wav" 2>&1)
if grep -Eq '950 3[0-9][0-9], 1400 3[0-9][0-9], 1800 3[0-9][0-9], silence (9[0-9][0-9]|10[0-9][0-9])' <<<"$out"; then
	pass "congestion-tone info: 950/1400/1800 Hz, 330 ms each, 1 s silence"
else
	fail "congestion-tone info: 950/1400/1800 Hz, 330 ms each, 1 s silence" "$out"
fi

call_lines sinfo 45 hold
n=$(n_info sinfo)
if [ "$n" = 2 ] && [ "$(n_te sinfo)" = 0 ] && ev sinfob 'dtmf 4' && ev sinfob 'dtmf 5'; then
	pass "dtmf-mode sip-info: 2 INFO application/dtmf-relay, no telephone-events; line 1 gets 4 5"
else
	fail "dtmf-mode sip-info: INFO on the wire, digits at the far end" \
		"info=$n te=$(n_te sinfo) $(grep dtmf "$T/sinfob.ev" | tr '\n' ' ')"
fi
r=$(rinvites sinfo)
if [ -z "$r" ] && ev sinfoa 'state held'; then
	pass "remote-hold no: flash holds locally, no re-INVITE"
else
	fail "remote-hold no: flash holds locally, no re-INVITE" "$r"
fi

for mode in inband compatibility; do
	S -c sip -c "dtmf-mode $mode" >/dev/null 2>&1
	wait_for 10 sh -c "grep -q 'phoneline_dtmf_mode.$mode' '$SIPSH_RUNDIR/baresip/config'"
	kam_wait_registered "$KP" 1002 10
	sleep 1
	call_lines "$mode" 709
	b="${mode}b"
	t=$(from_event "$b" 'state connected')
	wav_cut "$T/$b.wav" "$T/$b-d.wav" "$t" "$(echo "$t + 3" | bc)"
	d=$("$TA" --dtmf "$T/$b-d.wav" 2>&1)
	# Every SDP here is the phone's own (both lines); inband offers and
	# answers no telephone-event, compatibility still does.
	sdp=$(tsh "$mode" -Y sdp -T fields -e sdp.media_attr | grep -c telephone-event)
	sdp_ok() { if [ "$mode" = inband ]; then [ "$sdp" = 0 ]; else [ "$sdp" -ge 2 ]; fi; }
	if [ "$(n_te "$mode")" = 0 ] && [ "$(n_info "$mode")" = 0 ] &&
		[ "$d" = 709 ] && ! ev "$b" 'dtmf ' && sdp_ok; then
		pass "dtmf-mode $mode: no telephone-events, no INFO; 709 heard in line 1's audio; $sdp SDP with telephone-event"
	else
		fail "dtmf-mode $mode: tones only" \
			"te=$(n_te "$mode") info=$(n_info "$mode") heard='$d' sdp-te=$sdp"
	fi
done

# linphonec calls account 2: line 1 rings, answering connects audio.
lp_start lp "$LP" "127.0.0.1:$KP" 1004 secret4 >/dev/null 2>&1
kam_wait_registered "$KP" 1004 10
lp_cmd lp "play $T/1k.wav"
tel lp 1 'wait "ring on 1004" 10' 'hook off' 'wait "state connected" 3' \
	'sleep 2' 'hook on'
lp_cmd lp "call sip:1002@127.0.0.1:$KP"
endtel "$TEL_PID"
t=$(from_event lp 'state connected')
wav_cut "$T/lp.wav" "$T/lp-mid.wav" "$(echo "$t + 0.8" | bc)" "$(echo "$t + 1.8" | bc)"
if ev lp 'ring on 1004' && lp_wait lp 'connected' 3 &&
	"$TA" --freq 0 1 "$T/lp-mid.wav" | grep -Eq '^(99[0-9]|100[0-9]) Hz'; then
	pass "linphonec calls 1002: line 1 rings (1004), answers, hears its 1 kHz"
else
	fail "linphonec calls 1002: line 1 rings (1004), answers, hears its 1 kHz" \
		"$(cat "$T/lp.ev"; "$TA" --freq 0 1 "$T/lp-mid.wav")"
fi
lp_stop lp

# Digits both ways between line 1 and linphonec (1004), in each mode.
# linphonec plays nothing but silence (or nothing at all), so no audio
# packet pushes a telephone-event through baresip's jitter buffer: the
# line must have each digit once, when it ends, before the next is sent.
"$TOP/build/mkwav" "$T/sil.wav" silence 12 >/dev/null
# lp_case NAME MODE LPDTMF [PLAY]: dtmf-mode MODE; linphonec (LP_DTMF=
# LPDTMF, playing silence with PLAY) calls 1002 and sends 1 2 3, each
# once line 1 has had the one before; line 1 then dials 4 7. Captured.
lp_case() {
	local name=$1 mode=$2 d w='wait "dtmf 3" 12'
	# inband digits are tones in the audio: no event to wait for.
	[ "$mode" = inband ] && w='sleep 4'
	S -c sip -c "dtmf-mode $mode" >/dev/null 2>&1
	wait_for 10 sh -c "grep -q 'phoneline_dtmf_mode.$mode' '$SIPSH_RUNDIR/baresip/config'"
	kam_wait_registered "$KP" 1002 10
	LP_DTMF=$3 lp_start lp "$LP" "127.0.0.1:$KP" 1004 secret4 >/dev/null 2>&1
	kam_wait_registered "$KP" 1004 10
	[ -n "${4:-}" ] && lp_cmd lp "play $T/sil.wav"
	lp_cmd lp "record $T/lp-$name.wav"
	cap_start "$name" "udp port $SP or udp port $LP or udp portrange $RTP-$((RTP + 39))"
	tel "$name" 1 'wait "ring on 1004" 10' 'hook off' \
		'wait "state connected" 3' "$w" 'sleep 0.5' \
		'dial 47' 'sleep 1.5' 'hook on'
	local tp=$TEL_PID
	lp_cmd lp "call sip:1002@127.0.0.1:$KP"
	wait_for 8 ev "$name" 'state connected'
	lp_wait lp 'Media streams established' 5
	sleep 0.5
	for d in 1 2 3; do
		lp_cmd lp "$d"
		if [ "$mode" = inband ]; then sleep 0.6
		else wait_for 3 ev "$name" "dtmf $d"; fi
	done
	endtel "$tp"
	lp_stop lp
	cp "$(lp_log lp)" "$T/lp-$name.log"
	cap_stop
}
# The digits the line had, in order, as events: "123" once each.
line_digits() { sed -n 's/^T+[0-9.]* dtmf \(.\)$/\1/p' "$T/$1.ev" | tr -d '\n'; }
# The digits linphonec was told of ("Receiving tone D", after its prompt).
lp_digits() { sed -n 's/.*Receiving tone \(.\) from.*/\1/p' "$T/lp-$1.log" | tr -d '\n'; }
# The digits in linphonec's recording but its own 1 2 3, which it plays
# locally as it sends them.
lp_heard() { "$TA" --dtmf "$T/lp-$1.wav" 2>&1 | tr -d 123; }
# Distinct telephone-events (RTP timestamps) linphonec sent us, and how
# many of those had an end packet (the E bit).
lp_te() { tsh "$1" -Y "udp.srcport >= $((RTP + 20)) && rtpevent" -T fields -e rtp.timestamp | sort -u | wc -l; }
lp_te_end() { tsh "$1" -Y "udp.srcport >= $((RTP + 20)) && rtpevent.end_of_event == 1" -T fields -e rtp.timestamp | sort -u | wc -l; }
lp_info() { tsh "$1" -Y "udp.srcport == $LP && sip.Method == \"INFO\"" | wc -l; }
our_sdp_te() { tsh "$1" -Y "udp.srcport == $SP && sdp" -T fields -e sdp.media_attr | grep -c telephone-event; }
# The line's audio after it answered, and linphonec's recording: DTMF.
heard() { local t; t=$(from_event "$1" 'state connected')
	wav_cut "$T/$1.wav" "$T/$1-d.wav" "$t" "$(echo "$t + 12" | bc)"
	"$TA" --dtmf "$T/$1-d.wav" 2>&1; }

# at_end NAME D: the phone logged line 1's digit D as handed over at its
# end packet, and not before that packet was captured (svlogd's time and
# tshark's are the same clock, the machine's).
at_end() {
	local endt logt
	endt=$(tsh "$1" -Y "udp.srcport >= $((RTP + 20)) && rtpevent.event_id == $2 && rtpevent.end_of_event == 1" -T fields -e frame.time_epoch | head -1)
	logt=$(grep -a "line 1: received DTMF '$2' (telephone-event, its end packet)" \
		"$SIPSH_RUNDIR/log/current" | tail -1 | cut -d' ' -f1)
	python3 - "$endt" "$logt" <<'PY'
import sys, datetime
end, log = sys.argv[1], sys.argv[2]
t = datetime.datetime.strptime(log, "%Y-%m-%d_%H:%M:%S.%f").replace(
    tzinfo=datetime.timezone.utc).timestamp()
sys.exit(0 if end and t >= float(end) else 1)
PY
}
lp_case lrfc rfc2833 rfc2833
r="line=$(line_digits lrfc) lp=$(lp_digits lrfc) te=$(lp_te lrfc)/$(lp_te_end lrfc) info=$(lp_info lrfc)"
if [ "$(line_digits lrfc)" = 123 ] && [ "$(lp_digits lrfc)" = 47 ] &&
	[ "$(lp_te lrfc)" = 3 ] && [ "$(lp_te_end lrfc)" = 3 ]; then
	pass "rfc2833 with linphonec: its 3 telephone-events reach line 1 once each, each before the next is sent; it gets 4 7 ($r)"
else
	fail "rfc2833 with linphonec: each digit once, when it ends, both ways" "$r"
fi
if at_end lrfc 1 && at_end lrfc 2 && at_end lrfc 3; then
	pass "rfc2833 with linphonec: each digit is handed to line 1 at its end packet, not before it was captured"
else
	fail "rfc2833 with linphonec: each digit at its end packet" \
		"$(grep -a 'line 1: received DTMF' "$SIPSH_RUNDIR/log/current" | tail -3)"
fi

lp_case lboth rfc2833 both
r="line=$(line_digits lboth) te=$(lp_te lboth) info=$(lp_info lboth)"
if [ "$(line_digits lboth)" = 123 ] && [ "$(lp_te lboth)" = 3 ] &&
	[ "$(lp_info lboth)" = 3 ]; then
	pass "linphonec sends each digit as INFO and telephone-event: line 1 has each once ($r)"
else
	fail "linphonec sends each digit as INFO and telephone-event: line 1 has each once" "$r"
fi

lp_case linfo sip-info info
r="line=$(line_digits linfo) lp=$(lp_digits linfo) te=$(lp_te linfo) info=$(lp_info linfo) ours=$(n_info linfo)"
if [ "$(line_digits linfo)" = 123 ] && [ "$(lp_digits linfo)" = 47 ] &&
	[ "$(lp_info linfo)" = 3 ] && [ "$(lp_te linfo)" = 0 ]; then
	pass "sip-info with linphonec: its 3 INFOs reach line 1 once each; our INFOs give it 4 7 ($r)"
else
	fail "sip-info with linphonec: each digit once, both ways" "$r"
fi

lp_case linb inband rfc2833 play
h=$(heard linb)
r="sdp-te=$(our_sdp_te linb) te=$(lp_te linb) events=$(line_digits linb) heard=$h lp=$(lp_heard linb)"
if [ "$(our_sdp_te linb)" = 0 ] && [ "$(lp_te linb)" = 0 ] && [ "$h" = 123 ] &&
	[ -z "$(line_digits linb)" ] && [ "$(lp_heard linb)" = 47 ]; then
	pass "inband with linphonec: our SDP has no telephone-event, so it sends 1 2 3 as tones, heard once on line 1; it hears 4 7 ($r)"
else
	fail "inband with linphonec: no telephone-event offered, tones both ways" "$r"
fi

lp_case lcomp compatibility rfc2833 play
r="sdp-te=$(our_sdp_te lcomp) line=$(line_digits lcomp) te=$(lp_te lcomp) lp=$(lp_heard lcomp)"
if [ "$(our_sdp_te lcomp)" -ge 1 ] && [ "$(line_digits lcomp)" = 123 ] &&
	[ "$(lp_te lcomp)" = 3 ] && [ "$(lp_heard lcomp)" = 47 ]; then
	pass "compatibility with linphonec: its telephone-events reach line 1 once each; it hears 4 7 as tones ($r)"
else
	fail "compatibility with linphonec: events in, tones out" "$r"
fi

# A Request-URI with a line suffix rings exactly those lines (a bare
# INVITE straight to the phone; linphonec without a registrar offers IPv6).
tel s0 0 'wait "ring on" 3'
s0=$TEL_PID
tel s2 2 'wait "ring on" 3'
python3 "$TOP/tests/tools/sip_invite.py" "$L2" 127.0.0.1 "$SP" \
	"sip:1001_2@127.0.0.1:$SP" 2 >"$T/inv.out" 2>&1
endtel "$TEL_PID"; endtel "$s0"
if ev s2 '^T+[0-9.]* ring on tester' && ! ev s0 '^T+[0-9.]* ring on'; then
	pass "an INVITE to 1001_2 rings line 2, not line 0 of the same account"
else
	fail "an INVITE to 1001_2 rings line 2, not line 0 of the same account" \
		"$(cat "$T/s0.ev" "$T/s2.ev" "$T/inv.out")"
fi
