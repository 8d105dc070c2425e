/*
 * Tests of the value types (vtype.c, vtype_net.c): one table row per input,
 * giving the canonical text or the exact error text it must produce, so a
 * changed message is a deliberate change here too. Every accepted value
 * must also read back as itself, since the file writer prints canonical
 * text and the loader reads it again.
 */
#include "re_base.h"
#include "schema.h"
#include "vtype.h"
#include "unit.h"

struct trow {
	const struct vtype *vt;
	enum sect_id sect;              /* the schema row used, or */
	const char *key;
	const struct setting *local;    /* a row made for the test */
	const char *in;
	int rc;                         /* 0, EINVAL or ERANGE */
	const char *out;                /* canonical text, or error text */
	const char *warn;               /* NULL: none expected */
};

#define SIP(key)  SECT_SIP, key, NULL
#define SYS(key)  SECT_SYSTEM, key, NULL
#define ACC(key)  SECT_ACCOUNT, key, NULL
#define LINE(key) SECT_LINE, key, NULL
#define LOCAL(p)  SECT_N, NULL, p

#define OK(t, S, in, out)      {&t, S, in, 0, out, NULL}
#define WARN(t, S, in, out, w) {&t, S, in, 0, out, w}
#define BAD(t, S, in, rc, msg) {&t, S, in, rc, msg, NULL}

/* Ranges the schema has no row for. */
static const struct setting s_neg = {
	SECT_SIP, "test-neg", "Test", &vt_int, NULL, "test",
	-100, 100, NULL, NULL, 0, "A range below zero.", NULL
};
static const struct setting s_port_any = {
	SECT_SIP, "test-port", "Test", &vt_port, NULL, "test",
	0, 0, NULL, NULL, 0, "A port with no range of its own.", NULL
};
static const struct setting s_short = {
	SECT_SIP, "test-short", "Test", &vt_string, NULL, "test",
	0, 4, NULL, NULL, 0, "Empty allowed, at most 4 bytes.", NULL
};
static const struct setting s_word2 = {
	SECT_SIP, "test-word", "Test", &vt_word, NULL, "test",
	2, 8, NULL, NULL, 0, "At least 2 bytes.", NULL
};

/* Inputs and texts too long to write out, filled by fill_long(). */
static char a16[17], a32[33], a33[34], a64[65], a65[66], a100[101];
static char a128[129], a129[130], a512[513], a513[514];
static char stars200[201], utf128[129], utf129[130];
static char host253[254], host253dot[255], host254[255];
static char label63[68], label64[69];
static char e_a100[DIAG_SZ], e_stars200[DIAG_SZ], e_label64[DIAG_SZ];

#define TLSV1_WARN "tlsv1 (TLS 1.0) is refused by OpenSSL 3 at its " \
	"default security level; loaded as 1.2, the lowest safe version"
#define TLSV11_WARN "tlsv1.1 (TLS 1.1) is refused by OpenSSL 3 at its " \
	"default security level; loaded as 1.2, the lowest safe version"
#define SSLV3_WARN "sslv3 is broken (POODLE) and absent from OpenSSL 3; " \
	"loaded as 1.2, the lowest safe version"
#define SSLV2_WARN "sslv2 is broken and absent from OpenSSL 3; loaded as " \
	"1.2, the lowest safe version"

#define DTMF_VALUES "compatibility, rfc2833, sip-info, inband"
#define NOT_PRINTABLE "; only printable text is allowed"
#define NOT_UTF8 "; text must be UTF-8"
#define HOST_CHARS "; use letters, digits, '-' and '.'"
#define IF_CHARS "; use letters, digits, '.', '-', '_' and ':'"
#define NOT_DSCP "is not a DSCP name or number: cs0-cs7, af11-af43, ef or 0-63"
#define MASKED "is the masked form of a password; type the password itself"

