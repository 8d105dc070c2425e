#!/usr/bin/env bash
# No value reaches baresip as anything but a value. Passwords, SIP users
# and auth users holding ';', '>', '<', '"', blanks, tabs, '%' and
# non-ASCII go into baresip's account line %-encoded (the user escaped as
# RFC 3261 allows) and our acctauth module gives baresip the exact bytes:
# against a real Kamailio whose passwords are set to the same bytes, the
# phone registers, the REGISTER on the wire carries no parameter a value
# would have added, and a password one byte off does not register. A
# password that used to add ';answermode=auto;outbound1=...' adds nothing.
# The user agent text arrives exactly in the User-Agent header; what
# cannot be carried (a quote in a SIP user, blanks in a cipher list, a
# newline in SIPSH_RUNDIR) is refused with the reason.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/kamailio.sh"
. "$TOP/tests/tools/capture.sh"

KP=$((27000 + $$ % 1000 * 4))   # Kamailio
SP=$((KP + 2))                  # the phone
RTP=$((2000 + $$ % 500 * 20))
C=$SIPSH_CONF
S() { "$SIPSH" -C "$C" "$@"; }
trap 'cap_stop reg 2>/dev/null; phone_down; cleanup' EXIT
B=$SIPSH_RUNDIR/baresip

# q TEXT: TEXT as one quoted word of sipsh's configuration language.
q() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}
# kam_pw USER PASS: the registrar's password of USER, byte for byte.
kam_pw() { kam_cmd "$KP" htable.sets users "s:$1" "s:$2" >/dev/null; }
ok_count() { grep -c "kam: REGISTER $1 ok" "$(kam_dir "$KP")/kamailio.log"; }
baresip_pid() { cat "$SIPSH_RUNDIR/sv/baresip/supervise/pid" 2>/dev/null; }
# The parameter names of the account line of AOR user $1, sorted.
line_params() {
	grep -F "<sip:$1@" "$B/accounts" | sed 's/^<[^>]*>//' |
		tr ';' '\n' | sed -n 's/=.*//p' | sort | tr '\n' ' '
}

P1='pw;answermode=auto;outbound1=sip:198.51.100.9'
P2=$'a b>c<d"e%41f\\g;h\tI\xc3\xb1t\xc3\xabrn\xc3\xa2ti\xc3\xb4n\xc3\xa0l\xe2\x82\xac %'
P3='%%;; " <>%00'
U5='al ice;x>y<z%'
U6=$'J\xc3\xbcrgen'
UA=$'Ph\xc3\xb6ne; "v2" <x> %41 #1'

# Kamailio compares the To user as written (escaped) with the digest user
# (unescaped): that check is off here, the digest itself is checked.
export KAM_AUTH_CHECKS=0
if ! kam_start "$KP" sipsh.test 1001:placeholder 1002:placeholder; then
	fail "kamailio starts" "$(tail -5 "$(kam_dir "$KP")/kamailio.log")"
	exit 0
fi
kam_pw 1001 "$P1"

{
	cat <<EOF
sip
 bind-interface lo
 bind-port $SP
 rtp-port-range $RTP-$((RTP + 19))
 register-interval 60
 register-timeout 2
 user-agent $(q "$UA")
!
account 1
 user 1001
 password $(q "$P1")
 registrar 127.0.0.1:$KP
!
EOF
} >"$T/setup.in"
check "the configuration is committed" S -f "$T/setup.in"

cap_start reg "udp port $KP"
S -c 'phone start' >"$T/start.out" 2>&1
p=$(cat "$SIPSH_RUNDIR/runsv.pid" 2>/dev/null)
[ -n "$p" ] && TEST_PIDS+=("$p")

# (1) The password that used to add parameters adds none, and works.
if wait_for 10 reg_is 1 registered && kam_wait_registered "$KP" 1001 3; then
	pass "(1) a password with ';answermode=auto;outbound1=...' registers"
else
	fail "(1) a password with ';answermode=auto;outbound1=...' registers" \
		"$(S -c 'show registrations' 2>&1); $(cat "$T/start.out")"
fi
v=$(line_params 1001)
if [ "$v" = "answermode audio_player audio_source auth_pass regint " ]; then
	pass "(1) the account line has only its own parameters"
else
	fail "(1) the account line has only its own parameters" "'$v': $(cat "$B/accounts")"
fi
cap_stop reg
regs=$(cap_read reg 'sip.Method == "REGISTER"' sip.Request-Line sip.Contact sip.To sip.User-Agent | sort -u)
if [ -n "$regs" ] && ! grep -q '198\.51\.100\.9\|answermode\|outbound' <<<"$regs" &&
	[ "$(cap_read reg 'sip.Method == "REGISTER"' ip.dst | sort -u)" = 127.0.0.1 ]; then
	pass "(1) the REGISTERs go to the registrar and carry nothing of the password"
