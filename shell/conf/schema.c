/*
 * The schema table. The 'sip' rows are the router's Advanced SIP
 * Settings view, in the view's order and with its labels; 'account' and
 * 'line' rows are what a working phone needs besides. Defaults follow the
 * router's own (UCI) defaults unless a row's doc says why not.
 */
#include <string.h>
#include "schema.h"

static const char *const dtmf_modes[] = {
	"compatibility", "rfc2833", "sip-info", "inband", NULL
};
static const struct alias dtmf_aliases[] = {
	{"info", "sip-info", NULL},
	{NULL, NULL, NULL}
};

static const char *const dtmf_help[] = {
	"tones in the audio; RFC 2833 events still understood",
	"RTP telephone-events (RFC 2833)",
	"SIP INFO requests (application/dtmf-relay)",
	"tones in the audio only",
	NULL
};

static const char *const congestion_tones[] = {"congestion", "info", NULL};
static const char *const congestion_help[] = {
	"the congestion (fast busy) tone",
	"the special information tone (three rising notes)",
	NULL
};

static const char *const tls_versions[] = {"1.2", "1.3", NULL};
static const char *const tls_help[] = {
	"TLS 1.2 or newer",
	"TLS 1.3 only",
	NULL
};
static const struct alias tls_aliases[] = {
	{"tlsv1.2", "1.2", NULL},
	{"tlsv1.3", "1.3", NULL},
	{"tlsv1", "1.2", "tlsv1 (TLS 1.0) is refused by OpenSSL 3 at its "
	 "default security level; loaded as 1.2, the lowest safe version"},
	{"tlsv1.1", "1.2", "tlsv1.1 (TLS 1.1) is refused by OpenSSL 3 at its "
	 "default security level; loaded as 1.2, the lowest safe version"},
	{"sslv3", "1.2", "sslv3 is broken (POODLE) and absent from "
	 "OpenSSL 3; loaded as 1.2, the lowest safe version"},
	{"sslv2", "1.2", "sslv2 is broken and absent from OpenSSL 3; "
	 "loaded as 1.2, the lowest safe version"},
	{NULL, NULL, NULL}
};

static const char *const transports[] = {"udp", "tcp", "tls", NULL};
static const char *const transport_help[] = {
	"SIP over UDP",
	"SIP over TCP",
	"SIP over TLS, verified against the trusted CAs",
	NULL
};

/* The national tone plans the phoneline module has tables for. */
static const char *const tone_plans[] = {
	"itu", "us", "gb", "de", "fr", NULL
};
static const char *const tone_plan_help[] = {
	"ITU-T E.180 recommended tones",
	"United States",
	"United Kingdom",
	"Germany",
	"France",
	NULL
};

static struct section sections[SECT_N] = {
	[SECT_SIP] = {SECT_SIP, "sip", "Advanced SIP Settings",
		      "SIP settings shared by all accounts", true, 0, 0, 0, 0,
		      NULL, NULL},
	[SECT_ACCOUNT] = {SECT_ACCOUNT, "account", "SIP accounts",
			  "A SIP account (user, registrar, password)",
			  false, 1, 8, 0, 0, "shutdown", "shutdown"},
	[SECT_LINE] = {SECT_LINE, "line", "Phone lines",
		       "An analog phone line (port) and its account",
		       false, 0, 9, 0, 0, "shutdown", "shutdown"},
	[SECT_PHONE] = {SECT_PHONE, "phone", "Phone lines (all)",
			"How the analog lines behave: tones, dialling",
			true, 0, 0, 0, 0, NULL, NULL},
	[SECT_SYSTEM] = {SECT_SYSTEM, "system", "System",
			 "Settings of the device and its shell sessions",
			 true, 0, 0, 0, 0, NULL, NULL},
};

#define INT(min_, max_) (min_), (max_), NULL, NULL
#define NONE 0, 0, NULL, NULL

/*
 * A row's consumers, as phone_gen.c generates them and phone_apply.c
 * applies them: baresip reads its own keys only when it starts (so a
 * change restarts it), and so do our modules, but for the keys a module
 * takes again at run time (MOD_LIVE: conf_reload on the control socket,
 * baresip-mods/common/conf_reload.h); account lines are replaced through
 * the control socket, and the phoneline module's lines are bound again.
 */
