# Simulated telephones (build/sipsh-phone) on the phone's line sockets, for
# the tests of the phoneline module (sourced after lib.sh):
#   tel NAME LINE CMD...      a telephone on LINE in the background, its
#                             earpiece recorded to $T/NAME.wav, its events
#                             to $T/NAME.ev; its PID in TEL_PID
#   endtel PID                its script is done (bounded), else stopped
#   ev NAME REGEX             status: an event of NAME matches
#   from_event NAME REGEX     seconds (T+) of the first event matching
#   wav_cut SRC DST T0 T1     seconds T0 to T1 of a WAV file

tel() {
	local name=$1 line=$2
	shift 2
	"$TOP/build/sipsh-phone" -l "$line" --events --record "$T/$name.wav" \
		"$@" >"$T/$name.ev" 2>&1 &
	TEL_PID=$!
	TEST_PIDS+=("$TEL_PID")
}

endtel() {
	local i
	for i in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

ev() { grep -q -- "$2" "$T/$1.ev"; }

from_event() { grep -m1 -- "$2" "$T/$1.ev" | sed 's/^T+\([0-9.]*\).*/\1/'; }

wav_cut() { python3 - "$@" <<'PY'
import sys, wave
src, dst, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
w = wave.open(src); r = w.getframerate(); w.setpos(min(int(t0 * r), w.getnframes()))
d = w.readframes(int((t1 - t0) * r)); o = wave.open(dst, 'wb')
o.setnchannels(1); o.setsampwidth(2); o.setframerate(r); o.writeframes(d)
PY
}
