#!/usr/bin/env bash
# The addresses sipsh's phone shows, proven against real peers: Bind
# Interface unset (SIP on every address, each message from the address
# toward its destination), and Localnet with a STUN server (toward a
# destination inside localnet the local address in Via, Contact and SDP;
# outside, the STUN-mapped one). The script runs in a network namespace
# of its own (unshare -n, gone with it) holding lo and a veth pair with
# 10.1.0.1, fd00:1::1 (inside) and 192.0.2.1 (outside); there is no
# default route, so baresip alone would listen nowhere. The NAT is played
# by tests/tools/stun_nat.py: it answers each STUN Binding with
# 198.51.100.7 and the source port plus 100. Kamailio instances listen on
# the addresses; tshark on lo sees every packet between them. Over TCP
# and TLS, each connection's REGISTERs, INVITEs and Kamailio's records
# show the connection's own address (or the mapping) with the listening
# port, for several TCP and TLS accounts toward different addresses.
if [ -z "${ADDR_NETNS:-}" ]; then
	if ! ADDR_NETNS=1 unshare -n true 2>/dev/null; then
		printf 'FAIL - t-addr: a network namespace of its own: %s\n' \
			"$(unshare -n true 2>&1)"
		exit 0
	fi
	ADDR_NETNS=1 exec unshare -n bash "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

# Ports outside the ephemeral range (32768-60999); the namespace is ours,
# so nothing else can hold them.
SP=5070                 # the phone's SIP port
KA=5080                 # Kamailio on 127.0.0.1
KB=5082                 # Kamailio on 10.1.0.1
KC=5084                 # Kamailio on [fd00:1::1]
KO=5086                 # Kamailio on 192.0.2.1, outside localnet
KBT=$((KB + 1))         # Kamailio's TLS on 10.1.0.1
STUNP=3478
MAPPED=198.51.100.7
RTP=20000
RTP_END=20019
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }

if ! command -v tshark >/dev/null || ! [ -e "$SIPSH_MODDIR/sipaddr.so" ]; then
	fail "t-addr prerequisites" "needs tshark and build/baresip-mods/sipaddr.so"
	exit 0
fi

trap 'phone_down; cleanup' EXIT

ip link set lo up &&
	ip link add wan0 type veth peer name wan1 &&
	ip addr add 10.1.0.1/24 dev wan0 &&
	ip -6 addr add fd00:1::1/64 dev wan0 nodad &&
	ip addr add 192.0.2.1/24 dev wan1 &&
	ip link set wan0 up && ip link set wan1 up ||
	{ fail "t-addr: the namespace's interfaces" "ip failed"; exit 0; }


# The Contact host:port a binding has, from Kamailio's own record.
contact_hp() { kam_contact "$1" "$2" | sed -n 's/^<*sip:[^@]*@\([^;>]*\).*/\1/p'; }
contact_is() { [ "$(contact_hp "$1" "$2")" = "$3" ]; }

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "want '$2', got '$3'"
	fi
}

phone_start() {
	check "$1: phone start" S -c 'phone start'
	local p
	p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
	[ -n "$p" ] && TEST_PIDS+=("$p")
}

# sent_by NAME FILTER: "ip-source via-sent-by contact-host:port" of each
# packet over UDP, one a line, from capture NAME.
sent_by() {
	cap_read "$1" "($2) && udp" ip.src ipv6.src sip.Via.sent-by.address \
		sip.Via.sent-by.port sip.contact.uri |
		awk -F'\t' '{src = $1 != "" ? $1 : $2;
			c = $5; sub(/^[^@]*@/, "", c); sub(/[;>].*$/, "", c);
			print src, $3 ":" $4, c}'
}

# A test CA and a certificate for 10.1.0.1, for Kamailio's TLS there.
ec='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'
# shellcheck disable=SC2086
{
	openssl req -x509 $ec -keyout "$T/ca.key" -out "$T/ca.pem" \
		-subj "/CN=sipsh addr test CA" -days 2 &&
	openssl req $ec -keyout "$T/srv.key" -out "$T/srv.csr" -subj "/CN=10.1.0.1" &&
	printf 'subjectAltName=IP:10.1.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/srv.ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/srv.pem" -days 2 -extfile "$T/srv.ext" &&
	openssl req -x509 $ec -keyout "$T/other.key" -out "$T/other.pem" \
		-subj "/CN=sipsh addr other CA" -days 2
} >"$T/openssl.out" 2>&1 || { fail "t-addr: a test CA" "$(tail -3 "$T/openssl.out")"; exit 0; }

# Kamailio on 127.0.0.1 sends requests to a user over the connection its
# REGISTER came on: the phone's responses then leave on a connection it
# made, whose local port is not the one it listens on.
KAM_NATED=1 kam_start "$KA" sipsh.test 1001:s1 1006:s6 || { fail "kamailio on 127.0.0.1" "see above"; exit 0; }
KAM_HOST=10.1.0.1 KAM_TLS_CERT=$T/srv.pem KAM_TLS_KEY=$T/srv.key \
	kam_start "$KB" sipsh.test 1002:s2 1005:s5 1008:s8 ||
	{ fail "kamailio on 10.1.0.1" "see above"; exit 0; }