static const struct trow rows[] = {
	/* int */
	OK(vt_int, SIP("register-interval"), "300", "300"),
	OK(vt_int, SIP("register-interval"), "10", "10"),
	OK(vt_int, SIP("register-interval"), "86400", "86400"),
	OK(vt_int, SIP("register-interval"), "0300", "300"),
	BAD(vt_int, SIP("register-interval"), "9", ERANGE,
	    "'9' is out of range <10-86400>"),
	BAD(vt_int, SIP("register-interval"), "86401", ERANGE,
	    "'86401' is out of range <10-86400>"),
	BAD(vt_int, SIP("register-interval"), "-300", ERANGE,
	    "'-300' is out of range <10-86400>"),
	BAD(vt_int, SIP("register-interval"), "99999999999999999999", ERANGE,
	    "'99999999999999999999' is out of range <10-86400>"),
	BAD(vt_int, SIP("register-interval"), "", EINVAL,
	    "empty value, expected <10-86400>"),
	BAD(vt_int, SIP("register-interval"), "abc", EINVAL,
	    "'abc' is not a number"),
	BAD(vt_int, SIP("register-interval"), "+300", EINVAL,
	    "'+300' is not a number"),
	BAD(vt_int, SIP("register-interval"), "300s", EINVAL,
	    "'300s' is not a number"),
	BAD(vt_int, SIP("register-interval"), " 300", EINVAL,
	    "' 300' is not a number"),
	BAD(vt_int, SIP("register-interval"), "3.5", EINVAL,
	    "'3.5' is not a number"),
	BAD(vt_int, SIP("register-interval"), "1e3", EINVAL,
	    "'1e3' is not a number"),
	BAD(vt_int, SIP("register-interval"), "-", EINVAL,
	    "'-' is not a number"),
	BAD(vt_int, SIP("register-interval"), "99999999999999999999x", EINVAL,
	    "'99999999999999999999x' is not a number"),
	BAD(vt_int, SIP("register-interval"), "3\n", EINVAL,
	    "'3\\x0a' is not a number"),
	BAD(vt_int, SIP("register-interval"), a100, EINVAL, e_a100),
	OK(vt_int, SIP("register-attempts"), "0", "0"),
	OK(vt_int, SIP("register-attempts"), "000", "0"),
	OK(vt_int, SIP("register-attempts"), "1000", "1000"),
	BAD(vt_int, SIP("register-attempts"), "1001", ERANGE,
	    "'1001' is out of range <0-1000>"),
	BAD(vt_int, SIP("register-attempts"), "-1", ERANGE,
	    "'-1' is out of range <0-1000>"),
	BAD(vt_int, SIP("register-attempts"), "-0", ERANGE,
	    "'-0' is out of range <0-1000>"),
	OK(vt_int, LINE("account"), "1", "1"),
	OK(vt_int, LINE("account"), "8", "8"),
	BAD(vt_int, LINE("account"), "0", ERANGE,
	    "'0' is out of range <1-8>"),
	BAD(vt_int, LINE("account"), "9", ERANGE,
	    "'9' is out of range <1-8>"),
	OK(vt_int, LOCAL(&s_neg), "-100", "-100"),
	OK(vt_int, LOCAL(&s_neg), "-007", "-7"),
	OK(vt_int, LOCAL(&s_neg), "-0", "0"),
	OK(vt_int, LOCAL(&s_neg), "100", "100"),
	BAD(vt_int, LOCAL(&s_neg), "-101", ERANGE,
	    "'-101' is out of range <-100-100>"),
	BAD(vt_int, LOCAL(&s_neg), "101", ERANGE,
	    "'101' is out of range <-100-100>"),
	BAD(vt_int, LOCAL(&s_neg), "-9223372036854775808", ERANGE,
	    "'-9223372036854775808' is out of range <-100-100>"),
	BAD(vt_int, LOCAL(&s_neg), "-9223372036854775809", ERANGE,
	    "'-9223372036854775809' is out of range <-100-100>"),
	BAD(vt_int, LOCAL(&s_neg), "--1", EINVAL, "'--1' is not a number"),
	BAD(vt_int, LOCAL(&s_neg), "+1", EINVAL, "'+1' is not a number"),

	/* port */
	OK(vt_port, SIP("bind-port"), "5060", "5060"),
	OK(vt_port, SIP("bind-port"), "05060", "5060"),
	OK(vt_port, SIP("bind-port"), "1", "1"),
	OK(vt_port, SIP("bind-port"), "65534", "65534"),
	BAD(vt_port, SIP("bind-port"), "65535", ERANGE,
	    "'65535' is out of range <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "0", ERANGE,
	    "'0' is out of range <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "65536", ERANGE,
	    "'65536' is out of range <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "70000", ERANGE,
	    "'70000' is out of range <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "-1", ERANGE,
	    "'-1' is out of range <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "", EINVAL,
	    "empty value, expected <1-65534>"),
	BAD(vt_port, SIP("bind-port"), "sip", EINVAL,
	    "'sip' is not a number"),
	BAD(vt_port, SIP("bind-port"), "0x13c4", EINVAL,
	    "'0x13c4' is not a number"),
	OK(vt_port, LOCAL(&s_port_any), "80", "80"),
	BAD(vt_port, LOCAL(&s_port_any), "0", ERANGE,
	    "'0' is out of range <1-65535>"),

	/* portrange */
	OK(vt_portrange, SIP("rtp-port-range"), "10000-20000", "10000-20000"),
	OK(vt_portrange, SIP("rtp-port-range"), "01024-065535", "1024-65535"),
	OK(vt_portrange, SIP("rtp-port-range"), "1024-1024", "1024-1024"),
	OK(vt_portrange, SIP("rtp-port-range"), "65535-65535", "65535-65535"),
	BAD(vt_portrange, SIP("rtp-port-range"), "1023-2000", ERANGE,
	    "'1023' is out of range <1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "1024-65536", ERANGE,
	    "'65536' is out of range <1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "20000-10000", EINVAL,
	    "'20000-10000' has its start above its end"),
	BAD(vt_portrange, SIP("rtp-port-range"), "", EINVAL,
	    "empty value, expected <1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "10000", EINVAL,
	    "'10000' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "10000-", EINVAL,
	    "'10000-' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "-20000", EINVAL,
	    "'-20000' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "1-2-3", EINVAL,
	    "'1-2-3' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "10000 - 20000", EINVAL,
	    "'10000 - 20000' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),
	BAD(vt_portrange, SIP("rtp-port-range"), "10000:20000", EINVAL,
	    "'10000:20000' is not a port range, expected "
	    "<1024-65535>-<1024-65535>"),

	/* enum: values, prefixes, aliases */
	OK(vt_enum, SIP("dtmf-mode"), "rfc2833", "rfc2833"),
	OK(vt_enum, SIP("dtmf-mode"), "RFC2833", "rfc2833"),
	OK(vt_enum, SIP("dtmf-mode"), "compatibility", "compatibility"),
	OK(vt_enum, SIP("dtmf-mode"), "c", "compatibility"),
	OK(vt_enum, SIP("dtmf-mode"), "s", "sip-info"),
	OK(vt_enum, SIP("dtmf-mode"), "in", "inband"),
	OK(vt_enum, SIP("dtmf-mode"), "I", "inband"),
	OK(vt_enum, SIP("dtmf-mode"), "info", "sip-info"),
	OK(vt_enum, SIP("dtmf-mode"), "INFO", "sip-info"),
	BAD(vt_enum, SIP("dtmf-mode"), "inf", EINVAL,
	    "'inf' is not one of: " DTMF_VALUES),
	BAD(vt_enum, SIP("dtmf-mode"), "inbandx", EINVAL,
	    "'inbandx' is not one of: " DTMF_VALUES),
	BAD(vt_enum, SIP("dtmf-mode"), "foo", EINVAL,
	    "'foo' is not one of: " DTMF_VALUES),
	BAD(vt_enum, SIP("dtmf-mode"), "", EINVAL,
	    "empty value, expected compatibility|rfc2833|sip-info|inband"),
	OK(vt_enum, SIP("congestion-tone"), "in", "info"),
	OK(vt_enum, SIP("congestion-tone"), "c", "congestion"),
	OK(vt_enum, ACC("transport"), "TLS", "tls"),
	OK(vt_enum, ACC("transport"), "u", "udp"),
	BAD(vt_enum, ACC("transport"), "t", EINVAL,
	    "'t' is ambiguous: tcp, tls"),
	BAD(vt_enum, ACC("transport"), "sctp", EINVAL,
	    "'sctp' is not one of: udp, tcp, tls"),
	OK(vt_enum, SIP("tls-version"), "1.2", "1.2"),
	OK(vt_enum, SIP("tls-version"), "1.3", "1.3"),
	BAD(vt_enum, SIP("tls-version"), "1.", EINVAL,
	    "'1.' is ambiguous: 1.2, 1.3"),
	OK(vt_enum, SIP("tls-version"), "tlsv1.2", "1.2"),
	OK(vt_enum, SIP("tls-version"), "TLSv1.3", "1.3"),
	WARN(vt_enum, SIP("tls-version"), "tlsv1", "1.2", TLSV1_WARN),
	WARN(vt_enum, SIP("tls-version"), "TLSv1", "1.2", TLSV1_WARN),
	WARN(vt_enum, SIP("tls-version"), "tlsv1.1", "1.2", TLSV11_WARN),
	WARN(vt_enum, SIP("tls-version"), "sslv3", "1.2", SSLV3_WARN),
	WARN(vt_enum, SIP("tls-version"), "SSLv2", "1.2", SSLV2_WARN),
	BAD(vt_enum, SIP("tls-version"), "1", EINVAL,
	    "'1' is ambiguous: 1.2, 1.3"),
	BAD(vt_enum, SIP("tls-version"), "1.1", EINVAL,
	    "'1.1' is not one of: 1.2, 1.3"),
	BAD(vt_enum, SIP("tls-version"), "tlsv", EINVAL,
	    "'tlsv' is not one of: 1.2, 1.3"),
	BAD(vt_enum, SIP("tls-version"), "tlsv1.0", EINVAL,
	    "'tlsv1.0' is not one of: 1.2, 1.3"),

	/* string */
	OK(vt_string, SIP("user-agent"), "sipsh 0.1", "sipsh 0.1"),
	OK(vt_string, SIP("user-agent"), "a", "a"),
	OK(vt_string, SIP("user-agent"), " padded ", " padded "),
	OK(vt_string, SIP("user-agent"), "a\tb", "a\tb"),
	OK(vt_string, SIP("user-agent"), "Gr\xc3\xbc\xc3\x9f" "e/1.0",
	   "Gr\xc3\xbc\xc3\x9f" "e/1.0"),
	OK(vt_string, SIP("user-agent"), "\xf0\x9f\x93\x9e",
	   "\xf0\x9f\x93\x9e"),
	OK(vt_string, SIP("user-agent"), a128, a128),
	OK(vt_string, SIP("user-agent"), utf128, utf128),
	BAD(vt_string, SIP("user-agent"), "", ERANGE,
	    "too short: 0 characters, at least 1"),
	BAD(vt_string, SIP("user-agent"), a129, ERANGE,
	    "too long: 129 characters, at most 128"),
	BAD(vt_string, SIP("user-agent"), utf129, ERANGE,
	    "too long: 129 bytes (UTF-8), at most 128"),
	BAD(vt_string, SIP("user-agent"), "a\nb", EINVAL,
	    "control character \\x0a at position 2" NOT_PRINTABLE),
	BAD(vt_string, SIP("user-agent"), "\x1b[2J", EINVAL,
	    "control character \\x1b at position 1" NOT_PRINTABLE),
	BAD(vt_string, SIP("user-agent"), "ab\x7f", EINVAL,
	    "control character \\x7f at position 3" NOT_PRINTABLE),
	BAD(vt_string, SIP("user-agent"), "\xc3\xa9\xc2\x85", EINVAL,
	    "control character U+0085 at position 2" NOT_PRINTABLE),
	BAD(vt_string, SIP("user-agent"), "\xff", EINVAL,
	    "invalid UTF-8 byte \\xff at position 1" NOT_UTF8),
	BAD(vt_string, SIP("user-agent"), "a\xc3", EINVAL,
	    "invalid UTF-8 byte \\xc3 at position 2" NOT_UTF8),
	BAD(vt_string, SIP("user-agent"), "\xc0\xaf", EINVAL,
	    "invalid UTF-8 byte \\xc0 at position 1" NOT_UTF8),
	BAD(vt_string, SIP("user-agent"), "\xed\xa0\x80", EINVAL,
	    "invalid UTF-8 byte \\xed at position 1" NOT_UTF8),
	BAD(vt_string, SIP("user-agent"), "\xf4\x90\x80\x80", EINVAL,
	    "invalid UTF-8 byte \\xf4 at position 1" NOT_UTF8),
	OK(vt_string, LINE("name"), a32, a32),
	BAD(vt_string, LINE("name"), a33, ERANGE,
	    "too long: 33 characters, at most 32"),
	OK(vt_string, SIP("tls-cipher"), "HIGH:!aNULL:!MD5",
	   "HIGH:!aNULL:!MD5"),
	OK(vt_string, SIP("tls-cipher"), a512, a512),
	BAD(vt_string, SIP("tls-cipher"), a513, ERANGE,
	    "too long: 513 characters, at most 512"),
	OK(vt_string, LOCAL(&s_short), "", ""),
	OK(vt_string, LOCAL(&s_short), "abcd", "abcd"),
	BAD(vt_string, LOCAL(&s_short), "abcde", ERANGE,
	    "too long: 5 characters, at most 4"),

	/* word */
	OK(vt_word, SIP("realm"), "example.com", "example.com"),
	OK(vt_word, SIP("realm"), "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"),
	OK(vt_word, SIP("realm"), a128, a128),
	BAD(vt_word, SIP("realm"), a129, ERANGE,
	    "too long: 129 characters, at most 128"),
	BAD(vt_word, SIP("realm"), "", ERANGE,
	    "too short: 0 characters, at least 1"),
	BAD(vt_word, SIP("realm"), "a b", EINVAL,
	    "'a b' contains a blank; a word has no spaces or tabs"),
	BAD(vt_word, SIP("realm"), "a\tb", EINVAL,
	    "'a\\x09b' contains a blank; a word has no spaces or tabs"),
	BAD(vt_word, SIP("realm"), " ", EINVAL,
	    "' ' contains a blank; a word has no spaces or tabs"),
	BAD(vt_word, SIP("realm"), "a\rb", EINVAL,
	    "control character \\x0d at position 2" NOT_PRINTABLE),
	/* A SIP user: every byte but a quote and a backslash is carried. */
	OK(vt_sipuser, ACC("user"), a64, a64),
	BAD(vt_sipuser, ACC("user"), a65, ERANGE,
	    "too long: 65 characters, at most 64"),
	OK(vt_sipuser, ACC("user"), "al ice;x>y<z%\xc3\xbc",
	   "al ice;x>y<z%\xc3\xbc"),
	OK(vt_sipuser, ACC("auth-user"), "a@b:c", "a@b:c"),
	BAD(vt_sipuser, ACC("user"), "a\"b", EINVAL,
	    "'a\"b' holds a quote at position 2: a SIP user name goes "
	    "unescaped into the quoted user name of digest authentication, "
	    "so it cannot hold '\"' or '\\'"),
	BAD(vt_sipuser, ACC("auth-user"), "a\\b", EINVAL,
	    "'a\\b' holds a backslash at position 2: a SIP user name goes "
	    "unescaped into the quoted user name of digest authentication, "
	    "so it cannot hold '\"' or '\\'"),
	BAD(vt_sipuser, ACC("user"), "a\nb", EINVAL,
	    "control character \\x0a at position 2" NOT_PRINTABLE),
	OK(vt_word, LOCAL(&s_word2), "ab", "ab"),
	BAD(vt_word, LOCAL(&s_word2), "a", ERANGE,
	    "too short: 1 character, at least 2"),
	OK(vt_word, LOCAL(&s_word2), "\xc3\xa9", "\xc3\xa9"),
	BAD(vt_word, LOCAL(&s_word2), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" "a",
	    ERANGE, "too long: 9 bytes (UTF-8), at most 8"),

	/* secret */
	OK(vt_secret, ACC("password"), "s3cret pass", "s3cret pass"),
	OK(vt_secret, ACC("password"), "**x", "**x"),
	BAD(vt_secret, ACC("password"), "*", EINVAL, "'*' " MASKED),
	OK(vt_secret, ACC("password"), a128, a128),
	BAD(vt_secret, ACC("password"), a129, ERANGE,
	    "too long: 129 characters, at most 128"),
	BAD(vt_secret, ACC("password"), "", ERANGE,
	    "too short: 0 characters, at least 1"),
	BAD(vt_secret, ACC("password"), "****", EINVAL, "'****' " MASKED),
	BAD(vt_secret, ACC("password"), stars200, EINVAL, e_stars200),
	BAD(vt_secret, ACC("password"), "pa\x01ss", EINVAL,
	    "control character \\x01 at position 3" NOT_PRINTABLE),

	/* dscp */
	OK(vt_dscp, SIP("diffserv sip"), "cs3", "cs3"),
	OK(vt_dscp, SIP("diffserv sip"), "CS3", "cs3"),
	OK(vt_dscp, SIP("diffserv sip"), "24", "cs3"),
	OK(vt_dscp, SIP("diffserv sip"), "0", "cs0"),
	OK(vt_dscp, SIP("diffserv sip"), "10", "af11"),
	OK(vt_dscp, SIP("diffserv sip"), "38", "af43"),
	OK(vt_dscp, SIP("diffserv sip"), "AF43", "af43"),
	OK(vt_dscp, SIP("diffserv sip"), "56", "cs7"),
	OK(vt_dscp, SIP("diffserv audio"), "46", "ef"),
	OK(vt_dscp, SIP("diffserv audio"), "EF", "ef"),
	OK(vt_dscp, SIP("diffserv audio"), "046", "ef"),
	OK(vt_dscp, SIP("diffserv audio"), "1", "1"),
	OK(vt_dscp, SIP("diffserv audio"), "63", "63"),
	BAD(vt_dscp, SIP("diffserv audio"), "64", ERANGE,
	    "'64' is out of range <0-63>"),
	BAD(vt_dscp, SIP("diffserv audio"), "-1", ERANGE,
	    "'-1' is out of range <0-63>"),
	BAD(vt_dscp, SIP("diffserv audio"), "af14", EINVAL, "'af14' " NOT_DSCP),
	BAD(vt_dscp, SIP("diffserv audio"), "cs8", EINVAL, "'cs8' " NOT_DSCP),
	BAD(vt_dscp, SIP("diffserv audio"), "be", EINVAL, "'be' " NOT_DSCP),
	BAD(vt_dscp, SIP("diffserv audio"), "0x2e", EINVAL, "'0x2e' " NOT_DSCP),
	BAD(vt_dscp, SIP("diffserv audio"), "", EINVAL,
	    "empty value, expected cs0-cs7|af11-af43|ef|<0-63>"),

	/* host */
	OK(vt_host, SIP("proxy"), "sip.example.com", "sip.example.com"),
	OK(vt_host, SIP("proxy"), "SIP.Example.COM", "sip.example.com"),
	OK(vt_host, SIP("proxy"), "example.com.", "example.com"),
	OK(vt_host, SIP("proxy"), "localhost", "localhost"),
	OK(vt_host, SIP("proxy"), "a", "a"),
	OK(vt_host, SIP("proxy"), "a-b.3com.com", "a-b.3com.com"),
	OK(vt_host, SIP("proxy"), "123.example", "123.example"),
	OK(vt_host, SIP("proxy"), "192.0.2.1", "192.0.2.1"),
	OK(vt_host, SIP("proxy"), "0.0.0.0", "0.0.0.0"),
	OK(vt_host, SIP("proxy"), "::1", "::1"),
	OK(vt_host, SIP("proxy"), "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
	OK(vt_host, SIP("proxy"), "::ffff:192.0.2.1", "::ffff:192.0.2.1"),
	OK(vt_host, SIP("proxy"), host253, host253),
	OK(vt_host, SIP("proxy"), host253dot, host253),
	OK(vt_host, SIP("proxy"), label63, label63),
	BAD(vt_host, SIP("proxy"), host254, ERANGE,
	    "host name too long: 254 characters, at most 253"),
	BAD(vt_host, SIP("proxy"), label64, EINVAL, e_label64),
	BAD(vt_host, SIP("proxy"), "", EINVAL, "empty value, expected HOST"),
	BAD(vt_host, SIP("proxy"), "256.1.1.1", EINVAL,
	    "'256.1.1.1' is not a valid IPv4 address"),
	BAD(vt_host, SIP("proxy"), "192.168.001.1", EINVAL,
	    "'192.168.001.1' is not a valid IPv4 address"),
	BAD(vt_host, SIP("proxy"), "1.2.3", EINVAL,
	    "'1.2.3' is not a valid IPv4 address"),
	BAD(vt_host, SIP("proxy"), "1.2.3.4.", EINVAL,
	    "'1.2.3.4.' is not a valid IPv4 address"),
	BAD(vt_host, SIP("proxy"), "1234", EINVAL,
	    "'1234' is not a valid IPv4 address"),
	BAD(vt_host, SIP("proxy"), "1::2::3", EINVAL,
	    "'1::2::3' is not a valid IPv6 address"),
	BAD(vt_host, SIP("proxy"), "fe80::1%eth0", EINVAL,
	    "'fe80::1%eth0' is not a valid IPv6 address"),
	BAD(vt_host, SIP("proxy"), "sip.example.com:5060", EINVAL,
	    "'sip.example.com:5060': a port is not allowed here; give the host alone"),
	BAD(vt_host, SIP("proxy"), "[::1]", EINVAL,
	    "'[::1]' is not a host: write an IPv6 address without brackets"),
	BAD(vt_host, SIP("proxy"), "a_b.com", EINVAL,
	    "'a_b.com' is not a host name: '_' is not allowed" HOST_CHARS),
	BAD(vt_host, SIP("proxy"), "a b", EINVAL,
	    "'a b' is not a host name: ' ' is not allowed" HOST_CHARS),
	BAD(vt_host, SIP("proxy"), "a\x01", EINVAL,
	    "'a\\x01' is not a host name: \\x01 is not allowed" HOST_CHARS),
	BAD(vt_host, SIP("proxy"), "\xc3\xa9.com", EINVAL,
	    "'\\xc3\\xa9.com' is not a host name: \\xc3 is not allowed"
	    HOST_CHARS),
	BAD(vt_host, SIP("proxy"), "a..b", EINVAL,
	    "'a..b' is not a host name: empty label"),
	BAD(vt_host, SIP("proxy"), ".a", EINVAL,
	    "'.a' is not a host name: empty label"),
	BAD(vt_host, SIP("proxy"), ".", EINVAL,
	    "'.' is not a host name: empty label"),
	BAD(vt_host, SIP("proxy"), "..", EINVAL,
	    "'..' is not a host name: empty label"),
	BAD(vt_host, SIP("proxy"), "-a.com", EINVAL,
	    "'-a.com' is not a host name: a label starts or ends with '-'"),
	BAD(vt_host, SIP("proxy"), "a-.com", EINVAL,
	    "'a-.com' is not a host name: a label starts or ends with '-'"),
	BAD(vt_host, SIP("proxy"), "example.123", EINVAL,
	    "'example.123' is not a host name: the last label is all digits"),

	/* addrport: a DNS server is an address, never a name */
	OK(vt_addrport, SYS("dns-server"), "127.0.0.1", "127.0.0.1"),
	OK(vt_addrport, SYS("dns-server"), "127.0.0.1:05353",
	   "127.0.0.1:5353"),
	OK(vt_addrport, SYS("dns-server"), "[2001:DB8::53]:53",
	   "[2001:db8::53]:53"),
	OK(vt_addrport, SYS("dns-server"), "2001:db8::53", "2001:db8::53"),
	BAD(vt_addrport, SYS("dns-server"), "dns.example", EINVAL,
	    "'dns.example' is a name: give an IPv4 or IPv6 address, since a "
	    "name would need a DNS server to be found"),
	BAD(vt_addrport, SYS("dns-server"), "dns.example:53", EINVAL,
	    "'dns.example' is a name: give an IPv4 or IPv6 address, since a "
	    "name would need a DNS server to be found"),
	BAD(vt_addrport, SYS("dns-server"), "127.0.0.1:0", ERANGE,
	    "port '0' is out of range <1-65535>"),

	/* hostport */
	OK(vt_hostport, SIP("stun-server"), "stun.example.com",
	   "stun.example.com"),
	OK(vt_hostport, SIP("stun-server"), "stun.example.com:3478",
	   "stun.example.com:3478"),
	OK(vt_hostport, SIP("stun-server"), "STUN.Example.com.:03478",
	   "stun.example.com:3478"),
	OK(vt_hostport, SIP("stun-server"), "192.0.2.1:1", "192.0.2.1:1"),
	OK(vt_hostport, SIP("stun-server"), "192.0.2.1:65535",
	   "192.0.2.1:65535"),
	OK(vt_hostport, SIP("stun-server"), "[::1]:5060", "[::1]:5060"),
	OK(vt_hostport, SIP("stun-server"), "[::1]", "::1"),
	OK(vt_hostport, SIP("stun-server"), "::1", "::1"),
	OK(vt_hostport, SIP("stun-server"), "[2001:DB8::1]:5061",
	   "[2001:db8::1]:5061"),
	OK(vt_hostport, SIP("stun-server"), "2001:db8:0::1", "2001:db8::1"),
	/* Without brackets, the last group is part of the address; with
	 * 96 bits of zeros, inet_ntop prints it in the IPv4-compatible
	 * form. */
	OK(vt_hostport, SIP("stun-server"), "::1:5060", "::0.1.80.96"),
	OK(vt_hostport, ACC("registrar"), "sip.example.com", "sip.example.com"),
	BAD(vt_hostport, SIP("stun-server"), "", EINVAL,
	    "empty value, expected HOST[:PORT]"),
	BAD(vt_hostport, SIP("stun-server"), "host:0", ERANGE,
	    "port '0' is out of range <1-65535>"),
	BAD(vt_hostport, SIP("stun-server"), "host:65536", ERANGE,
	    "port '65536' is out of range <1-65535>"),
	BAD(vt_hostport, SIP("stun-server"), "host:99999999999999999999",
	    ERANGE, "port '99999999999999999999' is out of range <1-65535>"),
	BAD(vt_hostport, SIP("stun-server"), "host:abc", EINVAL,
	    "port 'abc' is not a number"),
	BAD(vt_hostport, SIP("stun-server"), "host:+1", EINVAL,
	    "port '+1' is not a number"),
	BAD(vt_hostport, SIP("stun-server"), "host:", EINVAL,
	    "'host:' has no port after ':'"),
	BAD(vt_hostport, SIP("stun-server"), "[::1]:", EINVAL,
	    "'[::1]:' has no port after ':'"),
	BAD(vt_hostport, SIP("stun-server"), ":5060", EINVAL,
	    "':5060' has no host before ':'"),
	BAD(vt_hostport, SIP("stun-server"), "[::1", EINVAL,
	    "'[::1' has no closing ']'"),
	BAD(vt_hostport, SIP("stun-server"), "[::1]5060", EINVAL,
	    "'[::1]5060' has more after ']'; expected [IPV6]:PORT"),
	BAD(vt_hostport, SIP("stun-server"), "[192.0.2.1]:5060", EINVAL,
	    "'192.0.2.1' is not a valid IPv6 address"),
	BAD(vt_hostport, SIP("stun-server"), "[example.com]", EINVAL,
	    "'example.com' is not a valid IPv6 address"),
	BAD(vt_hostport, SIP("stun-server"), "1::2::3", EINVAL,
	    "'1::2::3' is not a valid IPv6 address"),
	BAD(vt_hostport, SIP("stun-server"), "a_b:5060", EINVAL,
	    "'a_b' is not a host name: '_' is not allowed" HOST_CHARS),
	BAD(vt_hostport, SIP("stun-server"), "256.0.0.1:5060", EINVAL,
	    "'256.0.0.1' is not a valid IPv4 address"),

	/* prefix */
	OK(vt_prefix, SIP("localnet"), "10.0.0.0/8", "10.0.0.0/8"),
	OK(vt_prefix, SIP("localnet"), "172.16.0.0/12", "172.16.0.0/12"),
	OK(vt_prefix, SIP("localnet"), "10.128.0.0/9", "10.128.0.0/9"),
	OK(vt_prefix, SIP("localnet"), "10.0.0.0/08", "10.0.0.0/8"),
	OK(vt_prefix, SIP("localnet"), "10.1.2.3", "10.1.2.3"),
	OK(vt_prefix, SIP("localnet"), "10.1.2.3/32", "10.1.2.3/32"),
	OK(vt_prefix, SIP("localnet"), "0.0.0.0/0", "0.0.0.0/0"),
	OK(vt_prefix, SIP("localnet"), "2001:DB8::/32", "2001:db8::/32"),
	OK(vt_prefix, SIP("localnet"), "fe80:0::/10", "fe80::/10"),
	OK(vt_prefix, SIP("localnet"), "::/0", "::/0"),
	OK(vt_prefix, SIP("localnet"), "::1/128", "::1/128"),
	OK(vt_prefix, SIP("localnet"), "2001:db8::1", "2001:db8::1"),
	BAD(vt_prefix, SIP("localnet"), "10.1.2.3/8", EINVAL,
	    "'10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?"),
	BAD(vt_prefix, SIP("localnet"), "172.16.0.1/12", EINVAL,
	    "'172.16.0.1/12' has host bits set; did you mean 172.16.0.0/12?"),
	BAD(vt_prefix, SIP("localnet"), "10.192.0.0/9", EINVAL,
	    "'10.192.0.0/9' has host bits set; did you mean 10.128.0.0/9?"),
	BAD(vt_prefix, SIP("localnet"), "1.2.3.4/0", EINVAL,
	    "'1.2.3.4/0' has host bits set; did you mean 0.0.0.0/0?"),
	BAD(vt_prefix, SIP("localnet"), "2001:db8::1/64", EINVAL,
	    "'2001:db8::1/64' has host bits set; did you mean 2001:db8::/64?"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0.0/33", ERANGE,
	    "prefix length '33' is out of range <0-32>"),
	BAD(vt_prefix, SIP("localnet"), "::/129", ERANGE,
	    "prefix length '129' is out of range <0-128>"),
	BAD(vt_prefix, SIP("localnet"), "::/99999999999999999999", ERANGE,
	    "prefix length '99999999999999999999' is out of range <0-128>"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0.0/", EINVAL,
	    "'10.0.0.0/' has no prefix length after '/'"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0.0/x", EINVAL,
	    "prefix length 'x' is not a number"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0.0/-1", EINVAL,
	    "prefix length '-1' is not a number"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0.0/8/8", EINVAL,
	    "prefix length '8/8' is not a number"),
	BAD(vt_prefix, SIP("localnet"), "/8", EINVAL,
	    "'/8' has no address before '/'"),
	BAD(vt_prefix, SIP("localnet"), "10.0.0/8", EINVAL,
	    "'10.0.0' is not an IPv4 or IPv6 address"),
	BAD(vt_prefix, SIP("localnet"), "lan", EINVAL,
	    "'lan' is not an IPv4 or IPv6 address"),
	BAD(vt_prefix, SIP("localnet"), "1::2::3/64", EINVAL,
	    "'1::2::3' is not an IPv4 or IPv6 address"),
	BAD(vt_prefix, SIP("localnet"), "", EINVAL,
	    "empty value, expected A.B.C.D[/M]|X:X::X:X[/M]"),

	/* ifname */
	OK(vt_ifname, SIP("bind-interface"), "eth0", "eth0"),
	OK(vt_ifname, SIP("bind-interface"), "eth0.100", "eth0.100"),
	OK(vt_ifname, SIP("bind-interface"), "br-lan", "br-lan"),
	OK(vt_ifname, SIP("bind-interface"), "wlan0:1", "wlan0:1"),
	OK(vt_ifname, SIP("bind-interface"), "veth_A", "veth_A"),
	OK(vt_ifname, SIP("bind-interface"), "a", "a"),
	OK(vt_ifname, SIP("bind-interface"), "...", "..."),
	OK(vt_ifname, SIP("bind-interface"), "a23456789012345",
	   "a23456789012345"),
	BAD(vt_ifname, SIP("bind-interface"), a16, ERANGE,
	    "interface name too long: 16 characters, at most 15"),
	BAD(vt_ifname, SIP("bind-interface"), "", EINVAL,
	    "empty value, expected IFNAME"),
	BAD(vt_ifname, SIP("bind-interface"), "eth 0", EINVAL,
	    "'eth 0' is not an interface name: ' ' is not allowed" IF_CHARS),
	BAD(vt_ifname, SIP("bind-interface"), "eth/0", EINVAL,
	    "'eth/0' is not an interface name: '/' is not allowed" IF_CHARS),
	BAD(vt_ifname, SIP("bind-interface"), "eth0\n", EINVAL,
	    "'eth0\\x0a' is not an interface name: \\x0a is not allowed"
	    IF_CHARS),
	BAD(vt_ifname, SIP("bind-interface"), ".", EINVAL,
	    "'.' is not an interface name: '.' and '..' are reserved"),
	BAD(vt_ifname, SIP("bind-interface"), "..", EINVAL,
	    "'..' is not an interface name: '.' and '..' are reserved"),

	/* bool, as read programmatically */
	OK(vt_bool, SIP("remote-hold"), "yes", "yes"),
	OK(vt_bool, SIP("remote-hold"), "On", "yes"),
	OK(vt_bool, SIP("remote-hold"), "TRUE", "yes"),
	OK(vt_bool, SIP("remote-hold"), "1", "yes"),
	OK(vt_bool, SIP("remote-hold"), "no", "no"),
	OK(vt_bool, SIP("remote-hold"), "off", "no"),
	OK(vt_bool, SIP("remote-hold"), "False", "no"),
	OK(vt_bool, SIP("remote-hold"), "0", "no"),
	BAD(vt_bool, SIP("remote-hold"), "maybe", EINVAL,
	    "'maybe' is not one of: yes, no, on, off, true, false, 1, 0"),
	BAD(vt_bool, SIP("remote-hold"), "", EINVAL,
	    "empty value, expected yes|no"),
};

static void fill(char *buf, size_t len, char c)
{
	memset(buf, c, len);
	buf[len] = '\0';
}

static void fill_long(void)
{
	size_t i;

	fill(a16, 16, 'a');
	fill(a32, 32, 'a');
	fill(a33, 33, 'a');
	fill(a64, 64, 'a');
	fill(a65, 65, 'a');
	fill(a100, 100, 'x');
	fill(a128, 128, 'a');
	fill(a129, 129, 'a');
	fill(a512, 512, 'a');
	fill(a513, 513, 'a');
	fill(stars200, 200, '*');

	/* 64 two-byte characters: 128 bytes; one more byte is too many. */
	for (i = 0; i < 64; i++)
		memcpy(utf128 + 2 * i, "\xc3\xa9", 2);
	utf128[128] = '\0';
	re_snprintf(utf129, sizeof(utf129), "%sa", utf128);

	/* Labels of 63 + 63 + 63 + 61 characters and 3 dots: 253. */
	fill(host253, 253, 'a');
	host253[63] = host253[127] = host253[191] = '.';
	re_snprintf(host253dot, sizeof(host253dot), "%s.", host253);
	re_snprintf(host254, sizeof(host254), "%sa", host253);

	fill(label63, 63, 'a');
	re_snprintf(label63 + 63, sizeof(label63) - 63, ".com");
	fill(label64, 64, 'a');
	re_snprintf(label64 + 64, sizeof(label64) - 64, ".com");

	/* A quoted input is cut after 64 characters. */
	re_snprintf(e_a100, sizeof(e_a100), "'%b...' is not a number",
		    a100, (size_t)64);
	re_snprintf(e_stars200, sizeof(e_stars200), "'%b...' " MASKED,
		    stars200, (size_t)64);
	re_snprintf(e_label64, sizeof(e_label64), "'%b...' is not a host "
		    "name: a label has 64 characters, at most 63",
		    label64, (size_t)64);
}

static const struct setting *row_setting(const struct trow *r)
{
	return r->local ? r->local : schema_find(r->sect, r->key);
}

/* Checks one row; on failure says which, and what was got. */
static int check_row(const struct trow *r, size_t i)
{
	static char sentinel[] = "untouched";
	const struct setting *s = row_setting(r);
	char *canon = sentinel, *again = sentinel;
	struct diag dg;
	int err, fail = EINVAL;

	if (!s || s->type != r->vt) {
		fprintf(stderr, "row %zu: no %s setting '%s'\n", i,
			r->vt->name, r->key ? r->key : "(local)");
		return EINVAL;
	}

	/* A check must not pass on what an earlier one said. */
	str_ncpy(dg.err, "stale", sizeof(dg.err));
	str_ncpy(dg.warn, "stale", sizeof(dg.warn));

	err = r->vt->parse(s, r->in, &canon, &dg);
	if (err != r->rc) {
		fprintf(stderr, "row %zu ('%s'): returned %d, expected %d; "
			"err \"%s\"\n", i, r->in, err, r->rc, dg.err);
		goto out;
	}

	if (err) {
		if (canon != sentinel) {
			fprintf(stderr, "row %zu ('%s'): result set on "
				"error\n", i, r->in);
			goto out;
		}
		if (strcmp(dg.err, r->out) || dg.warn[0]) {
			fprintf(stderr, "row %zu ('%s'):\n  error \"%s\"\n"
				"  wanted \"%s\"\n  warning \"%s\"\n", i,
				r->in, dg.err, r->out, dg.warn);
			goto out;
		}
		fail = 0;
		goto out;
	}

	if (!canon || canon == sentinel || strcmp(canon, r->out) ||
	    dg.err[0] || strcmp(dg.warn, r->warn ? r->warn : "")) {
		fprintf(stderr, "row %zu ('%s'):\n  canonical \"%s\"\n"
			"  wanted \"%s\"\n  error \"%s\"\n  warning \"%s\"\n",
			i, r->in, canon == sentinel ? "(unset)" : canon,
			r->out, dg.err, dg.warn);
		goto out;
	}

	/* What the file writer prints must read back as itself. */
	err = r->vt->parse(s, canon, &again, &dg);
	if (err || strcmp(again, canon) || dg.err[0] || dg.warn[0]) {
		fprintf(stderr, "row %zu ('%s'): canonical '%s' reads back "
			"as '%s' (%d, \"%s\", \"%s\")\n", i, r->in, canon,
			err ? "(error)" : again, err, dg.err, dg.warn);
		goto out;
	}

	fail = 0;

 out:
	if (canon != sentinel)
		mem_deref(canon);
	if (again != sentinel)
		mem_deref(again);
	return fail;
}

struct syntax_row {
	const struct vtype *vt;
	enum sect_id sect;
	const char *key;
	const struct setting *local;
	const char *text;
};

static const struct syntax_row syntax_rows[] = {
	{&vt_int, SIP("register-interval"), "<10-86400>"},
	{&vt_int, LOCAL(&s_neg), "<-100-100>"},
	{&vt_port, SIP("bind-port"), "<1-65534>"},
	{&vt_port, LOCAL(&s_port_any), "<1-65535>"},
	{&vt_portrange, SIP("rtp-port-range"), "<1024-65535>-<1024-65535>"},
	{&vt_enum, SIP("dtmf-mode"), "compatibility|rfc2833|sip-info|inband"},
	{&vt_enum, SIP("tls-version"), "1.2|1.3"},
	{&vt_string, SIP("user-agent"), "TEXT"},
	{&vt_word, SIP("realm"), "WORD"},
	{&vt_secret, ACC("password"), "PASSWORD"},
	{&vt_dscp, SIP("diffserv sip"), "cs0-cs7|af11-af43|ef|<0-63>"},
	{&vt_host, SIP("proxy"), "HOST"},
	{&vt_hostport, SIP("stun-server"), "HOST[:PORT]"},
	{&vt_prefix, SIP("localnet"), "A.B.C.D[/M]|X:X::X:X[/M]"},
	{&vt_ifname, SIP("bind-interface"), "IFNAME"},
	{&vt_bool, SIP("remote-hold"), "yes|no"},
};

static int test_syntax(void)
{
	size_t i;

	for (i = 0; i < sizeof(syntax_rows) / sizeof(syntax_rows[0]); i++) {
		const struct syntax_row *r = &syntax_rows[i];
		const struct setting *s = r->local ? r->local :
			schema_find(r->sect, r->key);
		char *text = NULL, buf[128];
		int err;

		TEST_TRUE(s != NULL);
		TEST_TRUE(s->type == r->vt);
		TEST_TRUE(r->vt->name != NULL);
		TEST_EQ(r->vt->kind, r->vt == &vt_bool ? VK_BOOL : VK_VALUE);

		err = re_sdprintf(&text, "%H", r->vt->syntax, s);
		str_ncpy(buf, err ? "(error)" : text, sizeof(buf));
		text = mem_deref(text);
		TEST_EQ(err, 0);
		TEST_STR(buf, r->text);
	}

	return 0;
}

/* Every number 0-63 reads as its name if it has one, and dscp_value()
 * gives the number back for either form. */
static int test_dscp_both_ways(void)
{
	const struct setting *s = schema_find(SECT_SIP, "diffserv sip");
	static const struct {
		const char *name;
		int val;
	} names[] = {
		{"cs0", 0}, {"cs1", 8}, {"cs2", 16}, {"cs3", 24},
		{"cs4", 32}, {"cs5", 40}, {"cs6", 48}, {"cs7", 56},
		{"af11", 10}, {"af12", 12}, {"af13", 14},
		{"af21", 18}, {"af22", 20}, {"af23", 22},
		{"af31", 26}, {"af32", 28}, {"af33", 30},
		{"af41", 34}, {"af42", 36}, {"af43", 38}, {"ef", 46},
	};
	const size_t n = sizeof(names) / sizeof(names[0]);
	size_t i, named = 0;
	int v;

	TEST_TRUE(s != NULL);

	for (v = 0; v <= 63; v++) {
		char num[4], buf[8], *canon = NULL;
		const char *want = NULL;
		struct diag dg;
		int err;

		for (i = 0; i < n; i++) {
			if (names[i].val == v)
				want = names[i].name;
		}

		re_snprintf(num, sizeof(num), "%d", v);
		err = vt_dscp.parse(s, num, &canon, &dg);
		str_ncpy(buf, err ? "(error)" : canon, sizeof(buf));
		canon = mem_deref(canon);
		TEST_EQ(err, 0);
		TEST_STR(buf, want ? want : num);
		TEST_EQ(dscp_value(buf), v);
		if (want)
			++named;
	}

	TEST_EQ(named, n);
	TEST_EQ(dscp_value("ef"), 46);
	TEST_EQ(dscp_value("EF"), 46);
	TEST_EQ(dscp_value("af41"), 34);
	TEST_EQ(dscp_value("63"), 63);
	TEST_EQ(dscp_value("64"), -1);
	TEST_EQ(dscp_value("-1"), -1);
	TEST_EQ(dscp_value("af14"), -1);
	TEST_EQ(dscp_value(""), -1);
	TEST_EQ(dscp_value(NULL), -1);

	return 0;
}

/* Missing arguments are refused, and the result is left alone. */
static int test_null_args(void)
{
	static const struct vtype *const types[] = {
		&vt_bool, &vt_int, &vt_port, &vt_portrange, &vt_enum,
		&vt_string, &vt_word, &vt_secret, &vt_dscp, &vt_host,
		&vt_hostport, &vt_prefix, &vt_ifname,
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct vtype *t = types[i];
		const struct setting *s = NULL;
		char *canon = NULL;
		struct diag dg;
		size_t j;

		for (j = 0; j < schema_n && !s; j++) {
			if (schema[j].type == t)
				s = &schema[j];
		}
		TEST_TRUE(s != NULL);

		TEST_EQ(t->parse(NULL, "1", &canon, &dg), EINVAL);
		TEST_EQ(t->parse(s, NULL, &canon, &dg), EINVAL);
		TEST_EQ(t->parse(s, "1", NULL, &dg), EINVAL);
		TEST_EQ(t->parse(s, "1", &canon, NULL), EINVAL);
		TEST_TRUE(canon == NULL);
		TEST_EQ(t->syntax(NULL, s), EINVAL);
	}

	return 0;
}

/* Each default in the schema is already in its type's canonical form. */
static int test_defaults(void)
{
	size_t i;

	for (i = 0; i < schema_n; i++) {
		const struct setting *s = &schema[i];
		const char *p = s->def;

		if (!p || s->type == &vt_pem)
			continue;

		while (*p) {
			char word[128], *canon = NULL;
			struct diag dg;
			size_t n = strcspn(p, " ");
			int err;

			TEST_TRUE(n < sizeof(word));
			memcpy(word, p, n);
			word[n] = '\0';

			err = s->type->parse(s, word, &canon, &dg);
			if (err)
				TEST_ERR("%s: default '%s': %s", s->key, word,
					 dg.err);
			err = strcmp(canon, word);
			canon = mem_deref(canon);
			if (err)
				TEST_ERR("%s: default '%s' is not canonical",
					 s->key, word);

			p += n;
			p += strspn(p, " ");
		}
	}

	return 0;
}

int test_types(void)
{
	size_t i;
	int err = 0;

	fill_long();

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (check_row(&rows[i], i))
			err = EINVAL;
	}
	if (err)
		return err;

	err = test_syntax();
	if (!err)
		err = test_dscp_both_ways();
	if (!err)
		err = test_null_args();
	if (!err)
		err = test_defaults();

	return err;
}
