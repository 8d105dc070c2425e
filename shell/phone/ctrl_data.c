/*
 * Reading the control socket's reply data (see ctrl_data.h).
 */
#include <string.h>
#include <strings.h>
#include "re_base.h"
#include "ctrl_data.h"

const char *ctrl_str(const struct odict *o, const char *key)
{
	const char *v = o ? odict_string(o, key) : NULL;

	return v ? v : "";
}

long ctrl_num(const struct odict *o, const char *key)
{
	const struct odict_entry *e = o ? odict_lookup(o, key) : NULL;

	if (!e)
		return 0;
	if (e->type == ODICT_INT)
		return (long)e->u.integer;
	if (e->type == ODICT_DOUBLE)
		return (long)e->u.dbl;

	return 0;
}

bool ctrl_bool(const struct odict *o, const char *key)
{
	bool v = false;

	if (o)
		(void)odict_get_boolean(o, &v, key);

	return v;
}

static int safe_print(struct re_printf *pf, const char *text, bool lines)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int err = 0;

	for (; *p && !err; p++) {
		if (lines && (*p == '\n' || *p == '\t' ||
			      (*p == '\r' && p[1] == '\n')))
			err = *p == '\r' ? 0 : re_hprintf(pf, "%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			err = re_hprintf(pf, "\\x%02x", *p);
		else
			err = re_hprintf(pf, "%c", *p);
	}

	return err;
}

int ctrl_text_print(struct re_printf *pf, const char *text)
{
	return safe_print(pf, text, false);
}

int ctrl_lines_print(struct re_printf *pf, const char *text)
{
	return safe_print(pf, text, true);
}

bool ctrl_aor_match(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;

	la = strcspn(a, ";>");
	lb = strcspn(b, ";>");

	return la == lb && !strncasecmp(a, b, la);
}

const struct odict *ctrl_find_aor(const struct odict *list, const char *aor)
{
	struct le *le;

	for (le = list ? list->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type == ODICT_OBJECT &&
		    ctrl_aor_match(ctrl_str(e->u.odict, "aor"), aor))
			return e->u.odict;
	}

	return NULL;
}
