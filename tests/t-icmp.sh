#!/usr/bin/env bash
# Register Attempts against a registrar port with no listener: the
# kernel answers each REGISTER with ICMP port unreachable, and each
# attempt fails at once on it, not at its Register Timeout (8 s here).
# Proven from a capture (tshark on loopback): each REGISTER sent once,
# never retransmitted (a live transaction retransmits after 0.5 s), an
# ICMP unreachable after each, three in all, then nothing; the phone's
# log has each attempt failed on the ICMP error (a timeout would say
# "no answer"); show registrations reads failed, 3 attempts, and the
# ICMP error. The same over IPv6 (::1). Over TCP and TLS a refused
# connect fails each attempt at once too. An ICMP error for something else (an
# INVITE to a dead port) changes no registration, and the phone does
# not spin on the socket's error (its CPU time). A normal registration
# through the same socket still works (Kamailio), and its refresh fails
# at once on ICMP when Kamailio has gone.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

B=$((28000 + $$ % 500 * 8))
KP=$B                   # Kamailio
SP=$((B + 2))           # the phone (TLS on SP + 1)
DEAD=$((B + 4))         # no listener, UDP and TCP: ICMP / RST
DEAD2=$((B + 5))        # no listener: a call's peer
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
regs() { S -c 'show registrations' 2>&1; }
trap 'cap_stop v4; cap_stop v6; cap_stop call; phone_down; cleanup' EXIT

if ! [ -e "$SIPSH_MODDIR/regctl.so" ]; then
	fail "t-icmp prerequisites" "needs the baresip modules"
	exit 0
fi

# The phone's CPU time (clock ticks) as the kernel counts it.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}

# Until the account has given up (the log line; 16 s after the first
# attempt when each fails), at most 40 s.
gave_up() { wait_for 40 log_has 'giving up after 3 failed attempts'; }

# Each of the 3 attempts failed on REASON (an ICMP error, a refused
# connect), none at its timeout ("no answer").
fail_reasons() {
	local what=$1 reason=$2 n
	n=$(phone_log | tail -n +"$((LOG_MARK + 1))" |
		grep -cE "regctl: .*(attempt [12] failed|giving up after 3 failed attempts) \\(?(last: )?$reason")
	if [ "$n" = 3 ] && ! log_has 'no answer'; then
		pass "$what: each attempt failed at once on $3, none at its timeout"
	else
		fail "$what: each attempt failed at once on $3, none at its timeout" \
			"$n; $(phone_log | tail -n +"$((LOG_MARK + 1))" | grep regctl)"
	fi
}

# Wire checks of capture NAME, port PORT, family FAM (ip or ipv6): each
# REGISTER sent once, an ICMP unreachable right after each, 3 in all.
wire_checks() {
	local name=$1 port=$2 fam=$3 what=$4 icmp frames once n nicmp order
	if [ "$fam" = ip ]; then
		icmp="icmp.type == 3 && icmp.code == 3 && udp.dstport == $port"
	else
		icmp="icmpv6.type == 1 && icmpv6.code == 4 && udp.dstport == $port"
	fi
	# one line per frame: R (a REGISTER to port) or I (an ICMP for one)
	cap_read "$name" "$fam && ((sip.Method == \"REGISTER\" && udp.dstport == $port && !icmp && !icmpv6) || ($icmp))" \
		frame.number icmp.type icmpv6.type sip.Call-ID sip.CSeq.seq \
		>"$T/$name.frames"
	order=$(awk -F'\t' '{ printf "%s", ($2 != "" || $3 != "") ? "I" : "R" }' "$T/$name.frames")
	frames=$(awk -F'\t' '$2 == "" && $3 == ""' "$T/$name.frames" | wc -l)
	once=$(awk -F'\t' '$2 == "" && $3 == "" { print $4 " " $5 }' "$T/$name.frames" | sort -u | wc -l)
	nicmp=$(awk -F'\t' '$2 != "" || $3 != ""' "$T/$name.frames" | wc -l)
	if [ "$frames" = 3 ] && [ "$once" = 3 ]; then
		pass "$what: 3 REGISTERs, each sent once (no retransmission)"
	else
		fail "$what: 3 REGISTERs, each sent once (no retransmission)" \
			"$frames frames, $once transactions: $(cat "$T/$name.frames")"
	fi
	if [ "$order" = RIRIRI ] && [ "$nicmp" = 3 ]; then
		pass "$what: an ICMP port unreachable after each REGISTER"
	else
		fail "$what: an ICMP port unreachable after each REGISTER" \
			"order '$order'"
	fi
}

