/*
 * Field widgets by value kind. A setting's kind comes from its schema
 * row (its type and flags), never from its name: numbers and ports take
 * digits only and show their range, enumerations are choice lists with
 * each value's meaning, booleans are check boxes, secrets are hidden,
 * lists are edited item by item. Every value typed goes through the
 * type's own parse, so the menu accepts exactly what the shell accepts,
 * and a refusal carries the core's own message.
 */
#include <ctype.h>
#include <string.h>
#include "re_base.h"
#include "setup.h"

enum fkind fld_kind(const struct setting *s)
{
	if (s->flags & SF_REF)
		return FK_REF;
	if (s->type == &vt_pem)
		return FK_PEM;
	if (setting_islist(s))
		return FK_LIST;
	if (s->type == &vt_bool)
		return FK_BOOL;
	if (s->type == &vt_enum)
		return FK_CHOICE;
	if (s->type == &vt_secret)
		return FK_SECRET;
	if (s->type == &vt_int || s->type == &vt_port ||
	    s->type == &vt_portrange)
		return FK_NUMBER;

	return FK_TEXT;
}

/* Typed in the field itself (the others open something on Enter). */
bool fld_inline(const struct setting *s)
{
	enum fkind k = fld_kind(s);

	return k == FK_TEXT || k == FK_NUMBER;
}

static int count_cert(const char *pem, size_t len, void *arg)
{
	(void)pem;
	(void)len;
	++*(size_t *)arg;
	return 0;
}

static size_t certs_count(const struct val *v)
{
	size_t k, n = 0;

	for (k = 0; k < v->n; k++)
		pem_foreach(v->v[k], count_cert, &n);

	return n;
}

/* What the field shows. A secret is never drawn, only whether it is set. */
void fld_text(char *buf, size_t sz, const struct inst *i,
	      const struct setting *s)
{
	const struct val *v = inst_val(i, s);
	size_t k, n = 0;

	buf[0] = '\0';

	switch (fld_kind(s)) {

	case FK_BOOL:
		re_snprintf(buf, sz, "[%c]", v->n && !strcmp(v->v[0], "yes") ?
			    'x' : ' ');
		return;

	case FK_SECRET:
		re_snprintf(buf, sz, "%s", v->n ? "********" : "");
		return;

	case FK_PEM:
		k = certs_count(v);
		re_snprintf(buf, sz, "%zu certificate%s", k, k == 1 ? "" : "s");
		return;

	case FK_LIST:
		for (k = 0; k < v->n && n + 1 < sz; k++) {
			int r = re_snprintf(buf + n, sz - n, "%s%s",
					    k ? ", " : "", v->v[k]);
			if (r < 0)
				break;
			n += (size_t)r;
		}
		return;

	default:
		if (v->n)
			re_snprintf(buf, sz, "%s", v->v[0]);
		return;
	}
}

/* What is shown beside the field: the range, or what Enter does. */
void fld_hint(char *buf, size_t sz, const struct inst *i,
	      const struct setting *s)
{
	const struct val *v = inst_val(i, s);

	buf[0] = '\0';

	switch (fld_kind(s)) {

	case FK_NUMBER:
		if (s->type == &vt_portrange)
			re_snprintf(buf, sz, "<%ld-%ld> each", s->min, s->max);
		else
			re_snprintf(buf, sz, "%H", s->type->syntax, s);
		return;

	case FK_CHOICE:
	case FK_REF:
		re_snprintf(buf, sz, "(Enter: choose)");
		return;

	case FK_LIST:
		re_snprintf(buf, sz, "(%zu, Enter: edit)", v->n);
		return;

	case FK_SECRET:
		re_snprintf(buf, sz, v->n ? "(hidden)" : "(not set)");
		return;

	case FK_PEM:
		re_snprintf(buf, sz, "(Enter: open)");
		return;

	case FK_BOOL:
		re_snprintf(buf, sz, "(Space: toggle)");
		return;

	default:
		if (!v->n)
			re_snprintf(buf, sz, "(unset)");
		return;
	}
}

/*
 * A value typed for s: through the type's parse into the candidate, or
 * kept as refused with the core's message. Empty text returns the
 * setting to its default (unset when it has none).
 */