KAM_HOST='[fd00:1::1]' kam_start "$KC" sipsh.test 1003:s3 1007:s7 ||
	{ fail "kamailio on fd00:1::1" "see above"; exit 0; }

# cap_tcp NAME DISPLAY-FILTER FIELD...: cap_read over TCP, with SIP
# decoded on the Kamailios' ports.
cap_tcp() {
	local f=$1 flt=$2 args=() x
	shift 2
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$(cap_file "$f")" -d "tcp.port==$KA,sip" -d "tcp.port==$KB,sip" \
		-d "tcp.port==$KC,sip" -d "tcp.port==$KO,sip" \
		-Y "($flt) && tcp" -T fields -E occurrence=f "${args[@]}" 2>/dev/null
}
# sent_by_tcp NAME FILTER: as sent_by, over TCP, and the Via's transport.
sent_by_tcp() {
	cap_tcp "$1" "$2" ip.src ipv6.src sip.Via.sent-by.address \
		sip.Via.sent-by.port sip.contact.uri sip.Via.transport |
		awk -F'\t' '{src = $1 != "" ? $1 : $2;
			c = $5; sub(/^[^@]*@/, "", c); sub(/[;>].*$/, "", c);
			print src, $3 ":" $4, c, $6}'
}
# via_of PORT USER: "TRANSPORT SENT-BY" of the top Via of USER's last
# REGISTER Kamailio saved (from its log: over TLS no capture reads it).
via_of() {
	grep "kam: via of $2 over" "$(kam_dir "$1")/kamailio.log" | tail -1 |
		sed -n 's/.*: SIP\/2.0\/\([A-Z]*\) \([^;]*\);.*/\1 \2/p'
}
# conn_from PID LOCAL-HOST PEER-HOST:PORT: status 0 when the phone has a
# TCP connection from LOCAL-HOST (any port) to the peer.
conn_from() {
	ss -Htnp 2>/dev/null | grep "pid=$1," |
		awk -v l="$2" -v p="$3" '{a = $4; sub(/:[0-9]+$/, "", a);
			if (a == l && $5 == p) f = 1} END {exit !f}'
}

# --- Bind Interface unset: every address ----------------------------------
{
	cat <<EOF
sip
 bind-port $SP
 rtp-port-range $RTP-$RTP_END
 register-interval 60
 trusted-ca
EOF
	cat "$T/ca.pem"
	cat <<EOF
quit
!
account 1
 user 1001
 password s1
 registrar 127.0.0.1:$KA
!
account 2
 user 1002
 password s2
 registrar 10.1.0.1:$KB
!
account 3
 user 1003
 password s3
 registrar [fd00:1::1]:$KC
!
account 5
 user 1005
 password s5
 registrar 10.1.0.1:$KB
 transport tcp
!
account 6
 user 1006
 password s6
 registrar 127.0.0.1:$KA
 transport tcp
!
account 7
 user 1007
 password s7
 registrar [fd00:1::1]:$KC
 transport tcp
!
account 8
 user 1008
 password s8
 registrar 10.1.0.1:$KBT
 transport tls
!
EOF
} >"$T/all.in"
check "bind-interface unset: the configuration is committed" S -f "$T/all.in"
check "bind-interface unset: baresip's own sip_listen is 0.0.0.0:$SP" \
	grep -qxP "sip_listen\t+0\.0\.0\.0:$SP" "$SIPSH_RUNDIR/baresip/config"

cap_start all "udp port $SP or tcp port $KA or tcp port $KB or tcp port $KC"
phone_start "bind-interface unset"
for a in "$KA 1001 127.0.0.1:$SP" "$KB 1002 10.1.0.1:$SP" "$KC 1003 [fd00:1::1]:$SP" \
	"$KB 1005 10.1.0.1:$SP" "$KA 1006 127.0.0.1:$SP" "$KC 1007 [fd00:1::1]:$SP"; do
	set -- $a
	if kam_wait_registered "$1" "$2" 8; then
		expect "bind-interface unset: $2 registers on Kamailio $1 with Contact $3" \
			"$3" "$(contact_hp "$1" "$2")"
	else
		fail "bind-interface unset: $2 registers on Kamailio $1" \
			"$(S -c 'show registrations' 2>&1; phone_log | grep -i 'sipaddr\|fail' | tail -5)"
	fi
done
cap_stop all

pid=$(phone_pid)
u=$(ss -Hulnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sort)
t=$(ss -Htlnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sort)
for a in 127.0.0.1 10.1.0.1 192.0.2.1 '[::1]' '[fd00:1::1]'; do
	if grep -qxF "$a:$SP" <<<"$u" && grep -qxF "$a:$SP" <<<"$t" &&
		grep -qxF "$a:$((SP + 1))" <<<"$t"; then
		pass "bind-interface unset, no default route: SIP listens on $a:$SP (UDP and TCP) and $a:$((SP + 1)) (TLS)"
	else
		fail "bind-interface unset, no default route: SIP listens on $a:$SP (UDP and TCP) and $((SP + 1)) (TLS)" \
			"udp: $(tr '\n' ' ' <<<"$u"); tcp: $(tr '\n' ' ' <<<"$t")"
	fi
