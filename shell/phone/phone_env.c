/*
 * Checking the environment values that end up inside generated files.
 * baresip's configuration is one "key value" per line, its values end at
 * the first blank, and the runit scripts are shell: so a directory given
 * in the environment may hold only characters that mean
 * nothing to any of them. Anything else is refused with its position,
 * never escaped, since baresip's reader has no escapes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "phone.h"
#include "phone_env.h"

/* Characters safe in a baresip value and unquoted in a POSIX shell. */
static bool safe_char(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;

	return ch && strchr("/._-+,@%", ch);
}

static const char *char_name(char *buf, size_t sz, unsigned char ch)
{
	if (ch < 0x20 || ch == 0x7f)
		re_snprintf(buf, sz, "control character \\x%02x", ch);
	else if (ch == ' ')
		re_snprintf(buf, sz, "a blank");
	else if (ch >= 0x80)
		re_snprintf(buf, sz, "non-ASCII byte \\x%02x", ch);
	else
		re_snprintf(buf, sz, "'%c'", ch);

	return buf;
}

/* One value and where it came from. */
static int value_check(const char *var, const char *val, char *err,
		       size_t errsz)
{
	const unsigned char *p = (const unsigned char *)val;
	char what[48];
	size_t i;

	for (i = 0; p[i]; i++) {
		if (safe_char(p[i]))
			continue;

		re_snprintf(err, errsz, "%s holds %s at position %zu: it is "
			    "written into the phone's configuration, so only "
			    "letters, digits and / . _ - + , @ %% are "
			    "allowed", var, char_name(what, sizeof(what), p[i]),
			    i + 1);
		return EINVAL;
	}

	return 0;
}

int phone_env_check(char *err, size_t errsz)
{
	int e;

	/* The directories as the generator uses them (made absolute). */
	e = value_check("SIPSH_RUNDIR", phone_rundir(), err, errsz);
	if (!e)
		e = value_check("SIPSH_MODDIR", phone_moddir(), err, errsz);

	return e;
}
