#!/usr/bin/env bash
# The Advanced SIP settings that show on the wire, each proven from a
# packet capture of sipsh's phone (Debian's baresip with our modules)
# talking to real peers on 127.0.0.1: Kamailio as registrar and proxy, a
# dnsmasq as the phone's DNS server. SIP DiffServ, Audio DiffServ, User
# Agent, RTP Port Range, Bindport, Bind Interface, Register Interval, SIP
# proxy servers with the DNS Manager and its refresh interval, and SRV
# Lookup. Captures are tshark on lo, filtered on the phone's own ports
# (Kamailio marks its packets too), read back with tshark -T fields.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/dnsmasq.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

B=$((20000 + $$ % 400 * 10))
KP=$B                   # Kamailio, realm sipsh.test
SP=$((B + 1))           # the phone's SIP port (TLS: SP + 1)
SP2=$((B + 3))          # the phone's SIP port after 'bind-port' changes
DNSP=$((B + 5))         # dnsmasq
KP2=$((B + 6))          # Kamailio for provider.test, found by SRV
RTP=$((2000 + $$ % 500 * 20))
RTP_END=$((RTP + 9))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
VERSION=$("$SIPSH" -V | sed -n 's/^sipsh //p')

if ! command -v tshark >/dev/null || ! command -v dnsmasq >/dev/null ||
	! [ -e "$SIPSH_MODDIR/sipwire.so" ]; then
	fail "t-wire prerequisites" "needs tshark, dnsmasq and build/baresip-mods/sipwire.so"
	exit 0
fi

# The Bind Interface check runs a second phone in a network namespace of
# the test's own (NS), with its own configuration and runtime directory.
NS=sipsh-wire-$$
NSRUN=$T/nsrun
NSC=$T/ns.conf
NS_S() { SIPSH_RUNDIR=$NSRUN ip netns exec "$NS" "$SIPSH" -C "$NSC" "$@"; }
ns_down() {
	[ -d "$NSRUN" ] || return 0
	NS_S -c 'phone stop' >/dev/null 2>&1
	local p
	p=$(cat "$NSRUN/runsv.pid" 2>/dev/null)
	[ -n "$p" ] && stop_pid "$p"
	ip netns del "$NS" 2>/dev/null
	rm -rf "$NSRUN"
}
trap 'phone_down; ns_down; cleanup' EXIT


# sip_options PORT [HOST [USER]]: the status line of the answer to an
# OPTIONS sent to sip:USER@HOST:PORT (127.0.0.1, 1001), empty when none
# comes within 0.5 s.
sip_options() {
	local port=$1 host=${2:-127.0.0.1} user=${3:-1001} branch msg
	branch=z9hG4bK$RANDOM$RANDOM$$
	msg=$(printf 'OPTIONS sip:%s@%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:9;branch=%s;rport\r\nMax-Forwards: 5\r\nFrom: <sip:probe@%s>;tag=%s\r\nTo: <sip:%s@%s:%s>\r\nCall-ID: %s@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\nX' \
		"$user" "$host" "$port" "$host" "$branch" "$host" "$RANDOM" \
		"$user" "$host" "$port" "$branch")
	(
		exec 3<>"/dev/udp/$host/$port" || exit 1
		printf '%s' "${msg%X}" | dd bs=65535 count=1 iflag=fullblock >&3 2>/dev/null
		timeout 0.5 dd bs=65535 count=1 <&3 2>/dev/null
	) | head -1 | tr -d '\r'
}

# all_are NAME WANT VALUES: pass when VALUES (one a line) are non-empty
# and every one is WANT.
all_are() {
	local name=$1 want=$2 vals=$3
	if [ -n "$vals" ] && ! grep -qvx -- "$want" <<<"$vals"; then
		pass "$name"
	else
		fail "$name" "want every value '$want', got: $(sort <<<"$vals" | uniq -c | tr '\n' ' ')"
	fi
}

registered_both() { wait_for 8 reg_is 1 registered && wait_for 4 reg_is 2 registered; }

# call_through_kamailio: line 0 (1001) calls 1002 through Kamailio; line 1
# rings and answers; audio flows a second; line 1 hangs up. Status 0 when
# the call was established at both ends.
call_through_kamailio() {
	local ok=1
	S -c 'dial 0 1002' >/dev/null 2>&1
	if wait_for 5 has_call '"direction":"in"'; then
		S -c 'answer 1' >/dev/null 2>&1
		wait_for 5 sh -c "'$SIPSH' -C '$C' -c 'show calls' | grep -c established | grep -qx 2" && ok=0
		sleep 1
	fi
	S -c 'hangup 1' >/dev/null 2>&1
	S -c 'hangup 0' >/dev/null 2>&1
	wait_for 5 no_calls
	return $ok
}