done
# 1008's registration over TLS as Kamailio 10.1.0.1 records it: the
# phone (PID $1) connected from 10.1.0.1, Via and Contact 10.1.0.1 with
# the TLS port; tls_1008_seen says what was seen.
tls_1008_ok() {
	[ "$(contact_hp "$KB" 1008) $(via_of "$KB" 1008)" = "10.1.0.1:$((SP + 1)) TLS 10.1.0.1:$((SP + 1))" ] &&
		kam_contact "$KB" 1008 | grep -q 'transport=tls' &&
		conn_from "$1" 10.1.0.1 "10.1.0.1:$KBT" &&
		grep -q "kam: via of 1008 over tls from 10.1.0.1:" "$(kam_dir "$KB")/kamailio.log"
}
tls_1008_seen() {
	echo "contact and via: $(contact_hp "$KB" 1008) $(via_of "$KB" 1008);" \
		"$(grep 'kam: via of 1008' "$(kam_dir "$KB")/kamailio.log" | tail -1)"
}
# With no default route baresip makes no TLS context: sipaddr's own,
# configured by siptls (the test CA, the server's name checked), lets
# 1008 register over TLS, from 10.1.0.1 and with Via and Contact saying so.
if kam_wait_registered "$KB" 1008 8; then
	if tls_1008_ok "$pid"; then
		pass "bind-interface unset, no default route: 1008 registers over TLS from 10.1.0.1, Via and Contact (Kamailio's records) 10.1.0.1:$((SP + 1))"
	else
		fail "bind-interface unset, no default route: 1008 over TLS: Via and Contact 10.1.0.1:$((SP + 1))" \
			"$(tls_1008_seen)"
	fi
else
	fail "bind-interface unset, no default route: 1008 registers over TLS" \
		"$(S -c 'show registrations' 2>&1; phone_log | grep -i 'sipaddr\|siptls\|tls' | tail -5)"
fi

# Every REGISTER leaves from the address toward its registrar, and its
# Via and Contact say that address.
v=$(sent_by all 'sip.Method == "REGISTER"')
bad=$(awk -v p="$SP" '{s = $1 ~ /:/ ? "[" $1 "]" : $1;
	if ($2 != s ":" p && !($2 == $1 ":" p)) print; else if ($3 != s ":" p) print}' <<<"$v")
if [ -n "$v" ] && [ -z "$bad" ] && [ "$(awk '{print $1}' <<<"$v" | sort -u | wc -l)" = 3 ]; then
	pass "bind-interface unset: every REGISTER's Via and Contact carry its source address (3 sources)"
else
	fail "bind-interface unset: every REGISTER's Via and Contact carry its source address" \
		"$(head -c 600 <<<"${bad:-$v}")"
fi
# SIP DiffServ (cs3, DSCP 24 by default) holds from every address.
v=$(cap_read all 'sip.Method == "REGISTER" && udp' ip.src ipv6.src ip.dsfield.dscp ipv6.tclass.dscp |
	awk -F'\t' '{print ($1 != "" ? $1 : $2), ($3 != "" ? $3 : $4)}' | sort -u)
if [ "$(awk '{print $1}' <<<"$v" | sort -u | wc -l)" = 3 ] && ! awk '$2 != 24' <<<"$v" | grep -q .; then
	pass "bind-interface unset: every REGISTER over UDP has SIP DiffServ DSCP 24, from each of the 3 sources"
else
	fail "bind-interface unset: every REGISTER over UDP has SIP DiffServ DSCP 24" "$(tr '\n' ' ' <<<"$v")"
fi
# A response leaves from the address its request came to, even when the
# route back to the sender starts at another one: an OPTIONS from
# 127.0.0.1 to 10.1.0.1 on a socket connected to 10.1.0.1, which takes no
# datagram from any other address.
opt=$(python3 - "$SP" <<'PY' 2>&1
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.connect(("10.1.0.1", port))
me = s.getsockname()[1]
s.send(("OPTIONS sip:1002@10.1.0.1:%d SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKaddr%d;rport\r\n"
        "Max-Forwards: 5\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\n"
        "To: <sip:1002@10.1.0.1>\r\nCall-ID: addr%d@probe\r\n"
        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        % (port, me, me, me)).encode())
s.settimeout(2)
try:
    print(s.recv(65535).decode(errors="replace").split("\r\n")[0])
except socket.timeout:
    print("no answer")
PY
)
if [[ $opt == "SIP/2.0 200 "* ]]; then
	pass "bind-interface unset: a request to 10.1.0.1 from 127.0.0.1 is answered from 10.1.0.1"
else
	fail "bind-interface unset: a request to 10.1.0.1 from 127.0.0.1 is answered from 10.1.0.1" "$opt"
fi

# Over TCP each connection comes from the address toward its registrar,
# and each account's Contact there says that address with the TCP
# listening port (libre alone writes its first TCP transport's address,
# 127.0.0.1, into every one).
for a in "1005 $KB 10.1.0.1" "1006 $KA 127.0.0.1" "1007 $KC [fd00:1::1]"; do
	read -r u k hp <<<"$a"
	if [ "$(contact_hp "$k" "$u")" = "$hp:$SP" ] &&
		kam_contact "$k" "$u" | grep -q 'transport=tcp' &&
		conn_from "$pid" "$hp" "$hp:$k"; then
		pass "bind-interface unset: over TCP, $u's connection and Contact are $hp (port $SP)"
	else
		fail "bind-interface unset: over TCP, $u's connection and Contact are $hp" \
			"contact $(kam_contact "$k" "$u"); $(ss -Htnp | grep "pid=$pid,")"
	fi