#define USES(...) ((const struct consumer[]){__VA_ARGS__, \
			{CK_END, NULL, 0, NULL, false}})
#define CONF(k)       {CK_CONFIG, k, AC_RESTART, NULL, false}
#define MOD(k)        {CK_MODULE, k, AC_RESTART, NULL, false}
/* The key's value is the setting's text, written by the generator's
 * loop over the schema (phone_gen.c, keys_print). */
#define CONF_V(k)     {CK_CONFIG, k, AC_RESTART, NULL, true}
#define MOD_V(k)      {CK_MODULE, k, AC_RESTART, NULL, true}
#define MOD_IF(k, w)  {CK_MODULE, k, AC_RESTART, w, false}
/* A module key the running phone takes again (its module has a reload
 * handler for it): no restart, calls go on. */
#define MOD_LIVE(k)   {CK_MODULE, k, AC_LIVE, NULL, false}
#define MOD_LIVE_V(k) {CK_MODULE, k, AC_LIVE, NULL, true}
#define MOD_LIVE_IF(k, w) {CK_MODULE, k, AC_LIVE, w, false}
#define ACC(k)        {CK_ACCOUNT, k, AC_ACCOUNT, NULL, false}
#define ACC_IF(k, w)  {CK_ACCOUNT, k, AC_ACCOUNT, w, false}
/* A part of the account lines a module also gives the running accounts
 * (MOD_LIVE): its change alone replaces no account. */
#define ACC_LIVE(k)   {CK_ACCOUNT, k, AC_LIVE, NULL, false}
#define LINES(k)      {CK_MODULE, k, AC_LINE, NULL, false}
#define SHELL(k)      {CK_SHELL, k, AC_SHELL, NULL, false}
/* siptls checks each TLS server's certificate against the host (and
 * port) its account connects to: only TLS accounts count. */
#define TLS_HOST      MOD_IF("siptls_host", "transport tls")
/* Stored, shown and documented, but read by nothing in this version. */
#define NO_EFFECT_YET NULL

