#!/usr/bin/env bash
# The system dns-server setting against real peers: dnsmasq answering
# registrar.test with 127.0.0.1 and Kamailio registering there. A commit
# of dns-server reaches baresip's config as one dns_server line per
# entry (53 added where no port is given, an IPv6 address bracketed) and
# restarts the phone; the phone resolves the registrar's name through it
# (dnsmasq's query log) and registers. Pointed at a port where no DNS
# server listens, the registration fails and show registrations names
# the server asked and the name: "DNS: no answer from ... for
# registrar.test". A name that is not a DNS server's address is refused.
. "$(dirname "$0")/lib.sh"
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
CONF=$SIPSH_RUNDIR/baresip/config

if ! command -v dnsmasq >/dev/null || ! [ -e "$SIPSH_MODDIR/ctrl.so" ]; then
	fail "t-dns prerequisites" "needs dnsmasq and the baresip modules"
	exit 0
fi
trap 'phone_down; cleanup' EXIT

dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
	--port="$DNSP" --listen-address=127.0.0.1 --bind-interfaces \
	--local=/test/ --address=/registrar.test/127.0.0.1 --log-queries \
	--log-facility="$T/dnsmasq.log" --pid-file="$T/dnsmasq.pid" \
	</dev/null >"$T/dnsmasq.out" 2>&1 &
TEST_PIDS+=("$!")
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
msg="DNS: no answer from 127.0.0.1:$DEADP for registrar.test"
if wait_for 60 regs_has "$msg"; then
	pass "a dead dns-server: show registrations says '$msg'"
else
	fail "a dead dns-server: show registrations says '$msg'" "$(cat "$T/dead.out"; regs; grep -E 'DBG|DNS|dns' "$SIPSH_RUNDIR"/log/current | tail -12)"
fi

# A name is no DNS server.
if S -c system -c 'dns-server dns.example' >"$T/name.out" 2>&1; then
	fail "a name as dns-server is refused" "$(cat "$T/name.out")"
elif grep -q "'dns.example' is a name" "$T/name.out"; then
	pass "a name as dns-server is refused"
else
	fail "a name as dns-server is refused" "$(cat "$T/name.out")"
fi
