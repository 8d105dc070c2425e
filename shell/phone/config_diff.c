/*
 * The comparison of two generated baresip configs (config_diff.h).
 */
#include <string.h>
#include "re_base.h"
#include "schema.h"
#include "config_diff.h"

/* A module key the running phone takes without a restart. */
static bool key_taken(const struct pl *key)
{
	size_t i;

	for (i = 0; i < schema_n; i++) {
		const struct consumer *u;

		for (u = schema[i].uses; u && u->kind != CK_END; u++) {
			if (u->kind == CK_MODULE &&
			    (u->apply & (AC_LIVE | AC_LINE)) &&
			    !pl_strcmp(key, u->key))
				return true;
		}
	}

	return false;
}

/* The next line that counts, from *pp on, with its key; false at the
 * end. */
static bool next_line(const char **pp, const char *end, struct pl *line,
		      struct pl *key)
{
	while (*pp < end) {
		const char *p = *pp, *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *k = p;

		*pp = nl ? nl + 1 : end;

		while (k < e && (*k == ' ' || *k == '\t'))
			++k;
		if (k == e || *k == '#')
			continue;

		line->p = p;
		line->l = (size_t)(e - p);
		key->p = k;
		while (k < e && *k != ' ' && *k != '\t')
			++k;
		key->l = (size_t)(k - key->p);

		if (key_taken(key))
			continue;

		return true;
	}

	return false;
}

bool config_differs(const char *old, size_t oldlen, const char *new,
		    size_t newlen, char *key, size_t keysz)
{
	const char *a = old, *ae = old + oldlen;
	const char *b = new, *be = new + newlen;

	if (!old || !new)
		return true;

	for (;;) {
		struct pl la, ka, lb, kb;
		bool ha = next_line(&a, ae, &la, &ka);
		bool hb = next_line(&b, be, &lb, &kb);

		if (!ha && !hb)
			return false;

		if (ha && hb && !pl_cmp(&la, &lb))
			continue;

		(void)re_snprintf(key, keysz, "%r", hb ? &kb : &ka);
		return true;
	}
}
