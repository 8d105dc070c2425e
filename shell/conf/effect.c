/*
 * The effect of a configuration change (effect.h): the two
 * configurations are compared setting by setting, and each changed
 * setting's consumers, as its schema row lists them, decide what the
 * change needs. No setting is named here: a new row brings its effect
 * with it.
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "effect.h"

/* The classes, strongest first: the order reports use. */
static const enum apply_class class_order[] = {
	AC_RESTART, AC_ACCOUNT, AC_LINE, AC_LIVE, AC_SHELL
};

/* Up to this many changes are named in a report, then "and N more". */
enum { WHY_MAX = 3 };

const struct setting *when_parse(enum sect_id sect, const char *when,
				 const char **valuep)
{
	const struct setting *s;
	const char *sp;
	char key[64];

	*valuep = NULL;
	if (!when)
		return NULL;

	s = schema_find(sect, when);
	if (s)
		return s;

	sp = strrchr(when, ' ');
	if (!sp || (size_t)(sp - when) >= sizeof(key))
		return NULL;

	re_snprintf(key, sizeof(key), "%b", when, (size_t)(sp - when));
	s = schema_find(sect, key);
	if (s)
		*valuep = sp + 1;

	return s;
}

/* Whether instance i meets a consumer's condition; no condition: yes. */
static bool inst_meets(const struct inst *i, const char *when)
{
	const struct setting *s;
	const struct val *v;
	const char *value;
	size_t k;

	if (!when)
		return true;
	if (!i)
		return false;

	s = when_parse(i->sec->id, when, &value);
	if (!s)
		return false;

	v = inst_val(i, s);
	if (!value)
		return v->n > 0 && v->v[0][0];

	for (k = 0; k < v->n; k++) {
		if (!strcmp(v->v[k], value))
			return true;
	}

	return false;
}

/* An instance that exists and is not taken out of service. */
static bool in_service(const struct cfg *c, enum sect_id sect, int id)
{
	const struct section *sec = section_get(sect);

	if (!c || !cfg_inst(c, sect, id))
		return false;

	return !sec->off || !cfg_bool(c, sect, id, sec->off);
}

/* The instances of a section in service, as a mask. */
static uint32_t all_in_service(const struct cfg *c, enum sect_id sect)
{
	uint32_t mask = 0;
	int id;

	for (id = 0; id < INST_MAX; id++) {
		if (in_service(c, sect, id))
			mask |= 1u << id;
	}

	return mask;
}

/* The lines in service on account acc. */
static uint32_t lines_on(const struct cfg *c, int acc)
{
	uint32_t mask = 0;
	int l;

	for (l = 0; l < INST_MAX; l++) {
		const char *a;

		if (!in_service(c, SECT_LINE, l))
			continue;

		a = cfg_str(c, SECT_LINE, l, "account");
		if (a[0] && atoi(a) == acc)
			mask |= 1u << l;
	}

	return mask;
}

/*
 * What one consumer of a setting of instance (sect, id) needs, and which
 * accounts and lines it concerns. A consumer that binds accounts or
 * lines needs nothing when none is concerned.
 */
static unsigned consumer_reach(struct effect *e, const struct consumer *u,
			       const struct cfg *old, const struct cfg *new,
			       enum sect_id sect, int id)
{
	const struct inst *oi = old ? cfg_inst(old, sect, id) : NULL;
	const struct inst *ni = cfg_inst(new, sect, id);
	uint32_t mask = 0;

	if (u->when && !inst_meets(oi, u->when) && !inst_meets(ni, u->when))
		return 0;

	switch (u->apply) {

	case AC_ACCOUNT:
		if (sect == SECT_ACCOUNT)
			mask = 1u << id;
		else if (section_get(sect)->singleton)
			mask = all_in_service(old, SECT_ACCOUNT) |
				all_in_service(new, SECT_ACCOUNT);
		e->accounts |= mask;
		return mask ? AC_ACCOUNT : 0;

	case AC_LINE:
		if (sect == SECT_LINE)
			mask = 1u << id;
		else if (sect == SECT_ACCOUNT)
			mask = lines_on(old, id) | lines_on(new, id);
		else if (section_get(sect)->singleton)
			mask = all_in_service(old, SECT_LINE) |
				all_in_service(new, SECT_LINE);
		e->lines |= mask;
		return mask ? AC_LINE : 0;

	default:
		return u->apply;
	}
}

