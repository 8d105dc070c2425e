#!/usr/bin/env bash
# make bench: measures sipsh's phone side by side with plain baresip in
# the same run, against a Kamailio registrar of its own on 127.0.0.1, and
# prints the figures bench/README.md records. Not part of make check:
# timings are measured here, never asserted by tests.
. "$(dirname "$0")/../tests/lib.sh"
. "$TOP/tests/tools/kamailio.sh"

N=${BENCH_N:-15}
KP=$((26000 + $$ % 500 * 4))
SP=$((KP + 1))
PP=$((KP + 2))
# Audio timing: the default configuration's phone and two plain baresips
# on AP and AP + 2 (each also takes its port + 1 for SIP over TLS); the
# plain ones' RTP on RTP..RTP+39, below the kernel's ephemeral ports.
AP=$((28000 + $$ % 500 * 4))
RTP=$((6000 + $$ % 500 * 40))

trap 'phone_down; cleanup' EXIT

kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 1003:secret3 \
	1004:secret4 >/dev/null || exit 1

"$SIPSH" -c sip -c 'bind-interface lo' -c "bind-port $SP" \
	-c 'register-interval 60' -c 'account 1' -c 'user 1001' \
	-c 'password secret1' -c "registrar 127.0.0.1:$KP" || exit 1

echo "# $(uname -m), $(nproc) CPUs, $(date -u +%Y-%m-%d)"

# Reading the file is linear in its size: 40,000 localnet lines, read
# and printed once by a batch.
awk 'BEGIN { print "sip"; print " no localnet"
	for (i = 0; i < 40000; i++)
		printf " localnet 10.%d.%d.0/24\n", i / 256, i % 256
	print "!" }' >"$T/big.conf"
t0=$(date +%s%N)
"$SIPSH" -C "$T/big.conf" -c 'show running-config | count' >/dev/null ||
	exit 1
t1=$(date +%s%N)
echo "load + show, 40000 localnet lines: $(((t1 - t0) / 1000000)) ms"
# A step that fails stops the bench: its error is on stderr, and make
# bench exits non-zero instead of going on to the next step.
python3 -B "$TOP/bench/measure.py" "$KP" "$SP" "$PP" "$N" "$T" "$SIPSH" \
	"$AP" "$RTP" || { echo "bench: measure.py failed" >&2; exit 1; }
bash "$TOP/bench/flood.sh" || { echo "bench: flood.sh failed" >&2; exit 1; }
