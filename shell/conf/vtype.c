/*
 * The value types of settings that are numbers, words or text (vtype.h;
 * the network types are in vtype_net.c). Each type checks what a user
 * typed or the file holds and gives its one canonical spelling, so that a
 * value is stored, shown and written the same way whatever form it was
 * entered in. Its error texts say what was wrong and what is allowed; the
 * shell, batch mode and the file loader all show them as they are.
 */
#include "re_base.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include "schema.h"
#include "vtype.h"

/* An input quoted in an error text is cut to this many characters, so
 * that the rest of the message still fits in DIAG_SZ. */
#define QUOTE_MAX 64
#define QUOTE_SZ  (QUOTE_MAX + 8)

/* Port numbers, for a port setting whose row gives no range. */
#define PORT_MIN 1
#define PORT_MAX 65535

enum text_kind {
	TEXT_STRING,
	TEXT_WORD,
	TEXT_SECRET,
	TEXT_SIPUSER,
};

void diag_err(struct diag *dg, const char *fmt, ...)
{
	va_list ap;

	if (!dg || !fmt)
		return;

	va_start(ap, fmt);
	(void)vsnprintf(dg->err, sizeof(dg->err), fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *dg, const char *fmt, ...)
{
	va_list ap;

	if (!dg || !fmt)
		return;

	va_start(ap, fmt);
	(void)vsnprintf(dg->warn, sizeof(dg->warn), fmt, ap);
	va_end(ap);
}

/* A check reports on this input only, never on an earlier one. */
static void diag_clear(struct diag *dg)
{
	dg->err[0] = '\0';
	dg->warn[0] = '\0';
}

/*
 * The length in bytes of the UTF-8 character at p, with its code point in
 * *cpp, or 0 if p does not start a well-formed one (overlong forms,
 * surrogates and code points above U+10FFFF are not). The terminating NUL
 * is never taken as a continuation byte, so p is not read beyond it.
 */
static size_t utf8_next(const unsigned char *p, uint32_t *cpp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0x80) {
		*cpp = p[0];
		return 1;
	}

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	}
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	}
	else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	}
	else {
		return 0;
	}

	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}

	*cpp = cp;
	return n;
}

/* C0 controls, DEL and C1 controls: what a terminal may act upon. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * The first n bytes of 'in', made fit to quote in an error text: control
 * characters and bytes that are not UTF-8 are written as \xNN, so that the
 * message stays one printable line, and a long input is cut with "...".
 */
static const char *quote(char *buf, size_t sz, const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_next(p + i, &cp), out = len;
		char esc[8];
		const char *piece = in + i;

		if (!len || i + len > n || is_control(cp)) {
			(void)re_snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			piece = esc;
			len = 1;
			out = 4;
		}

		if (o + out > QUOTE_MAX || o + out + 4 > sz) {
			str_ncpy(buf + o, "...", sz - o);
			return buf;
		}

		memcpy(buf + o, piece, out);
		o += out;
		i += len;
	}

	buf[o] = '\0';
	return buf;
}

