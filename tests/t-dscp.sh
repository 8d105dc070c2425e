#!/usr/bin/env bash
# SIP DiffServ from the first packet over TCP and TLS: with diffserv sip
# af41 (DSCP 34), the phone's REGISTERs to a real Kamailio over TCP and
# over TLS are captured on lo from the phone's start. The SYN of each new
# connection, the first REGISTER over TCP, the TLS ClientHello and every
# other packet the phone sends on them carry DSCP 34 (sipwire marks the
# socket before libre connects it). A TCP connection opened to the
# phone's SIP port gets a SYN-ACK with DSCP 34 (the listener is marked;
# the accepted socket inherits it), and so on 127.0.0.1 and on ::1 once
# bind-interface is unset and the phone listens on every address (sipaddr;
# baresip then makes no TLS transport in a namespace with only lo, so TLS
# is checked with bind-interface lo).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

KP=$((21000 + $$ % 500 * 8))    # Kamailio UDP/TCP; its TLS on KP+1
TP=$((KP + 1))
SP=$((KP + 2))                  # the phone (its TLS listener on SP+1)
RTP=$((2000 + $$ % 500 * 20))
DSCP=34
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
trap 'phone_down; cleanup' EXIT


if ! command -v tshark >/dev/null || ! [ -e "$SIPSH_MODDIR/sipwire.so" ]; then
	fail "t-dscp prerequisites" "needs tshark and build/baresip-mods/sipwire.so"
	exit 0
fi

# dscp_is NAME FILTER [FIELD]: every packet matching FILTER (at least one)
# has DSCP $DSCP.
dscp_is() {
	local v
	v=$(cap_read c "$2" "${3:-ip.dsfield.dscp}" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	if [ -n "$v" ] && [ "$(cap_read c "$2" "${3:-ip.dsfield.dscp}" | sort -u)" = "$DSCP" ]; then
		pass "$1"
	else
		fail "$1" "count dscp: ${v:-no packet}"
	fi
}

ec='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'
# shellcheck disable=SC2086
{
	openssl req -x509 $ec -keyout "$T/ca.key" -out "$T/ca.pem" \
		-subj "/CN=sipsh DSCP test CA" -days 2 &&
	openssl req $ec -keyout "$T/srv.key" -out "$T/srv.csr" -subj "/CN=127.0.0.1" &&
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/srv.ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/srv.pem" -days 2 -extfile "$T/srv.ext"
} >"$T/openssl.log" 2>&1 || { fail "test certificates" "$(cat "$T/openssl.log")"; exit 0; }

export KAM_TLS_CERT=$T/srv.pem KAM_TLS_KEY=$T/srv.key
if ! kam_start "$KP" sipsh.test 1001:secret1 1002:secret2; then
	fail "kamailio with a TLS listener starts" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
	exit 0
fi

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 diffserv sip af41
 register-interval 60
 trusted-ca
EOF
	cat "$T/ca.pem"
	cat <<EOF
quit
!
account 1
 user 1001
 password secret1
 transport tcp
 registrar 127.0.0.1:$KP
!
account 2
 user 1002
 password secret2
 transport tls
 registrar 127.0.0.1:$TP
!
EOF
} >"$T/setup.in"
check "the configuration (af41, TCP and TLS accounts) is committed" S -f "$T/setup.in"

# Everything from before the phone starts: its first connections too.
cap_start c "tcp port $KP or tcp port $TP or tcp port $SP" ||
	{ fail "capture starts" "see $T/c.tshark.log"; exit 0; }
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
if wait_for 20 reg_is 1 registered && wait_for 10 reg_is 2 registered &&
	kam_lookup "$KP" 1001 Socket | grep -q '^tcp:' &&
	kam_lookup "$KP" 1002 Socket | grep -q '^tls:'; then
	pass "it registers over TCP and over TLS"
else
	fail "it registers over TCP and over TLS" "$(S -c "show registrations" 2>&1; grep -i "tls\|transp\|sipaddr" "$SIPSH_RUNDIR"/log/current | tail -20)"
fi

check "sipwire marks libre's TCP/TLS sockets before their first packet" \
	grep -q 'sipwire: SIP TCP/TLS sockets marked before their first packet' \
	"$SIPSH_RUNDIR/log/current"

# The listener: a connection to the phone's SIP TCP port.
timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SP" 2>/dev/null
cap_stop c

dscp_is "TCP: the SYN of the phone's connection has DSCP $DSCP" \
	"tcp.dstport == $KP && tcp.flags.syn == 1 && tcp.flags.ack == 0"
v=$(cap_read c "tcp.dstport == $KP && sip.Method == \"REGISTER\"" ip.dsfield.dscp | head -1)
if [ "$v" = "$DSCP" ]; then
	pass "TCP: the first REGISTER has DSCP $DSCP"
else
	fail "TCP: the first REGISTER has DSCP $DSCP" "${v:-no REGISTER}"
fi
dscp_is "TCP: every packet the phone sends to the registrar has DSCP $DSCP" \
	"tcp.dstport == $KP"
dscp_is "TLS: the SYN of the phone's connection has DSCP $DSCP" \
	"tcp.dstport == $TP && tcp.flags.syn == 1 && tcp.flags.ack == 0"
v=$(tshark -r "$(cap_file c)" -d "tcp.port==$TP,tls" \
	-Y "tcp.dstport == $TP && tls.handshake.type == 1" -T fields \
	-e ip.dsfield.dscp 2>/dev/null | sort -u)
if [ "$v" = "$DSCP" ]; then
	pass "TLS: the ClientHello has DSCP $DSCP"
else
	fail "TLS: the ClientHello has DSCP $DSCP" "${v:-no ClientHello}"
fi
dscp_is "TLS: every packet the phone sends to the registrar has DSCP $DSCP" \
	"tcp.dstport == $TP"
dscp_is "listener: the SYN-ACK from the phone's SIP TCP port has DSCP $DSCP" \
	"ip && tcp.srcport == $SP && tcp.flags.syn == 1 && tcp.flags.ack == 1"

# Every address: the listeners sipaddr adds are marked too.
check "bind-interface unset is committed" S -c sip -c 'no bind-interface'
wait_for 20 reg_is 1 registered
wait_for 20 sh -c "ss -tln | grep -q '\[::1\]:$SP '"
cap_start c "tcp port $SP" || { fail "capture starts" "see $T/c.tshark.log"; exit 0; }
for a in 127.0.0.1 ::1; do
	timeout 3 bash -c "exec 3<>/dev/tcp/$a/$SP" 2>/dev/null
done
cap_stop c
dscp_is "every address, 127.0.0.1: the SYN-ACK from the phone's SIP TCP port has DSCP $DSCP" \
	"ip && tcp.srcport == $SP && tcp.flags.syn == 1 && tcp.flags.ack == 1"
dscp_is "every address, ::1: the SYN-ACK from the phone's SIP port has DSCP $DSCP" \
	"ipv6 && tcp.srcport == $SP && tcp.flags.syn == 1 && tcp.flags.ack == 1" \
	ipv6.tclass.dscp
