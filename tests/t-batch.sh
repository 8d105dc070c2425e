#!/usr/bin/env bash
# The batch entry point and the file, against the real binary: all 25
# settings set by one batch file and read back in the view's order, the
# file round-tripping byte for byte, errors naming FILE:LINE, a bad file
# refused whole with FILE:LINE:COL, and old TLS words loading with a
# warning. Runs for the plain build and the sanitizer build.
. "$(dirname "$0")/lib.sh"

G=$TOP/tests/golden

# A CA certificate of the test's own, put where the golden files say @CA@.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=sipsh test CA" \
	-days 3650 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
fill() {
	awk -v ca="$T/ca.pem" -v ind="$2" '
		/^@CA@$/ || /^@CA-INDENTED@$/ {
			while ((getline l < ca) > 0)
				print (/INDENTED/ ? "  " : "") l
			close(ca); next
		}
		{ print }' "$1"
}
fill "$G/all-settings.in" >"$T/all.in"
fill "$G/all-settings.out" >"$T/all.out"

for bin in "$TOP/build/sipsh" "$TOP/build/sipsh-asan"; do
	tag=$(basename "$bin")
	S() { "$bin" "$@"; }
	C=$T/$tag.conf
	rm -rf "$C" "$C.history"

	# All 25 settings from one batch file, shown in the view's order.
	check "$tag: the all-settings batch is accepted" S -C "$C" -f "$T/all.in"
	S -C "$C" -c 'show running-config' >"$T/show.out" 2>&1
	same "$tag: show running-config lists them in the view's order" \
		"$T/all.out" "$T/show.out"
	check "$tag: the file is mode 0600" test "$(stat -c %a "$C")" = 600

	# show running-config fed back through -f - reproduces the file.
	cp "$C" "$T/before"
	S -C "$C" -f - <"$T/show.out" 2>/dev/null
	same "$tag: show output replayed reproduces the file byte for byte" \
		"$T/before" "$C"
	check "$tag: the replay made no new version" \
		test "$(ls "$C.history" | wc -l)" = 1

	# The file itself: parsing it and printing again gives the same bytes.
	rm -f "$T/copy.conf"
	S -C "$T/copy.conf" -f "$C" 2>/dev/null
	same "$tag: print, parse, print gives the same file" "$T/before" \
		"$T/copy.conf"
	check "$tag: the real password is in the file" \
		grep -qx ' password "s3cret pass"' "$C"
	check "$tag: show masks the password" \
		grep -qx ' password \*\*\*\*\*\*\*\*' "$T/show.out"

	# 'all' shows defaults too, and reads back to the same configuration.
	S -C "$C" -c 'show running-config all' >"$T/all-show" 2>&1
	check "$tag: show running-config all includes defaults" \
		grep -qx ' register-interval 600' "$T/all-show"
	# (on a file that holds only the password the masked line stands for)
	rm -rf "$T/fresh.conf" "$T/fresh.conf.history"
	printf 'account 1\n password "s3cret pass"\n!\n' >"$T/fresh.conf"
	S -C "$T/fresh.conf" -f "$T/all-show" 2>/dev/null
	S -C "$T/fresh.conf" -c 'show running-config' >"$T/fresh.show" 2>&1
	same "$tag: 'show running-config all' output loads to the same" \
		"$T/all.out" "$T/fresh.show"

	# Each setting: set alone, printed, re-parsed, compared.
	n=0 bad=
	while read -r line; do
		rm -f "$T/one.conf" "$T/one2.conf"
		S -C "$T/one.conf" -c sip -c "$line" 2>/dev/null
		S -C "$T/one2.conf" -f "$T/one.conf" 2>/dev/null
		if grep -qxF -- " $line" "$T/one.conf" &&
			cmp -s "$T/one.conf" "$T/one2.conf"; then
			n=$((n + 1))
		else
			bad="$bad [$line]"
		fi
	done < <(sed -n '/^sip$/,/^!$/p' "$T/all.out" | sed 's/^ //' |
		grep -v '^ \|^-----\|^quit\|^trusted-ca\|localnet\|^sip$\|^!$')
	if [ -z "$bad" ] && [ $n -ge 20 ]; then
		pass "$tag: $n settings each set alone round-trip"
	else
		fail "$tag: settings set alone round-trip" "$n ok; bad:$bad"
	fi