const struct setting schema[] = {
	/* 1 */
	{SECT_SIP, "proxy", "Sip Proxy servers", &vt_host, NULL,
	 "A proxy allowed to send incoming calls (host name or address)",
	 NONE, SF_LIST,
	 "Hosts allowed to send incoming calls. Names are resolved to "
	 "addresses; an INVITE that opens a call from any other address is "
	 "refused with 403 Forbidden, sent statelessly: the phone keeps "
	 "nothing of it and never repeats the 403. A refused source gets "
	 "at most 5 such answers at once and then 1 a second (an IPv6 /64 "
	 "counts as one source), all refused sources together 50 a second; "
	 "INVITEs above that are dropped unanswered, so that a flood costs "
	 "the phone little and calls through the allowed proxies go on. "
	 "An allowed proxy is never limited. "
	 "With no proxy configured, calls are accepted from anywhere. A "
	 "change applies to the next new INVITE; calls already up go on.",
	 USES(MOD_LIVE("sipwire_proxy"))},
	/* 2 */
	{SECT_SIP, "bind-interface", "Bind Interface", &vt_ifname, NULL,
	 "Listen for SIP only on this interface's address",
	 NONE, 0,
	 "Restricts SIP listening to the address of one network interface "
	 "(its first IPv4 address, else its first global IPv6 one), which "
	 "the phone's SIP and SDP then carry: SIP over UDP leaves from it, "
	 "and connections over TCP and TLS are made from it (connections "
	 "to a DNS server's port 53 are not). Unset: SIP over UDP and TCP on "
	 "the SIP port, and over TLS on the next one, on every address of "
	 "every interface, IPv4 and IPv6 (not IPv6 link-local), also on "
	 "addresses that come later (checked every second), with or "
	 "without a default route. A request over UDP leaves from the "
	 "address the system routes toward its destination, a response "
	 "from the address its request came to, "
	 "and the Via, Contact and SDP carry that address (see localnet for "
	 "the STUN-mapped one). Over TCP and TLS a connection the phone "
	 "makes leaves from the address the system routes toward its peer, "
	 "one it accepts has the address its peer reached, and every "
	 "request and response on a connection carries that connection's "
	 "address in its Via (requests), Contact and SDP, with the port the "
	 "phone listens on at that address for TCP (bind-port) or TLS (the "
	 "next one), not the connection's own port: the one a registrar can "
	 "open a connection back to. After a network change the phone "
	 "rebuilds its sockets; one that a SIP transaction still holds (up "
	 "to 32 s) is listened on again once it is free, and until then "
	 "what would leave from its address leaves from the phone's first "
	 "one.",
	 USES(CONF("sip_listen"), CONF("net_interface"),
	      MOD("sipaddr_listen_all"))},
	/* 3 */
	{SECT_SIP, "bind-port", "Bindport", &vt_port, "5060",
	 "Port for SIP over UDP and TCP (TLS: the next port)",
	 INT(1, 65534), 0,
	 "The port SIP listens on, for UDP and TCP; TLS uses the next port.",
	 USES(CONF("sip_listen"))},
	/* 4 */
	{SECT_SIP, "user-agent", "User Agent", &vt_string, NULL,
	 "Text of the User-Agent header",
	 INT(1, 128), 0,
	 "The User-Agent header sent in every request. Unset: \"sipsh\" "
	 "followed by its version. A change applies at once, to the next "
	 "request or reply of calls already up too.",
	 USES(MOD_LIVE("sipwire_user_agent"))},
	/* 5 */
	{SECT_SIP, "rtp-port-range", "RTP Port Range", &vt_portrange,
	 "10000-20000",
	 "UDP ports for RTP media, START-END",
	 INT(1024, 65535), 0,
	 "The UDP ports media (RTP and RTCP) may use. The range must hold at "
	 "least two ports and must not contain the SIP bind port.",
	 USES(CONF_V("rtp_ports"))},
	/* 6 */
	{SECT_SIP, "dtmf-mode", "DTMF Mode", &vt_enum, "rfc2833",
	 "How digits dialled during a call are sent",
	 0, 0, dtmf_modes, dtmf_aliases, 0,
	 "rfc2833: RTP telephone-events (RFC 4733), 100 ms each. sip-info: "
	 "SIP INFO requests with an application/dtmf-relay body. inband: "
	 "tones in the audio only, and the SDP offers and answers no "
	 "telephone-event, so the far end sends its digits as tones (or as "
	 "SIP INFO). compatibility: tones in the audio, while telephone-event "
	 "is still offered and the far end's telephone-events are understood. "
	 "In every mode each digit received as a telephone-event or a SIP "
	 "INFO reaches the line once, when it ends (its end packet, or the "
	 "INFO's Duration), even from a far end that sends no audio around "
	 "it; a far end that sends each digit both ways has it taken from "
	 "the first kind that arrives in the call. Digits received as tones "
	 "are heard in the line's audio. A change applies from the next "
	 "call on: a call already up keeps the mode its SDP was made "
	 "with.",
	 USES(MOD_LIVE_V("phoneline_dtmf_mode"))},
	/* 7 */
	{SECT_SIP, "register-interval", "Register Interval", &vt_int, "300",
	 "Requested registration expiry, in seconds",
	 INT(10, 86400), 0,
	 "The expiry asked for in REGISTER; registrations are refreshed "
	 "before it runs out. A change applies at once: every registering "
	 "account sends a REGISTER asking for the new expiry, which "
	 "replaces its binding (no un-REGISTER goes before it, nor after "
	 "it from a refresh still under way or resolving the registrar's "
	 "name), and its calls go on.",
	 /* The account lines carry it for baresip's start and ua_add;
	  * regctl gives it to the running accounts. */
	 USES(ACC_LIVE("regint"), MOD_LIVE_V("regctl_regint"))},
	/* 8 */
	{SECT_SIP, "realm", "Realm", &vt_word, NULL,
	 "Realm whose digest challenges are answered",
	 INT(1, 128), 0,
	 "Only digest challenges (401 and 407) of this realm, compared "
	 "without regard to case, are answered with the account's "
	 "credentials, for REGISTER, INVITE and every other request. A "
	 "challenge of another realm is not answered: no Authorization "
	 "header is sent, the request fails with the registrar's or proxy's "
	 "401 or 407, and a response that also challenges for another realm "
	 "is refused as a whole. show registrations then says which realm "
	 "asked and which is configured; a failed call's close reason and "
	 "the phone's log say the same. A refused REGISTER counts as a failed "
	 "attempt. Unset: challenges of any realm are answered.",
	 /* The acctauth module reads it at baresip's start; the generator
	  * writes the key only when the realm is set. */
	 USES(MOD("acctauth_realm"))},
	/* 9 */
	{SECT_SIP, "localnet", "Localnet", &vt_prefix,
	 "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16",
	 "A network inside the NAT (address or prefix)",
	 NONE, SF_LIST,
	 "Networks inside the NAT. With a STUN server set, a SIP message over "
	 "UDP, TCP or TLS to a destination inside one of them carries the "
	 "local address (over UDP the one the system routes toward it, over "
	 "TCP and TLS its connection's, see bind-interface) in its Via, "
	 "Contact and SDP. To a destination outside all of them that is "
	 "reached the same way as the STUN server (from the same local "
	 "address), it carries the STUN-mapped addresses instead: in the Via "
	 "(of a request) and the Contact, the SIP/UDP socket's mapping; over "
	 "UDP its address and port, over TCP and TLS its address with the "
	 "port the phone listens on for TCP (bind-port) or TLS (the next "
	 "one), since a TCP mapping's port is only that connection's; in "
	 "the SDP's c=, o=, m= and a=rtcp: lines, over every transport, each "
	 "media socket's address and port. Without a STUN server, localnet "
	 "changes nothing. No localnet: every destination is outside.",
	 USES(MOD("sipaddr_localnet"))},
	/* 10 */
	{SECT_SIP, "register-attempts", "Register Attempts", &vt_int, "0",
	 "Registration attempts before giving up (0: forever)",
	 INT(0, 1000), 0,
	 "How many times a failed registration is tried before the account "
	 "gives up. 0 tries forever. An attempt fails on a SIP error "
	 "response, at its register-timeout when nothing answers, and at "
	 "once when the registrar cannot be reached: over UDP when its "
	 "port or host answers the REGISTER (a refresh's too) with ICMP "
	 "(or ICMPv6) unreachable, the reason naming it (port unreachable from "
	 "127.0.0.1:5999), and the REGISTER is not retransmitted; when the "
	 "registrar's name has another address, that one is tried at "
	 "once instead, within the same attempt. Over TCP and TLS a "
	 "refused connection fails the attempt at once (Connection "
	 "refused). A failed attempt is retried once register-timeout "
	 "(backing off, register-backoff-timeout) seconds have passed "
	 "since it began, however soon it failed. Giving up leaves no "
	 "REGISTER in "
	 "flight: none is sent or retransmitted after it, and show "
	 "registrations reads failed, with the count of attempts and the "
	 "last reason, until the next configuration. A change of this or "
	 "any register "
	 "timer applies at once: an attempt under way and a retry waiting "
	 "are timed by the new values, and an account that gave up tries "
	 "again.",
	 USES(MOD_LIVE_V("regctl_attempts"))},
	/* 11 */
	{SECT_SIP, "register-timeout", "Register Timeout", &vt_int, "30",
	 "Seconds before a registration attempt is retried",
	 INT(1, 3600), 0,
	 "How long an attempt is given, and how long after a failed or "
	 "unanswered REGISTER's attempt began the next one is made. The "
	 "timeout ends the attempt's transaction, its retransmissions with "
	 "it, before the next attempt starts: one REGISTER transaction is "
	 "in flight at a time; the reason reads no answer. An attempt "
	 "answered with an error, or with ICMP unreachable (see "
	 "register-attempts), ends sooner, and the next still starts this "
	 "long after it began. The un-REGISTER of an account removed or "
	 "replaced is given the same time, and is then ended too. A "
	 "change applies at once, to the attempt under way too.",
	 USES(MOD_LIVE_V("regctl_timeout"))},
	/* 12 */
	{SECT_SIP, "register-backoff-attempts", "Register Back-off Attempts",
	 &vt_int, "0",
	 "Failed attempts after which retries back off (0: never)",
	 INT(0, 1000), 0,
	 "After this many failed attempts in a row, retries are spaced by "
	 "the back-off timeout instead. 0 never backs off. A change applies "
	 "at once, to a retry already waiting too.",
	 USES(MOD_LIVE_V("regctl_backoff_attempts"))},
	/* 13 */
	{SECT_SIP, "register-backoff-timeout", "Register Back-off Timeout",
	 &vt_int, "512",
	 "Seconds between attempts while backing off",
	 INT(1, 86400), 0,
	 "The retry interval once back-off has started. A change applies at "
	 "once, to a retry already waiting too.",
	 USES(MOD_LIVE_V("regctl_backoff_timeout"))},
	/* 14 */
	{SECT_SIP, "remote-hold", "Remote Hold", &vt_bool, "yes",
	 "Signal hold to the network (sendonly re-INVITE)",
	 NONE, 0,
	 "On: hold is sent to the far end as a re-INVITE with a sendonly "
	 "stream, so the network can play music on hold. Off: hold is "
	 "handled locally and nothing is sent. A change applies to the next "
	 "hook flash, on calls already up too.",
	 USES(MOD_LIVE_V("phoneline_remote_hold"))},
	/* 15 */
	{SECT_SIP, "srv-lookup", "SRV Lookup", &vt_bool, "yes",
	 "Find SIP servers by DNS SRV records",
	 NONE, 0,
	 "On: host names without a port are resolved by NAPTR/SRV as RFC "
	 "3263 says. Off: only A/AAAA records are used.",
	 /* A TLS host without a port gets 5061 when it is off. */
	 USES(ACC("aor"), LINES("phoneline_line"), MOD("siptls_host"))},
	/* 16 */
	{SECT_SIP, "dns-manager", "DNS Manager", &vt_bool, "no",
	 "Re-resolve proxy host names periodically",
	 NONE, 0,
	 "On: proxy host names are resolved again every refresh interval, "
	 "so a changed address is followed without a restart. A change "
	 "applies at once: the names are resolved again then.",
	 USES(MOD_LIVE("sipwire_dns_refresh"))},
	/* 17 */
	{SECT_SIP, "dns-manager-refresh", "DNS Manager Refresh Interval",
	 &vt_int, "300",
	 "Seconds between re-resolutions of proxy names",
	 INT(10, 86400), 0,
	 "The period of the DNS manager's re-resolution. A change applies "
	 "at once: the names are resolved again and the period starts "
	 "then.",
	 USES(MOD_LIVE_IF("sipwire_dns_refresh", "dns-manager yes"))},
	/* 18 */
	{SECT_SIP, "contact-line-suffix", "Line suffix in contact header",
	 &vt_bool, "yes",
	 "Add the numbers of an account's lines to its Contact user",
	 NONE, 0,
	 "On: the Contact user gets '_' and the numbers of the lines that "
	 "ring for the account (0123456_01 for lines 0 and 1; lines 10 "
	 "to 31 are the letters a to v); incoming requests to that "
	 "Contact ring exactly those lines.",
	 USES(MOD_V("phoneline_contact_suffix"))},
	/* 19 */
	{SECT_SIP, "diffserv sip", "SIP DiffServ", &vt_dscp, "cs3",
	 "DSCP of SIP packets",
	 NONE, 0,
	 "The DiffServ code point of SIP packets: a name (cs0-cs7, "
	 "af11-af43, ef) or a number 0-63. Every SIP packet over UDP, "
	 "TCP and TLS carries it from the first: the SYN and SYN-ACK of "
	 "a TCP connection and the TLS handshake included. A change "
	 "applies at once, on the SIP sockets of calls already up too.",
	 USES(MOD_LIVE("sipwire_tos"))},
	/* 20 */
	{SECT_SIP, "diffserv audio", "Audio DiffServ", &vt_dscp, "ef",
	 "DSCP of RTP audio packets",
	 NONE, 0,
	 "The DiffServ code point of RTP audio packets.",
	 USES(CONF("rtp_tos"))},
	/* 21 */
	{SECT_SIP, "congestion-tone", "Congestion tone", &vt_enum,
	 "congestion",
	 "Tone played when a call cannot be completed",
	 0, 0, congestion_tones, NULL, 0,
	 "congestion: the congestion (fast busy) tone. info: the special "
	 "information tone, three rising notes. A change applies to the "
	 "next call that fails.",
	 USES(MOD_LIVE_V("phoneline_congestion_tone"))},
	/* 22 */
	{SECT_SIP, "stun-server", "STUN server", &vt_hostport, NULL,
	 "STUN server, HOST[:PORT] (port 3478 if not given)",
	 NONE, 0,
	 "The STUN server that tells the public address of the SIP/UDP "
	 "socket (asked from that socket, over UDP, at start and every 30 s; "
	 "SIP over TCP and TLS carries that address too, with its own "
	 "listening port, see localnet) and of each call's media sockets "
	 "(asked before the call's offer or answer is sent, which waits at "
	 "most 2 s). They are used toward destinations outside localnet; SIP "
	 "to such a destination, over UDP, TCP or TLS, waits for the first "
	 "answer, at most 3 s, and without one goes with the local address. "
	 "Unset: no STUN, the local address everywhere.",
	 USES(ACC("medianat"), ACC("stunserver"), MOD("sipaddr_stun"))},
	/* 23 */
	{SECT_SIP, "tls-version", "TLS/SSL Version", &vt_enum, "1.2",
	 "Lowest TLS version for SIP over TLS",
	 0, 0, tls_versions, tls_aliases, 0,
	 "The lowest TLS version accepted for SIP over TLS. The old words "
	 "tlsv1, tlsv1.1, sslv2 and sslv3 are read as 1.2 with a warning: "
	 "OpenSSL 3 refuses them.",
	 USES(MOD_V("siptls_min_version"))},
	/* 24 */
	{SECT_SIP, "tls-cipher", "Cipher string", &vt_string, NULL,
	 "OpenSSL cipher list for TLS 1.2",
	 INT(1, 512), 0,
	 "An OpenSSL cipher list for TLS 1.2, e.g. HIGH:!aNULL:!MD5, its "
	 "entries separated by ':' (a blank is refused). With "
	 "tls-version 1.2 it must select at least one usable cipher; with "
	 "1.3 it has no effect (TLS 1.3 has its own suites) and a warning "
	 "says so. A list that lets an anonymous or NULL suite be "
	 "negotiated (ADH-...:@SECLEVEL=0), or asks only for such suites "
	 "(aNULL, eNULL), is refused. Unset: OpenSSL's default list.",
	 USES(MOD("siptls_ciphers"))},
	/* 25 */
	{SECT_SIP, "trusted-ca", "Trusted CA", &vt_pem, NULL,
	 "Add CA certificates: paste PEM, end with a line 'quit'",
	 NONE, SF_LIST,
	 "CA certificates that SIP/TLS servers must chain to, pasted in PEM "
	 "form and ended by a line 'quit'. Unset: the system's CA store. "
	 "Each server's certificate must also be for the host its account "
	 "names (outbound-proxy, else registrar), which goes out as SNI.",
	 USES(MOD("siptls_cafile"))},

	{SECT_ACCOUNT, "user", "SIP user", &vt_sipuser, NULL,
	 "SIP user name (the user part of the address)",
	 INT(1, 64), SF_REQUIRED,
	 "The user part of the account's SIP address. Any text but a "
	 "quote or a backslash (digest authentication writes the user "
	 "name between quotes unescaped); it is escaped in the address as "
	 "RFC 3261 allows.",
	 USES(ACC("aor"), LINES("phoneline_line"))},
	{SECT_ACCOUNT, "auth-user", "Auth user", &vt_sipuser, NULL,
	 "User name for digest authentication (default: the SIP user)",
	 INT(1, 64), 0,
	 "The user name given to digest challenges, exactly as typed (no "
	 "quote or backslash). Unset: the SIP user.",
	 USES(ACC("auth_user"))},
	{SECT_ACCOUNT, "password", "Password", &vt_secret, NULL,
	 "Password for digest authentication",
	 INT(1, 128), 0,
	 "The digest password, any text: blanks, ';', '%' and the like "
	 "reach the phone exactly. Shown masked; typed with no argument, "
	 "it is asked for without echo.",
	 USES(ACC("auth_pass"))},
	{SECT_ACCOUNT, "registrar", "Domain / registrar", &vt_hostport, NULL,
	 "SIP domain and registrar, HOST[:PORT]",
	 NONE, SF_REQUIRED,
	 "The domain of the account's address, where REGISTER is sent.",
	 USES(ACC("aor"), LINES("phoneline_line"), TLS_HOST)},
	{SECT_ACCOUNT, "outbound-proxy", "Outbound proxy", &vt_hostport, NULL,
	 "Send all requests through this proxy, HOST[:PORT]",
	 NONE, 0,
	 "A proxy every request of the account is sent through.",
	 USES(ACC("outbound"), TLS_HOST)},
	{SECT_ACCOUNT, "transport", "Transport", &vt_enum, "udp",
	 "Transport for SIP",
	 0, 0, transports, NULL, 0,
	 "udp, tcp, or tls (verified against the trusted CAs).",
	 USES(ACC("transport"),
	      ACC_IF("outbound", "outbound-proxy"), TLS_HOST)},
	{SECT_ACCOUNT, "register", "Register", &vt_bool, "yes",
	 "Register with the registrar",
	 NONE, 0,
	 "Off: the account does not register; it can still call and be "
	 "called directly at this gateway's address.",
	 USES(ACC("regint"))},
	{SECT_ACCOUNT, "shutdown", "Shut down", &vt_bool, "no",
	 "Disable the account",
	 NONE, 0,
	 "A shut-down account neither registers nor calls.",
	 USES(ACC("aor"), LINES("phoneline_line"), TLS_HOST)},

	{SECT_LINE, "name", "Name", &vt_string, NULL,
	 "A name for the line, shown by 'show lines'",
	 INT(1, 32), 0,
	 "A free name for the phone line, shown by 'show lines'. The phone "
	 "does not use it.",
	 USES(SHELL("show lines"))},
	{SECT_LINE, "account", "Account", &vt_int, NULL,
	 "The account the line calls out on and rings for",
	 INT(1, 8), SF_REQUIRED | SF_REF,
	 "The number of the account the line uses.",
	 USES(LINES("phoneline_line"))},
	{SECT_LINE, "shutdown", "Shut down", &vt_bool, "no",
	 "Disable the line",
	 NONE, 0,
	 "A shut-down line neither rings nor calls.",
	 USES(LINES("phoneline_line"))},

	{SECT_PHONE, "tone-plan", "Tones", &vt_enum, "itu",
	 "Whose dial, ringback, busy and congestion tones the lines play",
	 0, 0, tone_plans, NULL, 0,
	 "The national tone plan: itu (the ITU-T E.180 recommended "
	 "values), us, gb, de or fr. Frequencies and cadences are data of "
	 "the phoneline module. A change applies to the next tone a line "
	 "plays.",
	 USES(MOD_LIVE_V("phoneline_tone_plan"))},
	{SECT_PHONE, "digit-timeout", "Inter-digit timeout", &vt_int, "4",
	 "Seconds after the last digit before the number is dialled",
	 INT(1, 30), 0,
	 "After this long without a new digit, the digits collected are "
	 "dialled; '#' dials at once. A change applies from the next digit "
	 "on.",
	 USES(MOD_LIVE_V("phoneline_digit_timeout"))},

	{SECT_SYSTEM, "hostname", "Host name", &vt_word, "sipsh",
	 "Name of the device, shown in the prompt",
	 INT(1, 63), 0,
	 "The device's name, shown in the shell's prompt (sipsh>).",
	 USES(SHELL("prompt"))},
	{SECT_SYSTEM, "exec-timeout", "Idle timeout", &vt_int, "600",
	 "Seconds a shell may sit idle before it is closed (0: never)",
	 INT(0, 86400), 0,
	 "An interactive session idle this long is closed; its staged, "
	 "uncommitted changes are discarded and any exclusive lock is "
	 "released. 0 never closes.",
	 USES(SHELL("idle timer"))},
	{SECT_SYSTEM, "banner", "Login banner", &vt_string, NULL,
	 "Text shown before the first prompt of an interactive session",
	 INT(1, 512), 0,
	 "A notice shown when an interactive session starts, before its "
	 "first prompt (on an SSH login too), as IOS's banner: who may use "
	 "the device, whom to call. Never shown in batches (-c, -f, stdin). "
	 "Unset: none.",
	 USES(SHELL("banner"))},
	{SECT_SYSTEM, "dns-server", "DNS servers", &vt_addrport, NULL,
	 "A DNS server the phone asks (address, optional port)",
	 NONE, SF_LIST,
	 "The DNS servers the phone resolves registrar, proxy, STUN and "
	 "allowed-proxy names with, at most 4, each an IPv4 or IPv6 "
	 "address with an optional port (53 when none is given; an IPv6 "
	 "address with a port goes in brackets: [2001:db8::53]:5353). They "
	 "are asked in turn: a query that gets no answer goes to the next. "
	 "Unset: the servers of /etc/resolv.conf as baresip found them at "
	 "its start. A change restarts baresip. The phone resolves a "
	 "registrar or outbound proxy name as RFC 3263 says: with a port, "
	 "its A record (and AAAA when it listens on IPv6 as well); without "
	 "a port, with a transport, that transport's SRV "
	 "(_sip._tcp.NAME) and then the address; with neither, NAPTR, "
	 "then the SRV of each transport it listens on (_sips._tcp, "
	 "_sip._tcp, _sip._udp), then the address. When a registration "
	 "fails without a SIP response and that name is not an address, "
	 "the phone asks the same again, all at once; when none gets a "
	 "record within 8 s (no answer, an error code or no record), the "
	 "last response in show registrations says so, with the servers "
	 "and what was asked: DNS: no answer from 127.0.0.1:5353 for "
	 "_sip._tcp.registrar.example SRV, registrar.example A/AAAA.",
	 /* baresip reads dns_server only when it starts (its network's
	  * DNS client is made then): a restart. */
	 USES(CONF("dns_server"))},
};