done
# From the packets: every REGISTER over TCP has the Via and Contact of its
# connection's source address, with the listening port, from 3 sources.
v=$(sent_by_tcp all 'sip.Method == "REGISTER"' | sort -u)
bad=$(awk -v p="$SP" '{s = $1 ~ /:/ ? "[" $1 "]" : $1;
	if (($2 != s ":" p && $2 != $1 ":" p) || $3 != s ":" p || $4 != "TCP") print}' <<<"$v")
if [ -n "$v" ] && [ -z "$bad" ] && [ "$(awk '{print $1}' <<<"$v" | sort -u | wc -l)" = 3 ]; then
	pass "bind-interface unset: every REGISTER over TCP carries its connection's address with port $SP in Via and Contact (3 sources)"
else
	fail "bind-interface unset: every REGISTER over TCP carries its connection's address in Via and Contact" \
		"$(head -c 600 <<<"${bad:-$v}")"
fi
# sipaddr's own TLS context checks the server as siptls configures it:
# with another CA trusted, 1008 does not register and says why.
{
	printf 'sip\n no trusted-ca\n trusted-ca\n'
	cat "$T/other.pem"
	printf 'quit\n!\n'
} >"$T/other.in"
S -f "$T/other.in" >"$T/other.out" 2>&1
wait_for 10 reg_is 8 failed
if reg_is 8 failed && S -c 'show registrations' 2>&1 | grep -qi 'certificate verification failed' &&
	phone_log | grep -q 'siptls: .*1008.*registration failed: TLS: certificate verification failed'; then
	pass "bind-interface unset, no default route: with another CA trusted, 1008 fails over TLS and says the certificate"
else
	fail "bind-interface unset, no default route: with another CA trusted, 1008 fails over TLS" \
		"$(S -c 'show registrations' 2>&1; phone_log | grep -i 'siptls' | tail -3)"
fi
phone_down

# --- Localnet and STUN server ---------------------------------------------
# With a default route now (the outside way), baresip's own transports are
# on 192.0.2.1, with TLS; baresip's SDP says 192.0.2.1 to everyone.
ip route add default via 192.0.2.254 dev wan1 ||
	fail "t-addr: a default route" "ip route failed"
KAM_HOST=192.0.2.1 kam_start "$KO" provider.test 2001:s4 2002:s9 ||
	{ fail "kamailio on 192.0.2.1" "see above"; exit 0; }
python3 "$TOP/tests/tools/stun_nat.py" 192.0.2.1 "$STUNP" "$MAPPED" 100 \
	"$T/stun.log" 120 </dev/null >"$T/stun.out" 2>&1 &
STUN_PID=$!
TEST_PIDS+=("$!")
wait_for 5 grep -qx ready "$T/stun.log" || fail "the STUN responder starts" "$(cat "$T/stun.out")"

# Over TCP: 1006 inside (127.0.0.1), 2002 outside; over TLS: 1008 to
# 10.1.0.1 while baresip's own first TLS transport is on 192.0.2.1.
{
	cat <<EOF
sip
 no localnet
 localnet 127.0.0.0/8
 localnet 10.0.0.0/8
 localnet fd00::/8
 stun-server 192.0.2.1:$STUNP
 no trusted-ca
 trusted-ca
EOF
	cat "$T/ca.pem"
	cat <<EOF
quit
!
no account 2
no account 3
no account 5
account 4
 user 2001
 password s4
 registrar 192.0.2.1:$KO
!
account 7
 user 2002
 password s9
 registrar 192.0.2.1:$KO
 transport tcp
!
line 0
 account 1
!
line 1
 account 4
!
line 2
 account 7
!
line 3
 account 6
!
EOF
} >"$T/nat.in"
check "localnet + stun-server: the configuration is committed" S -f "$T/nat.in"
check "localnet + stun-server: the accounts name sipaddr's media NAT" \
	grep -q ';medianat=sipaddr;stunserver=stun:192.0.2.1:3478' "$SIPSH_RUNDIR/baresip/accounts"

cap_start nat "udp port $SP or udp portrange $RTP-$RTP_END or udp port $STUNP or tcp port $KA or tcp port $KO"
phone_start "localnet + stun-server"
kam_wait_registered "$KA" 1001 8 || fail "localnet: 1001 registers inside" "$(S -c 'show registrations' 2>&1)"
kam_wait_registered "$KO" 2001 8 || fail "localnet: 2001 registers outside" "$(S -c 'show registrations' 2>&1)"
expect "localnet: inside, Kamailio 127.0.0.1 records the local Contact" \
	"127.0.0.1:$SP" "$(contact_hp "$KA" 1001)"
expect "STUN server: outside, Kamailio 192.0.2.1 records the STUN-mapped Contact" \
	"$MAPPED:$((SP + 100))" "$(contact_hp "$KO" 2001)"
