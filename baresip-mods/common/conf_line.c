/*
 * A key of baresip's config found the way libre's conf_get() finds it,
 * without its regular expression (see conf_line.h).
 */
#include <stdbool.h>
#include <string.h>
#include "re_base.h"
#include "conf_line.h"

/*
 * libre 1.1.0's struct conf (src/conf/conf.c at tag v1.1.0): the file's
 * bytes in one buffer. Pinned by the modules' version check, and checked
 * against conf_get() on the config itself before it is relied on.
 */
struct conf_v110 {
	struct mbuf *mb;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool eol(char c)
{
	return c == '\r' || c == '\n';
}

/*
 * What conf_get() finds, "[\r\n]+[ \t]*KEY[ \t]+[~ \t\r\n]+": the
 * first line (after a CR or LF) made of blanks, the key, blanks and a
 * value, which ends at a blank or the line's end. libre matches that
 * regular expression from every byte of the file, about 200
 * instructions a byte, and a phone's start asked it some thirty times
 * of a 1.2 KB file for our modules alone: this walks the lines once.
 */
static int line_get(const struct mbuf *mb, const char *key, struct pl *pl)
{
	const char *p = (const char *)mb->buf, *end = p + mb->end;
	size_t kl = strlen(key);

	for (; p < end; p++) {
		const char *q, *v;

		if (!eol(*p))
			continue;

		for (q = p + 1; q < end && (eol(*q) || blank(*q)); q++) {
			if (eol(*q))
				p = q;
		}
		if ((size_t)(end - q) <= kl || memcmp(q, key, kl) ||
		    !blank(q[kl]))
			continue;

		for (q += kl; q < end && blank(*q); q++)
			;
		for (v = q; q < end && !blank(*q) && !eol(*q); q++)
			;
		if (q == v)
			continue;

		pl->p = v;
		pl->l = (size_t)(q - v);
		return 0;
	}

	return ENOENT;
}

int conf_line_get(const struct conf *conf, const char *key, struct pl *pl)
{
	static const struct conf *checked;
	const struct mbuf *mb = ((const struct conf_v110 *)conf)->mb;
	struct pl a, b;

	if (!mb || !mb->buf || mb->end > mb->size)
		return conf_get(conf, key, pl);

	if (checked != conf) {
		if (conf_get(conf, "module_path", &a) ||
		    line_get(mb, "module_path", &b) || a.p != b.p ||
		    a.l != b.l)
			return conf_get(conf, key, pl);
		checked = conf;
	}

	return line_get(mb, key, pl);
}

