#!/usr/bin/env bash
# The system dns-server setting against real peers: dnsmasq answering
# registrar.test with 127.0.0.1 and Kamailio registering there. A commit
# of dns-server reaches baresip's config as one dns_server line per
# entry (53 added where no port is given, an IPv6 address bracketed) and
# restarts the phone; the phone resolves the registrar's name through it
# (dnsmasq's query log) and registers, by SRV too when the registrar has
# no port. Pointed at a port where no DNS server listens, the
# registration fails and show registrations names the server asked and
# what was asked, as libre asks it: with a port A (and AAAA when the SIP
# stack has IPv6); without, the transport's SRV, or NAPTR and every
# transport's SRV: "DNS: no answer from ... for _sip._tcp.registrar.test
# SRV, registrar.test A". An SRV target that answers ICMP unreachable is
# left for the next at once. A name that is not a DNS server's address
# is refused.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/dnsmasq.sh"
. "$TOP/tests/tools/kamailio.sh"

B=$((21000 + $$ % 300 * 10))
KP=$B                   # Kamailio, the registrar of registrar.test
SP=$((B + 2))           # the phone's SIP port
DNSP=$((B + 4))         # dnsmasq
DEADP=$((B + 6))        # no DNS server listens here
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
regs() { S -c 'show registrations' 2>&1; }
regs_has() { regs | tr -s ' \n' ' ' | grep -qF -- "$1"; }
# The account's last response, whole, as the JSON view has it.
reg_last() { S -c 'show registrations | json' 2>/dev/null | grep -o '"last":"[^"]*"' | head -1 | cut -d'"' -f4 | sed 's#\\/#/#g'; }
last_is() { [ "$(reg_last)" = "$1" ]; }
# dead_says WHAT WANT: the DNS failure after a change reads exactly WANT.
dead_says() {
	if wait_for 60 last_is "$2"; then
		pass "$1: show registrations says '$2'"
	else
		fail "$1: show registrations says '$2'" "$(reg_last; regs; grep -E 'DNS|dns' "$SIPSH_RUNDIR"/log/current | tail -6)"
	fi
}
CONF=$SIPSH_RUNDIR/baresip/config

if ! command -v dnsmasq >/dev/null || ! [ -e "$SIPSH_MODDIR/ctrl.so" ]; then
	fail "t-dns prerequisites" "needs dnsmasq and the baresip modules"
	exit 0
fi
trap 'phone_down; cleanup' EXIT

dns_start --address=/registrar.test/127.0.0.1 \
	--srv-host=_sip._udp.registrar.test,registrar.test,"$KP" \
	--address=/dead.test/127.0.0.2 \
	--srv-host=_sip._udp.multi.test,dead.test,"$KP",10 \
	--srv-host=_sip._udp.multi.test,registrar.test,"$KP",20 ||
	fail "dnsmasq starts" "$(tail -3 "$T/dnsmasq.out")"
if ! kam_start "$KP" registrar.test 1001:secret1; then
	fail "kamailio starts" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
	exit 0
fi

cat >"$T/setup.in" <<EOT
sip
 bind-interface lo
 bind-port $SP
 register-timeout 2
!
account 1
 user 1001
 password secret1
 registrar registrar.test:$KP
!
system
 dns-server 127.0.0.1:$DNSP
 dns-server ::1
 dns-server 192.0.2.53
!
EOT
check "the configuration is committed" S -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")

got=$(grep '^dns_server' "$CONF" | tr -s ' \t' ' ')
want=$(printf 'dns_server 127.0.0.1:%s\ndns_server [::1]:53\ndns_server 192.0.2.53:53' "$DNSP")
if [ "$got" = "$want" ]; then
	pass "each dns-server is one dns_server line, with its port"
else
	fail "each dns-server is one dns_server line, with its port" "$got"
fi

# Only the first answers: the others never get this far on loopback.
S -c system -c 'no dns-server ::1' -c 'no dns-server 192.0.2.53' >"$T/one.out" 2>&1
if grep -qi restart "$T/one.out" && [ "$(grep -c '^dns_server' "$CONF")" = 1 ]; then
	pass "a dns-server change restarts the phone with the new list"
else
	fail "a dns-server change restarts the phone with the new list" "$(cat "$T/one.out"; grep dns_ "$CONF")"
fi

if wait_for 15 reg_is 1 registered && kam_wait_registered "$KP" 1001 3 &&
	grep -q 'query\[A\] registrar.test from 127.0.0.1' "$T/dnsmasq.log"; then
	pass "the phone resolves registrar.test through dns-server and registers"
