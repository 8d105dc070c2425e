# Sourced by tests (after tests/lib.sh): a real SIP provider on loopback.
# Debian's Kamailio, started by PID with a configuration written here, acts
# as registrar (digest auth, fixed realm, passwords in an htable, no
# database) and as the proxy that routes calls between registered users,
# challenging INVITEs with 407 as real providers do. The softphone tests use
# it to register sipsh's phone and the independent peers (plain baresip,
# linphonec) and to route calls between them.
#
#   kam_start PORT REALM USER:PASS [USER:PASS...]   start, wait until ready
#   kam_stop PORT                                    stop by PID
#   kam_stop_all                                     stop every instance
#   kam_restart PORT                                 stop, start again (same users)
#   kam_set_user PORT USER PASS                      add/change a user live
#   kam_del_user PORT USER                           remove a user live
#   kam_contact PORT USER                            Contact registered, or ""
#   kam_lookup PORT USER FIELD                       e.g. User-Agent, Socket
#   kam_registered PORT USER                         status: registered?
#   kam_wait_registered PORT USER SECONDS            status: became registered?
#   kam_wait_unregistered PORT USER SECONDS          status: binding gone?
#   kam_options PORT                                 status: 200 to a UDP OPTIONS?
#   kam_cmd PORT RPC [ARGS...]                       kamcmd on its control socket
#   kam_wait_log PORT REGEX SECONDS                  status: REGEX in its log?
#   kam_dir PORT                                     its directory (cfg, log, ctl)
#
# KAM_PID[PORT] holds the PID of a running instance (also in TEST_PIDS).
# Call kam_start/kam_stop/kam_restart directly, never inside $( ): the
# daemon must be a child of the test's shell to be waited for.
# Environment knobs read by kam_start (defaults in brackets):
#   KAM_AUTH_FAIL  reply to a wrong password: 403, or 401 to re-challenge [403]
#   KAM_AUTH_CHECKS  pv_auth_check's checks: 1 makes the digest user equal
#     the To/From user as written (an escaped user never does), 0 not [1]
#   KAM_MIN_EXPIRES  registrar's min_expires in seconds [1]
#   KAM_SHM_MB / KAM_PKG_MB  Kamailio's -m / -M memory in MB [16 / 4]
#   KAM_HOST  the address it listens on, a URI host ([v6] in brackets)
#     [127.0.0.1]
#   KAM_TLS_CERT / KAM_TLS_KEY  PEM server certificate and key: when both
#     are set, a TLS listener on KAM_HOST:PORT+1 too (the tls module)
#     [unset: none]
#   KAM_TLS_METHOD  the tls module's method: TLSv1.2 (only 1.2), TLSv1.2+,
#     TLSv1.3 ... [TLSv1.2+]
#   KAM_TLS_CIPHERS  its cipher_list for TLS <= 1.2 [unset: OpenSSL's]
#   KAM_NATED  1: a registration's source address is kept beside its
#     Contact (nathelper's fix_nated_register) and requests to the user go
#     there, over the client's own TCP/TLS connection [unset: to the
#     Contact]
#   KAM_UNREG_HOLD_MS  an authenticated un-REGISTER (Contact expires=0) is
#     held this long before it is saved, in one of Kamailio's two UDP
#     workers, while the other goes on: what a busy registrar does, made
#     certain; logged "kam: un-REGISTER from USER held N ms" [unset: none]
#   KAM_OPEN_REGISTER  1: a REGISTER of a known user is saved without a
#     challenge, as by a registrar that trusts the source address (its
#     INVITEs are still challenged) [unset: every REGISTER challenged]
# Its log ($(kam_dir PORT)/kamailio.log) has a line "kam: ..." for each
# registration, refusal and routed request, to wait for or to show; a
# registration also "kam: via of USER over PROTO from IP: TOP-VIA" (the
# Via of a REGISTER over TLS, which no capture can read).

