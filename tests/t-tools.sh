#!/usr/bin/env bash
# The tools of the simulated phone line, proved on input made here: mkwav
# and tone-analyze agree on frequencies, cadences, tone sequences and DTMF;
# sipsh-phone, plugged into a small fake line (a Python SOCK_SEQPACKET
# server speaking baresip-mods/phoneline/sim_proto.h), sends the right
# events, a microphone frame every 20 ms, the WAV it plays, records the
# earpiece, and fails clearly; a capture reads SIP as SIP on ports that
# Wireshark gives to other protocols. The other tests trust these tools.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/capture.sh"

MKWAV=$TOP/build/mkwav
TA=$TOP/build/tone-analyze
PHONE=$TOP/build/sipsh-phone

for b in "$MKWAV" "$TA" "$PHONE"; do
	if [ ! -x "$b" ]; then
		fail "the tools are built" "$b is missing: run make"
		exit 0
	fi
done

# near NAME WANT GOT TOLERANCE: pass when |GOT - WANT| <= TOLERANCE.
near() {
	if [[ $3 =~ ^-?[0-9]+$ ]] && [ $(($3 - $2)) -le "$4" ] &&
		[ $(($2 - $3)) -le "$4" ]; then
		pass "$1"
	else
		fail "$1" "expected $2 ± $4, got '$3'"
	fi
}

# --- mkwav and tone-analyze ---

"$MKWAV" "$T/1k.wav" tone 1000 1
out=$("$TA" --freq 0.1 0.9 "$T/1k.wav" 2>&1)
near "tone-analyze --freq finds mkwav's 1000 Hz" 1000 "${out%% *}" 10
check "...at its level, -10 dBFS" grep -qx '1000 Hz -10.0 dBFS' <(echo "$out")
"$MKWAV" -l -30 "$T/odd.wav" silence 0.5 tone 437 1
out=$("$TA" --freq 0.5 1.5 "$T/odd.wav" 2>&1)
near "a 437 Hz tone at -30 dBFS after silence: 437 Hz" 437 "${out%% *}" 10
expect_out "...-30 dBFS" "437 Hz -30.0 dBFS" "$TA" --freq 0.5 1.5 "$T/odd.wav"
expect_out "silence is 'silence'" "silence" "$TA" --freq 0 0.5 "$T/odd.wav"
"$MKWAV" -l -60 "$T/quiet.wav" tone 1000 1
expect_out "a tone under -50 dBFS is silence" "silence" \
	"$TA" --freq 0 1 "$T/quiet.wav"

# Busy tone cadence built from pieces, one mkwav run appending to another.
"$MKWAV" "$T/cad.wav" silence 0.2
for i in 1 2 3; do
	"$MKWAV" -a "$T/cad.wav" tone 425 0.5 silence 0.5
done
"$MKWAV" -a "$T/cad.wav" tone 425 1.5
expect_out "--cadence measures tone and silence appended by mkwav -a" \
"off 200
on 500 off 500
on 500 off 500
on 500 off 500
on 1500" "$TA" --cadence 425 "$T/cad.wav"
"$MKWAV" "$T/ring.wav" tone 440+480 1 silence 4 tone 440+480 1 silence 2
expect_out "--cadence of a dual tone (ringback 440+480)" \
"on 1000 off 4000
on 1000 off 2000" "$TA" --cadence 440 "$T/ring.wav"
"$MKWAV" "$T/410.wav" tone 410 1 silence 4 tone 410 1 silence 2
expect_out "--cadence 425 within 15 Hz: 410 Hz counts" \
"on 1000 off 4000
on 1000 off 2000" "$TA" --cadence 425 "$T/410.wav"
expect_out "--cadence of a tone that never sounds: all off" "off 8000" \
	"$TA" --cadence 1400 "$T/ring.wav"

"$MKWAV" "$T/dtmf.wav" silence 0.3 dtmf '0123456789*#ABCD' silence 0.2 \
	level -25 dtmf 55 level -10 tone 1000 0.2 dtmf 7
expect_out "DTMF digits round-trip through mkwav and tone-analyze --dtmf" \
	"0123456789*#ABCD557" "$TA" --dtmf "$T/dtmf.wav"
expect_out "no DTMF in a plain tone: an empty answer" "" \
	"$TA" --dtmf "$T/1k.wav"