int fld_set_text(struct app *a, struct inst *i, const struct setting *s,
		 const char *text)
{
	struct diag dg = {"", ""};
	char *canon = NULL;
	int err;

	if (!text[0]) {
		app_bad_clear(a, i->sec->id, i->id, s);
		err = inst_reset(i, s);
		if (!err)
			app_changed(a);
		return err;
	}

	err = s->type->parse(s, text, &canon, &dg);
	if (err) {
		/* A refused password is marked, never kept for drawing. */
		app_bad_set(a, i->sec->id, i->id, s,
			    fld_kind(s) == FK_SECRET ? "" : text,
			    dg.err[0] ? dg.err : "invalid value");
		app_msg(a, true, "%s: %s", s->label,
			dg.err[0] ? dg.err : "invalid value");
		return err;
	}

	app_bad_clear(a, i->sec->id, i->id, s);
	err = inst_set(i, s, canon);
	mem_deref(canon);
	if (err)
		return err;

	app_changed(a);
	if (dg.warn[0])
		app_msg(a, false, "%s: %s", s->label, dg.warn);

	return 0;
}

static int choose_enum(struct app *a, struct inst *i, const struct setting *s)
{
	const struct val *v = inst_val(i, s);
	int k, cur = 0;

	for (k = 0; s->enums[k]; k++) {
		if (v->n && !strcmp(v->v[0], s->enums[k]))
			cur = k;
	}

	k = dlg_choose(s->label, s->enums, setting_enum_help(s), cur);
	if (k < 0)
		return 0;

	return fld_set_text(a, i, s, s->enums[k]);
}

/* A reference: the instances of the section the key names. */
static int choose_ref(struct app *a, struct inst *i, const struct setting *s)
{
	const struct section *ref = section_find(s->key);
	const struct val *v = inst_val(i, s);
	static char names[INST_MAX][8];
	static char descs[INST_MAX][80];
	const char *np[INST_MAX + 1], *dp[INST_MAX + 1];
	int id, n = 0, cur = 0, k;

	if (!ref)
		return EINVAL;

	for (id = 0; id < INST_MAX; id++) {
		const struct inst *r = cfg_inst(a->cand, ref->id, id);

		if (!r)
			continue;

		re_snprintf(names[n], sizeof(names[n]), "%d", id);
		re_snprintf(descs[n], sizeof(descs[n]), "%s %d %s@%s",
			    ref->name, id,
			    cfg_str(a->cand, ref->id, id, "user"),
			    cfg_str(a->cand, ref->id, id, "registrar"));
		if (v->n && !strcmp(v->v[0], names[n]))
			cur = n;
		np[n] = names[n];
		dp[n] = descs[n];
		++n;
	}
	np[n] = dp[n] = NULL;

	if (!n) {
		dlg_message(s->label, "There is no account yet: add one on "
			    "the Accounts page first.");
		return 0;
	}

	k = dlg_choose(s->label, np, dp, cur);
	if (k < 0)
		return 0;

	return fld_set_text(a, i, s, np[k]);
}

static int ask_secret(struct app *a, struct inst *i, const struct setting *s)
{
	char buf[256];
	int err;

	if (dlg_input(s->label, "New value (not shown; empty: unset):", true,
		      NULL, buf, sizeof(buf)))
		return 0;

	err = fld_set_text(a, i, s, buf);
	memset(buf, 0, sizeof(buf));
	return err;
}

/* Enter on a field that is not typed in place. */
int fld_open(struct app *a, struct inst *i, const struct setting *s)
{
	switch (fld_kind(s)) {

	case FK_BOOL: {
		const struct val *v = inst_val(i, s);
		bool on = v->n && !strcmp(v->v[0], "yes");

		return fld_set_text(a, i, s, on ? "no" : "yes");
	}

	case FK_CHOICE:
		return choose_enum(a, i, s);

	case FK_REF:
		return choose_ref(a, i, s);

	case FK_SECRET:
		return ask_secret(a, i, s);

	case FK_LIST:
		return list_edit(a, i, s);

	default:
		return 0;
	}
}

/*
 * Whether ch may be typed into s's field: numbers and ports take digits
 * only (a range its dash). Checked by the page before the form sees the
 * key: the wide-character libform never calls a field type's character
 * check (ncurses' form_driver, "FIXME: the wide-character branch should
 * also use Check_Char()").
 */
bool fld_char_ok(const struct setting *s, int ch)
{
	if (!term_is_text(ch))
		return false;

	if (fld_kind(s) != FK_NUMBER)
		return true;

	return isdigit(ch) || (ch == '-' && s->type == &vt_portrange);
}
