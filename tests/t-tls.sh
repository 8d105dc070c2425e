#!/usr/bin/env bash
# SIP over TLS with the Advanced SIP TLS settings (tls-version, tls-cipher,
# trusted-ca), applied by our siptls module, against a real peer: Kamailio
# with a TLS listener and a server certificate for 127.0.0.1 from a test CA
# made here. Proven on the wire (tshark on the handshake) and by the
# registrar's location table: the right CA registers, another CA does not
# (and show registrations says it is the certificate), a lowest version of
# 1.3 against a 1.2-only server fails while 1.2 works, and a cipher the
# server does not offer fails while one it offers works. With a second
# TLS registrar under a DNS name (dnsmasq), each account's connection is
# checked against its own host: a certificate of the right CA but for
# another name is refused, the name goes out as SNI, and a certificate
# for the name registers. A transport rebuild forced inside the running
# baresip (uag_reset_transp, called with gdb, as a network change does)
# leaves no request a way out over an unverified connection. Cipher
# lists allowing anonymous or NULL suites are refused at commit. The
# system CA store is loaded only once it is needed (a TLS host, or a
# handshake), and always before a server's certificate is checked.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/dnsmasq.sh"
. "$TOP/tests/tools/kamailio.sh"

KP=$((26000 + $$ % 1000 * 4))   # Kamailio UDP/TCP; its TLS on KP+1
TP=$((KP + 1))
SP=$((KP + 2))                  # our phone (its TLS listener on SP+1)
KP2=$((15000 + $$ % 1000 * 4))  # a second Kamailio; its TLS on KP2+1
TP2=$((KP2 + 1))
DNSP=$((KP2 + 2))               # dnsmasq
RTP=$((2000 + $$ % 500 * 20))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
CAP_PID=