static const char *quote_str(char *buf, size_t sz, const char *in)
{
	return quote(buf, sz, in, strlen(in));
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * Decimal digits with an optional leading '-', n bytes from p. Returns 0,
 * EINVAL if it is not such a number, or ERANGE if it is one beyond a long.
 * All of it is looked at before overflow is reported, so that "99...9x"
 * is called not a number rather than out of range.
 */
static int dec_parse(const char *p, size_t n, long *vp)
{
	unsigned long v = 0, lim = LONG_MAX;
	bool neg = false, over = false;
	size_t i = 0;

	if (n && p[0] == '-') {
		neg = true;
		lim = (unsigned long)LONG_MAX + 1;
		i = 1;
	}

	if (i == n)
		return EINVAL;

	for (; i < n; i++) {
		unsigned d;

		if (p[i] < '0' || p[i] > '9')
			return EINVAL;

		d = (unsigned)(p[i] - '0');
		if (v > (lim - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}

	if (over)
		return ERANGE;

	if (!neg)
		*vp = (long)v;
	else if (v == lim)
		*vp = LONG_MIN;
	else
		*vp = -(long)v;

	return 0;
}

/* The range of a port setting: its row's, or all ports if it gives none. */
static void port_range(const struct setting *s, long *minp, long *maxp)
{
	if (s->max > 0) {
		*minp = s->min;
		*maxp = s->max;
	}
	else {
		*minp = PORT_MIN;
		*maxp = PORT_MAX;
	}
}

/* A number in [min, max]; n bytes from p. Only ranges below zero allow a
 * sign: "-0" where min >= 0 is out of range like every other '-'. */
static int num_check(const char *p, size_t n, long min, long max, long *vp,
		     struct diag *dg)
{
	char q[QUOTE_SZ];
	long v = 0;
	int err;

	err = dec_parse(p, n, &v);
	if (err == EINVAL) {
		diag_err(dg, "'%s' is not a number",
			 quote(q, sizeof(q), p, n));
		return EINVAL;
	}

	if (err || v < min || v > max || (p[0] == '-' && min >= 0)) {
		diag_err(dg, "'%s' is out of range <%ld-%ld>",
			 quote(q, sizeof(q), p, n), min, max);
		return ERANGE;
	}

	*vp = v;
	return 0;
}

static int range_parse(const char *in, long min, long max, char **canonp,
		       struct diag *dg)
{
	long v = 0;
	int err;

	if (!in[0]) {
		diag_err(dg, "empty value, expected <%ld-%ld>", min, max);
		return EINVAL;
	}

	err = num_check(in, strlen(in), min, max, &v, dg);
	if (err)
		return err;

	return re_sdprintf(canonp, "%ld", v);
}

static int int_parse(const struct setting *s, const char *in, char **canonp,
		     struct diag *dg)
{
	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);
	return range_parse(in, s->min, s->max, canonp, dg);
}

static int int_syntax(struct re_printf *pf, const struct setting *s)
{
	if (!pf || !s)
		return EINVAL;

	return re_hprintf(pf, "<%ld-%ld>", s->min, s->max);
}

static int port_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	long min, max;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);
	port_range(s, &min, &max);
	return range_parse(in, min, max, canonp, dg);
}

static int port_syntax(struct re_printf *pf, const struct setting *s)
{
	long min, max;

	if (!pf || !s)
		return EINVAL;

	port_range(s, &min, &max);
	return re_hprintf(pf, "<%ld-%ld>", min, max);
}

static bool all_digits(const char *p, size_t n)
{
	size_t i;

	if (!n)
		return false;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
	}

	return true;
}

