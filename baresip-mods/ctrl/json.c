/*
 * The JSON text of the protocol: a request line is checked to be exactly
 * one JSON object before libre decodes it, and text for an event is made
 * valid UTF-8.
 */
#include "ctrl.h"


/*
 * libre's json_decode_odict() accepts a bare array, a scalar, an empty
 * string and trailing garbage after an object, so each line is first
 * checked to be exactly one object. Returns the problem or NULL.
 */
const char *json_shape(const char *p, size_t len)
{
	bool instr = false, esc = false;
	int depth = 0;
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		++i;

	if (i == len || p[i] != '{')
		return "expected a JSON object";

	for (; i < len; i++) {
		const unsigned char ch = p[i];

		if (instr) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				instr = false;
			else if (ch < 0x20)
				return "control character inside a string";
			continue;
		}

		switch (ch) {

		case '"':
			instr = true;
			break;

		case '{':
		case '[':
			if (++depth > REQ_JSON_DEPTH)
				return "nested too deeply";
			break;

		case '}':
		case ']':
			if (--depth == 0)
				goto end;
			break;

		default:
			break;
		}
	}

	return instr ? "unterminated string" : "unterminated object";

 end:
	for (++i; i < len; i++) {
		if (p[i] != ' ' && p[i] != '\t')
			return "trailing data after the object";
	}

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
