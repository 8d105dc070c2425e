/*
 * DTMF in SIP INFO bodies, the two kinds in use:
 *
 *   application/dtmf-relay   "Signal=5\r\nDuration=160\r\n": lines of
 *                            Name=Value, names in any case, blanks around
 *                            either, CRLF or LF; other names are ignored.
 *                            Signal 16 is a hook flash, not a digit.
 *   application/dtmf         "5": the key alone, blanks around it.
 *
 * A key is one of 0-9 * # A-D (a-d taken as A-D). Pure functions of
 * libre's pl and printers, for info_rx.c, dtmf.c and the fuzzer.
 */
#include <ctype.h>
#include <string.h>
#include "re_base.h"
#include "info_body.h"

enum { DURATION_MAX = 60000 };   /* ms: longer than any key is held */

static const char *const ctypev[] = {
	[INFO_DTMF_RELAY] = "application/dtmf-relay",
	[INFO_DTMF]       = "application/dtmf",
};

const char *info_kind_ctype(enum info_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(ctypev) ? ctypev[kind] : NULL;
}

/* The key a value names, or '\0'. */
static char key_of(const struct pl *v)
{
	char c;

	if (v->l != 1)
		return '\0';

	c = (char)toupper((unsigned char)v->p[0]);

	return c && strchr("0123456789*#ABCD", c) ? c : '\0';
}

/* pl without the characters of set at either end. */
static void trim(struct pl *pl, const char *set)
{
	while (pl->l && memchr(set, pl->p[0], strlen(set))) {
		++pl->p;
		--pl->l;
	}
	while (pl->l && memchr(set, pl->p[pl->l - 1], strlen(set)))
		--pl->l;
}

/* A decimal number of milliseconds, at most DURATION_MAX. */
static int duration_of(const struct pl *v, uint32_t *msp)
{
	uint32_t ms = 0;
	size_t i;

	if (!v->l)
		return EBADMSG;

	for (i = 0; i < v->l; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return EBADMSG;
		ms = ms * 10 + (uint32_t)(v->p[i] - '0');
		if (ms > DURATION_MAX)
			return EBADMSG;
	}

	*msp = ms;
	return 0;
}

static int relay_parse(struct info_dtmf *d, const struct pl *body)
{
	struct pl rest = *body;
	bool sig = false, dur = false, flash = false;

	while (rest.l) {
		const char *nl = memchr(rest.p, '\n', rest.l);
		struct pl line, name, val;
		const char *eq;

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		rest.p += line.l + (nl ? 1 : 0);
		rest.l -= line.l + (nl ? 1 : 0);

		trim(&line, " \t\r");
		if (!line.l)
			continue;

		eq = memchr(line.p, '=', line.l);
		if (!eq)
			return EBADMSG;
		name.p = line.p;
		name.l = (size_t)(eq - line.p);
		val.p = eq + 1;
		val.l = line.l - name.l - 1;
		trim(&name, " \t");
		trim(&val, " \t");

		if (!pl_strcasecmp(&name, "Signal")) {
			if (sig)
				return EBADMSG;
			sig = true;
			if (!pl_strcmp(&val, "16")) {
				flash = true;
				continue;
			}
			d->key = key_of(&val);
			if (!d->key)
				return EBADMSG;
		}
		else if (!pl_strcasecmp(&name, "Duration")) {
			if (dur || duration_of(&val, &d->duration))
				return EBADMSG;
			dur = true;
		}
	}

	if (!sig)
		return EBADMSG;

	return flash ? ENOENT : 0;
}

/*
 * Reads an INFO's body by its Content-Type. Returns 0 with the key,
 * ENOTSUP for another Content-Type (not DTMF: someone else's), ENOENT
 * for a well-formed event that is no digit (a hook flash), and EBADMSG
 * for a body that says nothing clear. d is set only on success.
 */
int info_body_parse(struct info_dtmf *d, const struct msg_ctype *ctype,
		    const struct pl *body)
{
	struct info_dtmf v;
	struct pl b;
	int err;

	if (!d || !ctype || !body)
		return EINVAL;

	memset(&v, 0, sizeof(v));

	if (pl_strcasecmp(&ctype->type, "application"))
		return ENOTSUP;
	if (!pl_strcasecmp(&ctype->subtype, "dtmf-relay"))
		v.kind = INFO_DTMF_RELAY;
	else if (!pl_strcasecmp(&ctype->subtype, "dtmf"))
		v.kind = INFO_DTMF;
	else
		return ENOTSUP;

	if (!body->p && body->l)
		return EINVAL;

	if (v.kind == INFO_DTMF_RELAY) {
		err = relay_parse(&v, body);
		if (err)
			return err;
	}
	else {
		b = *body;
		trim(&b, " \t\r\n");
		v.key = key_of(&b);
		if (!v.key)
			return EBADMSG;
	}

	*d = v;
	return 0;
}

/* The body we send for a key: what info_body_parse() reads back. */
int info_body_print(struct re_printf *pf, const struct info_dtmf *d)
{
	if (!pf || !d || !d->key)
		return EINVAL;

	if (d->kind == INFO_DTMF)
		return re_hprintf(pf, "%c\r\n", d->key);

	return re_hprintf(pf, "Signal=%c\r\nDuration=%u\r\n", d->key,
			  d->duration);
}