const size_t schema_n = sizeof(schema) / sizeof(schema[0]);

const struct group_word schema_groups[] = {
	{SECT_SIP, "diffserv", "DiffServ marking of SIP and audio packets"},
	{SECT_N, NULL, NULL}
};

static void sections_index(void)
{
	static bool done;
	size_t i;

	if (done)
		return;

	for (i = 0; i < schema_n; i++) {
		struct section *sec = &sections[schema[i].sect];

		if (!sec->count)
			sec->first = i;
		++sec->count;
	}

	done = true;
}

const struct section *section_get(enum sect_id id)
{
	if (id >= SECT_N)
		return NULL;

	sections_index();
	return &sections[id];
}

const struct section *section_find(const char *name)
{
	int i;

	if (!name)
		return NULL;

	for (i = 0; i < SECT_N; i++) {
		if (!strcmp(sections[i].name, name))
			return section_get(i);
	}

	return NULL;
}

const struct setting *schema_find(enum sect_id sect, const char *key)
{
	const struct section *sec = section_get(sect);
	size_t i;

	if (!sec || !key)
		return NULL;

	for (i = sec->first; i < sec->first + sec->count; i++) {
		if (!strcmp(schema[i].key, key))
			return &schema[i];
	}

	return NULL;
}

size_t setting_index(const struct setting *s)
{
	return (size_t)(s - schema) - section_get(s->sect)->first;
}

