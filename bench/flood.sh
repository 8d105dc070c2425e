#!/usr/bin/env bash
# The INVITE flood of the reliability issue, measured on sipsh's phone and
# on plain baresip 1.0.0 in the same run (bench/flood.py says what is
# measured): its own Kamailio registrar on 127.0.0.1, the same account
# 1001 for both phones, the flood from build/sipflood. Called by
# bench/run.sh; figures only, nothing asserted.
. "$(dirname "$0")/../tests/lib.sh"
. "$TOP/tests/tools/kamailio.sh"

N=${BENCH_FLOOD_N:-3}
B=$((22000 + $$ % 400 * 24))
KP=$B                 # Kamailio
SP=$((B + 1))         # sipsh's phone (TLS: SP + 1)
PP=$((B + 3))         # plain baresip (TLS: PP + 1)
CP=$((B + 5))         # the caller (its RTP CP + 2, plain's RTP CP + 10..19)
RTP=$((B + 8))        # sipsh's RTP

trap 'phone_down; cleanup' EXIT

if ! [ -x "$TOP/build/sipflood" ]; then
	echo "flood: build/sipflood is missing (make all)" >&2
	exit 1
fi
kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 >/dev/null || exit 1

"$SIPSH" -c sip -c 'bind-interface lo' -c "bind-port $SP" \
	-c "rtp-port-range $RTP-$((RTP + 1))" -c 'proxy 127.0.0.1' \
	-c 'register-interval 600' -c 'account 1' -c 'user 1001' \
	-c 'password secret1' -c "registrar 127.0.0.1:$KP" -c 'line 0' \
	-c 'account 1' >/dev/null || exit 1

python3 "$TOP/bench/flood.py" "$KP" "$SP" "$PP" "$CP" "$N" "$T" "$SIPSH" \
	"$TOP/build/sipflood" "$(kam_dir "$KP")/run/kamailio_ctl"
