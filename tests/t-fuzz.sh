#!/usr/bin/env bash
# The fuzz targets (tests/fuzz/, built by 'make check' with clang, ASan
# and UBSan), each run for a bounded few seconds from its committed seed
# corpus: the file reader with its print-reload round trip, every value
# type with its canonical form, pasted PEM, the control socket's request
# lines (re-encoded, accepted again), and the SIP-facing code of our
# baresip modules over messages decoded by libre: the INVITE filter's
# allowed-proxies decision, the line suffix's Contact user (read back,
# put into a Contact that keeps every other part) and DTMF INFO bodies
# (what we would send reads back the same). A crash, a sanitizer report
# or a broken property fails; 'make fuzz' runs them for longer.
. "$(dirname "$0")/lib.sh"

SECS=${FUZZ_CHECK_SECONDS:-3}
for f in "$TOP"/build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=$TOP/tests/fuzz/corpus/${name#fuzz_}
	mkdir -p "$T/$name"
	cp "$corpus"/* "$T/$name/"
	nseed=$(ls "$corpus" | wc -l)
	timeout $((SECS + 30)) "$f" -max_total_time="$SECS" -timeout=5 \
		-rss_limit_mb=1024 "$T/$name" >"$T/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$T/$name.log")
	if [ "$rc" = 0 ] && [ -n "$runs" ] && [ "$runs" -gt "$nseed" ] &&
		! grep -q 'ERROR: \|runtime error' "$T/$name.log"; then
		pass "$name: $runs runs from $nseed seeds in $SECS s, no crash"
	else
		fail "$name: no crash" "status $rc: $(grep -m3 'ERROR\|error\|SUMMARY' "$T/$name.log")"
	fi
done
[ -n "$(ls "$TOP"/build/fuzz/fuzz_* 2>/dev/null)" ] ||
	fail "fuzz targets" "none built in build/fuzz ('make fuzzers')"
