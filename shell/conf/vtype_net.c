/*
 * The value types of settings that name a host, an address or an
 * interface (vtype.h). Addresses are checked and printed by the C
 * library's inet_pton/inet_ntop, so that an address is written the one way
 * the system prints it; host names follow RFC 1123 and are kept in lower
 * case. Nothing here resolves a name: a check must not wait on DNS.
 */
#include "re_base.h"
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "schema.h"
#include "vtype.h"

/* An input quoted in an error text is cut to this many characters, so
 * that the rest of the message still fits in DIAG_SZ. */
#define QUOTE_MAX 64
#define QUOTE_SZ  (QUOTE_MAX + 8)

#define NAME_MAX_LEN  253   /* RFC 1035 2.3.4, without the trailing dot */
#define LABEL_MAX_LEN 63
#define IFNAME_MAX    15    /* IFNAMSIZ less its NUL */
#define PORT_MAX      65535

/* Room for any canonical host: a name, or an address inet_ntop prints. */
#define HOST_SZ (NAME_MAX_LEN + 1)

#define PREFIX_SYNTAX "A.B.C.D[/M]|X:X::X:X[/M]"

/* A check reports on this input only, never on an earlier one. */
static void diag_clear(struct diag *dg)
{
	dg->err[0] = '\0';
	dg->warn[0] = '\0';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The first n bytes of 'in', made fit to quote in an error text. No valid
 * input of these types has other than printable ASCII, so every other byte
 * is written as \xNN; a long input is cut with "...".
 */
static const char *quote(char *buf, size_t sz, const char *in, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		size_t out = (c < 0x20 || c > 0x7e) ? 4 : 1;

		if (o + out > QUOTE_MAX || o + out + 4 > sz) {
			str_ncpy(buf + o, "...", sz - o);
			return buf;
		}

		if (out == 1)
			buf[o] = (char)c;
		else
			(void)re_snprintf(buf + o, sz - o, "\\x%02x", c);
		o += out;
	}

	buf[o] = '\0';
	return buf;
}

static const char *quote_str(char *buf, size_t sz, const char *in)
{
	return quote(buf, sz, in, strlen(in));
}

/* One character, as an error text names it: '_' or \x07. */
static const char *char_name(char *buf, size_t sz, char c)
{
	unsigned char u = (unsigned char)c;

	if (u < 0x20 || u > 0x7e)
		(void)re_snprintf(buf, sz, "\\x%02x", u);
	else
		(void)re_snprintf(buf, sz, "'%c'", c);

	return buf;
}

/* Decimal digits only, n bytes from p; a value above cap is given as
 * cap + 1, so that any number of digits is "out of range", not "not a
 * number". EINVAL if it is not digits. */
static int digits(const char *p, size_t n, unsigned long cap,
		  unsigned long *vp)
{
	unsigned long v = 0;
	size_t i;

	if (!n)
		return EINVAL;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return EINVAL;
		if (v <= cap)
			v = v * 10 + (unsigned long)(p[i] - '0');
	}

	*vp = v > cap ? cap + 1 : v;
	return 0;
}

/* An address of family af in n bytes from p, into the binary *addr. */
static bool addr_pton(int af, const char *p, size_t n, void *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (n >= sizeof(buf))
		return false;

	memcpy(buf, p, n);
	buf[n] = '\0';

	return inet_pton(af, buf, addr) == 1;
}

static int v6_check(const char *p, size_t n, char *out, size_t sz,
		    struct diag *dg)
{
	struct in6_addr a;
	char q[QUOTE_SZ];

	if (!addr_pton(AF_INET6, p, n, &a) ||
	    !inet_ntop(AF_INET6, &a, out, (socklen_t)sz)) {
		diag_err(dg, "'%s' is not a valid IPv6 address",
			 quote(q, sizeof(q), p, n));
		return EINVAL;
	}

	return 0;
}

static int v4_check(const char *p, size_t n, char *out, size_t sz,
		    struct diag *dg)
{
	struct in_addr a;
	char q[QUOTE_SZ];

	if (!addr_pton(AF_INET, p, n, &a) ||
	    !inet_ntop(AF_INET, &a, out, (socklen_t)sz)) {
		diag_err(dg, "'%s' is not a valid IPv4 address",
			 quote(q, sizeof(q), p, n));
		return EINVAL;
	}