# A 20 ms hole in a digit (a lost packet) leaves one digit; a 50 ms pause
# (over Q.24's 40 ms) makes two.
"$MKWAV" "$T/hole.wav" silence 0.1 tone 697+1336 0.1 silence 0.02 \
	tone 697+1336 0.1 silence 0.2 tone 852+1477 0.1 silence 0.05 \
	tone 852+1477 0.1 silence 0.1
expect_out "--dtmf: a 20 ms hole is the same digit, a 50 ms pause two" "299" \
	"$TA" --dtmf "$T/hole.wav"

"$MKWAV" "$T/sit.wav" tone 950 0.33 tone 1400 0.33 tone 1800 0.33 silence 1
expect_out "--sequence recognises the special information tone" \
	"950 330, 1400 330, 1800 330, silence 1000" \
	"$TA" --sequence "$T/sit.wav"
"$MKWAV" -l -20 "$T/sit2.wav" silence 0.25 tone 913.8 0.274 \
	tone 1370.6 0.274 tone 1776.7 0.38 silence 0.5
out=$("$TA" --sequence "$T/sit2.wav" 2>&1)
if [[ $out =~ ^silence\ 2[45]0,\ 91[0-9]\ 2[678]0,\ 13(6[5-9]|7[0-5])\ 2[678]0,\ 17(7[0-9]|8[0-2])\ 3[789]0,\ silence\ [45][0-9]0$ ]]; then
	pass "--sequence: the ITU SIT, off the 10 ms grid, within 10 ms and 5 Hz"
else
	fail "--sequence: the ITU SIT within 10 ms and 5 Hz" "$out"
fi

# Refusals, each with its reason.
python3 -c '
import wave, sys
w = wave.open(sys.argv[1], "wb")
w.setnchannels(2); w.setsampwidth(2); w.setframerate(44100)
w.writeframes(bytes(4 * 4410))' "$T/cd.wav"
echo "not audio" >"$T/text.wav"
out=$("$TA" --freq 0 1 "$T/cd.wav" 2>&1)
st=$?
if [ $st = 1 ] && [[ $out == *"44100 Hz, 2 channels, 16-bit"*"8000 Hz mono 16-bit PCM"* ]]; then
	pass "tone-analyze refuses a 44.1 kHz stereo WAV, saying what it is"
else
	fail "tone-analyze refuses a 44.1 kHz stereo WAV" "status $st: $out"
fi
expect_out "...and a file that is no WAV" \
	"tone-analyze: $T/text.wav: not a WAV file (no RIFF/WAVE header)" \
	"$TA" --dtmf "$T/text.wav"
expect_out "...and a window outside the file" \
	"tone-analyze: the window [2, 3] s is not 10 ms or more of the file's 1.000 s" \
	"$TA" --freq 2 3 "$T/1k.wav"
"$TA" --bogus "$T/1k.wav" >/dev/null 2>&1
near "a usage error is status 2" 2 $? 0

# --- sipsh-phone against a fake line ---

cat >"$T/fakeline.py" <<'EOF'
# A fake phone line for t-tools.sh: speaks sim_proto.h. Logs each packet
# from the telephone as "SECONDS A" or "SECONDS E TEXT" (seconds since the
# connection) to LOG, appends the microphone's PCM to RAW (both reset per
# telephone), sends a 1000 Hz -10 dBFS earpiece tone every 20 ms, answers
# "hook off" with "tone dial" and "digit 1" with "tone none", hangs up on
# "digit D", and closes a second telephone's connection at once.
import math, os, socket, struct, sys, threading, time
path, logp, rawp = sys.argv[1:4]
frame = b"A" + b"".join(struct.pack("<h", round(10362 *
        math.sin(2 * math.pi * 1000 * i / 8000))) for i in range(160))
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(path + ".new")
os.rename(path + ".new", path)
srv.listen(4)
busy = threading.Lock()

def earpiece(c, stop):
    t0, k = time.monotonic(), 0
    while not stop.is_set():
        try:
            c.send(frame)
        except OSError:
            return
        k += 1
        time.sleep(max(0, t0 + k * 0.02 - time.monotonic()))

def serve(c):
    stop = threading.Event()
    threading.Thread(target=earpiece, args=(c, stop), daemon=True).start()
    try:
        talk(c)
    except OSError:
        pass
    stop.set()
    c.close()
    busy.release()