else
	fail "(1) the REGISTERs go to the registrar and carry nothing of the password" "$regs"
fi

# (2) The user agent text arrives exactly as typed.
ua=$(cap_read reg 'sip.Method == "REGISTER"' sip.User-Agent | sort -u)
if [ "$ua" = "$UA" ]; then
	pass "(2) user-agent with ';', '\"', '<>', '%', '#' and non-ASCII arrives exactly"
else
	fail "(2) user-agent arrives exactly" "got '$ua', want '$UA'"
fi
n=$(grep -c . "$B/config")
grep -v '^#' "$B/config" | awk '{print $1}' | sort | uniq -c | awk '$2 != "module" && $2 != "sipwire_proxy" && $2 != "phoneline_line" && $2 != "siptls_host" && $2 != "sipaddr_localnet" && $1 > 1' >"$T/dups"
if [ ! -s "$T/dups" ] && [ "$(grep -c '^sipwire_user_agent' "$B/config")" = 1 ]; then
	pass "(2) the user agent is one value of one line of baresip's config"
else
	fail "(2) the user agent is one value of one line" "$(cat "$T/dups"); $n lines"
fi

# (3) A password of blanks, a tab, '<>', '"', '%', '\', ';' and UTF-8,
# changed live: the phone re-registers with it, without restarting.
pid0=$(baresip_pid)
n0=$(ok_count 1001)
kam_pw 1001 "$P2"
printf 'account 1\n password %s\n!\n' "$(q "$P2")" >"$T/p2.in"
S -f "$T/p2.in" >"$T/p2.out" 2>&1
if wait_for 10 sh -c "[ \$(grep -c 'kam: REGISTER 1001 ok' '$(kam_dir "$KP")/kamailio.log') -gt $n0 ]" &&
	wait_for 5 reg_is 1 registered && [ "$(baresip_pid)" = "$pid0" ]; then
	pass "(3) a password with blanks, a tab, <>, \", %, \\, ; and UTF-8 registers (live)"
else
	fail "(3) a password with blanks, a tab, <>, \", %, \\, ; and UTF-8 registers (live)" \
		"$(cat "$T/p2.out"); $(S -c 'show registrations' 2>&1); pid $pid0 -> $(baresip_pid)"
fi

# (4) One byte off: the registrar refuses it (the bytes really count);
# given the same bytes, the next attempt registers.
kam_pw 1001 "${P3}x"
printf 'account 1\n password %s\n!\n' "$(q "$P3")" >"$T/p3.in"
S -f "$T/p3.in" >"$T/p3.out" 2>&1
if wait_for 10 reg_is 1 failed &&
	grep -q 'kam: refused REGISTER from 1001: bad credentials' "$(kam_dir "$KP")/kamailio.log"; then
	pass "(4) a password the registrar does not have exactly is refused"
else
	fail "(4) a password the registrar does not have exactly is refused" \
		"$(cat "$T/p3.out"); $(S -c 'show registrations' 2>&1)"
fi
kam_pw 1001 "$P3"
if wait_for 10 reg_is 1 registered; then
	pass "(4) a password of '%%', ';;', '\"', '<>' and '%00' registers"
else
	fail "(4) a password of '%%', ';;', '\"', '<>' and '%00' registers" "$(S -c 'show registrations' 2>&1)"
fi

# (5) A SIP user with a blank, ';', '<>', '%', '@' and UTF-8: escaped in
# the URI as RFC 3261 allows, the digest user name exactly the user.
kam_cmd "$KP" htable.sets users "s:$U5" "s:pw5" >/dev/null
cap_start u5 "udp port $KP"
printf 'account %s\n user %s\n password pw5\n registrar 127.0.0.1:%s\n!\n' \
	2 "$(q "$U5")" "$KP" 3 "$(q "$U6")" "$KP" >"$T/u5.in"
S -f "$T/u5.in" >"$T/u5.out" 2>&1
wait_for 10 sh -c "[ \$(tshark -r '$(cap_file u5)' -Y 'sip.Method == \"REGISTER\" && sip.Authorization' -T fields -e sip.to.user 2>/dev/null | sort -u | wc -l) = 2 ]"
sleep 0.5
cap_stop u5
to=$(cap_read u5 'sip.Method == "REGISTER" && sip.to.user contains "ice"' sip.to.addr | sort -u)
au=$(cap_read u5 'sip.Method == "REGISTER" && sip.Authorization && sip.to.user contains "ice"' sip.auth.username | sort -u)
want_to="sip:al%20ice%3Bx%3Ey%3Cz%25@127.0.0.1:$KP"
if [ "$to" = "$want_to" ] && [ "$au" = "\"$U5\"" ]; then
	pass "(5) a SIP user with blanks, ';', '<>', '%' and UTF-8 is escaped in the URI, exact in the digest"
