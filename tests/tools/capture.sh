# Sourced by tests (after tests/lib.sh): packet captures on loopback that
# miss nothing at either end. A capture file's header is written before
# dumpcap captures, and the last packets may sit in its buffer when it is
# stopped; so each capture also listens on a probe port of its own, and
# starting or stopping returns only once a probe sent then is in the file.
#
#   cap_start NAME FILTER          tshark on lo into $T/NAME.pcap
#   cap_stop NAME                  everything sent before is in the file
#   cap_read NAME DISPLAY-FILTER FIELD...   one line a packet (no probes)
#   cap_file NAME                  the file's path

CAP_PROBE_PORT=$((61000 + $$ % 4000))
CAP_PROBES=0
declare -A CAP_PID CAP_DUMPCAP

cap_file() { printf '%s/%s.pcap' "$T" "$1"; }

_cap_probe_seen() {
	CAP_PROBES=$((CAP_PROBES + 1))
	printf 'sipsh-probe-%d' "$CAP_PROBES" >/dev/udp/127.0.0.1/$CAP_PROBE_PORT
	tshark -r "$(cap_file "$1")" \
		-Y "frame contains \"sipsh-probe-$CAP_PROBES\"" 2>/dev/null |
		grep -q .
}

cap_start() {
	local f i t0
	f=$(cap_file "$1")
	rm -f "$f"
	tshark -i lo -f "($2) or udp port $CAP_PROBE_PORT" -w "$f" -q \
		>"$T/$1.tshark.log" 2>&1 </dev/null &
	CAP_PID[$1]=$!
	TEST_PIDS+=("$!")
	# tshark takes seconds to start on a loaded machine, and each look
	# at the file starts another: bounded by the clock as well as the
	# count.
	t0=$SECONDS
	for i in $(seq 1 300); do
		if [ -s "$f" ] && _cap_probe_seen "$1"; then
			CAP_DUMPCAP[$1]=$(pgrep -P "${CAP_PID[$1]}" -x dumpcap)
			return 0
		fi
		[ $((SECONDS - t0)) -ge 30 ] && break
		sleep 0.05
	done
	echo "cap_start: not capturing after $((SECONDS - t0)) s: $(cat "$T/$1.tshark.log")" >&2
	return 1
}

cap_stop() {
	local i t0 pid=${CAP_PID[$1]:-}
	[ -n "$pid" ] || return 0
	t0=$SECONDS
	for i in $(seq 1 300); do
		_cap_probe_seen "$1" && break
		[ $((SECONDS - t0)) -ge 20 ] && break
		sleep 0.05
	done
	stop_pid "$pid"
	# tshark stops its dumpcap; make sure of it, by that PID.
	[ -n "${CAP_DUMPCAP[$1]:-}" ] && kill "${CAP_DUMPCAP[$1]}" 2>/dev/null
	unset "CAP_PID[$1]" "CAP_DUMPCAP[$1]"
}

cap_read() {
	local f flt args=() x
	f=$(cap_file "$1")
	flt="($2) && !(udp.port == $CAP_PROBE_PORT)"
	shift 2
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$f" -Y "$flt" -T fields -E occurrence=f "${args[@]}" 2>/dev/null
}