	return 0;
}

/* The labels of a host name (n bytes, no trailing dot) by RFC 1123 2.1:
 * 1-63 letters, digits and hyphens, no hyphen first or last; and, as a
 * top-level domain is never numeric, a last label not all digits. A
 * message quotes qn bytes, the name as it was given. */
static int labels_check(const char *p, size_t n, size_t qn, struct diag *dg)
{
	char q[QUOTE_SZ];
	size_t i = 0;
	bool numeric = false;

	while (i <= n) {
		size_t start = i, len;

		while (i < n && p[i] != '.')
			++i;
		len = i - start;

		if (!len) {
			diag_err(dg, "'%s' is not a host name: empty label",
				 quote(q, sizeof(q), p, qn));
			return EINVAL;
		}

		if (len > LABEL_MAX_LEN) {
			diag_err(dg, "'%s' is not a host name: a label has %zu "
				 "characters, at most %d",
				 quote(q, sizeof(q), p, qn), len,
				 LABEL_MAX_LEN);
			return EINVAL;
		}

		if (p[start] == '-' || p[i - 1] == '-') {
			diag_err(dg, "'%s' is not a host name: a label starts "
				 "or ends with '-'",
				 quote(q, sizeof(q), p, qn));
			return EINVAL;
		}

		numeric = true;
		for (; start < i; start++) {
			if (!is_digit(p[start]))
				numeric = false;
		}

		++i;    /* past the dot, or past the end */
	}

	if (numeric) {
		diag_err(dg, "'%s' is not a host name: the last label is all "
			 "digits", quote(q, sizeof(q), p, qn));
		return EINVAL;
	}

	return 0;
}

/*
 * A host: an IPv6 address (it has a colon), an IPv4 address (only digits
 * and dots) or a DNS name; n bytes from p. The canonical text goes to out
 * (HOST_SZ bytes) and the address family, or AF_UNSPEC for a name, to
 * *afp.
 */
static int host_check(const char *p, size_t n, char *out, int *afp,
		      struct diag *dg)
{
	char q[QUOTE_SZ], c[8];
	bool dotted = true, digit = false;
	size_t i, qn = n;
	int err;

	if (!n) {
		diag_err(dg, "empty value, expected HOST");
		return EINVAL;
	}

	if (memchr(p, ':', n)) {
		*afp = AF_INET6;
		return v6_check(p, n, out, HOST_SZ, dg);
	}

	for (i = 0; i < n; i++) {
		if (!is_alnum(p[i]) && p[i] != '-' && p[i] != '.') {
			diag_err(dg, "'%s' is not a host name: %s is not "
				 "allowed; use letters, digits, '-' and '.'",
				 quote(q, sizeof(q), p, n),
				 char_name(c, sizeof(c), p[i]));
			return EINVAL;
		}
		if (is_digit(p[i]))
			digit = true;
		else if (p[i] != '.')
			dotted = false;
	}

	if (dotted && digit) {
		*afp = AF_INET;
		return v4_check(p, n, out, HOST_SZ, dg);
	}

	/* The root's dot is the same name without it. */
	if (p[n - 1] == '.')
		--n;

	if (n > NAME_MAX_LEN) {
		diag_err(dg, "host name too long: %zu characters, at most %d",
			 n, NAME_MAX_LEN);
		return ERANGE;
	}

	err = labels_check(p, n, qn, dg);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		bool upper = p[i] >= 'A' && p[i] <= 'Z';

		out[i] = upper ? (char)(p[i] - 'A' + 'a') : p[i];
	}
	out[n] = '\0';

	*afp = AF_UNSPEC;
	return 0;
}