else
	fail "the phone resolves registrar.test through dns-server and registers" "$(regs; tail -5 "$T/dnsmasq.log")"
fi

# A server that never answers: the reason names it and the name asked.
S -c system -c 'no dns-server' -c "dns-server 127.0.0.1:$DEADP" >"$T/dead.out" 2>&1
# With a port, baresip asks A only (bind-interface lo: no IPv6 SIP).
dead_says "a dead dns-server, registrar with a port" \
	"DNS: no answer from 127.0.0.1:$DEADP for registrar.test A"

# No port, a transport: that transport's SRV, then the address.
S -c 'account 1' -c 'registrar registrar.test' -c 'transport tcp' >/dev/null 2>&1
dead_says "no port, transport tcp" \
	"DNS: no answer from 127.0.0.1:$DEADP for _sip._tcp.registrar.test SRV, registrar.test A"

# No port, no transport: NAPTR, the SRV of each transport the stack has
# (TLS, TCP, UDP), the address.
S -c 'account 1' -c 'no transport' >/dev/null 2>&1
dead_says "no port, no transport" \
	"DNS: no answer from 127.0.0.1:$DEADP for registrar.test NAPTR/A, _sips._tcp.registrar.test SRV, _sip._tcp.registrar.test SRV, _sip._udp.registrar.test SRV"

# bind-interface unset: the SIP stack listens on ::1 too, and AAAA is
# asked beside A.
S -c sip -c 'no bind-interface' -c 'account 1' -c "registrar registrar.test:$KP" >/dev/null 2>&1
dead_says "IPv6 SIP too, registrar with a port" \
	"DNS: no answer from 127.0.0.1:$DEADP for registrar.test A/AAAA"

# A live server again, the registrar without a port: NAPTR finds
# nothing, _sip._udp's SRV names registrar.test:$KP, and the phone
# registers there.
n0=$(wc -l <"$T/dnsmasq.log")
S -c system -c 'no dns-server' -c "dns-server 127.0.0.1:$DNSP" -c 'account 1' -c 'registrar registrar.test' >"$T/srv.out" 2>&1
if wait_for 20 reg_is 1 registered && kam_wait_registered "$KP" 1001 3 &&
	tail -n +"$((n0 + 1))" "$T/dnsmasq.log" | grep -q 'query\[NAPTR\] registrar.test from 127.0.0.1' &&
	tail -n +"$((n0 + 1))" "$T/dnsmasq.log" | grep -q 'query\[SRV\] _sip._udp.registrar.test from 127.0.0.1' &&
	tail -n +"$((n0 + 1))" "$T/dnsmasq.log" | grep -q 'query\[AAAA\] registrar.test from 127.0.0.1'; then
	pass "no port: the phone asks NAPTR, SRV, A and AAAA, and registers by SRV"
else
	fail "no port: the phone asks NAPTR, SRV, A and AAAA, and registers by SRV" "$(cat "$T/srv.out"; regs; tail -n +"$((n0 + 1))" "$T/dnsmasq.log" | tail -12)"
fi

# An outbound proxy whose SRV names first a host with no listener
# (127.0.0.2, ICMP port unreachable), then Kamailio: the ICMP error
# sends the REGISTER on to the next at once, in the same attempt; at
# its 2 s timeout the attempt would start again at the dead host.
log_mark
S -c 'account 1' -c "registrar registrar.test:$KP" -c 'outbound-proxy multi.test' >"$T/multi.out" 2>&1
if wait_for 20 reg_is 1 registered && kam_wait_registered "$KP" 1001 3 &&
	log_has "port unreachable from 127.0.0.2:$KP; trying the next address" &&
	! log_has 'attempt 1 failed'; then
	pass "ICMP from the first SRV target: the next one registers, in the same attempt"
else
	fail "ICMP from the first SRV target: the next one registers, in the same attempt" "$(cat "$T/multi.out"; regs; phone_log | tail -n +"$((LOG_MARK + 1))" | grep -E 'regctl|ctrl' | tail -8)"
fi

# A name is no DNS server.
if S -c system -c 'dns-server dns.example' >"$T/name.out" 2>&1; then
	fail "a name as dns-server is refused" "$(cat "$T/name.out")"
elif grep -q "'dns.example' is a name" "$T/name.out"; then
	pass "a name as dns-server is refused"
else
	fail "a name as dns-server is refused" "$(cat "$T/name.out")"
fi