static int portrange_parse(const struct setting *s, const char *in,
			   char **canonp, struct diag *dg)
{
	char q[QUOTE_SZ];
	const char *dash, *end;
	long min, max, lo = 0, hi = 0;
	int err;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);
	port_range(s, &min, &max);

	if (!in[0]) {
		diag_err(dg, "empty value, expected <%ld-%ld>-<%ld-%ld>",
			 min, max, min, max);
		return EINVAL;
	}

	dash = strchr(in, '-');
	end = dash ? dash + 1 : NULL;
	if (!dash || !all_digits(in, (size_t)(dash - in)) ||
	    !all_digits(end, strlen(end))) {
		diag_err(dg, "'%s' is not a port range, expected "
			 "<%ld-%ld>-<%ld-%ld>", quote_str(q, sizeof(q), in),
			 min, max, min, max);
		return EINVAL;
	}

	err = num_check(in, (size_t)(dash - in), min, max, &lo, dg);
	if (err)
		return err;

	err = num_check(end, strlen(end), min, max, &hi, dg);
	if (err)
		return err;

	if (lo > hi) {
		diag_err(dg, "'%s' has its start above its end",
			 quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	return re_sdprintf(canonp, "%ld-%ld", lo, hi);
}

static int portrange_syntax(struct re_printf *pf, const struct setting *s)
{
	long min, max;

	if (!pf || !s)
		return EINVAL;

	port_range(s, &min, &max);
	return re_hprintf(pf, "<%ld-%ld>-<%ld-%ld>", min, max, min, max);
}

/* The values of v that start with the n bytes of prefix (all of them if
 * prefix is NULL), joined by sep into buf. */
static const char *list_join(char *buf, size_t sz, const char *const *v,
			     const char *prefix, size_t n, const char *sep)
{
	size_t o = 0;

	buf[0] = '\0';
	for (; *v; v++) {
		int len;

		if (prefix && strncasecmp(*v, prefix, n))
			continue;

		len = re_snprintf(buf + o, sz - o, "%s%s", o ? sep : "", *v);
		if (len < 0 || (size_t)len >= sz - o)
			break;
		o += (size_t)len;
	}

	return buf;
}

static int enum_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	char q[QUOTE_SZ], list[DIAG_SZ / 2];
	const char *const *v;
	const struct alias *a;
	const char *found = NULL;
	size_t n, hits = 0;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!s->enums || !s->enums[0]) {
		diag_err(dg, "setting '%s' has no values", s->key);
		return EINVAL;
	}

	if (!in[0]) {
		diag_err(dg, "empty value, expected %s",
			 list_join(list, sizeof(list), s->enums, NULL, 0, "|"));
		return EINVAL;
	}

	for (v = s->enums; *v; v++) {
		if (!str_casecmp(*v, in))
			return str_dup(canonp, *v);
	}

	for (a = s->aliases; a && a->word; a++) {
		if (str_casecmp(a->word, in))
			continue;
		if (a->warn)
			diag_warn(dg, "%s", a->warn);
		return str_dup(canonp, a->value);
	}

	n = strlen(in);
	for (v = s->enums; *v; v++) {
		if (!strncasecmp(*v, in, n)) {
			found = *v;
			++hits;
		}
	}

	if (hits == 1)
		return str_dup(canonp, found);

	if (hits > 1) {
		diag_err(dg, "'%s' is ambiguous: %s",
			 quote_str(q, sizeof(q), in),
			 list_join(list, sizeof(list), s->enums, in, n, ", "));
		return EINVAL;
	}

	diag_err(dg, "'%s' is not one of: %s", quote_str(q, sizeof(q), in),
		 list_join(list, sizeof(list), s->enums, NULL, 0, ", "));
	return EINVAL;
}

static int enum_syntax(struct re_printf *pf, const struct setting *s)
{
	const char *const *v;
	int err = 0;

	if (!pf || !s || !s->enums)
		return EINVAL;

	for (v = s->enums; *v && !err; v++)
		err = re_hprintf(pf, "%s%s", v == s->enums ? "" : "|", *v);

	return err;
}

/*
 * Well-formed UTF-8 without control characters; a word also without
 * blanks. The position in a message counts characters from 1, as the user
 * sees them.
 */
static int text_chars(const char *in, enum text_kind kind, bool *asciip,
		      struct diag *dg)
{
	const unsigned char *p = (const unsigned char *)in;
	char q[QUOTE_SZ];
	size_t i = 0, pos = 1;

	*asciip = true;
	for (; p[i]; pos++) {
		uint32_t cp;
		size_t len = utf8_next(p + i, &cp);

		if (!len) {
			diag_err(dg, "invalid UTF-8 byte \\x%02x at position "
				 "%zu; text must be UTF-8", p[i], pos);
			return EINVAL;
		}

		if (kind == TEXT_WORD && (cp == ' ' || cp == '\t')) {
			diag_err(dg, "'%s' contains a blank; a word has no "
				 "spaces or tabs", quote_str(q, sizeof(q), in));
			return EINVAL;
		}

		/* libre 1.1.0 writes the digest user name between quotes
		 * as it is: a quote or a backslash would end or change it.
		 * Every other byte is carried (escaped in the URI). */
		if (kind == TEXT_SIPUSER && (cp == '"' || cp == '\\')) {
			diag_err(dg, "'%s' holds %s at position %zu: a SIP user "
				 "name goes unescaped into the quoted user name "
				 "of digest authentication, so it cannot hold "
				 "'\"' or '\\'", quote_str(q, sizeof(q), in),
				 cp == '"' ? "a quote" : "a backslash", pos);
			return EINVAL;
		}

		if (is_control(cp) && cp != '\t') {
			if (cp < 0x80)
				diag_err(dg, "control character \\x%02x at "
					 "position %zu; only printable text "
					 "is allowed", (unsigned)cp, pos);
			else
				diag_err(dg, "control character U+%04X at "
					 "position %zu; only printable text "
					 "is allowed", (unsigned)cp, pos);
			return EINVAL;
		}

		if (len > 1)
			*asciip = false;
		i += len;
	}