done

S() { "$TOP/build/sipsh" "$@"; }
C=$T/err.conf
S -C "$C" -c sip -c 'bind-port 5062' 2>/dev/null
cp "$C" "$T/err.before"

# Errors: FILE:LINE: % message, non-zero status, nothing changed.
printf 'sip\n bind-port 5099\n bind-port 70000\n' >"$T/bad.in"
expect_out "out of range names the line and the range" \
	"$T/bad.in:3: % bind-port: '70000' is out of range <1-65534>" \
	S -C "$C" -f "$T/bad.in"
S -C "$C" -f "$T/bad.in" 2>/dev/null
check "a refused batch exits 1" test $? = 1
same "a refused batch changes nothing" "$T/err.before" "$C"

expect_out "an unknown word" "-c:2: % Invalid input 'bogus'" \
	S -C "$C" -c sip -c 'bogus 1'
expect_out "an ambiguous prefix lists the candidates" \
	"-c:2: % Ambiguous command 'register-': register-interval, register-attempts, register-timeout, register-backoff-attempts, register-backoff-timeout" \
	S -C "$C" -c sip -c 'register- 5'
expect_out "an incomplete command" "-c:2: % Incomplete command" \
	S -C "$C" -c sip -c 'diffserv'
expect_out "a bad enum value lists the choices" \
	"-c:2: % dtmf-mode: 'pulse' is not one of: compatibility, rfc2833, sip-info, inband" \
	S -C "$C" -c sip -c 'dtmf-mode pulse'
expect_out "a filter after a command that prints nothing" \
	"-c:2: % Invalid input '|': this command prints nothing to filter" \
	S -C "$C" -c sip -c 'bind-port 5063 | include x'
expect_out "an unterminated quote" "-c:2: % unterminated quote" \
	S -C "$C" -c sip -c 'user-agent "abc'

# Whole-configuration checks refuse the commit, naming every problem.
expect_out "a line naming a missing account is refused at commit" \
	"$C: % Commit refused: the configuration has 1 problem:
  line 0: account 4 does not exist" \
	S -C "$C" -c 'line 0' -c 'account 4'
S -C "$C" -c 'line 0' -c 'account 4' 2>/dev/null
check "a refused commit exits 3" test $? = 3
expect_out "back-off attempts must be below attempts" \
	"$C: % Commit refused: the configuration has 1 problem:
  sip: register-backoff-attempts 5 is not below register-attempts 3, so back-off would never start (use fewer back-off attempts, or register-attempts 0 to try forever)" \
	S -C "$C" -c sip -c 'register-attempts 3' -c 'register-backoff-attempts 5'
expect_out "the RTP range may not hold the SIP port" \
	"$C: % Commit refused: the configuration has 1 problem:
  sip: rtp-port-range 5000-6000 contains bind-port 5062" \
	S -C "$C" -c sip -c 'rtp-port-range 5000-6000'
expect_out "an account needs its user and registrar" \
	"$C: % Commit refused: the configuration has 2 problems:
  account 2: user is not set
  account 2: registrar is not set" \
	S -C "$C" -c 'account 2'
same "refused commits change nothing" "$T/err.before" "$C"

# A bad file is refused whole, with FILE:LINE:COL.
printf '! sipsh configuration\nsip\n bind-port 5070\n dtmf-mode pulse\n!\n' >"$T/bad.conf"
expect_out "a bad file names line and column" \
	"$T/bad.conf:4:12: dtmf-mode: 'pulse' is not one of: compatibility, rfc2833, sip-info, inband" \
	S -C "$T/bad.conf" -c 'show running-config'
S -C "$T/bad.conf" -c 'show running-config' >/dev/null 2>&1
check "a bad file exits 4" test $? = 4
# Bytes a text file has no place for refuse it whole, where they are.
printf 'sip\n bind-port 5070\0\n dtmf-mode pulse\n' >"$T/nul.conf"
expect_out "a NUL byte refuses the file, named at its place" \
	"$T/nul.conf:2:16: a NUL byte in the line" \
	S -C "$T/nul.conf" -c 'show running-config'