cap_stop() {
	[ -z "$CAP_PID" ] && return 0
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
trap 'cap_stop; phone_down; [ -n "${TLS_KEEP:-}" ] && cp -r "$SIPSH_RUNDIR" "$TLS_KEEP"; cleanup' EXIT

regs() { S -c 'show registrations' 2>&1; }
kam_ok_count() { grep -c "kam: REGISTER ${2:-1001} ok" "$(kam_dir "${1:-$KP}")/kamailio.log"; }
baresip_pid() { cat "$SIPSH_RUNDIR/sv/baresip/supervise/pid" 2>/dev/null; }
# in_phone GDB-COMMAND...: each command called inside the running baresip.
in_phone() {
	local a=() c
	for c in "$@"; do a+=(-ex "$c"); done
	timeout 30 gdb -q -p "$(baresip_pid)" -batch "${a[@]}" >"$T/gdb.out" 2>&1
}
# tls_app_data FILE PORT: TLS application data records the phone sent.
tls_app_data() { tshark -r "$1" -d "tcp.port==$2,tls" -Y "tls.record.content_type == 23 && tcp.dstport == $2" 2>/dev/null | wc -l; }

# cap_start FILE [FILTER]: capture the TLS port (or FILTER) on loopback
# until cap_stop.
cap_start() {
	dumpcap -q -i lo -f "${2:-tcp port $TP}" -w "$1" >/dev/null 2>&1 &
	CAP_PID=$!
	TEST_PIDS+=("$CAP_PID")
	wait_for 5 test -s "$1"
	sleep 0.3
}
# hs FILE FILTER FIELD: a field of the handshake messages matching FILTER.
hs() { tshark -r "$1" -d "tcp.port==$TP,tls" -d "tcp.port==$TP2,tls" -Y "$2" -T fields -e "$3" 2>/dev/null | sort -u | tr '\n' ' '; }

# new_streams FILE AWK-COND: TCP streams whose ClientHello ($2: its
# supported versions, $3: its cipher suites) meets AWK-COND; then
# no_server_hello FILE STREAMS: status 0 when there are such streams and
# none got a ServerHello. Other streams are the old phone's, restarted.
new_streams() {
	tshark -r "$1" -d "tcp.port==$TP,tls" -Y 'tls.handshake.type == 1' \
		-T fields -e tcp.stream -e tls.handshake.extensions.supported_version \
		-e tls.handshake.ciphersuite 2>/dev/null | awk -F'\t' "$2 {print \$1}" | sort -u
}
no_server_hello() {
	local f=$1 s
	shift
	[ $# -gt 0 ] || return 1
	for s in "$@"; do
		[ -z "$(hs "$f" "tcp.stream == $s && tls.handshake.type == 2" tls.handshake.version)" ] || return 1
	done
}

# conf_sip LINES...: sip-section changes in one commit (the phone restarts).
conf_sip() {
	local a=(-c sip) l
	for l in "$@"; do a+=(-c "$l"); done
	S "${a[@]}" >"$T/conf.out" 2>&1
}
# set_ca PEMFILE: trusted-ca replaced by the certificates of PEMFILE.
set_ca() {
	{
		printf 'sip\n no trusted-ca\n trusted-ca\n'
		cat "$1"
		printf 'quit\n!\n'
	} >"$T/ca.in"
	S -f "$T/ca.in" >"$T/conf.out" 2>&1
}

# dnsmasq answering other.sipsh.test with 127.0.0.1, as the phone's DNS.
dns_start --address=/other.sipsh.test/127.0.0.1 \
	--srv-host="_sips._tcp.other.sipsh.test,other.sipsh.test,$TP2" ||
	fail "dnsmasq starts" "$(tail -3 "$T/dnsmasq.out")"

# A test CA, a server certificate for 127.0.0.1 signed by it, another CA.
ec='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'
# shellcheck disable=SC2086
{
	openssl req -x509 $ec -keyout "$T/ca.key" -out "$T/ca.pem" \
		-subj "/CN=sipsh TLS test CA" -days 2 &&
	openssl req -x509 $ec -keyout "$T/other.key" -out "$T/other.pem" \
		-subj "/CN=sipsh other CA" -days 2 &&
	openssl req $ec -keyout "$T/srv.key" -out "$T/srv.csr" -subj "/CN=127.0.0.1" &&
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/srv.ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/srv.pem" -days 2 -extfile "$T/srv.ext" &&
	printf 'subjectAltName=DNS:other.sipsh.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$T/srv2.ext" &&
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/srv2.pem" -days 2 -extfile "$T/srv2.ext"
} >"$T/openssl.log" 2>&1 || { fail "test certificates" "$(cat "$T/openssl.log")"; exit 0; }

export KAM_TLS_CERT=$T/srv.pem KAM_TLS_KEY=$T/srv.key KAM_TLS_METHOD=TLSv1.2+
if ! kam_start "$KP" sipsh.test 1001:secret1; then
	fail "kamailio with a TLS listener starts" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
	exit 0
fi
pass "kamailio with a TLS listener starts"

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 60
 register-timeout 2
 tls-version 1.2
 trusted-ca
EOF
	cat "$T/ca.pem"
	cat <<EOF
quit
!
account 1
 user 1001
 password secret1
 transport tls
 registrar 127.0.0.1:$TP
!
system
 dns-server 127.0.0.1:$DNSP
!
EOF
} >"$T/setup.in"
check "the configuration is committed" S -f "$T/setup.in"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
B=$SIPSH_RUNDIR/baresip
check "the generator writes the siptls keys and the CA file" \
	sh -c "grep -q '^module.*siptls.so' '$B/config' &&
	       grep -q '^siptls_min_version.*1.2' '$B/config' &&
	       grep -q '^siptls_cafile.*trusted-ca.pem' '$B/config' &&
	       grep -q "^siptls_host[[:space:]]*127.0.0.1:$TP$" '$B/config' &&
	       test \"\$(stat -c %a '$B/trusted-ca.pem')\" = 644 &&
	       cmp -s '$B/trusted-ca.pem' '$T/ca.pem'"

# (1) The test CA as trusted-ca: it registers over TLS.
cap_start "$T/c1.pcap"
if wait_for 10 reg_is 1 registered && kam_wait_registered "$KP" 1001 3 &&
	kam_lookup "$KP" 1001 Socket | grep -q '^tls:'; then
	pass "(1) with the test CA trusted it registers over TLS"
else
	fail "(1) with the test CA trusted it registers over TLS" \
		"$(regs); socket: $(kam_lookup "$KP" 1001 Socket)"
fi
cap_stop
v=$(hs "$T/c1.pcap" 'tls.handshake.type == 1' tls.handshake.extensions_server_name)
if [ -z "${v// /}" ]; then
	pass "(1) no SNI is sent to an IP address"
else
	fail "(1) no SNI is sent to an IP address" "$v"
fi

# (2) Another CA as trusted-ca: no registration, and the reason shown.
set_ca "$T/other.pem"
wait_for 10 reg_is 1 failed
n0=$(kam_ok_count)   # after the old phone's un-REGISTER
if reg_is 1 failed &&
	regs | grep -qi 'certificate verification failed'; then
	pass "(2) with another CA it fails and says the certificate"
else
	fail "(2) with another CA it fails and says the certificate" "$(regs)"
fi
sleep 2
if [ "$(kam_ok_count)" = "$n0" ] && ! reg_is 1 registered; then
	pass "(2) with another CA the registrar saw no REGISTER"
else
	fail "(2) with another CA the registrar saw no REGISTER" \
		"$(kam_ok_count) vs $n0; $(regs)"
fi
set_ca "$T/ca.pem"
check "(2) the right CA again registers" wait_for 10 reg_is 1 registered

# (3) A TLS 1.2-only server: a lowest version of 1.3 fails, 1.2 works.
export KAM_TLS_METHOD=TLSv1.2
kam_restart "$KP"
wait_for 10 reg_is 1 registered   # the old settings' connection is up
cap_start "$T/c3a.pcap"
conf_sip 'tls-version 1.3'
wait_for 10 reg_is 1 failed
sleep 1
cap_stop
chv=$(hs "$T/c3a.pcap" 'tls.handshake.type == 1' tls.handshake.extensions.supported_version)
shv=$(hs "$T/c3a.pcap" 'tls.handshake.type == 2' tls.handshake.version)
# shellcheck disable=SC2046
if reg_is 1 failed && no_server_hello "$T/c3a.pcap" $(new_streams "$T/c3a.pcap" '$2 == "0x0304"') &&
	regs | grep -qi 'TLS:.*protocol'; then
	pass "(3) tls-version 1.3 against a 1.2-only server fails (ClientHello offers only 1.3)"
else
	fail "(3) tls-version 1.3 against a 1.2-only server fails" \
		"ClientHello versions '$chv' ServerHello '$shv'; $(regs)"
fi
cap_start "$T/c3b.pcap"
conf_sip 'tls-version 1.2'
wait_for 10 reg_is 1 registered
cap_stop
shv=$(hs "$T/c3b.pcap" 'tls.handshake.type == 2' tls.handshake.version)
if reg_is 1 registered && [ "$shv" = "0x0303 " ]; then
	pass "(3) tls-version 1.2 registers with a TLS 1.2 ServerHello"
else
	fail "(3) tls-version 1.2 registers with a TLS 1.2 ServerHello" \
		"ServerHello '$shv'; $(regs)"
fi

# (4) The server offers one cipher: another one fails, that one works.
export KAM_TLS_CIPHERS=ECDHE-ECDSA-AES256-GCM-SHA384
kam_restart "$KP"
wait_for 10 reg_is 1 registered   # the old settings' connection is up
cap_start "$T/c4a.pcap"
conf_sip 'tls-cipher ECDHE-ECDSA-AES128-GCM-SHA256'
wait_for 10 reg_is 1 failed
sleep 1
cap_stop
chc=$(hs "$T/c4a.pcap" 'tls.handshake.type == 1' tls.handshake.ciphersuite)
shc=$(hs "$T/c4a.pcap" 'tls.handshake.type == 2' tls.handshake.ciphersuite)
# shellcheck disable=SC2046
if reg_is 1 failed && no_server_hello "$T/c4a.pcap" $(new_streams "$T/c4a.pcap" '$3 ~ /0xc02b/ && $3 !~ /0xc02c/') &&
	regs | grep -qi 'TLS:.*handshake failure'; then
	pass "(4) a cipher the server does not offer fails the handshake"
else
	fail "(4) a cipher the server does not offer fails the handshake" \
		"ClientHello '$chc' ServerHello '$shc'; $(regs)"
fi
cap_start "$T/c4b.pcap"
conf_sip 'tls-cipher ECDHE-ECDSA-AES256-GCM-SHA384'
wait_for 10 reg_is 1 registered
cap_stop
shc=$(hs "$T/c4b.pcap" 'tls.handshake.type == 2' tls.handshake.ciphersuite)
if reg_is 1 registered && [ "$shc" = "0xc02c " ]; then
	pass "(4) the cipher the server offers registers (ServerHello 0xc02c)"
else
	fail "(4) the cipher the server offers registers" "ServerHello '$shc'; $(regs)"
fi

# (5) A second TLS registrar, under a name: account 2's connection is
# checked against that name, not account 1's host, and sends it as SNI.
# Its certificate is from the trusted CA but for 127.0.0.1 only.
if ! kam_start "$KP2" sipsh.test 1002:secret2; then
	fail "(5) a second kamailio with TLS starts" "$(tail -5 "$(kam_dir "$KP2")/kamailio.log")"
	exit 0
fi
cap_start "$T/c5a.pcap" "tcp port $TP2"
printf 'account 2\n user 1002\n password secret2\n transport tls\n registrar other.sipsh.test:%s\n!\n' \
	"$TP2" >"$T/acc2.in"
S -f "$T/acc2.in" >"$T/acc2.out" 2>&1
wait_for 10 reg_is 2 failed
sleep 1
cap_stop
sni=$(hs "$T/c5a.pcap" 'tls.handshake.type == 1' tls.handshake.extensions_server_name)
if reg_is 2 failed && regs | grep -q 'not for host other.sipsh.test' &&
	[ "$(kam_ok_count "$KP2" 1002)" = 0 ] && reg_is 1 registered; then
	pass "(5) a trusted certificate for another host is refused for account 2 (account 1 stays registered)"
else
	fail "(5) a trusted certificate for another host is refused for account 2" \
		"$(cat "$T/acc2.out"); $(regs)"
fi
if [ "$sni" = "other.sipsh.test " ]; then
	pass "(5) account 2's ClientHello carries SNI other.sipsh.test"
else
	fail "(5) account 2's ClientHello carries SNI other.sipsh.test" "SNI '$sni'"
fi
if grep -q "^siptls_host[[:space:]]*127.0.0.1:$TP\$" "$B/config" &&
	grep -q "^siptls_host[[:space:]]*other.sipsh.test:$TP2\$" "$B/config" &&
	! grep -q siptls_verify_host "$B/config"; then
	pass "(5) the generator writes one siptls_host per TLS host"
else
	fail "(5) the generator writes one siptls_host per TLS host" "$(grep siptls "$B/config")"
fi
KAM_TLS_CERT=$T/srv2.pem kam_restart "$KP2"
if wait_for 15 reg_is 2 registered && kam_wait_registered "$KP2" 1002 3; then
	pass "(5) a certificate for other.sipsh.test registers account 2"
else
	fail "(5) a certificate for other.sipsh.test registers account 2" "$(regs)"
fi

# (5) The same registrar found by SRV (no port given): the host is the
# domain, its addresses those of the SRV targets.
printf 'account 2\n registrar other.sipsh.test\n!\n' >"$T/acc2srv.in"
n2=$(kam_ok_count "$KP2" 1002)
S -f "$T/acc2srv.in" >"$T/acc2srv.out" 2>&1
if grep -q "^siptls_host[[:space:]]*other.sipsh.test\$" "$B/config" &&
	wait_for 15 sh -c "[ \$(grep -c 'kam: REGISTER 1002 ok' '$(kam_dir "$KP2")/kamailio.log') -gt $n2 ]" &&
	wait_for 5 reg_is 2 registered; then
	pass "(5) a TLS registrar found by SRV is checked against its domain and registers"
else
	fail "(5) a TLS registrar found by SRV is checked against its domain and registers" \
		"$(cat "$T/acc2srv.out"); $(grep -A3 "^account 2" "$C"); $(grep siptls_host "$B/config" | tr "\n" " "); $(regs)"
fi

# (6) A transport rebuild inside the running baresip, as a network change
# makes it: the new connections still verify (SNI and names), and with
# an untrusted server no request leaves, not even one sent before any
# REGISTERING (an OPTIONS, straight after the rebuild).
pid=$(baresip_pid)
n1=$(kam_ok_count "$KP" 1001)
n2=$(kam_ok_count "$KP2" 1002)
cap_start "$T/c6a.pcap" "tcp port $TP or tcp port $TP2"
in_phone 'call (int)uag_reset_transp(1, 1)'
wait_for 10 sh -c "[ \$(grep -c 'kam: REGISTER 1001 ok' '$(kam_dir "$KP")/kamailio.log') -gt $n1 ] &&
	[ \$(grep -c 'kam: REGISTER 1002 ok' '$(kam_dir "$KP2")/kamailio.log') -gt $n2 ]"
sleep 0.5
cap_stop
sni=$(hs "$T/c6a.pcap" "tls.handshake.type == 1 && tcp.dstport == $TP2" tls.handshake.extensions_server_name)
if [ "$(baresip_pid)" = "$pid" ] && grep -q 'IP-address changed\|uag_reset_transp\|\$1 = 0' "$T/gdb.out" &&
	[ "$(kam_ok_count "$KP" 1001)" -gt "$n1" ] && [ "$(kam_ok_count "$KP2" 1002)" -gt "$n2" ] &&
	[ "$sni" = "other.sipsh.test " ]; then
	pass "(6) after a transport rebuild both accounts register again over verified TLS (SNI kept)"
else
	fail "(6) after a transport rebuild both accounts register again over verified TLS" \
		"pid $pid -> $(baresip_pid); SNI '$sni'; $(tail -3 "$T/gdb.out"); $(regs)"
fi

set_ca "$T/other.pem"
wait_for 10 reg_is 1 failed
wait_for 10 reg_is 2 failed
n1=$(kam_ok_count "$KP" 1001)
cap_start "$T/c6b.pcap" "tcp port $TP"
in_phone 'call (int)uag_reset_transp(0, 0)' \
	"call (int)ua_options_send((void *)uag_find_aor(\"sip:1001@127.0.0.1:$TP\"), \"sip:1001@127.0.0.1:$TP;transport=tls\", (void *)0, (void *)0)"
sleep 2
cap_stop
hello=$(tshark -r "$T/c6b.pcap" -d "tcp.port==$TP,tls" -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)
if [ "$hello" -gt 0 ] && [ "$(tls_app_data "$T/c6b.pcap" "$TP")" = 0 ] &&
	[ "$(kam_ok_count "$KP" 1001)" = "$n1" ] && grep -q '\$2 = 0' "$T/gdb.out"; then
	pass "(6) after a rebuild, an OPTIONS to an untrusted server sends nothing over TLS"
else
	fail "(6) after a rebuild, an OPTIONS to an untrusted server sends nothing over TLS" \
		"ClientHellos $hello, app data $(tls_app_data "$T/c6b.pcap" "$TP"); $(tail -4 "$T/gdb.out")"
fi
set_ca "$T/ca.pem"

# (7) Cipher lists that allow anonymous or NULL suites, or hold a blank,
# are refused at commit with the reason; nothing is saved.
cp "$C" "$T/conf.before"
for c in 'ADH-AES256-GCM-SHA384:@SECLEVEL=0' 'aNULL' 'eNULL' 'HIGH:@SECLEVEL=0'; do
	conf_sip "tls-cipher $c"
	if grep -q "tls-cipher '$c'.*\(anonymous\|NULL\)" "$T/conf.out" &&
		cmp -s "$T/conf.before" "$C"; then
		pass "(7) tls-cipher $c is refused at commit with the reason"
	else
		fail "(7) tls-cipher $c is refused at commit with the reason" "$(cat "$T/conf.out")"
	fi
done
conf_sip 'tls-cipher "HIGH:!aNULL ADH-AES256-GCM-SHA384"'
if grep -q "has a blank at position 12" "$T/conf.out" && cmp -s "$T/conf.before" "$C"; then
	pass "(7) a tls-cipher with a blank is refused at commit"
else
	fail "(7) a tls-cipher with a blank is refused at commit" "$(cat "$T/conf.out")"
fi

# (8) The system CA store is loaded only when it is needed: a phone with
# no TLS host starts without it; a TLS connection it opens anyway (an
# OPTIONS to a sips address, called with gdb) loads it before the
# server's certificate is checked, so the chain verifies and only the
# host check refuses; and a TLS account added with no trusted-ca
# registers against it. SSL_CERT_FILE points OpenSSL's default store, the
# "system" store here, at the test CA.
phone_down
export SSL_CERT_FILE=$T/ca.pem SSL_CERT_DIR=$T/no-certs
C=$T/sys.conf
cat >"$T/sys.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 60
 register-timeout 2
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
EOF
S -f "$T/sys.in" >"$T/conf.out" 2>&1
# Only what the log says from this start on.
LOG=$SIPSH_RUNDIR/log/current
L0=$(wc -l <"$LOG")
newlog() { tail -n +"$((L0 + 1))" "$LOG"; }
if S -c 'phone start' >>"$T/conf.out" 2>&1 && wait_for 10 reg_is 1 registered &&
	newlog | grep -q 'trusted CAs (system store, loaded at the first TLS host or handshake)' &&
	! newlog | grep -q 'system CA store loaded'; then
	pass "(8) with no TLS host the phone starts without loading the system CA store"
else
	fail "(8) with no TLS host the phone starts without loading the system CA store" \
		"$(cat "$T/conf.out"); $(newlog | grep siptls | tail -3); $(regs)"
fi
in_phone "call (int)ua_options_send((void *)uag_find_aor(\"sip:1001@127.0.0.1:$KP\"), \"sip:1001@127.0.0.1:$TP;transport=tls\", (void *)0, (void *)0)"
if wait_for 10 sh -c "tail -n +$((L0 + 1)) '$LOG' | grep -q 'TLS handshake failed.*not an address of any TLS host'" &&
	newlog | grep -q 'system CA store loaded' &&
	! newlog | grep -q 'unable to get local issuer'; then
	pass "(8) a TLS handshake with no TLS host loads the store first: the chain verifies, the host check refuses"
else
	fail "(8) a TLS handshake with no TLS host loads the store first" \
		"$(tail -3 "$T/gdb.out"); $(newlog | grep siptls | tail -4)"
fi
n1=$(kam_ok_count "$KP" 1001)
S -c 'account 2' -c 'user 1001' -c 'password secret1' -c 'transport tls' \
	-c "registrar 127.0.0.1:$TP" >"$T/conf.out" 2>&1
if wait_for 10 reg_is 2 registered &&
	wait_for 10 sh -c "[ \$(grep -c 'kam: REGISTER 1001 ok' '$(kam_dir "$KP")/kamailio.log') -gt $n1 ]" &&
	newlog | grep -q 'TLS handshake done.*verified for 127.0.0.1'; then
	pass "(8) a TLS account with no trusted-ca registers against the system store"
else
	fail "(8) a TLS account with no trusted-ca registers against the system store" \
		"$(cat "$T/conf.out"); $(newlog | grep siptls | tail -4); $(regs)"
fi
unset SSL_CERT_FILE SSL_CERT_DIR

phone_down
kam_stop_all