/* Each enum table with the meanings of its values, for the menu's
 * choice lists. */
static const struct {
	const char *const *enums;
	const char *const *help;
} enum_helps[] = {
	{dtmf_modes, dtmf_help},
	{congestion_tones, congestion_help},
	{tls_versions, tls_help},
	{transports, transport_help},
	{tone_plans, tone_plan_help},
};

const char *const *setting_enum_help(const struct setting *s)
{
	size_t k;

	for (k = 0; s && k < sizeof(enum_helps) / sizeof(enum_helps[0]); k++) {
		if (enum_helps[k].enums == s->enums)
			return enum_helps[k].help;
	}

	return NULL;
}

bool setting_islist(const struct setting *s)
{
	return (s->flags & SF_LIST) != 0;
}

unsigned setting_classes(const struct setting *s)
{
	const struct consumer *u;
	unsigned cls = 0;

	for (u = s ? s->uses : NULL; u && u->kind != CK_END; u++)
		cls |= u->apply;

	return cls;
}

const char *consumer_kind_name(enum consumer_kind kind)
{
	switch (kind) {

	case CK_CONFIG:  return "config";
	case CK_MODULE:  return "module";
	case CK_ACCOUNT: return "account";
	case CK_SHELL:   return "shell";
	default:         return "?";
	}
}