# wire_checks NAME SIPPORT DSCP_SIP DSCP_RTP USER_AGENT EXPIRES: what the
# capture NAME shows of one registration and one call.
wire_checks() {
	local n=$1 port=$2 dsip=$3 drtp=$4 ua=$5 exp=$6 v
	v=$(cap_read "$n" "udp.srcport == $port && sip.Method == \"REGISTER\"" ip.dsfield.dscp)
	all_are "$n: SIP DiffServ: every REGISTER from port $port has DSCP $dsip" "$dsip" "$v"
	v=$(cap_read "$n" "udp.srcport == $port && sip.Method == \"INVITE\"" ip.dsfield.dscp)
	all_are "$n: SIP DiffServ: every INVITE from port $port has DSCP $dsip" "$dsip" "$v"
	v=$(cap_read "$n" "udp.srcport == $port && sip" ip.dsfield.dscp)
	all_are "$n: SIP DiffServ: every SIP packet from port $port has DSCP $dsip" "$dsip" "$v"
	v=$(cap_read "$n" "udp.srcport == $port && sip.Method == \"REGISTER\"" sip.User-Agent)
	all_are "$n: User-Agent of every REGISTER is '$ua'" "$ua" "$v"
	v=$(cap_read "$n" "udp.srcport == $port && sip.Method == \"INVITE\"" sip.User-Agent)
	all_are "$n: User-Agent of every INVITE is '$ua'" "$ua" "$v"
	v=$(cap_read "$n" "sip.Method == \"REGISTER\"" udp.srcport)
	all_are "$n: Bindport: every REGISTER leaves from port $port" "$port" "$v"
	# baresip asks for its expiry in the Contact: <...>;expires=N
	v=$(cap_read "$n" "udp.srcport == $port && sip.Method == \"REGISTER\"" sip.Contact |
		sed -n 's/.*;expires=\([0-9]*\).*/\1/p')
	all_are "$n: Register Interval: every REGISTER asks expires=$exp" "$exp" "$v"
	# RTP: the phone's two call legs send to each other; everything from
	# the range is the phone's media.
	v=$(cap_read "$n" "udp.srcport >= $RTP && udp.srcport <= $RTP_END && !sip" ip.dsfield.dscp)
	if [ "$(wc -l <<<"$v")" -ge 20 ]; then
		all_are "$n: Audio DiffServ: every RTP/RTCP packet has DSCP $drtp" "$drtp" "$v"
	else
		fail "$n: Audio DiffServ: RTP flows in the call" "$(wc -l <<<"$v") packets from $RTP-$RTP_END"
	fi
	v=$(cap_read "$n" "rtp || rtcp || (udp && !sip && !dns)" udp.srcport)
	v=$(awk -v lo="$RTP" -v hi="$RTP_END" '$1 < lo || $1 > hi' <<<"$v" | sort -u)
	if [ -z "$v" ] && [ "$(cap_read "$n" "udp.srcport >= $RTP && udp.srcport <= $RTP_END" udp.srcport | sort -u | wc -l)" -ge 2 ]; then
		pass "$n: RTP Port Range: all media leaves from ports $RTP-$RTP_END"
	else
		fail "$n: RTP Port Range: all media leaves from ports $RTP-$RTP_END" "also from: $(tr '\n' ' ' <<<"$v")"
	fi
}

kam_start "$KP" sipsh.test 1001:secret1 1002:secret2 || {
	fail "kamailio starts" "see above"
	exit 0
}

# --- Defaults: cs3, ef, "sipsh/VERSION" ---------------------------------
cat >"$T/setup.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$RTP_END
 register-interval 120
 register-timeout 2
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$KP
!
account 2
 user 1002
 password secret2
 registrar 127.0.0.1:$KP
!
line 0
 account 1
!
line 1
 account 2
!
EOF
check "the configuration is committed" S -f "$T/setup.in"

cap_start defaults "udp port $SP or udp portrange $RTP-$RTP_END"
check "phone start" S -c 'phone start'
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
registered_both || fail "defaults: both accounts register" "$(S -c 'show registrations' 2>&1)"
call_through_kamailio || fail "defaults: a call between the lines" "$(S -c 'show calls' 2>&1)"
opt=$(sip_options "$SP")
cap_stop defaults
wire_checks defaults "$SP" 24 46 "sipsh/$VERSION" 120
if [[ $opt == "SIP/2.0 200 "* ]]; then
	pass "Bindport: the phone answers OPTIONS on port $SP"
