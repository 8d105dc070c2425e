/*
 * The Contact user of an account with lines (phoneline_contact_suffix):
 * "<user>_<lines>", one character a line, lowest first: 0 to 9, then a
 * to v for lines 10 to 31 (two digits would read as two lines). Reading
 * a Request-URI user back splits it at its last '_', so an account user
 * that holds '_' itself keeps it. Pure functions of libre's pl and
 * strings only, for suffix.c and the fuzzer.
 */
#include <string.h>
#include "re_base.h"
#include "contact_user.h"

enum { LINES = 32 };

static const char line_chars[LINES + 1] = "0123456789abcdefghijklmnopqrstuv";

/* The line a suffix character names, or -1. */
static int line_of(char c)
{
	const char *p = c ? memchr(line_chars, c, LINES) : NULL;

	return p ? (int)(p - line_chars) : -1;
}

/*
 * The Contact user for an account user and the lines of mask (bit N:
 * line N), in *cuserp (a new string). ENOENT when mask names no line;
 * EINVAL for a user holding a NUL byte, which a string would cut short.
 */
int contact_user_make(char **cuserp, const struct pl *user, uint32_t mask)
{
	char sfx[LINES + 1];
	size_t n = 0;
	unsigned l;

	if (!cuserp || !user || !pl_isset(user) ||
	    memchr(user->p, '\0', user->l))
		return EINVAL;

	for (l = 0; l < LINES; l++) {
		if (mask & (1u << l))
			sfx[n++] = line_chars[l];
	}
	sfx[n] = '\0';

	if (!n)
		return ENOENT;

	return re_sdprintf(cuserp, "%r_%s", user, sfx);
}

/*
 * A Request-URI user split at its last '_' into the account user (a view
 * into ruser) and the lines its suffix names. ENOENT when it has no
 * suffix: no '_', nothing before or after it, or a character after it
 * that names no line.
 */
int contact_user_split(const struct pl *ruser, struct pl *base,
		       uint32_t *maskp)
{
	const char *us = NULL;
	uint32_t mask = 0;
	size_t i;

	if (!ruser || !base || !maskp)
		return EINVAL;

	for (i = ruser->l; ruser->p && i > 0; i--) {
		if (ruser->p[i - 1] == '_') {
			us = ruser->p + i - 1;
			break;
		}
	}

	if (!us || us == ruser->p || us + 1 == ruser->p + ruser->l)
		return ENOENT;

	for (i = (size_t)(us + 1 - ruser->p); i < ruser->l; i++) {
		int l = line_of(ruser->p[i]);

		if (l < 0)
			return ENOENT;
		mask |= 1u << l;
	}

	base->p = ruser->p;
	base->l = (size_t)(us - ruser->p);
	*maskp = mask;

	return 0;
}