static int host_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	char out[HOST_SZ], q[QUOTE_SZ];
	int af, err;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (in[0] == '[') {
		diag_err(dg, "'%s' is not a host: write an IPv6 address "
			 "without brackets", quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	/* One colon is no IPv6 address: a HOST:PORT where no port goes. */
	if (strchr(in, ':') && strchr(in, ':') == strrchr(in, ':')) {
		diag_err(dg, "'%s': a port is not allowed here; give the host "
			 "alone", quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	err = host_check(in, strlen(in), out, &af, dg);
	if (err)
		return err;

	return str_dup(canonp, out);
}

static int host_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "HOST") : EINVAL;
}

static int port_check(const char *in, const char *p, unsigned long *portp,
		      struct diag *dg)
{
	char q[QUOTE_SZ];
	unsigned long v;

	if (!p[0]) {
		diag_err(dg, "'%s' has no port after ':'",
			 quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	if (digits(p, strlen(p), PORT_MAX, &v)) {
		diag_err(dg, "port '%s' is not a number",
			 quote_str(q, sizeof(q), p));
		return EINVAL;
	}

	if (v < 1 || v > PORT_MAX) {
		diag_err(dg, "port '%s' is out of range <1-%d>",
			 quote_str(q, sizeof(q), p), PORT_MAX);
		return ERANGE;
	}

	*portp = v;
	return 0;
}

/*
 * [v6], [v6]:port, host:port, host, or a bare IPv6 address: with more
 * than one colon and no brackets, the text cannot hold a port, since its
 * last group would be read as one.
 */
static int hostport_do(const struct setting *s, const char *in,
		       char **canonp, struct diag *dg, bool names)
{
	char out[HOST_SZ], q[QUOTE_SZ];
	const char *host, *port = NULL, *colon;
	unsigned long pnum = 0;
	size_t hlen;
	int af = AF_UNSPEC, err;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!in[0]) {
		diag_err(dg, "empty value, expected HOST[:PORT]");
		return EINVAL;
	}

	if (in[0] == '[') {
		const char *close = strchr(in, ']');

		if (!close) {
			diag_err(dg, "'%s' has no closing ']'",
				 quote_str(q, sizeof(q), in));
			return EINVAL;
		}

		if (close[1] == ':') {
			port = close + 2;
		}
		else if (close[1]) {
			diag_err(dg, "'%s' has more after ']'; expected "
				 "[IPV6]:PORT", quote_str(q, sizeof(q), in));
			return EINVAL;
		}

		host = in + 1;
		hlen = (size_t)(close - host);
		af = AF_INET6;
		err = v6_check(host, hlen, out, sizeof(out), dg);
		if (err)
			return err;
	}
	else {
		colon = strchr(in, ':');
		if (colon && !strchr(colon + 1, ':'))
			port = colon + 1;

		host = in;
		hlen = port ? (size_t)(colon - in) : strlen(in);
		if (!hlen) {
			diag_err(dg, "'%s' has no host before ':'",
				 quote_str(q, sizeof(q), in));
			return EINVAL;
		}

		err = host_check(host, hlen, out, &af, dg);
		if (err)
			return err;
	}

	if (!names && af == AF_UNSPEC) {
		diag_err(dg, "'%s' is a name: give an IPv4 or IPv6 address, "
			 "since a name would need a DNS server to be found",
			 quote(q, sizeof(q), host, hlen));
		return EINVAL;
	}

	if (port) {
		err = port_check(in, port, &pnum, dg);
		if (err)
			return err;
	}

	if (port && af == AF_INET6)
		return re_sdprintf(canonp, "[%s]:%lu", out, pnum);
	else if (port)
		return re_sdprintf(canonp, "%s:%lu", out, pnum);

	return str_dup(canonp, out);
}

static int hostport_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "HOST[:PORT]") : EINVAL;
}

static int hostport_parse(const struct setting *s, const char *in,
			  char **canonp, struct diag *dg)
{
	return hostport_do(s, in, canonp, dg, true);
}

/* An address with an optional port: what a DNS server is given as. */
static int addrport_parse(const struct setting *s, const char *in,
			  char **canonp, struct diag *dg)
{
	return hostport_do(s, in, canonp, dg, false);
}

static int addrport_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "ADDRESS[:PORT]") : EINVAL;
}

/* Clears the bits of the address a (alen bytes) after the first plen;
 * true if any of them was set. */
static bool host_bits_clear(unsigned char *a, size_t alen, unsigned plen)
{
	bool set = false;
	size_t i;

	for (i = 0; i < alen; i++) {
		unsigned keep = plen >= 8 * (i + 1) ? 8 :
			plen > 8 * i ? plen - 8 * (unsigned)i : 0;
		unsigned char mask = (unsigned char)(0xff00u >> keep);

		if (a[i] & ~mask)
			set = true;
		a[i] &= mask;
	}

	return set;
}