else
	fail "Bindport: the phone answers OPTIONS on port $SP" "got '$opt'"
fi
e=$(kam_lookup "$KP" 1001 Expires | head -1)
if [ -n "$e" ] && [ "$e" -gt 100 ] && [ "$e" -le 120 ]; then
	pass "Register Interval: Kamailio's location entry expires in $e s (<= 120)"
else
	fail "Register Interval: Kamailio's location entry expires in about 120 s" "Expires '$e'"
fi

# Bind Interface: with 'bind-interface lo' SIP listens on 127.0.0.1 only.
pid=$(phone_pid)
socks=$(ss -Hulnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}')
if grep -qx "127.0.0.1:$SP" <<<"$socks" &&
	! grep -Eq "^(0\.0\.0\.0|\*|\[::\]):$SP\$" <<<"$socks" &&
	[ "$(ss -Htlnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | grep -c ":$SP\$")" = 1 ] &&
	ss -Htlnp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | grep -qx "127.0.0.1:$SP"; then
	pass "Bind Interface lo: SIP (UDP and TCP) listens on 127.0.0.1:$SP only"
else
	fail "Bind Interface lo: SIP listens on 127.0.0.1:$SP only" "$(tr '\n' ' ' <<<"$socks")"
fi

# --- Changed values: af41, af21, a User-Agent with blanks, another port --
UA="Test Gateway 1.0 (lab bench)"
cap_start changed "udp port $SP2 or udp portrange $RTP-$RTP_END"
# The commit restarts the phone, which registers again.
S -c sip -c 'diffserv sip af41' -c 'diffserv audio af21' \
	-c "user-agent \"$UA\"" -c "bind-port $SP2" -c 'register-interval 90' \
	>"$T/commit.out" 2>&1 || fail "commit of changed values" "$(cat "$T/commit.out")"
registered_both || fail "changed: both accounts register" "$(S -c 'show registrations' 2>&1)"
call_through_kamailio || fail "changed: a call between the lines" "$(S -c 'show calls' 2>&1)"
opt=$(sip_options "$SP2")
old=$(sip_options "$SP")
cap_stop changed
wire_checks changed "$SP2" 34 18 "$UA" 90
if [[ $opt == "SIP/2.0 200 "* ]] && [ -z "$old" ]; then
	pass "Bindport $SP2: OPTIONS answered there, nothing on $SP any more"
else
	fail "Bindport $SP2: OPTIONS answered there, nothing on $SP any more" "$SP2: '$opt'; $SP: '$old'"
fi
v=$(cap_read changed "udp.srcport == $SP2 && sip.Status-Code" sip.Server | sort -u)
all_are "changed: the Server header of the phone's replies is '$UA'" "$UA" "$v"

# --- SIP proxy servers (allowed callers) ---------------------------------
dns_start --address=/proxy.test/127.0.0.1 ||
	fail "dnsmasq starts" "$(tail -3 "$T/dnsmasq.out")"
# The phone resolves through it: the system dns-server setting, a restart.
S -c system -c "dns-server 127.0.0.1:$DNSP" >"$T/dns-set.out" 2>&1
if [ "$(grep -c '^dns_server' "$SIPSH_RUNDIR/baresip/config")" = 1 ] &&
	grep -q "^dns_server[[:space:]]*127.0.0.1:$DNSP$" "$SIPSH_RUNDIR/baresip/config" &&
	grep -q restart "$T/dns-set.out"; then
	pass "system dns-server reaches the phone's config as one dns_server line, with a restart"
else
	fail "system dns-server reaches the phone's config as one dns_server line, with a restart" "$(cat "$T/dns-set.out"; grep dns_ "$SIPSH_RUNDIR/baresip/config")"
fi

# proxy_call NAME: a call from line 0 reaches line 1 through Kamailio
# (127.0.0.1); the capture shows whether the phone answered the relayed
# INVITE with 403. Prints "rings" or "403" (or what happened).
proxy_call() {
	local n=$1 r
	cap_start "$n" "udp port $SP2"
	S -c 'dial 0 1002' >/dev/null 2>&1
	if wait_for 4 has_call '"direction":"in"'; then
		r=rings
	else
		wait_for 3 no_calls
		r=none
	fi
	S -c 'hangup 1' >/dev/null 2>&1
	S -c 'hangup 0' >/dev/null 2>&1
	wait_for 5 no_calls
	cap_stop "$n"
	if [ "$r" = none ] && [ -n "$(cap_read "$n" "udp.srcport == $SP2 && sip.Status-Code == 403 && sip.CSeq.method == \"INVITE\" && udp.dstport == $KP" sip.Status-Code)" ]; then
		r=403
	fi
	echo "$r"
}

