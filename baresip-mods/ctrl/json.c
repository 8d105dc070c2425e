/*
 * The JSON text of the protocol: a request line is checked to be exactly
 * one object of strict JSON before libre decodes it, and text for an
 * event is made valid UTF-8.
 */
#include <string.h>
#include "ctrl.h"


/*
 * libre's json_decode_odict() accepts a bare array, a scalar, an empty
 * string, trailing garbage after an object, and text that is no JSON at
 * all, reading strings its own way: {"a":1,":8,"b":2} gives a key
 * ':8,"b'. So each line is first checked to be exactly one object of
 * strict JSON (RFC 8259), nested at most REQ_JSON_DEPTH deep, which libre
 * then reads as written.
 */
struct scan {
	const char *p;
	size_t len, i;
	int depth;
	const char *problem;
};

static bool fail(struct scan *sc, const char *problem)
{
	if (!sc->problem)
		sc->problem = problem;
	return false;
}

static bool at_end(const struct scan *sc)
{
	return sc->i >= sc->len;
}

static char peek(const struct scan *sc)
{
	return at_end(sc) ? '\0' : sc->p[sc->i];
}

static void blanks(struct scan *sc)
{
	while (!at_end(sc) && (peek(sc) == ' ' || peek(sc) == '\t' ||
			       peek(sc) == '\r'))
		++sc->i;
}

static bool hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

static bool scan_string(struct scan *sc)
{
	++sc->i;        /* the opening quote */

	while (!at_end(sc)) {
		const unsigned char ch = (unsigned char)sc->p[sc->i++];
		size_t k;

		if (ch == '"')
			return true;
		if (ch < 0x20)
			return fail(sc, "control character inside a string");
		if (ch != '\\')
			continue;
		if (at_end(sc))
			break;

		switch (sc->p[sc->i++]) {

		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			break;

		case 'u':
			for (k = 0; k < 4; k++, sc->i++) {
				if (at_end(sc))
					return fail(sc, "unterminated string");
				if (!hex(sc->p[sc->i]))
					return fail(sc, "invalid syntax");
			}
			break;

		default:
			return fail(sc, "invalid syntax");
		}
	}

	return fail(sc, "unterminated string");
}

static bool scan_digits(struct scan *sc)
{
	size_t from = sc->i;

	while (!at_end(sc) && peek(sc) >= '0' && peek(sc) <= '9')
		++sc->i;

	return sc->i > from;
}

static bool scan_number(struct scan *sc)
{
	if (peek(sc) == '-')
		++sc->i;

	if (peek(sc) == '0')
		++sc->i;
	else if (!scan_digits(sc))
		return fail(sc, "invalid syntax");

	if (peek(sc) == '.') {
		++sc->i;
		if (!scan_digits(sc))
			return fail(sc, "invalid syntax");
	}

	if (peek(sc) == 'e' || peek(sc) == 'E') {
		++sc->i;
		if (peek(sc) == '+' || peek(sc) == '-')
			++sc->i;
		if (!scan_digits(sc))
			return fail(sc, "invalid syntax");
	}

	return true;
}

static bool scan_word(struct scan *sc, const char *w)
{
	size_t n = strlen(w);

	if (sc->len - sc->i < n || memcmp(sc->p + sc->i, w, n))
		return fail(sc, at_end(sc) ? "unterminated object" :
			    "invalid syntax");
	sc->i += n;
	return true;
}

static bool scan_value(struct scan *sc);

/* An object or an array: its members, up to its closing bracket. */
static bool scan_container(struct scan *sc)
{
	const char close = peek(sc) == '{' ? '}' : ']';
	bool first = true;

	if (++sc->depth > REQ_JSON_DEPTH)
		return fail(sc, "nested too deeply");
	++sc->i;

	for (;;) {
		blanks(sc);
		if (at_end(sc))
			return fail(sc, "unterminated object");
		if (peek(sc) == close && first)
			break;

		if (!first) {
			if (peek(sc) == close)
				break;
			if (peek(sc) != ',')
				return fail(sc, "invalid syntax");
			++sc->i;
			blanks(sc);
		}
		first = false;

		if (close == '}') {
			if (at_end(sc))
				return fail(sc, "unterminated object");
			if (peek(sc) != '"' || !scan_string(sc))
				return fail(sc, "invalid syntax");
			blanks(sc);
			if (at_end(sc))
				return fail(sc, "unterminated object");
			if (peek(sc) != ':')
				return fail(sc, "invalid syntax");
			++sc->i;
		}

		if (!scan_value(sc))
			return false;
	}

	++sc->i;
	--sc->depth;
	return true;
}

static bool scan_value(struct scan *sc)
{
	blanks(sc);
	if (at_end(sc))
		return fail(sc, "unterminated object");

	switch (peek(sc)) {

	case '{':
	case '[':
		return scan_container(sc);

	case '"':
		return scan_string(sc);

	case 't':
		return scan_word(sc, "true");

	case 'f':
		return scan_word(sc, "false");

	case 'n':
		return scan_word(sc, "null");

	default:
		return scan_number(sc);
	}
}

/* Whether p is exactly one JSON object: NULL, or the problem. */
const char *json_shape(const char *p, size_t len)
{
	struct scan sc = {p, len, 0, 0, NULL};

	blanks(&sc);
	if (at_end(&sc) || peek(&sc) != '{')
		return "expected a JSON object";

	if (!scan_container(&sc))
		return sc.problem ? sc.problem : "invalid syntax";

	blanks(&sc);
	if (!at_end(&sc))
		return "trailing data after the object";

	return NULL;
}


/* Replaces bytes that are not part of a UTF-8 sequence by '?'. */
void utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n, i;

		if (*p < 0x80) {
			++p;
			continue;
		}

		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			n = 0;

		for (i = 1; n && i <= n; i++) {
			if (p[i] < 0x80 || p[i] > 0xbf)
				n = 0;
		}

		if (!n) {
			*p++ = '?';
			continue;
		}

		p += n + 1;
	}
}