# show registrations after giving up: failed, 3 attempts, the reason.
state_checks() {
	local what=$1 reason=$2 out
	out=$(regs)
	if grep -Eq '^1 +failed .* 3 +(-|[0-9]+s ago)$' <<<"$out" &&
		tr -s ' \n' ' ' <<<"$out" | grep -qF -- "$reason"; then
		pass "$what: show registrations says failed, 3 attempts, $reason"
	else
		fail "$what: show registrations says failed, 3 attempts, $reason" \
			"$out"
	fi
}

# No spin: over 2 s the phone uses well under a second of CPU, where a
# loop woken by the socket's error would use all of it.
no_spin() {
	local pid=$1 what=$2 a b
	a=$(cpu_ticks "$pid")
	sleep 2
	b=$(cpu_ticks "$pid")
	if [ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -lt 100 ]; then
		pass "$what: the phone does not spin on the socket's error"
	else
		fail "$what: the phone does not spin on the socket's error" \
			"CPU ticks $a -> $b"
	fi
}

cat >"$T/base.in" <<EOF
sip
 bind-interface lo
 bind-port $SP
 register-timeout 8
 register-attempts 3
!
account 1
 user 1001
 password secret1
 registrar 127.0.0.1:$DEAD
!
line 0
 account 1
!
EOF
check "the configuration is committed" S -f "$T/base.in"

# IPv4: 127.0.0.1, no listener.
cap_start v4 "udp port $DEAD or icmp"
log_mark
S -c 'phone start' >/dev/null 2>&1
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")
if gave_up; then
	pass "IPv4: the account gives up after 3 attempts"
else
	fail "IPv4: the account gives up after 3 attempts" \
		"$(regs; phone_log | grep regctl | tail -8)"
fi
sleep 5         # more than T2: a live transaction would retransmit
cap_stop v4
wire_checks v4 "$DEAD" ip "IPv4"
fail_reasons "IPv4" "port unreachable from 127.0.0.1:$DEAD" "ICMP"
state_checks "IPv4" "port unreachable from 127.0.0.1:$DEAD"
pid=$(phone_pid)
no_spin "$pid" "IPv4"

# IPv6: ::1. With bind-interface lo baresip listens on 127.0.0.1 only;
# unset, the SIP stack listens on every address, ::1 too (sipaddr).
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	cap_start v6 "udp port $DEAD or icmp6"
	log_mark
	S -c sip -c 'no bind-interface' -c 'account 1' \
		-c "registrar [::1]:$DEAD" >/dev/null 2>&1
	if gave_up; then
		pass "IPv6: the account gives up after 3 attempts"
	else
		fail "IPv6: the account gives up after 3 attempts" \
			"$(regs; phone_log | grep -E 'regctl|sipaddr' | tail -8)"
	fi
	sleep 5
	cap_stop v6
	wire_checks v6 "$DEAD" ipv6 "IPv6"
	fail_reasons "IPv6" "port unreachable from \\[::1\\]:$DEAD" "ICMPv6"
	state_checks "IPv6" "port unreachable from [::1]:$DEAD"
else
	fail "IPv6: ::1 on lo" "$(ip -6 addr show dev lo)"
fi