static int change_add(struct effect *e, enum change_kind kind,
		      const struct setting *s, int id,
		      const struct cfg *old, const struct cfg *new)
{
	const struct consumer *u;
	struct change *ch;
	bool served;

	ch = mem_zalloc(sizeof(*ch), NULL);
	if (!ch)
		return ENOMEM;

	ch->kind = kind;
	ch->s = s;
	ch->id = id;

	/* Out of service before and after, the phone sees none of it;
	 * the shell still does. */
	served = in_service(old, s->sect, id) || in_service(new, s->sect, id);
	for (u = s->uses; u && u->kind != CK_END; u++) {
		if (served || u->kind == CK_SHELL)
			ch->classes |= consumer_reach(e, u, old, new, s->sect,
						      id);
	}

	e->classes |= ch->classes;
	list_append(&e->changes, &ch->le, ch);

	return 0;
}

static int inst_diff(struct effect *e, const struct cfg *old,
		     const struct cfg *new, enum sect_id sect, int id)
{
	const struct section *sec = section_get(sect);
	const struct inst *oi = cfg_inst(old, sect, id);
	const struct inst *ni = cfg_inst(new, sect, id);
	size_t k;
	int err = 0;

	if (!oi && !ni)
		return 0;

	if (!oi || !ni) {
		const struct setting *p = schema_find(sect, sec->presence);

		if (!p)
			return EINVAL;  /* a numbered section without one */

		return change_add(e, oi ? CH_REMOVED : CH_ADDED, p, id, old,
				  new);
	}

	for (k = 0; k < sec->count && !err; k++) {
		const struct setting *s = &schema[sec->first + k];

		if (!val_equal(inst_val(oi, s), inst_val(ni, s)))
			err = change_add(e, CH_SET, s, id, old, new);
	}

	return err;
}

static void effect_destructor(void *arg)
{
	struct effect *e = arg;

	list_flush(&e->changes);
}

int effect_diff(struct effect **ep, const struct cfg *old,
		const struct cfg *new)
{
	struct effect *e;
	int sect, id, err = 0;

	if (!ep || !new)
		return EINVAL;

	e = mem_zalloc(sizeof(*e), effect_destructor);
	if (!e)
		return ENOMEM;

	list_init(&e->changes);

	if (!old) {
		e->fresh = true;
		e->classes = AC_RESTART;
		goto out;
	}

	for (sect = 0; sect < SECT_N && !err; sect++) {
		for (id = 0; id < INST_MAX && !err; id++)
			err = inst_diff(e, old, new, sect, id);
	}

 out:
	if (err)
		mem_deref(e);
	else
		*ep = e;

	return err;
}

bool effect_needs(const struct effect *e, enum apply_class cls)
{
	return e && (e->classes & cls) != 0;
}

/* "bind-port changed", "account 1 registrar changed", "line 2 added". */
static int change_print(struct re_printf *pf, const struct change *ch)
{
	const struct section *sec = section_get(ch->s->sect);
	int err = 0;

	if (!sec->singleton)
		err = re_hprintf(pf, "%s %d ", sec->name, ch->id);
	if (err)
		return err;

	switch (ch->kind) {

	case CH_ADDED:
		return re_hprintf(pf, "added");

	case CH_REMOVED:
		return re_hprintf(pf, "removed");

	default:
		return re_hprintf(pf, "%s changed", ch->s->key);
	}
}

static bool change_counts(const struct change *ch, unsigned cls)
{
	return cls ? (ch->classes & cls) != 0 : ch->classes == 0;
}

int effect_why(struct re_printf *pf, const struct effect *e, unsigned cls)
{
	struct le *le;
	unsigned n = 0, more = 0;
	int err = 0;

	if (!pf || !e)
		return EINVAL;

	if (e->fresh && (cls & AC_RESTART))
		return re_hprintf(pf, "the phone has applied no "
				  "configuration yet");

	for (le = e->changes.head; le && !err; le = le->next) {
		const struct change *ch = le->data;

		if (!change_counts(ch, cls))
			continue;

		if (n == WHY_MAX) {
			++more;
			continue;
		}

		if (n)
			err = re_hprintf(pf, ", ");
		if (!err)
			err = change_print(pf, ch);
		++n;
	}

	if (!err && more)
		err = re_hprintf(pf, " and %u more", more);

	return err;
}

struct why_arg {
	const struct effect *e;
	unsigned cls;
};

static int why_h(struct re_printf *pf, void *arg)
{
	const struct why_arg *wa = arg;

	return effect_why(pf, wa->e, wa->cls);
}

static int why_line(struct re_printf *pf, const struct effect *e,
		    unsigned cls, const char *name)
{
	struct why_arg wa = {e, cls};

	return re_hprintf(pf, "%s: %H\n", name, why_h, &wa);
}

int effect_print(struct re_printf *pf, const struct effect *e)
{
	struct le *le;
	size_t i;
	int err = 0;

	if (!pf || !e)
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(class_order) && !err; i++) {
		if (e->classes & class_order[i])
			err = why_line(pf, e, class_order[i],
				       apply_class_name(class_order[i]));
	}

	for (le = e->changes.head; le && !err; le = le->next) {
		if (change_counts(le->data, 0)) {
			err = why_line(pf, e, 0, "no effect");
			break;
		}
	}

	return err;
}