def talk(c):
    t0 = time.monotonic()
    with open(logp, "w") as log, open(rawp, "wb") as raw:
        while True:
            try:
                m = c.recv(1024)
            except OSError:
                break
            if not m:
                break
            t = time.monotonic() - t0
            if m[:1] == b"A":
                raw.write(m[1:])
                log.write("%.3f A %d\n" % (t, len(m)))
            else:
                ev = m[1:].decode()
                log.write("%.3f E %s\n" % (t, ev))
                if ev == "hook off":
                    c.send(b"Etone dial")
                elif ev == "digit 1":
                    c.send(b"Etone none")
                elif ev == "digit D":
                    break
            log.flush()
            raw.flush()

while True:
    c, _ = srv.accept()
    if not busy.acquire(blocking=False):
        c.close()
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

mkdir -p "$SIPSH_RUNDIR/lines"
SOCK=$SIPSH_RUNDIR/lines/line0.sock
LOG=$T/line.log
RAW=$T/line.raw
python3 "$T/fakeline.py" "$SOCK" "$LOG" "$RAW" &
TEST_PIDS+=($!)
if ! wait_for 5 test -S "$SOCK"; then
	fail "the fake line starts" "no socket $SOCK"
	exit 0
fi

# phone ARGS...: run sipsh-phone on line 0 (by $SIPSH_RUNDIR), stdin
# empty; stdout to $T/out, stderr to $T/err, the status in $st.
phone() {
	"$PHONE" "$@" </dev/null >"$T/out" 2>"$T/err"
	st=$?
}

# Events: hook off, then the line's answer, printed with its time.
phone -l 0 'hook off' 'wait "tone dial" 2' flash 'hook on' quit
if [ $st = 0 ] && grep -qE '^T\+0\.[0-9]{3} tone dial$' "$T/out"; then
	pass "hook off: the line's 'tone dial' is printed as 'T+0.mmm tone dial'"
else
	fail "hook off and wait for the dial tone" "status $st: $(cat "$T/out" "$T/err")"
fi
sed -n 's/^[0-9.]* E //p' "$LOG" >"$T/events"
printf 'hook off\nflash\nhook on\n' >"$T/want"
same "hook off, flash, hook on arrive as those E packets" "$T/want" "$T/events"

# Dialling: one "digit D" event per key, 100 ms apart.
phone -l 0 'dial 1#9*' 'sleep 0.1'
sed -n 's/^[0-9.]* E //p' "$LOG" >"$T/events"
printf 'digit 1\ndigit #\ndigit 9\ndigit *\n' >"$T/want"
same "dial 1#9* sends four 'digit D' events" "$T/want" "$T/events"
gaps=$(awk '$2 == "E" { if (n++) printf "%d ", ($1 - prev) * 1000; prev = $1 }' "$LOG")
if [[ $gaps =~ ^((9[0-9]|1[0-2][0-9])\ ){3}$ ]]; then
	pass "...100 ms apart (gaps: $gaps ms)"
else
	fail "dial spaces the digits 100 ms" "gaps: $gaps ms"
fi
phone -l 0 'dial 12x'
if [ $st = 1 ] && grep -q "dial: digits 0-9 \* # A-D, not '12x'" "$T/err"; then
	pass "dial refuses a key a phone does not have"
else
	fail "dial refuses a key a phone does not have" "status $st: $(cat "$T/err")"
fi

# The microphone's clock: 50 frames a second (±2) over 2 s, all 321 bytes.
phone -l 0 --record "$T/ear.wav" 'sleep 2.6'
n=$(awk '$2 == "A" && $1 >= 0.3 && $1 < 2.3' "$LOG" | wc -l)
near "50 microphone frames a second: frames in 2 s" 100 "$n" 4
check "...each 'A' + 320 bytes" test -z "$(awk '$2 == "A" && $3 != 321' "$LOG")"
check "...and silent while nothing plays" \
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(len(d) < 32000 or any(d))' "$RAW"

# The earpiece recorded: the line's 1000 Hz tone, 2.6 s of it.
out=$("$TA" --freq 0.5 2 "$T/ear.wav" 2>&1)
check "--record: the earpiece's 1000 Hz -10 dBFS tone is in the WAV" \
	grep -qx '1000 Hz -10.0 dBFS' <(echo "$out")
