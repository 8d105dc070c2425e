#!/usr/bin/env bash
# Runs the whole test suite: the unit tests (plain and sanitizer builds),
# then every tests/t-*.sh script, each in its own network namespace.
# Prints each check and ends with a line "N passed, N failed"; exits
# non-zero if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2
pass=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
	local p f
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^FAIL - ' "$log")
	pass=$((pass + p))
	failed=$((failed + f))
}

for u in build/unit-tests build/unit-tests-asan; do
	echo "== $u"
	if ./"$u" >"$log" 2>&1; then :; fi
	sed -n 's/^ok  \(.*\)/ok - unit \1/p; s/^FAIL \(.*\)/FAIL - unit \1/p' "$log" >"$log.2"
	grep -v '^ok  \|^FAIL \|^unit: ' "$log" >&2
	mv "$log.2" "$log"
	cat "$log"
	count
done

# Each script in a network namespace of its own where one can be had
# (root, or user namespaces): its loopback is its own, so two runs on one
# machine never meet on a port, and nothing it starts can reach further.
netns=()
if unshare -n true 2>/dev/null; then
	netns=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
else
	echo "(no network namespace can be made here: the tests share the host's loopback)" >&2
fi

for t in tests/t-*.sh; do
	[ -n "${TESTS:-}" ] && ! grep -qw "$(basename "$t" .sh)" <<<"$TESTS" && continue
	echo "== $t"
	start=$(date +%s)
	timeout 300 "${netns[@]}" bash "$t" 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" = 124 ] && echo "FAIL - $t: timed out after 300 s" | tee -a "$log"
	count
	echo "   ($(($(date +%s) - start)) s)"
done

echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