S -c sip -c 'proxy 127.0.0.1' >/dev/null 2>&1
registered_both
r=$(proxy_call proxy-allowed)
if [ "$r" = rings ]; then
	pass "proxy 127.0.0.1: a call from Kamailio (127.0.0.1) rings"
else
	fail "proxy 127.0.0.1: a call from Kamailio (127.0.0.1) rings" "$r"
fi

S -c sip -c 'no proxy 127.0.0.1' -c 'proxy 127.0.0.2' >/dev/null 2>&1
registered_both
log_mark
r=$(proxy_call proxy-refused)
if [ "$r" = 403 ] && log_has "sipwire: INVITE from 127.0.0.1:$KP refused"; then
	pass "proxy 127.0.0.2 only: the call from 127.0.0.1 gets 403 and nothing rings"
else
	fail "proxy 127.0.0.2 only: the call from 127.0.0.1 gets 403 and nothing rings" "$r"
fi

# --- DNS Manager: a proxy name followed, or not, after its refresh --------
log_mark
S -c sip -c 'no proxy 127.0.0.2' -c 'proxy proxy.test' -c 'dns-manager' \
	-c 'dns-manager-refresh 10' >/dev/null 2>&1
registered_both
log_wait 'proxy proxy.test is now 127.0.0.1' 3
r=$(proxy_call dnsmgr-before)
if [ "$r" = rings ]; then
	pass "proxy proxy.test (127.0.0.1 in DNS): a call from Kamailio rings"
else
	fail "proxy proxy.test (127.0.0.1 in DNS): a call from Kamailio rings" "$r"
fi
dns_stop
log_mark
dns_start --address=/proxy.test/127.0.0.2
t0=$SECONDS
if log_wait 'proxy proxy.test is now 127.0.0.2' 13; then
	pass "dns-manager on, refresh 10 s: the new address is followed ($((SECONDS - t0)) s)"
else
	fail "dns-manager on, refresh 10 s: the new address is followed" "$(phone_log | grep sipwire | tail -5)"
fi
r=$(proxy_call dnsmgr-after)
if [ "$r" = 403 ]; then
	pass "dns-manager on: proxy.test moved to 127.0.0.2, Kamailio's call gets 403"
else
	fail "dns-manager on: proxy.test moved to 127.0.0.2, Kamailio's call gets 403" "$r"
fi

dns_stop
dns_start --address=/proxy.test/127.0.0.1
log_mark
S -c sip -c 'no dns-manager' >/dev/null 2>&1
registered_both
log_wait 'proxy proxy.test is now 127.0.0.1' 3 ||
	fail "dns-manager off: proxy.test resolved at load" "$(phone_log | grep sipwire | tail -3)"
dns_stop
dns_start --address=/proxy.test/127.0.0.2
log_mark
sleep 12
r=$(proxy_call nodnsmgr)
if [ "$r" = rings ] && ! log_has 'proxy proxy.test is now'; then
	pass "dns-manager off: after 12 s the old address still holds, the call rings"
else
	fail "dns-manager off: after 12 s the old address still holds" "$r; $(phone_log | tail -n +"$((LOG_MARK + 1))" | grep sipwire)"
fi
S -c sip -c 'no proxy proxy.test' >/dev/null 2>&1
registered_both
dns_stop

# --- SRV Lookup -----------------------------------------------------------
kam_start "$KP2" provider.test 1001:secret1 || fail "kamailio for provider.test starts" "see above"
dns_start --host-record=provider.test,127.0.0.1 \
	--srv-host=_sip._udp.provider.test,provider.test,"$KP2"
cap_start srv-on "udp port $SP2 or udp port $DNSP"
S -c 'account 1' -c 'registrar provider.test' >/dev/null 2>&1
kam_wait_registered "$KP2" 1001 8
cap_stop srv-on
qt=$(cap_read srv-on "dns.flags.response == 0 && dns.qry.name contains \"provider.test\"" dns.qry.type | sort -u | tr '\n' ' ')
dst=$(cap_read srv-on "udp.srcport == $SP2 && sip.Method == \"REGISTER\" && sip.To contains \"provider.test\"" udp.dstport | sort -u | tr '\n' ' ')
if [[ " $qt" == *" 33 "* ]] && [ "$dst" = "$KP2 " ] && kam_registered "$KP2" 1001; then
	pass "srv-lookup on: SRV asked, REGISTER sent to the SRV port $KP2, registered"
else
	fail "srv-lookup on: SRV asked, REGISTER to the SRV port $KP2" "query types: $qt; REGISTER to: $dst"
