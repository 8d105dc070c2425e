/*
 * The configuration as JSON, for scripts ('show running-config | json').
 * Built as a libre odict and encoded by libre: every setting is present
 * (defaults included), numbers and flags typed, lists as arrays,
 * passwords masked as in 'show'.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "conf_print.h"

static bool is_number_type(const struct vtype *t)
{
	return t == &vt_int || t == &vt_port;
}

static int value_add(struct odict *o, const char *key,
		     const struct setting *st, const char *text)
{
	if (st->type == &vt_secret)
		return odict_entry_add(o, key, ODICT_STRING, SECRET_MASK);

	if (st->type == &vt_bool)
		return odict_entry_add(o, key, ODICT_BOOL,
				       !strcmp(text, "yes"));

	if (is_number_type(st->type))
		return odict_entry_add(o, key, ODICT_INT,
				       (int64_t)strtoll(text, NULL, 10));

	return odict_entry_add(o, key, ODICT_STRING, text);
}

static int inst_odict(struct odict **op, const struct inst *i)
{
	struct odict *o;
	size_t k, j;
	int err;

	err = odict_alloc(&o, 32);
	if (err)
		return err;

	for (k = 0; k < i->sec->count && !err; k++) {
		const struct setting *st = &schema[i->sec->first + k];
		const struct val *v = inst_val(i, st);
		struct odict *arr;
		char idx[16];

		if (!setting_islist(st)) {
			if (v->n)
				err = value_add(o, st->key, st, v->v[0]);
			else
				err = odict_entry_add(o, st->key, ODICT_NULL);
			continue;
		}

		err = odict_alloc(&arr, 8);
		for (j = 0; j < v->n && !err; j++) {
			re_snprintf(idx, sizeof(idx), "%zu", j);
			err = value_add(arr, idx, st, v->v[j]);
		}
		if (!err)
			err = odict_entry_add(o, st->key, ODICT_ARRAY, arr);
		mem_deref(arr);
	}

	if (err)
		mem_deref(o);
	else
		*op = o;

	return err;
}

int cfg_json(struct re_printf *pf, const struct cfg *c,
	     const struct print_sel *sel)
{
	struct odict *top = NULL;
	int s, n, err;

	if (!pf || !c)
		return EINVAL;

	err = odict_alloc(&top, 8);
	if (err)
		return err;

	for (s = 0; s < SECT_N && !err; s++) {
		const struct section *sec = section_get(s);
		struct odict *group = NULL;

		if (sel && sel->sect >= 0 && sel->sect != s)
			continue;

		if (!sec->singleton)
			err = odict_alloc(&group, 8);

		for (n = 0; n < INST_MAX && !err; n++) {
			const struct inst *i = c->inst[s][n];
			struct odict *o = NULL;
			char id[16];

			if (!i || (sel && sel->id >= 0 && sel->id != n))
				continue;

			err = inst_odict(&o, i);
			if (err)
				break;

			re_snprintf(id, sizeof(id), "%d", n);
			err = odict_entry_add(group ? group : top,
					      group ? id : sec->name,
					      ODICT_OBJECT, o);
			mem_deref(o);
		}

		if (group && !err)
			err = odict_entry_add(top, sec->name, ODICT_OBJECT,
					      group);
		mem_deref(group);
	}

	if (!err)
		err = re_hprintf(pf, "%H\n", json_encode_odict, top);

	mem_deref(top);
	return err;
}