# shellcheck shell=bash
KAMAILIO=${KAMAILIO:-/usr/sbin/kamailio}
KAMCMD=${KAMCMD:-/usr/sbin/kamcmd}
KAM_MODULES=${KAM_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
declare -gA KAM_PID=()

kam_dir() { printf '%s/kam-%s' "$T" "$1"; }

# _kam_host PORT: the address the instance listens on, as a URI host
# ([v6] in brackets): KAM_HOST when it was started, else 127.0.0.1.
_kam_host() { cat "$(kam_dir "$1")/host" 2>/dev/null || echo 127.0.0.1; }

# _kam_poll SECONDS CMD...: run CMD every 50 ms until it succeeds; status 1
# once SECONDS have passed (by the clock, and at most 20 tries a second).
_kam_poll() {
	local secs=$1 end i
	shift
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	for ((i = 0; i < secs * 20 + 1; i++)); do
		"$@" && return 0
		((${EPOCHREALTIME/./} < end)) || return 1
		sleep 0.05
	done
	return 1
}

# kam_cmd PORT RPC [ARGS...]: an RPC on the instance's control socket.
kam_cmd() {
	local d
	d=$(kam_dir "$1")
	shift
	timeout 3 "$KAMCMD" -s "unix:$d/run/kamailio_ctl" "$@"
}

# The listen lines. One function so that a TLS listener (and the tls
# module it needs) can be added here later without touching the routing.
_kam_listen_cfg() {
	local port=$1 h
	h=$(_kam_host "$port")
	printf 'listen=udp:%s:%s\n' "$h" "$port"
	printf 'listen=tcp:%s:%s\n' "$h" "$port"
	printf 'alias="localhost:%s"\n' "$port"
	if _kam_tls_on; then
		printf 'enable_tls=yes\n'
		printf 'listen=tls:%s:%s\n' "$h" "$((port + 1))"
		printf 'alias="localhost:%s"\n' "$((port + 1))"
		printf 'alias="127.0.0.1:%s"\n' "$((port + 1))"
	fi
}

_kam_tls_on() { [ -n "${KAM_TLS_CERT:-}" ] && [ -n "${KAM_TLS_KEY:-}" ]; }

# _kam_tls_cfg PORT: the tls module and its own configuration file, when
# KAM_TLS_CERT and KAM_TLS_KEY are set; nothing otherwise.
_kam_tls_cfg() {
	local port=$1 d
	_kam_tls_on || return 0
	d=$(kam_dir "$port")
	{
		printf '[server:default]\n'
		printf 'method = %s\n' "${KAM_TLS_METHOD:-TLSv1.2+}"
		printf 'verify_certificate = no\n'
		printf 'require_certificate = no\n'
		printf 'certificate = %s\n' "$KAM_TLS_CERT"
		printf 'private_key = %s\n' "$KAM_TLS_KEY"
		[ -z "${KAM_TLS_CIPHERS:-}" ] ||
			printf 'cipher_list = %s\n' "$KAM_TLS_CIPHERS"
		printf '\n[client:default]\nverify_certificate = no\n'
		printf 'require_certificate = no\n'
	} >"$d/tls.cfg"
	printf 'loadmodule "tls.so"\n'
	printf 'modparam("tls", "config", "%s/tls.cfg")\n' "$d"
}

_kam_modules_cfg() {
	local m
	printf 'mpath="%s/"\n' "$KAM_MODULES"
	for m in kex corex tm tmx sl rr pv maxfwd usrloc registrar textops \
		siputils xlog ctl auth htable; do
		printf 'loadmodule "%s.so"\n' "$m"
	done
	[ -z "${KAM_UNREG_HOLD_MS:-}" ] || printf 'loadmodule "cfgutils.so"\n'
	if [ "${KAM_NATED:-}" = 1 ]; then
		printf 'loadmodule "nathelper.so"\n'
		printf 'modparam("nathelper", "received_avp", "$avp(RECEIVED)")\n'
		printf 'modparam("registrar", "received_avp", "$avp(RECEIVED)")\n'
	fi
}

# _kam_write_cfg PORT: the configuration, from the realm and users kept
# in the instance's directory.
_kam_write_cfg() {
	local port=$1 d realm u p line
	d=$(kam_dir "$port")
	realm=$(cat "$d/realm")
	{
		cat <<EOF
#!KAMAILIO
# Written by tests/tools/kamailio.sh for one test; port $port, realm $realm.
debug=2
log_stderror=yes
log_prefix="{\$mt \$hdr(CSeq) \$ci} "
memdbg=5
memlog=5
children=2
tcp_children=2
auto_aliases=no
dns=no
rev_dns=no
dns_try_ipv6=no
use_dns_cache=off
tos=0
sip_warning=0
server_header="Server: sipsh-test-kamailio"
user_agent_header="User-Agent: sipsh-test-kamailio"
alias="$realm"
#!substdef "!KAM_REALM!$realm!g"
#!substdef "!KAM_AUTH_FAIL!${KAM_AUTH_FAIL:-403}!g"
#!substdef "!KAM_AUTH_CHECKS!${KAM_AUTH_CHECKS:-1}!g"
EOF
		[ "${KAM_NATED:-}" != 1 ] || printf '#!define KAM_NATED\n'
		[ "${KAM_OPEN_REGISTER:-}" != 1 ] || printf '#!define KAM_OPEN_REGISTER\n'
		[ -z "${KAM_UNREG_HOLD_MS:-}" ] ||
			printf '#!define KAM_UNREG_HOLD\n#!substdef "!KAM_UNREG_HOLD_MS!%s!g"\n#!substdef "!KAM_UNREG_HOLD_US!%s!g"\n' \
				"$KAM_UNREG_HOLD_MS" "$((KAM_UNREG_HOLD_MS * 1000))"

		_kam_listen_cfg "$port"
		_kam_modules_cfg
		_kam_tls_cfg "$port"
		cat <<EOF
modparam("ctl", "binrpc", "unix:$d/run/kamailio_ctl")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", ${KAM_MIN_EXPIRES:-1})
modparam("registrar", "max_contacts", 0)
# No GRUU: linphonec would put its pub-gruu (the AOR without our port) in
# its Contact, and in-dialog requests to it would go to port 5060.
modparam("registrar", "gruu_enabled", 0)
modparam("rr", "append_fromtag", 1)
modparam("htable", "htable", "users=>size=4;autoexpire=0;")
modparam("auth", "nonce_expire", 300)

event_route[htable:mod-init] {
EOF
		while IFS= read -r line; do
			[ -z "$line" ] && continue
			u=${line%%:*}
			p=${line#*:}
			# shellcheck disable=SC2016 # Kamailio's \$sht, not the shell's
			printf '\t$sht(users=>%s) = "%s";\n' "$u" "$p"
		done <"$d/users"
		cat <<'EOF'
}

request_route {
	$var(realm) = "KAM_REALM";
	$var(authfail) = "KAM_AUTH_FAIL";
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}

	# Readiness probe and keepalives: OPTIONS to the server itself.
	if (is_method("OPTIONS") && uri == myself && $rU == $null) {
		sl_send_reply("200", "OK");
		exit;
	}

	if (has_totag()) {
		route(WITHINDLG);
		exit;
	}

	if (is_method("CANCEL")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}
	if (is_method("ACK")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}
	t_check_trans();

	if (is_method("REGISTER")) {
		route(REGISTRAR);
		exit;
	}

	if (uri != myself) {
		xlog("L_NOTICE", "kam: refused $rm to $ru: not our domain\n");
		sl_send_reply("403", "Relaying Forbidden");
		exit;
	}

	# Requests from our own users must prove who they are (407). Ours: the
	# From host is ours whatever the port (linphonec drops the port).
	if (($fd == "127.0.0.1" || $fd == "localhost" || $fd == "[::1]" ||
		$fd == $var(realm)) && is_method("INVITE|MESSAGE|REFER|SUBSCRIBE")) {
		route(AUTH);
		consume_credentials();
	}

	if (is_method("INVITE|SUBSCRIBE|REFER")) {
		record_route();
	}
	route(LOCATION);
}

route[WITHINDLG] {
	if (loose_route()) {
		t_relay();
		exit;
	}
	if (is_method("ACK")) {
		if (t_check_trans()) {
			t_relay();
		}
		exit;
	}
	sl_send_reply("404", "Not Here");
	exit;
}

# auth: no credentials, a stale nonce or one for another realm: challenge;
# a wrong password or an unknown user: 403 (or a new challenge, see
# KAM_AUTH_FAIL in tests/tools/kamailio.sh).
route[AUTH] {
	if (is_method("REGISTER")) {
		$var(user) = $tU;
	} else {
		$var(user) = $fU;
	}
	if (!has_credentials("$var(realm)")) {
		xlog("L_NOTICE", "kam: challenge $rm from $var(user)\n");
		auth_challenge("$var(realm)", "0");
		exit;
	}
	if ($sht(users=>$au) == $null) {
		xlog("L_NOTICE", "kam: refused $rm from $var(user): unknown user $au\n");
		route(AUTHFAIL);
	}
	$var(rc) = pv_auth_check("$var(realm)", "$sht(users=>$au)", "0", "KAM_AUTH_CHECKS");
	if ($var(rc) == 1) {
		return;
	}
	if ($var(rc) == -2 || $var(rc) == -8) {
		xlog("L_NOTICE", "kam: refused $rm from $var(user): bad credentials ($var(rc))\n");
		route(AUTHFAIL);
	}
	xlog("L_NOTICE", "kam: challenge $rm from $var(user) again ($var(rc))\n");
	auth_challenge("$var(realm)", "0");
	exit;
}

route[AUTHFAIL] {
	if ($var(authfail) == "403") {
		sl_send_reply("403", "Forbidden");
	} else {
		auth_challenge("$var(realm)", "0");
	}
	exit;
}

route[REGISTRAR] {
#!ifdef KAM_OPEN_REGISTER
	if ($sht(users=>$tU) == $null) {
		xlog("L_NOTICE", "kam: refused REGISTER from $tU: unknown user\n");
		sl_send_reply("403", "Forbidden");
		exit;
	}
#!else
	route(AUTH);
#!endif
#!ifdef KAM_UNREG_HOLD
	if ($ct =~ ";expires=0($|;)" || $hdr(Expires) == "0") {
		xlog("L_NOTICE", "kam: un-REGISTER from $tU held KAM_UNREG_HOLD_MS ms\n");
		usleep("KAM_UNREG_HOLD_US");
	}
#!endif
#!ifdef KAM_NATED
	fix_nated_register();
#!endif
	if (!save("location")) {
		xlog("L_NOTICE", "kam: REGISTER from $tU failed to save\n");
		sl_reply_error();
		exit;
	}
	xlog("L_NOTICE", "kam: REGISTER $tU ok contact $ct\n");
	xlog("L_NOTICE", "kam: via of $tU over $proto from $si: $hdr(Via)\n");
	exit;
}

route[LOCATION] {
	$var(rc) = lookup("location");
	if ($var(rc) < 0) {
		if ($sht(users=>$rU) != $null) {
			xlog("L_NOTICE", "kam: $rm to $rU: not registered\n");
			sl_send_reply("480", "Temporarily Unavailable");
		} else {
			xlog("L_NOTICE", "kam: $rm to $rU: no such user\n");
			sl_send_reply("404", "Not Found");
		}
		exit;
	}
	xlog("L_NOTICE", "kam: $rm from $fU to $ru\n");
	if (!t_relay()) {
		sl_reply_error();
	}
	exit;
}
EOF
	} >"$d/kamailio.cfg"
}

# kam_options PORT: status 0 when a UDP OPTIONS to the server gets 200
# within ~0.5 s.
kam_options() {
	local port=$1 branch msg reply h a
	h=$(_kam_host "$port")
	a=${h#[}
	a=${a%]}
	branch=z9hG4bK$RANDOM$RANDOM$$
	msg=$(printf 'OPTIONS sip:%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:9;branch=%s;rport\r\nMax-Forwards: 5\r\nFrom: <sip:probe@%s>;tag=%s\r\nTo: <sip:%s:%s>\r\nCall-ID: %s@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\nX' \
		"$h" "$port" "$h" "$branch" "$h" "$RANDOM" "$h" "$port" "$branch")
	# bash's /dev/udp socket is connected, so Kamailio answers to its port
	# (rport). dd sends the request as one datagram (bash's printf would
	# send a datagram per line) and reads the whole reply (bash's read
	# would cut it at the first byte).
	reply=$(
		exec 3<>"/dev/udp/$a/$port" || exit 1
		printf '%s' "${msg%X}" | dd bs=65535 count=1 iflag=fullblock >&3 2>/dev/null
		timeout 0.5 dd bs=65535 count=1 <&3 2>/dev/null
	)
	[[ $reply == "SIP/2.0 200 "* ]]
}

# _kam_ready PORT: status 0 once the instance answers, and also when it
# died (KAM_PID[PORT] is then unset), which ends the polling at once.
_kam_ready() {
	local port=$1 d
	d=$(kam_dir "$port")
	if ! kill -0 "${KAM_PID[$port]}" 2>/dev/null; then
		echo "kamailio on $port exited at start; its log:" >&2
		tail -5 "$d/kamailio.log" >&2
		wait "${KAM_PID[$port]}" 2>/dev/null
		forget "${KAM_PID[$port]}"
		unset "KAM_PID[$port]"
		return 0
	fi
	[ -S "$d/run/kamailio_ctl" ] && kam_cmd "$port" core.uptime >/dev/null 2>&1 &&
		kam_options "$port"
}

# _kam_launch PORT: start the daemon on the directory's configuration.
_kam_launch() {
	local port=$1 d
	d=$(kam_dir "$port")
	if ! "$KAMAILIO" -c -f "$d/kamailio.cfg" >"$d/check.log" 2>&1; then
		echo "kamailio -c refused $d/kamailio.cfg:" >&2
		grep -E 'ERROR|CRITICAL' "$d/check.log" | head -5 >&2
		return 1
	fi
	mkdir -p "$d/run"
	rm -f "$d/run/kamailio_ctl" "$d/kamailio.pid"
	"$KAMAILIO" -f "$d/kamailio.cfg" -P "$d/kamailio.pid" -Y "$d/run" \
		-m "${KAM_SHM_MB:-16}" -M "${KAM_PKG_MB:-4}" -DD -E \
		>>"$d/kamailio.log" 2>&1 </dev/null &
	KAM_PID[$port]=$!
	TEST_PIDS+=("$!")
	# Ready: the control socket answers and so does a SIP OPTIONS (~0.3 s).
	if _kam_poll 5 _kam_ready "$port"; then
		[ -n "${KAM_PID[$port]:-}" ]
		return
	fi
	if [ -n "${KAM_PID[$port]:-}" ]; then
		echo "kamailio on $port not ready after 5 s" >&2
		kam_stop "$port"
	fi
	return 1
}

# kam_start PORT REALM USER:PASS...: write the configuration, check it,
# start it, wait until it answers. Status non-zero on any failure.
kam_start() {
	local port=$1 realm=$2 d up
	shift 2
	d=$(kam_dir "$port")
	if [ -n "${KAM_PID[$port]:-}" ]; then
		echo "kam_start: $port already running" >&2
		return 1
	fi
	mkdir -p "$d"
	printf '%s\n' "$realm" >"$d/realm"
	printf '%s\n' "${KAM_HOST:-127.0.0.1}" >"$d/host"
	: >"$d/users"
	for up in "$@"; do
		if [ "$up" = "${up#*:}" ] || ! _kam_valid_user "${up%%:*}" "${up#*:}"; then
			echo "kam_start: '$up' is not USER:PASS" >&2
			return 1
		fi
		printf '%s\n' "$up" >>"$d/users"
	done
	_kam_write_cfg "$port" && _kam_launch "$port"
}

# kam_stop PORT: SIGTERM to the main process (it stops its children),
# then SIGKILL if it has not gone within ~3 s.
kam_stop() {
	local port=$1 pid i kids
	pid=${KAM_PID[$port]:-}
	[ -z "$pid" ] && return 0
	# Its worker processes, by PID, before the main one can go: they must
	# not outlive it if it has to be killed hard.
	kids=$(pgrep -P "$pid" | tr '\n' ' ')
	kill "$pid" 2>/dev/null
	for i in $(seq 1 60); do
		kill -0 "$pid" $kids 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	for i in $kids; do
		kill -0 "$i" 2>/dev/null && kill -9 "$i" 2>/dev/null
	done
	wait "$pid" 2>/dev/null
	forget "$pid"
	unset "KAM_PID[$port]"
	return 0
}

# kam_stop_all: every instance still running. Stop the phones first: a
# baresip stopped after its registrar waits up to 32 s to un-REGISTER.
kam_stop_all() {
	local port
	for port in "${!KAM_PID[@]}"; do
		kam_stop "$port"
	done
}

# kam_restart PORT: the same server again, registrations lost (db_mode 0).
kam_restart() {
	local port=$1
	kam_stop "$port"
	_kam_write_cfg "$port" && _kam_launch "$port"
}

# _kam_valid_user USER PASS: both go into the configuration as strings:
# users of letters, digits and ._+-; passwords without a double quote,
# backslash, $ or white space.
_kam_valid_user() {
	local user_re='^[A-Za-z0-9._+-]+$' pass_re='^[^"\$[:space:]]+$'
	[[ $1 =~ $user_re ]] && [[ $2 =~ $pass_re ]]
}

# kam_set_user PORT USER PASS: add or change a user now and for restarts.
kam_set_user() {
	local port=$1 user=$2 pass=$3 d
	_kam_valid_user "$user" "$pass" || {
		echo "kam_set_user: unusable user or password" >&2
		return 1
	}
	d=$(kam_dir "$port")
	grep -v "^$user:" "$d/users" >"$d/users.new"
	printf '%s:%s\n' "$user" "$pass" >>"$d/users.new"
	mv "$d/users.new" "$d/users"
	[ -z "${KAM_PID[$port]:-}" ] || kam_cmd "$port" htable.sets users "s:$user" "s:$pass" >/dev/null
}

# kam_del_user PORT USER: remove a user now and for restarts.
kam_del_user() {
	local port=$1 user=$2 d
	d=$(kam_dir "$port")
	grep -v "^$user:" "$d/users" >"$d/users.new"
	mv "$d/users.new" "$d/users"
	[ -z "${KAM_PID[$port]:-}" ] || kam_cmd "$port" htable.delete users "s:$user" >/dev/null
}

# kam_lookup PORT USER FIELD: FIELD (Address, User-Agent, Expires, Socket,
# Received, ...) of each binding USER has, one a line, from ul.lookup.
# "s:" makes kamcmd send the user as a string (a bare 1001 is an integer).
kam_lookup() {
	kam_cmd "$1" ul.lookup location "s:$2" 2>/dev/null |
		sed -n "s/^[[:space:]]*$3: *\\(.*\\)\$/\\1/p"
}

# kam_contact PORT USER: the Contact URI USER registered (the first, if
# several), empty when none.
kam_contact() {
	kam_lookup "$1" "$2" Address | head -1
}

kam_registered() {
	[ -n "$(kam_contact "$1" "$2")" ]
}

# kam_wait_registered PORT USER SECONDS
kam_wait_registered() {
	_kam_poll "$3" kam_registered "$1" "$2"
}

# kam_wait_unregistered PORT USER SECONDS
kam_wait_unregistered() {
	_kam_poll "$3" _kam_not kam_registered "$1" "$2"
}

_kam_not() { ! "$@"; }

# kam_wait_log PORT REGEX SECONDS: REGEX (grep -E) appears in its log.
kam_wait_log() {
	_kam_poll "$3" grep -qE -- "$2" "$(kam_dir "$1")/kamailio.log"
}