const char *apply_class_name(enum apply_class cls)
{
	switch (cls) {

	case AC_SHELL:   return "shell";
	case AC_LIVE:    return "live";
	case AC_LINE:    return "line";
	case AC_ACCOUNT: return "account";
	case AC_RESTART: return "restart";
	default:         return "?";
	}
}

/* Which instances a class concerns, as the phrases say it. */
enum scope {
	SC_OWN,         /* the instance the setting belongs to */
	SC_RELATED,     /* the lines on the account the setting belongs to */
	SC_ALL,         /* every instance: a setting of a singleton */
};

static const char *class_phrase(enum apply_class cls, enum scope sc)
{
	switch (cls) {

	case AC_SHELL:
		return "the shell alone takes it, not the phone";

	case AC_LIVE:
		return "the running phone takes it without a restart";

	case AC_LINE:
		return sc == SC_ALL ? "every phone line is set up again" :
			sc == SC_RELATED ? "the lines on the account are set "
			"up again" : "the line is set up again";

	case AC_ACCOUNT:
		return sc == SC_ALL ? "every account registers again, ending "
			"its calls" : "the account registers again, ending its "
			"calls";

	case AC_RESTART:
		return "the phone restarts, ending every call";

	default:
		return "nothing reads it";
	}
}

int apply_class_print(struct re_printf *pf, enum apply_class cls)
{
	if (!pf)
		return EINVAL;

	return re_hprintf(pf, "%s", class_phrase(cls, SC_OWN));
}

static enum scope setting_scope(const struct setting *s,
				enum apply_class cls)
{
	if (section_get(s->sect)->singleton)
		return SC_ALL;

	return cls == AC_LINE && s->sect != SECT_LINE ? SC_RELATED : SC_OWN;
}

/* "transport tls", "dns-manager on", "outbound-proxy set". */
static int when_print(struct re_printf *pf, const struct setting *s,
		      const char *when)
{
	const char *value;
	const struct setting *w = when_parse(s->sect, when, &value);

	if (!w)
		return re_hprintf(pf, "%s", when);
	if (!value)
		return re_hprintf(pf, "%s set", w->key);
	if (w->type->kind == VK_BOOL)
		return re_hprintf(pf, "%s %s", w->key,
				  strcmp(value, "yes") ? "off" : "on");

	return re_hprintf(pf, "%s %s", w->key, value);
}

/* The classes of consumers with no condition, with one class covering
 * another: a restart covers all, the shell is said only alone. */
static int classes_print(struct re_printf *pf, const struct setting *s,
			 unsigned cls)
{
	size_t i;
	bool first = true;
	int err = 0;

	if (cls & AC_RESTART)
		cls = AC_RESTART;
	else if (cls & ~AC_SHELL)
		cls &= ~AC_SHELL;

	for (i = 0; i < ARRAY_SIZE(class_order) && !err; i++) {
		enum apply_class c = class_order[i];

		if (!(cls & c))
			continue;

		err = re_hprintf(pf, "%s%s", first ? "" : ", and ",
				 class_phrase(c, setting_scope(s, c)));
		first = false;
	}

	return err;
}

/* Whether an earlier conditional consumer of s said the same. */
static bool said_before(const struct setting *s, const struct consumer *u)
{
	const struct consumer *p;

	for (p = s->uses; p != u; p++) {
		if (p->when && p->apply == u->apply &&
		    !strcmp(p->when, u->when))
			return true;
	}

	return false;
}

int setting_effect_print(struct re_printf *pf, const struct setting *s)
{
	const struct consumer *u;
	unsigned uncond = 0;
	int err;

	if (!pf || !s)
		return EINVAL;

	if ((s->flags & SF_NO_EFFECT) || !s->uses)
		return re_hprintf(pf, "not at all in this version; it is "
				  "stored and shown, but nothing reads it "
				  "yet");

	for (u = s->uses; u->kind != CK_END; u++) {
		if (!u->when)
			uncond |= u->apply;
	}

	err = re_hprintf(pf, "on commit");
	if (!err && uncond)
		err = re_hprintf(pf, "; ");
	if (!err && uncond)
		err = classes_print(pf, s, uncond);

	for (u = s->uses; u->kind != CK_END && !err; u++) {
		if (!u->when || said_before(s, u) || (uncond & AC_RESTART) ||
		    (uncond & u->apply))
			continue;

		err = re_hprintf(pf, "%s with ", uncond ? ";" : ",");
		if (!err)
			err = when_print(pf, s, u->when);
		if (!err)
			err = re_hprintf(pf, "%s %s", uncond ? "," : ";",
					 class_phrase(u->apply, setting_scope(s,
						      u->apply)));
	}

	return err;
}