kam_wait_registered "$KA" 1006 8 || fail "localnet: 1006 registers inside over TCP" "$(S -c 'show registrations' 2>&1)"
kam_wait_registered "$KO" 2002 8 || fail "localnet: 2002 registers outside over TCP" "$(S -c 'show registrations' 2>&1)"
kam_wait_registered "$KB" 1008 8 || fail "1008 registers over TLS" "$(S -c 'show registrations' 2>&1)"
expect "localnet over TCP: inside, Kamailio 127.0.0.1 records 1006's local Contact" \
	"127.0.0.1:$SP" "$(contact_hp "$KA" 1006)"
expect "STUN server over TCP: outside, Kamailio 192.0.2.1 records 2002's Contact: the mapped address, the TCP listening port" \
	"$MAPPED:$SP" "$(contact_hp "$KO" 2002)"
# baresip's own TLS transport (the first) is on 192.0.2.1; the connection
# to 10.1.0.1 comes from 10.1.0.1.
if tls_1008_ok "$(phone_pid)"; then
	pass "over TLS: 1008's connection, Via and Contact (Kamailio 10.1.0.1's records) are 10.1.0.1:$((SP + 1)), not baresip's first TLS transport's 192.0.2.1"
else
	fail "over TLS: 1008's connection, Via and Contact are 10.1.0.1:$((SP + 1))" \
		"$(tls_1008_seen)"
fi

# --- A network change ---------------------------------------------------------
# The default route moves to wan0: at its next check (every 60 s) baresip
# sees its address change, flushes every transport and registers again at
# once. sipaddr puts its transports and hooks back before those REGISTERs
# leave and holds the outside ones until the binding on the new socket
# answers: Kamailio saves only the mapped Contact. (Done before any
# request comes in: a server transaction holds its socket, and so its
# port, for up to 32 s after a flush, as sipsh.conf(5) says.)
KLOG="$(kam_dir "$KO")/kamailio.log"
nreg() { grep -c 'kam: REGISTER 2001 ok contact' "$KLOG"; }
n0=$(nreg)
more_regs() { [ "$(nreg)" -ge $((n0 + 2)) ]; }
cap_start change "udp port $SP"
ip route replace default via 10.1.0.254 dev wan0
if wait_for 80 grep -q 'local IPv4 address changed' "$SIPSH_RUNDIR/log/current" &&
	_kam_poll 8 more_regs; then
	cap_stop change
	v=$(sent_by change 'sip.Method == "REGISTER" && ip.dst == 192.0.2.1' | sort -u)
	expect "network change: every REGISTER outside after the rebuild carries the mapping" \
		"192.0.2.1 $MAPPED:$((SP + 100)) $MAPPED:$((SP + 100))" "$v"
	v=$(grep 'kam: REGISTER 2001 ok contact' "$KLOG" | tail -n +$((n0 + 1)) |
		sed -n 's/.*contact <*sip:[^@]*@\([^;>]*\).*/\1/p' | sort -u)
	expect "network change: Kamailio 192.0.2.1 saved only the mapped Contact since" \
		"$MAPPED:$((SP + 100))" "$v"
else
	cap_stop change
	fail "network change: baresip rebuilds its transports and registers again" \
		"$(phone_log | grep -i 'net:\|sipaddr' | tail -5); $(tail -3 "$KLOG")"
fi

pid=$(phone_pid)
t=$(ss -Htlnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sort)
for a in 127.0.0.1 10.1.0.1 192.0.2.1 '[::1]' '[fd00:1::1]'; do
	if grep -qxF "$a:$((SP + 1))" <<<"$t"; then
		pass "bind-interface unset, a default route: SIP over TLS listens on $a:$((SP + 1))"
	else
		fail "bind-interface unset, a default route: SIP over TLS listens on $a:$((SP + 1))" \
			"tcp: $(tr '\n' ' ' <<<"$t")"
	fi
done

# A call from each line: the INVITE inside and the INVITE outside, over
# UDP (lines 0, 1) and over TCP (lines 3, 2).
S -c 'dial 0 1009' >/dev/null 2>&1
S -c 'dial 1 2009' >/dev/null 2>&1
S -c 'dial 2 2009' >/dev/null 2>&1
S -c 'dial 3 1009' >/dev/null 2>&1
wait_for 8 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -c '\"id\"' | grep -qx 0"
sleep 0.5
for l in 0 1 2 3; do S -c "hangup $l" >/dev/null 2>&1; done
wait_for 5 no_calls
cap_stop nat

# Over TCP, from the packets: REGISTERs and INVITEs inside carry the local
# address, outside the mapped address with the TCP listening port; the
# SDP outside the media sockets' mappings.
v=$(sent_by_tcp nat 'sip.Method == "REGISTER" && ip.dst == 127.0.0.1' | sort -u)
expect "localnet over TCP: REGISTERs inside: source, Via and Contact all 127.0.0.1" \
	"127.0.0.1 127.0.0.1:$SP 127.0.0.1:$SP TCP" "$v"
v=$(sent_by_tcp nat 'sip.Method == "REGISTER" && ip.dst == 192.0.2.1' | sort -u)
expect "STUN server over TCP: REGISTERs outside: from 192.0.2.1, Via and Contact $MAPPED:$SP" \
	"192.0.2.1 $MAPPED:$SP $MAPPED:$SP TCP" "$v"