"$TA" --cadence 1000 "$T/ear.wav" >"$T/cad" 2>&1
ms=$(sed -n 's/^on \([0-9]*\)$/\1/p' "$T/cad")
near "...as long as the phone was connected (ms)" 2600 "${ms:-0}" 100

# Playing: the WAV's samples come out unchanged, frame-aligned, once.
"$MKWAV" "$T/say.wav" dtmf 159 tone 777 0.123 level -20 dtmf D
phone -l 0 'sleep 0.2' "play $T/say.wav" 'sleep 1.4'
if python3 - "$T/say.wav" "$RAW" <<'EOF'
import sys, wave
pcm = wave.open(sys.argv[1]).readframes(1 << 20)
raw = open(sys.argv[2], "rb").read()
at = raw.find(pcm)
pad = (-len(pcm)) % 320
sys.exit(not (at > 0 and at % 320 == 0 and not any(raw[:at]) and
              not any(raw[at + len(pcm):])
              and len(raw) - at - len(pcm) >= pad))
EOF
then
	pass "play: the WAV goes out as frames with the same samples, then silence"
else
	fail "play: the WAV goes out unchanged" "$(ls -l "$RAW"; cat "$T/err")"
fi
python3 -c 'import sys; sys.stdout.buffer.write(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\xff\xff\xff\xff" + open(sys.argv[1], "rb").read())' "$RAW" >"$T/mic.wav"
expect_out "...and the line hears its DTMF" "159D" "$TA" --dtmf "$T/mic.wav"

# Commands from standard input, events off by request.
printf 'hook off\n# a comment\nwait tone.dial 2\nquit\nhook on\n' |
	"$PHONE" --no-events >"$T/out" 2>"$T/err"
st=$?
sed -n 's/^[0-9.]* E //p' "$LOG" >"$T/events"
if [ $st = 0 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/events")" = "hook off" ]; then
	pass "commands from stdin, up to 'quit'; --no-events prints nothing"
else
	fail "commands from stdin" "status $st: $(cat "$T/out" "$T/err" "$T/events")"
fi

# A line pasted from a manual with its comment: '#' after a blank starts
# it, while the '#' key of 'dial 1#' is dialled.
printf 'hook off   # lift it\ndial 1# # the 1, then the hash key\nquit\n' |
	"$PHONE" --no-events >"$T/out" 2>"$T/err"
st=$?
sed -n 's/^[0-9.]* E //p' "$LOG" >"$T/events"
printf 'hook off\ndigit 1\ndigit #\n' >"$T/want"
if [ $st = 0 ] && [ ! -s "$T/err" ] && cmp -s "$T/want" "$T/events"; then
	pass "a comment after a blank is ignored; 'dial 1#' still sends the # key"
else
	fail "a comment after a blank is ignored; 'dial 1#' still sends the # key" \
		"status $st: $(cat "$T/err" "$T/events")"
fi

# wait: a timeout is status 3, an event already seen still counts.
phone -l 0 'wait "ring on" 0.3'
if [ $st = 3 ] && grep -q "wait: no event matching 'ring on' within 0.3 s" "$T/err"; then
	pass "wait times out with status 3 and says what it waited for"
else
	fail "wait times out with status 3" "status $st: $(cat "$T/err")"
fi
phone -l 0 'hook off' 'sleep 0.3' 'wait ^tone 0.1'
near "wait finds an event that came before it" 0 $st 0
phone -l 0 'hook off' 'wait ^tone 1' 'wait ^tone 0.2'
near "...but each event satisfies one wait" 3 $st 0

# The line hangs up in the middle of a wait: status 2.
phone -l 0 'dial D' 'wait nothing 3'
if [ $st = 2 ] && grep -q "line 0 closed the connection" "$T/err"; then
	pass "the line hanging up ends the phone with status 2"
else
	fail "the line hanging up ends the phone with status 2" "status $st: $(cat "$T/err")"
fi

# Errors: no such line, a busy line, bad files, bad commands.
phone -R "$T/nowhere" -l 3 'hook off'
expect_out "a missing line: status 2 and the socket it looked for" \
	"2 sipsh-phone: line 3 does not exist or the phone is not running: $T/nowhere/lines/line3.sock" \
	echo "$st" "$(cat "$T/err")"