fi

# The account's un-REGISTER still resolves by SRV: send it first, so that
# the restart for 'no srv-lookup' has nothing to resolve on the way down.
S -c 'account 1' -c 'no register' >/dev/null 2>&1
wait_for 5 reg_is 1 off
sleep 0.5
cap_start srv-off "udp port $SP2 or udp port $DNSP"
S -c sip -c 'no srv-lookup' -c 'account 1' -c 'register' >/dev/null 2>&1
wait_for 8 sh -c "'$SIPSH' -C '$C' -c 'show registrations' | grep -Eq '^1 .*(registering|failed)'"
sleep 1
cap_stop srv-off
qt=$(cap_read srv-off "dns.flags.response == 0 && dns.qry.name contains \"provider.test\"" dns.qry.type | sort -u | tr '\n' ' ')
dst=$(cap_read srv-off "udp.srcport == $SP2 && sip.Method == \"REGISTER\" && sip.To contains \"provider.test\"" udp.dstport | sort -u | tr '\n' ' ')
if [ -n "$qt" ] && ! tr ' ' '\n' <<<"$qt" | grep -qvxE '1|28|' && [ "$dst" = "5060 " ]; then
	pass "srv-lookup off: only A/AAAA asked ($qt), REGISTER sent to provider.test:5060"
else
	fail "srv-lookup off: only A/AAAA asked, REGISTER to port 5060" "query types: $qt; REGISTER to: $dst"
fi

# Not registered anywhere: stop now, the un-REGISTER has nowhere to go.
S -c 'account 1' -c 'no register' >/dev/null 2>&1
check "phone stop" S -c 'phone stop'
dns_stop
kam_stop_all
for n in "${!CAP_PID[@]}"; do cap_stop "$n"; done

# --- Bind Interface in a network namespace --------------------------------
# Two interfaces, lo (127.0.0.1) and wan0 (10.99.0.1, one end of a veth
# pair whose both ends stay in the namespace): 'bind-interface wan0' must
# make SIP listen on 10.99.0.1 only.
N() { ip netns exec "$NS" "$@"; }
ns_has() { N ss -Hulnp 2>/dev/null | grep baresip | awk '{print $4}' | grep -qx "10.99.0.1:$SP"; }
if ip netns add "$NS" 2>"$T/netns.err"; then
	mkdir -p "$NSRUN"
	N ip link set lo up &&
		N ip link add wan0 type veth peer name wan1 &&
		N ip addr add 10.99.0.1/24 dev wan0 &&
		N ip link set wan1 up && N ip link set wan0 up
	cat >"$T/ns.in" <<EOF
sip
 bind-interface wan0
 bind-port $SP
!
account 1
 user 100
 registrar 127.0.0.1
 no register
!
line 0
 account 1
!
EOF
	NS_S -f "$T/ns.in" >/dev/null 2>&1
	if NS_S -c 'phone start' >"$T/ns.out" 2>&1; then
		p=$(cat "$NSRUN/runsv.pid" 2>/dev/null)
		[ -n "$p" ] && TEST_PIDS+=("$p")
		wait_for 5 ns_has
		u=$(N ss -Hulnp 2>/dev/null | grep baresip | awk '{print $4}' | grep ":$SP\$")
		t=$(N ss -Htlnp 2>/dev/null | grep baresip | awk '{print $4}' | grep ":$SP\$")
		if [ "$u" = "10.99.0.1:$SP" ] && [ "$t" = "10.99.0.1:$SP" ]; then
			pass "Bind Interface wan0 (netns): SIP UDP and TCP listen on 10.99.0.1:$SP only"
		else
			fail "Bind Interface wan0 (netns): SIP listens on 10.99.0.1:$SP only" "udp: $u; tcp: $t"
		fi
		fn=$(declare -f sip_options)
		a=$(N bash -c "$fn; sip_options $SP 10.99.0.1 100")
		b=$(N bash -c "$fn; sip_options $SP 127.0.0.1 100")
		if [[ $a == "SIP/2.0 200 "* ]] && [ -z "$b" ]; then
			pass "Bind Interface wan0 (netns): OPTIONS answered on 10.99.0.1, not on 127.0.0.1"
		else
			fail "Bind Interface wan0 (netns): OPTIONS answered on 10.99.0.1 only" "10.99.0.1: '$a'; 127.0.0.1: '$b'"
		fi
	else
		fail "Bind Interface wan0 (netns): phone start" "$(cat "$T/ns.out")"
	fi
	ns_down
else
	fail "Bind Interface (netns): ip netns add" "$(cat "$T/netns.err")"
fi