	return 0;
}

static bool all_stars(const char *in)
{
	if (!in[0])
		return false;

	for (; *in; in++) {
		if (*in != '*')
			return false;
	}

	return true;
}

/* The bound is in bytes; text with other than ASCII says so, since its
 * characters and bytes differ in number. A max of 0 sets no bound. */
static int text_length(const struct setting *s, size_t len, bool ascii,
		       struct diag *dg)
{
	const char *unit = ascii ? "character" : "byte";
	const char *enc = ascii ? "" : " (UTF-8)";

	if ((long)len < s->min) {
		diag_err(dg, "too short: %zu %s%s%s, at least %ld", len, unit,
			 plural(len), enc, s->min);
		return ERANGE;
	}

	if (s->max > 0 && (long)len > s->max) {
		diag_err(dg, "too long: %zu %s%s%s, at most %ld", len, unit,
			 plural(len), enc, s->max);
		return ERANGE;
	}

	return 0;
}

static int text_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg, enum text_kind kind)
{
	char q[QUOTE_SZ];
	bool ascii;
	int err;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	err = text_chars(in, kind, &ascii, dg);
	if (err)
		return err;

	/* 'show' prints a password as stars; typed back, they would
	 * silently become the password. */
	if (kind == TEXT_SECRET && all_stars(in)) {
		diag_err(dg, "'%s' is the masked form of a password; type "
			 "the password itself", quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	err = text_length(s, strlen(in), ascii, dg);
	if (err)
		return err;

	return str_dup(canonp, in);
}

static int string_parse(const struct setting *s, const char *in,
			char **canonp, struct diag *dg)
{
	return text_parse(s, in, canonp, dg, TEXT_STRING);
}

static int word_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	return text_parse(s, in, canonp, dg, TEXT_WORD);
}

static int sipuser_parse(const struct setting *s, const char *in,
			 char **canonp, struct diag *dg)
{
	return text_parse(s, in, canonp, dg, TEXT_SIPUSER);
}

static int sipuser_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "USER") : EINVAL;
}

static int secret_parse(const struct setting *s, const char *in,
			char **canonp, struct diag *dg)
{
	return text_parse(s, in, canonp, dg, TEXT_SECRET);
}

static int string_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "TEXT") : EINVAL;
}

static int word_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "WORD") : EINVAL;
}

static int secret_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "PASSWORD") : EINVAL;
}

/* The named code points (RFC 2474 class selectors, RFC 2597 assured
 * forwarding, RFC 3246 expedited forwarding); a number with a name is
 * always written as the name. */
static const struct {
	const char *name;
	int val;
} dscp_names[] = {
	{"cs0", 0}, {"cs1", 8}, {"cs2", 16}, {"cs3", 24},
	{"cs4", 32}, {"cs5", 40}, {"cs6", 48}, {"cs7", 56},
	{"af11", 10}, {"af12", 12}, {"af13", 14},
	{"af21", 18}, {"af22", 20}, {"af23", 22},
	{"af31", 26}, {"af32", 28}, {"af33", 30},
	{"af41", 34}, {"af42", 36}, {"af43", 38},
	{"ef", 46},
};

#define DSCP_N (sizeof(dscp_names) / sizeof(dscp_names[0]))
#define DSCP_SYNTAX "cs0-cs7|af11-af43|ef|<0-63>"

