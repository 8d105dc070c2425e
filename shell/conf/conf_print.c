/*
 * The configuration printer. Canonical output: sections in schema order,
 * settings in the view's order, defaults left out unless asked for, one
 * space of indentation; printing what was parsed from this output gives
 * the same bytes.
 */
#include <string.h>
#include "re_base.h"
#include "conf_print.h"

bool text_is_mask(const char *text)
{
	if (!text || !*text)
		return false;

	return strspn(text, "*") == strlen(text);
}

static int block_line_print(const char *pem, size_t len, void *arg)
{
	struct re_printf *pf = arg;
	const char *end = pem + len;
	int err = 0;

	while (pem < end && !err) {
		const char *nl = memchr(pem, '\n', (size_t)(end - pem));
		size_t n = nl ? (size_t)(nl - pem) : (size_t)(end - pem);

		err = re_hprintf(pf, "  %b\n", pem, n);
		pem += n + (nl ? 1 : 0);
	}

	return err ? err : re_hprintf(pf, "  quit\n");
}

static int value_line_print(struct re_printf *pf, const struct setting *s,
			    const char *text, unsigned flags)
{
	if (s->type->kind == VK_BLOCK) {
		int err = re_hprintf(pf, " %s\n", s->key);

		return err ? err : pem_foreach(text, block_line_print, pf);
	}

	if (s->type == &vt_secret && !(flags & PR_SECRETS))
		return re_hprintf(pf, " %s %s\n", s->key, SECRET_MASK);

	return re_hprintf(pf, " %s %H\n", s->key, word_print, text);
}

int setting_print(struct re_printf *pf, const struct inst *i,
		  const struct setting *s, unsigned flags)
{
	const struct val *v = inst_val(i, s);
	bool isdef = inst_isdefault(i, s);
	size_t k;
	int err = 0;

	if (!(flags & PR_ALL) && isdef)
		return 0;

	if (s->type->kind == VK_BOOL) {
		bool on = v->n && !strcmp(v->v[0], "yes");

		return re_hprintf(pf, " %s%s\n", on ? "" : "no ", s->key);
	}

	/*
	 * A list that differs from a non-empty default starts by clearing
	 * it, so that reading the lines back gives exactly this list.
	 */
	if (!v->n || (setting_islist(s) && s->def && !isdef))
		err = re_hprintf(pf, " no %s\n", s->key);

	for (k = 0; k < v->n && !err; k++)
		err = value_line_print(pf, s, v->v[k], flags);

	return err;
}

int inst_print(struct re_printf *pf, const struct inst *i, unsigned flags)
{
	const struct section *sec = i->sec;
	size_t k;
	int err;

	if (sec->singleton)
		err = re_hprintf(pf, "%s\n", sec->name);
	else
		err = re_hprintf(pf, "%s %d\n", sec->name, i->id);

	for (k = 0; k < sec->count && !err; k++)
		err = setting_print(pf, i, &schema[sec->first + k], flags);

	return err ? err : re_hprintf(pf, "!\n");
}

static bool inst_all_default(const struct inst *i)
{
	size_t k;

	for (k = 0; k < i->sec->count; k++) {
		if (!inst_isdefault(i, &schema[i->sec->first + k]))
			return false;
	}

	return true;
}

int cfg_print(struct re_printf *pf, const struct cfg *c, unsigned flags,
	       const struct print_sel *sel)
{
	int s, n, err = 0;

	if (!pf || !c)
		return EINVAL;

	if (!sel || sel->sect < 0)
		err = re_hprintf(pf, "! sipsh configuration\n");

	for (s = 0; s < SECT_N && !err; s++) {
		const struct section *sec = section_get(s);

		if (sel && sel->sect >= 0 && sel->sect != s)
			continue;

		for (n = 0; n < INST_MAX && !err; n++) {
			const struct inst *i = c->inst[s][n];

			if (!i)
				continue;
			if (sel && sel->id >= 0 && sel->id != n)
				continue;

			/* A singleton with nothing to say is left out. */
			if (sec->singleton && !(flags & PR_ALL) &&
			    !(sel && sel->sect == s) && inst_all_default(i))
				continue;

			err = inst_print(pf, i, flags);
		}
	}

	return err;
}