static int prefix_parse(const struct setting *s, const char *in,
			char **canonp, struct diag *dg)
{
	char out[INET6_ADDRSTRLEN], q[QUOTE_SZ], q2[QUOTE_SZ];
	unsigned char a[sizeof(struct in6_addr)];
	const char *slash;
	unsigned long plen = 0, bits;
	size_t alen;
	int af;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!in[0]) {
		diag_err(dg, "empty value, expected " PREFIX_SYNTAX);
		return EINVAL;
	}

	slash = strchr(in, '/');
	alen = slash ? (size_t)(slash - in) : strlen(in);
	af = memchr(in, ':', alen) ? AF_INET6 : AF_INET;
	bits = af == AF_INET6 ? 128 : 32;

	if (!alen) {
		diag_err(dg, "'%s' has no address before '/'",
			 quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	if (!addr_pton(af, in, alen, a)) {
		diag_err(dg, "'%s' is not an IPv4 or IPv6 address",
			 quote(q, sizeof(q), in, alen));
		return EINVAL;
	}

	if (slash) {
		const char *len = slash + 1;

		if (!len[0]) {
			diag_err(dg, "'%s' has no prefix length after '/'",
				 quote_str(q, sizeof(q), in));
			return EINVAL;
		}

		if (digits(len, strlen(len), bits, &plen)) {
			diag_err(dg, "prefix length '%s' is not a number",
				 quote_str(q, sizeof(q), len));
			return EINVAL;
		}

		if (plen > bits) {
			diag_err(dg, "prefix length '%s' is out of range "
				 "<0-%lu>", quote_str(q, sizeof(q), len), bits);
			return ERANGE;
		}

		if (host_bits_clear(a, bits / 8, (unsigned)plen)) {
			(void)inet_ntop(af, a, out, sizeof(out));
			diag_err(dg, "'%s' has host bits set; did you mean "
				 "%s/%lu?", quote_str(q2, sizeof(q2), in), out,
				 plen);
			return EINVAL;
		}
	}

	if (!inet_ntop(af, a, out, sizeof(out)))
		return errno ? errno : EINVAL;

	if (slash)
		return re_sdprintf(canonp, "%s/%lu", out, plen);

	return str_dup(canonp, out);
}

static int prefix_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, PREFIX_SYNTAX) : EINVAL;
}

static int ifname_parse(const struct setting *s, const char *in,
			char **canonp, struct diag *dg)
{
	char q[QUOTE_SZ], c[8];
	size_t i, n;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!in[0]) {
		diag_err(dg, "empty value, expected IFNAME");
		return EINVAL;
	}

	for (i = 0; in[i]; i++) {
		char ch = in[i];

		if (is_alnum(ch) || ch == '.' || ch == '-' || ch == '_' ||
		    ch == ':')
			continue;

		diag_err(dg, "'%s' is not an interface name: %s is not "
			 "allowed; use letters, digits, '.', '-', '_' and ':'",
			 quote_str(q, sizeof(q), in),
			 char_name(c, sizeof(c), ch));
		return EINVAL;
	}

	n = i;
	if (n > IFNAME_MAX) {
		diag_err(dg, "interface name too long: %zu characters, "
			 "at most %d", n, IFNAME_MAX);
		return ERANGE;
	}

	if (!strcmp(in, ".") || !strcmp(in, "..")) {
		diag_err(dg, "'%s' is not an interface name: '.' and '..' "
			 "are reserved", in);
		return EINVAL;
	}

	return str_dup(canonp, in);
}

static int ifname_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "IFNAME") : EINVAL;
}

const struct vtype vt_host = {
	"host", VK_VALUE, host_parse, host_syntax
};

const struct vtype vt_hostport = {
	"hostport", VK_VALUE, hostport_parse, hostport_syntax
};

const struct vtype vt_addrport = {
	"addrport", VK_VALUE, addrport_parse, addrport_syntax
};

const struct vtype vt_prefix = {
	"prefix", VK_VALUE, prefix_parse, prefix_syntax
};

const struct vtype vt_ifname = {
	"ifname", VK_VALUE, ifname_parse, ifname_syntax
};
