# Sourced by tests (after tests/lib.sh): dnsmasq as the phone's DNS server
# on 127.0.0.1:DNSP, answering only for .test from its command line (no
# resolv.conf, no hosts file, no upstream), started and stopped by its
# PID; queries logged to $T/dnsmasq.log, its output in $T/dnsmasq.out.
#
#   dns_start ARGS...   start with these records; returns once it listens
#                       (1, and says so, when it did not start)
#   dns_stop            stop it

DNS_PID=
dns_start() {
	local i
	rm -f "$T/dnsmasq.pid"
	dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
		--port="$DNSP" --listen-address=127.0.0.1 --bind-interfaces \
		--local=/test/ --pid-file="$T/dnsmasq.pid" --log-queries \
		--log-facility="$T/dnsmasq.log" "$@" </dev/null >>"$T/dnsmasq.out" 2>&1 &
	DNS_PID=$!
	TEST_PIDS+=("$!")
	for i in $(seq 1 100); do
		ss -Hulnp "sport = :$DNSP" 2>/dev/null | grep -q "pid=$DNS_PID," && return 0
		kill -0 "$DNS_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "dnsmasq did not start: $(tail -3 "$T/dnsmasq.out")" >&2
	return 1
}
dns_stop() {
	stop_pid "$DNS_PID"
	DNS_PID=
}