v=$(sent_by_tcp nat 'sip.Method == "INVITE" && ip.dst == 127.0.0.1' | sort -u)
expect "localnet over TCP: INVITEs inside: source, Via and Contact all 127.0.0.1" \
	"127.0.0.1 127.0.0.1:$SP 127.0.0.1:$SP TCP" "$v"
v=$(sent_by_tcp nat 'sip.Method == "INVITE" && ip.dst == 192.0.2.1' | sort -u)
expect "STUN server over TCP: INVITEs outside: from 192.0.2.1, Via and Contact $MAPPED:$SP" \
	"192.0.2.1 $MAPPED:$SP $MAPPED:$SP TCP" "$v"
for side in "127.0.0.1 127.0.0.1 inside" "192.0.2.1 $MAPPED outside"; do
	read -r dst addr what <<<"$side"
	v=$(cap_tcp nat "sip.Method == \"INVITE\" && ip.dst == $dst" \
		sdp.connection_info.address sdp.owner.address sdp.media.port | sort -u)
	read -r vc vo vp <<<"$v"
	lp=$vp
	[ "$what" = outside ] && lp=$((vp - 100))
	if [ -n "$v" ] && [ "$(wc -l <<<"$v")" = 1 ] && [ "$vc" = "$addr" ] && [ "$vo" = "$addr" ] &&
		[ "$lp" -ge "$RTP" ] && [ "$lp" -le "$RTP_END" ] &&
		{ [ "$what" = inside ] || grep -qx "192.0.2.1 $lp $MAPPED $vp" "$T/stun.log"; }; then
		pass "over TCP: the SDP $what offers $addr (c=, o=) and port $vp"
	else
		fail "over TCP: the SDP $what offers $addr" "$v"
	fi
done

v=$(sent_by nat 'sip.Method == "REGISTER" && ip.dst == 127.0.0.1' | sort -u)
expect "localnet: REGISTERs inside: source, Via and Contact all 127.0.0.1" \
	"127.0.0.1 127.0.0.1:$SP 127.0.0.1:$SP" "$v"
v=$(sent_by nat 'sip.Method == "REGISTER" && ip.dst == 192.0.2.1' | sort -u)
expect "STUN server: REGISTERs outside: from 192.0.2.1, Via and Contact mapped" \
	"192.0.2.1 $MAPPED:$((SP + 100)) $MAPPED:$((SP + 100))" "$v"

sdp_of() {
	cap_read nat "sip.Method == \"INVITE\" && ip.dst == $1 && udp" \
		sdp.connection_info.address sdp.owner.address sdp.media.port |
		sort -u
}
inv_in=$(sent_by nat 'sip.Method == "INVITE" && ip.dst == 127.0.0.1' | sort -u)
inv_out=$(sent_by nat 'sip.Method == "INVITE" && ip.dst == 192.0.2.1' | sort -u)
expect "localnet: INVITEs inside: source, Via and Contact all 127.0.0.1" \
	"127.0.0.1 127.0.0.1:$SP 127.0.0.1:$SP" "$inv_in"
expect "STUN server: INVITEs outside: from 192.0.2.1, Via and Contact mapped" \
	"192.0.2.1 $MAPPED:$((SP + 100)) $MAPPED:$((SP + 100))" "$inv_out"

s_in=$(sdp_of 127.0.0.1)
s_out=$(sdp_of 192.0.2.1)
read -r c_in o_in p_in <<<"$s_in"
read -r c_out o_out p_out <<<"$s_out"
if [ "$(wc -l <<<"$s_in")" = 1 ] && [ "$c_in" = 127.0.0.1 ] && [ "$o_in" = 127.0.0.1 ] &&
	[ "$p_in" -ge "$RTP" ] && [ "$p_in" -le "$RTP_END" ]; then
	pass "localnet: the SDP inside offers 127.0.0.1 (c=, o=) and a local RTP port ($p_in)"
else
	fail "localnet: the SDP inside offers 127.0.0.1 and a local RTP port" "$s_in"
fi
# The mapped media port is the one the responder gave that RTP socket.
if [ "$(wc -l <<<"$s_out")" = 1 ] && [ "$c_out" = "$MAPPED" ] && [ "$o_out" = "$MAPPED" ] &&
	grep -qx "192.0.2.1 $((p_out - 100)) $MAPPED $p_out" "$T/stun.log" &&
	[ "$((p_out - 100))" -ge "$RTP" ] && [ "$((p_out - 100))" -le "$RTP_END" ]; then
	pass "STUN server: the SDP outside offers $MAPPED (c=, o=) and the RTP socket's mapped port ($p_out)"
else
	fail "STUN server: the SDP outside offers the mapped address and port" \
		"$s_out; stun log: $(tr '\n' ' ' <<<"$(tail -5 "$T/stun.log")")"