printf '\357\273\277sip\n bind-port 5070\n' >"$T/bom.conf"
expect_out "a byte-order mark refuses the file" \
	"$T/bom.conf:1:1: a UTF-8 byte-order mark at the start of the file" \
	S -C "$T/bom.conf" -c 'show running-config'
printf 'sip\r bind-port 5070\r' >"$T/cr.conf"
S -C "$T/cr.conf" -c 'sip' -c 'bind-port 5080' >/dev/null 2>&1
check "a file with CR line ends is refused (exit 4)" test $? = 4
check "...and left as it was" cmp -s "$T/cr.conf" <(printf 'sip\r bind-port 5070\r')
printf 'sip\r\n bind-port 5070\r\n!\r\n' >"$T/crlf.conf"
expect_out "CR LF line ends are read" " bind-port 5070" \
	S -C "$T/crlf.conf" -c 'show running-config | include port'
printf 'sip\n bind-port 5070\n' >"$T/ok.conf"
printf 'line 0\n account 1\n' >>"$T/bad.conf"
S -C "$T/bad.conf" -c 'sip' -c 'bind-port 5080' >/dev/null 2>&1
check "a batch on a bad file writes nothing" \
	grep -q 'dtmf-mode pulse' "$T/bad.conf"

# Old TLS words load with a warning saying what they now mean.
for old in tlsv1 sslv3 sslv2; do
	printf 'sip\n tls-version %s\n!\n' "$old" >"$T/old.conf"
	out=$(S -C "$T/old.conf" -c 'show running-config all' 2>&1)
	if grep -q "old.conf:2:14: warning: tls-version: $old .* loaded as 1.2" <<<"$out" &&
		grep -qx ' tls-version 1.2' <<<"$out"; then
		pass "old tls-version $old loads as 1.2 with a warning"
	else
		fail "old tls-version $old loads as 1.2 with a warning" "$out"
	fi
done

# Masked passwords replay to the stored secret; alone they are refused.
S -C "$C" -c 'account 1' -c 'user 1' -c 'registrar r.example' \
	-c 'password hunter2' 2>/dev/null
S -C "$C" -c 'account 1' -c 'password ********' 2>/dev/null
check "a masked password keeps the stored one" grep -qx ' password hunter2' "$C"
expect_out "a masked password with none stored is refused" \
	"-c:2: % password: '********' is the masked form of a stored password, and none is stored; type the password itself" \
	S -C "$C" -c 'account 2' -c 'password ********'

# stdin that is not a terminal is a batch too; -c and SIPSH_CONF.
printf 'sip\n bind-port 5090\n' | SIPSH_CONF=$C "$TOP/build/sipsh"
check "stdin batch with SIPSH_CONF" grep -qx ' bind-port 5090' "$C"
expect_out "unknown option: usage and status 2" "2" \
	sh -c "'$TOP/build/sipsh' -Z >/dev/null 2>&1; echo \$?"

# The default configuration is canonical and passes the checks.
cp "$TOP/etc/sipsh.conf" "$T/default.conf"
S -C "$T/default.conf" -c 'show running-config' >"$T/default.show" 2>&1
same "the default configuration is canonical" "$TOP/etc/sipsh.conf" \
	"$T/default.show"

# Output filters, as a script would use them.
F=$T/filters.conf
cp "$TOP/etc/sipsh.conf" "$F"
expect_out "| include" " user 100
 user 101" S -C "$F" -c 'show running-config | include user'
expect_out "| exclude, then | count" "18" \
	S -C "$F" -c 'show running-config | exclude "^ (user|name)" | count'
expect_out "| begin" "line 1
 name \"Line 1\"
 account 2
!" S -C "$F" -c 'show running-config | begin "^line 1"'
expect_out "a bad regular expression is refused" \
	"-c:1: % bad regular expression '(': Unmatched ( or \\(" \
	S -C "$F" -c 'show running-config | include ('
expect_out "| json only where a command has it" \
	"-c:1: % '| json' is not available for this command" \
	S -C "$F" -c 'show version | json'
out=$(S -C "$F" -c 'show running-config line 1 | json')
expect_out "| json of one section" \
	'{"line":{"1":{"name":"Line 1","account":2,"shutdown":false}}}' \
	echo "$out"