SIPSH_RUNDIR=$T/elsewhere phone -l 7
expect_out "...found by \$SIPSH_RUNDIR" \
	"sipsh-phone: line 7 does not exist or the phone is not running: $T/elsewhere/lines/line7.sock" \
	cat "$T/err"
phone -S "$T/none.sock"
expect_out "...or given by -S" \
	"sipsh-phone: the line does not exist or the phone is not running: $T/none.sock" \
	cat "$T/err"

"$PHONE" -l 0 'sleep 3' </dev/null >/dev/null 2>&1 &
first=$!
sleep 0.5
phone -l 0 'hook off'
wait "$first"
if [ $st = 2 ] && grep -q "line 0 is busy: another telephone is connected" "$T/err"; then
	pass "a second telephone on a line is told the line is busy"
else
	fail "a second telephone on a line is told the line is busy" "status $st: $(cat "$T/err")"
fi

phone -l 0 --play "$T/cd.wav" 'hook off'
if [ $st = 1 ] && grep -q "cd.wav: 44100 Hz, 2 channels, 16-bit: a phone line needs 8000 Hz mono 16-bit PCM" "$T/err"; then
	pass "--play refuses a 44.1 kHz stereo WAV, saying what it needs"
else
	fail "--play refuses a 44.1 kHz stereo WAV" "status $st: $(cat "$T/err")"
fi
phone -l 0 'hook off' "play $T/text.wav" 'hook on'
if [ $st = 1 ] && grep -q "text.wav: not a WAV file" "$T/err" &&
	[ "$(sed -n 's/^[0-9.]* E //p' "$LOG")" = "hook off" ]; then
	pass "play of a file that is no WAV fails, and the commands stop there"
else
	fail "play of a file that is no WAV fails" "status $st: $(cat "$T/err")"
fi
phone -l 0 'ring the bell'
expect_out "an unknown command: status 1" \
	"1 sipsh-phone: unknown command 'ring' (try 'help')" echo "$st" "$(cat "$T/err")"

# The manual.
out=$(mandoc -Tlint -Wwarning "$TOP/man/sipsh-phone.1" 2>&1)
if [ -z "$out" ]; then
	pass "sipsh-phone.1: mandoc -Tlint -Wwarning is clean"
else
	fail "sipsh-phone.1: mandoc -Tlint -Wwarning is clean" "$out"
fi
"$PHONE" -h | awk '/^commands/ { on = 1; next } on { print $1 }' >"$T/cmds"
mandoc -Tascii "$TOP/man/sipsh-phone.1" | sed 's/.\x08//g' >"$T/page"
missing=
while read -r c; do
	grep -qE "^ +$c( |\$)" "$T/page" || missing="$missing $c"
done <"$T/cmds"
if [ "$(wc -l <"$T/cmds")" -ge 8 ] && [ -z "$missing" ]; then
	pass "sipsh-phone.1 describes every command of 'sipsh-phone -h'"
else
	fail "sipsh-phone.1 describes every command" "missing:$missing"
fi

# Captures: an OPTIONS to ports Wireshark gives Quake (26000), Steam
# (27036) and Quake 3 (27960) is read as SIP, as on any other port.
if command -v tshark >/dev/null && cap_start q "udp port 26000 or udp port 27036 or udp port 27960"; then
	for qp in 26000 27036 27960; do
		python3 -c '
import socket, sys
p = int(sys.argv[1])
m = ("OPTIONS sip:probe@127.0.0.1:%d SIP/2.0\r\n"
     "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK%d\r\n"
     "From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:probe@127.0.0.1>\r\n"
     "Call-ID: %d@t\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
     % (p, p, p))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(m.encode(), ("127.0.0.1", p))
' "$qp"
	done
	cap_stop q
	got=$(cap_read q 'sip.Method == "OPTIONS"' udp.dstport | sort -n | tr '\n' ' ')
	if [ "$got" = "26000 27036 27960 " ]; then
		pass "captures read SIP on ports Wireshark gives other protocols (26000, 27036, 27960)"
	else
		fail "captures read SIP on ports Wireshark gives other protocols (26000, 27036, 27960)" \
			"SIP read on: '$got'; $(tshark -r "$(cap_file q)" -T fields -e udp.dstport -e frame.protocols 2>/dev/null)"
	fi
else
	fail "captures read SIP on ports Wireshark gives other protocols" "no tshark, or no capture: $(cat "$T/q.tshark.log" 2>/dev/null)"
fi