fi
# Answers: an INVITE from each side straight to the phone (no Kamailio),
# answered on the line; the 180 and 200 carry the address toward the
# caller.
incoming() {
	local laddr=$1 lport=$2 user=$3 line=$4
	SIP_INVITE_ADDR=$laddr python3 "$TOP/tests/tools/sip_invite.py" "$lport" \
		"$laddr" "$SP" "sip:$user@$laddr:$SP" 4 >"$T/inv-$lport.out" 2>&1 &
	TEST_PIDS+=("$!")
	local ipid=$!
	if wait_for 3 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"direction\":\"in\"'"; then
		S -c "answer $line" >/dev/null 2>&1
		wait_for 3 grep -q '^SIP/2.0 200' "$T/inv-$lport.out"
	fi
	wait "$ipid" 2>/dev/null
	S -c "hangup $line" >/dev/null 2>&1
	wait_for 5 no_calls
}
cap_start ans "udp port $SP"
incoming 127.0.0.1 5090 1001 0
incoming 192.0.2.1 5092 2001 1
cap_stop ans
for side in "127.0.0.1 5090 127.0.0.1:$SP 127.0.0.1 inside localnet: local" \
	"192.0.2.1 5092 $MAPPED:$((SP + 100)) $MAPPED outside localnet: STUN-mapped"; do
	read -r ip port hp addr what <<<"$side"
	v=$(cap_read ans "sip.Status-Code == 200 && udp.dstport == $port && sdp" \
		ip.src sip.contact.uri sdp.connection_info.address sdp.owner.address \
		sdp.media.port | sort -u)
	r=$(cap_read ans "sip.Status-Code == 180 && udp.dstport == $port" sip.contact.uri | sort -u)
	read -r vs vc vca voa vmp <<<"$v"
	if [ "$(wc -l <<<"$v")" = 1 ] && [ "$vs" = "$ip" ] && [ "${vc#*@}" = "$hp" ] &&
		[ "$vca" = "$addr" ] && [ "$voa" = "$addr" ] && [ "${r#*@}" = "$hp" ] &&
		[ "$((vmp - ${hp##*:} + SP))" -ge "$RTP" ] && [ "$((vmp - ${hp##*:} + SP))" -le "$RTP_END" ]; then
		pass "${what% *} answer (180, 200) ${what##*: }: from $ip, Contact $hp, SDP c= and o= $addr (port $vmp)"
	else
		fail "${what% *} answer: from $ip, Contact $hp, SDP $addr" "200: $v; 180: $r; caller: $(tr '\n' ' ' <"$T/inv-$port.out")"
	fi
done

# An answer over TCP on the phone's own connection: 1001 (line 0, UDP)
# calls 1006 (line 3), whom Kamailio reaches over the connection 1006's
# REGISTER came on. libre alone would write that connection's ephemeral
# port into the 180's and 200's Contact.
cap_start ans2 "tcp port $KA"
S -c 'dial 0 1006' >/dev/null 2>&1
if wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"direction\":\"in\"'"; then
	S -c 'answer 3' >/dev/null 2>&1
	wait_for 3 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -q '\"state\":\"established\"'"
fi
sleep 0.3
S -c 'hangup 3' >/dev/null 2>&1
S -c 'hangup 0' >/dev/null 2>&1
wait_for 5 no_calls
cap_stop ans2
v=$(cap_tcp ans2 "(sip.Status-Code == 180 || sip.Status-Code == 200) && sip.CSeq.method == \"INVITE\" && tcp.dstport == $KA" \
	sip.Status-Code tcp.srcport sip.contact.uri | sort -u |
	awk '{c = $3; sub(/^[^@]*@/, "", c); sub(/[;>].*$/, "", c); print $1, ($2 == p ? "listener" : "own"), c}' p="$SP")
expect "over TCP: the answer (180, 200) on the phone's own connection carries Contact 127.0.0.1:$SP, not the connection's port" \
	"180 own 127.0.0.1:$SP
200 own 127.0.0.1:$SP" "$v"

v=$(grep -c "^192.0.2.1 $SP $MAPPED $((SP + 100))\$" "$T/stun.log")
if [ "$v" -ge 1 ]; then
	pass "STUN server: the SIP socket asked for its own mapping ($v binding requests from port $SP)"
else
	fail "STUN server: the SIP socket asked for its own mapping" "$(head -5 "$T/stun.log")"
fi
v=$(phone_log | grep -c 'sipaddr:.*\(layout\|cannot\|no SIP/UDP\)')
expect "sipaddr proved libre's layout and hooked every socket (no warning in the phone's log)" 0 "$v"

# --- The STUN server gone ----------------------------------------------------
# A call's media asks again and gets no answer: the call goes on after at
# most 2 s, offering its local media address outside too; SIP keeps the
# mapping it has.
kill "$STUN_PID" 2>/dev/null
wait "$STUN_PID" 2>/dev/null
cap_start gone "udp port $SP"
S -c 'dial 1 2009' >/dev/null 2>&1
wait_for 8 sh -c "'$SIPSH' -C '$C' -c 'show calls | json' | grep -c '\"id\"' | grep -qx 0"
S -c 'hangup 1' >/dev/null 2>&1
wait_for 5 no_calls
cap_stop gone
v=$(cap_read gone 'sip.Method == "INVITE" && ip.dst == 192.0.2.1' \
	sip.contact.uri sdp.connection_info.address sdp.media.port | sort -u | head -1)