static const char *dscp_name(int val)
{
	size_t i;

	for (i = 0; i < DSCP_N; i++) {
		if (dscp_names[i].val == val)
			return dscp_names[i].name;
	}

	return NULL;
}

/* A name or number: 0 with the value, EINVAL for neither, ERANGE for a
 * number outside 0-63. */
static int dscp_lookup(const char *in, int *valp)
{
	size_t i;
	long v;
	int err;

	for (i = 0; i < DSCP_N; i++) {
		if (!str_casecmp(dscp_names[i].name, in)) {
			*valp = dscp_names[i].val;
			return 0;
		}
	}

	err = dec_parse(in, strlen(in), &v);
	if (err)
		return err;

	if (v < 0 || v > 63)
		return ERANGE;

	*valp = (int)v;
	return 0;
}

int dscp_value(const char *canon)
{
	int val;

	if (!canon || dscp_lookup(canon, &val))
		return -1;

	return val;
}

static int dscp_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	char q[QUOTE_SZ];
	const char *name;
	int val = 0, err;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!in[0]) {
		diag_err(dg, "empty value, expected " DSCP_SYNTAX);
		return EINVAL;
	}

	err = dscp_lookup(in, &val);
	if (err == ERANGE) {
		diag_err(dg, "'%s' is out of range <0-63>",
			 quote_str(q, sizeof(q), in));
		return ERANGE;
	}
	else if (err) {
		diag_err(dg, "'%s' is not a DSCP name or number: cs0-cs7, "
			 "af11-af43, ef or 0-63", quote_str(q, sizeof(q), in));
		return EINVAL;
	}

	name = dscp_name(val);
	if (name)
		return str_dup(canonp, name);

	return re_sdprintf(canonp, "%d", val);
}

static int dscp_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, DSCP_SYNTAX) : EINVAL;
}

/* The words a yes/no value may be given as, in the file or by a script. */
static const struct {
	const char *word;
	bool on;
} bool_words[] = {
	{"yes", true}, {"no", false}, {"on", true}, {"off", false},
	{"true", true}, {"false", false}, {"1", true}, {"0", false},
};

#define BOOL_N (sizeof(bool_words) / sizeof(bool_words[0]))

static int bool_parse(const struct setting *s, const char *in,
		      char **canonp, struct diag *dg)
{
	char q[QUOTE_SZ];
	size_t i;

	if (!s || !in || !canonp || !dg)
		return EINVAL;

	diag_clear(dg);

	if (!in[0]) {
		diag_err(dg, "empty value, expected yes|no");
		return EINVAL;
	}

	for (i = 0; i < BOOL_N; i++) {
		if (!str_casecmp(bool_words[i].word, in))
			return str_dup(canonp, bool_words[i].on ? "yes" : "no");
	}

	diag_err(dg, "'%s' is not one of: yes, no, on, off, true, false, 1, 0",
		 quote_str(q, sizeof(q), in));
	return EINVAL;
}

static int bool_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;
	return pf ? re_hprintf(pf, "yes|no") : EINVAL;
}

const struct vtype vt_bool = {
	"bool", VK_BOOL, bool_parse, bool_syntax
};

const struct vtype vt_int = {
	"int", VK_VALUE, int_parse, int_syntax
};

const struct vtype vt_port = {
	"port", VK_VALUE, port_parse, port_syntax
};

const struct vtype vt_portrange = {
	"portrange", VK_VALUE, portrange_parse, portrange_syntax
};

const struct vtype vt_enum = {
	"enum", VK_VALUE, enum_parse, enum_syntax
};

const struct vtype vt_string = {
	"string", VK_VALUE, string_parse, string_syntax
};

const struct vtype vt_word = {
	"word", VK_VALUE, word_parse, word_syntax
};

const struct vtype vt_sipuser = {
	"sipuser", VK_VALUE, sipuser_parse, sipuser_syntax
};

const struct vtype vt_secret = {
	"secret", VK_VALUE, secret_parse, secret_syntax
};

const struct vtype vt_dscp = {
	"dscp", VK_VALUE, dscp_parse, dscp_syntax
};