# TCP: the kernel refuses the connect (RST): each attempt fails at once.
log_mark
S -c 'account 1' -c "registrar 127.0.0.1:$DEAD" -c 'transport tcp' >/dev/null 2>&1
if gave_up; then
	pass "TCP: the account gives up after 3 refused connects"
else
	fail "TCP: the account gives up after 3 refused connects" \
		"$(regs; phone_log | grep regctl | tail -8)"
fi
fail_reasons "TCP" "Connection refused" "the RST"
state_checks "TCP" "Connection refused"

# TLS: the same refused connect, before any handshake. The phone has a
# TLS transport once it trusts a CA (a test one), on bind-interface's
# address (unset, with only lo, baresip makes none to share).
log_mark
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=sipsh ICMP test CA" \
	-days 2 >"$T/openssl.log" 2>&1
{
	printf 'sip\n bind-interface lo\n trusted-ca\n'
	cat "$T/ca.pem"
	printf 'quit\n!\naccount 1\n transport tls\n!\n'
} >"$T/tls.in"
S -f "$T/tls.in" >"$T/tls.out" 2>&1
if gave_up; then
	pass "TLS: the account gives up after 3 refused connects"
else
	fail "TLS: the account gives up after 3 refused connects" \
		"$(cat "$T/tls.out"; regs; phone_log | grep regctl | tail -8)"
fi
fail_reasons "TLS" "Connection refused" "the RST"
state_checks "TLS" "Connection refused"

# A real registrar through the same (marked) socket, then a call to a
# dead port: its ICMP error changes no registration and is drained.
kam_start "$KP" sipsh.test 1001:secret1
S -c 'account 1' -c "registrar 127.0.0.1:$KP" -c 'no transport' >/dev/null 2>&1
if wait_for 15 reg_is 1 registered && kam_wait_registered "$KP" 1001 5; then
	pass "Kamailio: the account registers with the hook in place"
else
	fail "Kamailio: the account registers with the hook in place" "$(regs)"
fi
pid=$(phone_pid)
cap_start call "udp port $DEAD2 or icmp"
S -c "dial 0 sip:9@127.0.0.1:$DEAD2" >"$T/dial.out" 2>&1
wait_for 10 sh -c "tshark -r '$(cap_file call)' -Y 'icmp.type == 3 && udp.dstport == $DEAD2' 2>/dev/null | grep -q ."
cap_stop call
n=$(cap_read call "icmp.type == 3 && udp.dstport == $DEAD2" frame.number | wc -l)
if [ "$n" -ge 1 ] && reg_is 1 registered; then
	pass "an INVITE's ICMP unreachable leaves the registration alone"
else
	fail "an INVITE's ICMP unreachable leaves the registration alone" \
		"$n ICMP; $(cat "$T/dial.out"; regs)"
fi
no_spin "$pid" "an INVITE's ICMP error"

# A registration's refresh to a registrar that has gone (Kamailio
# stopped: ICMP port unreachable) fails at once too, on that error;
# libre's own timeout would say "Connection timed out" 32 s later.
kam_expiry_10() {
	local e
	e=$(kam_lookup "$KP" 1001 Expires 2>/dev/null)
	[ -n "$e" ] && [ "$e" -le 10 ]
}
S -c sip -c 'register-interval 10' >/dev/null 2>&1
if wait_for 15 kam_expiry_10 && wait_for 15 reg_is 1 registered; then
	log_mark
	kam_stop "$KP"
	if wait_for 40 log_has "attempt [0-9]+ failed \\(port unreachable from 127.0.0.1:$KP\\)" &&
		! log_has 'Connection timed out'; then
		pass "a refresh answered by ICMP port unreachable fails at once, on that error"
	else
		fail "a refresh answered by ICMP port unreachable fails at once, on that error" \
			"$(regs; phone_log | tail -n +"$((LOG_MARK + 1))" | grep -E 'regctl|REGISTER' | tail -6)"
	fi
else
	fail "register-interval 10: registered again, for 10 s" "$(regs; kam_lookup "$KP" 1001 Expires)"
fi