read -r vc vca vmp <<<"$v"
if [ "${vc#*@}" = "$MAPPED:$((SP + 100))" ] && [ "$vca" = 192.0.2.1 ] &&
	[ "$vmp" -ge "$RTP" ] && [ "$vmp" -le "$RTP_END" ] &&
	phone_log | grep -q 'sipaddr: no STUN answer for the call.s media'; then
	pass "STUN server gone: the call outside still goes, SDP local (192.0.2.1 port $vmp), Contact still mapped"
else
	fail "STUN server gone: the call outside still goes with its local SDP" \
		"INVITE: '$v'; log: $(phone_log | grep sipaddr | tail -3)"
fi

# A phone that starts with no STUN answer holds SIP to the outside at
# most 3 s, then registers with its local address.
phone_down
phone_start "STUN server gone"
if kam_wait_registered "$KO" 2001 10 && _kam_poll 8 contact_is "$KO" 2001 "192.0.2.1:$SP" &&
	phone_log | grep -q 'sipaddr: no answer from STUN server 192.0.2.1:3478'; then
	pass "STUN server gone at start: after the wait, 2001 registers outside with its local Contact 192.0.2.1:$SP"
else
	fail "STUN server gone at start: 2001 registers with its local Contact" \
		"$(kam_contact "$KO" 2001); $(phone_log | grep sipaddr | tail -3)"
fi
if _kam_poll 8 contact_is "$KO" 2002 "192.0.2.1:$SP"; then
	pass "STUN server gone at start: over TCP too, 2002 registers outside with its local Contact 192.0.2.1:$SP"
else
	fail "STUN server gone at start: over TCP, 2002 registers with its local Contact" \
		"$(kam_contact "$KO" 2002)"
fi
phone_down

# --- A bind interface with STUN ---------------------------------------------
# SIP on wan0's 10.1.0.1 only: every message leaves from it, and the STUN
# binding runs on that socket too, so outside the mapping of 10.1.0.1:SP
# shows, inside 10.1.0.1.
python3 "$TOP/tests/tools/stun_nat.py" 192.0.2.1 "$STUNP" "$MAPPED" 100 \
	"$T/stun2.log" 60 </dev/null >"$T/stun2.out" 2>&1 &
TEST_PIDS+=("$!")
wait_for 5 grep -qx ready "$T/stun2.log" || fail "the STUN responder starts again" "$(cat "$T/stun2.out")"
check "bind-interface wan0 + stun-server: the configuration is committed" \
	S -c sip -c 'bind-interface wan0'
cap_start bound "udp port $SP"
phone_start "bind-interface wan0 + stun-server"
_kam_poll 8 contact_is "$KO" 2001 "$MAPPED:$((SP + 100))"
_kam_poll 8 contact_is "$KA" 1001 "10.1.0.1:$SP"
cap_stop bound
expect "bind-interface wan0 + stun-server: outside, Kamailio records the mapping of 10.1.0.1:$SP" \
	"$MAPPED:$((SP + 100))" "$(contact_hp "$KO" 2001)"
expect "bind-interface wan0 + stun-server: inside, Kamailio records 10.1.0.1:$SP" \
	"10.1.0.1:$SP" "$(contact_hp "$KA" 1001)"
# Over TCP the connections are bound to the interface's address as well.
_kam_poll 8 contact_is "$KO" 2002 "$MAPPED:$SP"
_kam_poll 8 contact_is "$KA" 1006 "10.1.0.1:$SP"
if [ "$(contact_hp "$KA" 1006)" = "10.1.0.1:$SP" ] && conn_from "$(phone_pid)" 10.1.0.1 "127.0.0.1:$KA"; then
	pass "bind-interface wan0 over TCP: inside, the connection to 127.0.0.1 comes from 10.1.0.1 and Kamailio records 10.1.0.1:$SP"
else
	fail "bind-interface wan0 over TCP: inside, the connection and Contact are 10.1.0.1" \
		"contact $(kam_contact "$KA" 1006); $(ss -Htnp | grep "pid=$(phone_pid),")"
fi
if [ "$(contact_hp "$KO" 2002)" = "$MAPPED:$SP" ] && conn_from "$(phone_pid)" 10.1.0.1 "192.0.2.1:$KO"; then
	pass "bind-interface wan0 over TCP: outside, the connection comes from 10.1.0.1 and Kamailio records $MAPPED:$SP"
else
	fail "bind-interface wan0 over TCP: outside, the connection from 10.1.0.1, the Contact mapped" \
		"contact $(kam_contact "$KO" 2002); $(ss -Htnp | grep "pid=$(phone_pid),")"
fi
v=$(sent_by bound 'sip.Method == "REGISTER"' | sort -u)
expect "bind-interface wan0 + stun-server: REGISTERs leave from 10.1.0.1 only, Via and Contact as recorded" \
	"10.1.0.1 10.1.0.1:$SP 10.1.0.1:$SP
10.1.0.1 $MAPPED:$((SP + 100)) $MAPPED:$((SP + 100))" "$v"
if grep -qx "10.1.0.1 $SP $MAPPED $((SP + 100))" "$T/stun2.log"; then
	pass "bind-interface wan0 + stun-server: the binding ran on the bound socket 10.1.0.1:$SP"
else
	fail "bind-interface wan0 + stun-server: the binding ran on the bound socket" "$(head -3 "$T/stun2.log")"
fi
phone_down