else
	fail "(5) a SIP user is escaped in the URI, exact in the digest" \
		"To '$to' (want '$want_to'), username '$au'; $(cat "$T/u5.out")"
fi
# Kamailio refuses a user with escaped non-ASCII bytes (its un_escape),
# so that one is checked on the wire only.
to6=$(cap_read u5 'sip.Method == "REGISTER" && sip.to.user contains "rgen"' sip.to.addr | sort -u)
au6=$(cap_read u5 'sip.Method == "REGISTER" && sip.Authorization && sip.to.user contains "rgen"' sip.auth.username | sort -u)
if [ "$to6" = "sip:J%C3%BCrgen@127.0.0.1:$KP" ] && [ "$au6" = "\"$U6\"" ]; then
	pass "(5) a UTF-8 SIP user is escaped in the URI, exact in the digest"
else
	fail "(5) a UTF-8 SIP user is escaped in the URI, exact in the digest" "To '$to6', username '$au6'"
fi
if wait_for 10 reg_is 2 registered; then
	pass "(5) that user registers with the registrar"
else
	fail "(5) that user registers with the registrar" "$(S -c 'show registrations' 2>&1); $(grep 'kam:' "$(kam_dir "$KP")/kamailio.log" | tail -3)"
fi
v=$(line_params 'al%20ice%3Bx%3Ey%3Cz%25')
if [ "$v" = "answermode audio_player audio_source auth_pass auth_user regint " ]; then
	pass "(5) its account line has only its own parameters"
else
	fail "(5) its account line has only its own parameters" "'$v': $(cat "$B/accounts")"
fi

# (6) What cannot be carried is refused, with the reason.
out=$(S -c 'account 4' -c 'user a"b' 2>&1)
if grep -q "cannot hold" <<<"$out" && ! grep -q '^account 4' "$C"; then
	pass "(6) a SIP user with a quote is refused with the reason"
else
	fail "(6) a SIP user with a quote is refused with the reason" "$out"
fi
out=$(S -c sip -c "tls-cipher \"HIGH:!aNULL ADH-AES256-GCM-SHA384\"" 2>&1)
if grep -q "has a blank at position 12" <<<"$out" && ! grep -q 'tls-cipher' "$C"; then
	pass "(6) a cipher list with a blank is refused at commit"
else
	fail "(6) a cipher list with a blank is refused at commit" "$out"
fi
# baresip 1.0.0 reads 511 bytes of an account line: longer is refused.
cp "$B/accounts" "$T/accounts.before"
printf 'account 4\n user %s\n password %s\n registrar 127.0.0.1:%s\n!\n' \
	"$(printf ';%.0s' $(seq 64))" "$(printf ';%.0s' $(seq 128))" "$KP" >"$T/long.in"
out=$(S -f "$T/long.in" 2>&1)
if grep -q "account 4: its values make an account line longer than the 511 bytes" <<<"$out" && ! grep -q "^account 4" "$C" &&
	cmp -s "$T/accounts.before" "$B/accounts"; then
	pass "(6) an account line too long for baresip's reader is refused, not cut"
else
	fail "(6) an account line too long for baresip's reader is refused, not cut" "$out"
fi
cp "$B/config" "$T/config.before"
out=$(SIPSH_RUNDIR=$'/tmp/x\nmodule evil.so' "$SIPSH" -C "$C" -c sip -c 'register-interval 61' 2>&1)
if grep -q 'SIPSH_RUNDIR holds control character \\x0a at position 7' <<<"$out" &&
	! grep -q 'register-interval 61' "$C" && cmp -s "$T/config.before" "$B/config" &&
	[ ! -e $'/tmp/x\nmodule evil.so' ]; then
	pass "(6) a newline in SIPSH_RUNDIR is refused, nothing is written"
else
	fail "(6) a newline in SIPSH_RUNDIR is refused, nothing is written" "$out"
fi
out=$(SIPSH_RUNDIR="$T/run x" "$SIPSH" -C "$C" -c 'phone start' 2>&1)
if grep -q 'SIPSH_RUNDIR holds a blank' <<<"$out" && [ ! -e "$T/run x/baresip/config" ] &&
	[ ! -e "$T/run x/sv" ]; then
	pass "(6) a blank in SIPSH_RUNDIR is refused by phone start, nothing generated"
else
	fail "(6) a blank in SIPSH_RUNDIR is refused by phone start, nothing generated" "$out; $(ls -R "$T/run x" 2>&1 | head -5)"
fi

phone_down
kam_stop_all
