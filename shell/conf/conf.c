/*
 * The configuration in memory: section instances holding the canonical
 * text of every setting, created with the defaults filled in. Everything
 * that edits or reads a configuration goes through these functions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "conf.h"

/* Lists this long or longer are hashed; shorter ones are just walked. */
#define IDX_MIN 32

/* One value of a list, in its index; the string is the list's own. */
struct ventry {
	struct le le;
	const char *s;
};

static void idx_drop(struct val *v)
{
	hash_flush(v->idx);
	v->idx = mem_deref(v->idx);
}

static void ventry_destructor(void *arg)
{
	struct ventry *e = arg;

	hash_unlink(&e->le);
}

static int idx_put(struct val *v, const char *s)
{
	struct ventry *e;

	e = mem_zalloc(sizeof(*e), ventry_destructor);
	if (!e)
		return ENOMEM;

	e->s = s;
	hash_append(v->idx, hash_joaat_str(s), &e->le, e);
	return 0;
}

/*
 * Keeps the index at about four values a bucket, rebuilding it larger
 * as the list grows: each rebuild costs the list's length, and the
 * lengths double, so building a list stays linear in its length.
 */
static int idx_update(struct val *v)
{
	size_t i;
	int err = 0;

	if (v->n < IDX_MIN)
		return 0;
	if (v->idx && v->n <= 4 * (size_t)hash_bsize(v->idx))
		return 0;

	idx_drop(v);
	err = hash_alloc(&v->idx, hash_valid_size((uint32_t)v->n));
	for (i = 0; i < v->n && !err; i++)
		err = idx_put(v, v->v[i]);
	if (err)
		idx_drop(v);

	return err;
}

static bool ventry_cmp(struct le *le, void *arg)
{
	const struct ventry *e = le->data;

	return !strcmp(e->s, arg);
}

static struct ventry *idx_find(const struct val *v, const char *s)
{
	struct le *le;

	le = hash_lookup(v->idx, hash_joaat_str(s), ventry_cmp, (void *)s);
	return le ? le->data : NULL;
}

/* Where s is in the list, or v->n. */
static size_t val_find(const struct val *v, const char *s)
{
	size_t k;

	if (v->idx && !idx_find(v, s))
		return v->n;

	for (k = 0; k < v->n; k++) {
		if (!strcmp(v->v[k], s))
			break;
	}

	return k;
}

void val_reset(struct val *v)
{
	size_t i;

	if (!v)
		return;

	idx_drop(v);
	for (i = 0; i < v->n; i++)
		mem_deref(v->v[i]);

	v->v = mem_deref(v->v);
	v->n = 0;
}

/* The array grows by doubling: its room is the power of two at or above
 * n, so appending a value is not a copy of all the others. */
static int val_append(struct val *v, const char *text, size_t len)
{
	char **vv, *s;

	if (!v->n || !(v->n & (v->n - 1))) {
		vv = mem_reallocarray(v->v, v->n ? 2 * v->n : 1, sizeof(*vv),
				      NULL);
		if (!vv)
			return ENOMEM;
		v->v = vv;
	}

	s = mem_alloc(len + 1, NULL);
	if (!s)
		return ENOMEM;

	memcpy(s, text, len);
	s[len] = '\0';
	v->v[v->n++] = s;

	return 0;
}

int val_set_default(struct val *v, const struct setting *s)
{
	const char *p;
	int err = 0;

	val_reset(v);

	if (!s->def)
		return 0;

	if (!setting_islist(s))
		return val_append(v, s->def, strlen(s->def));

	/* A list default is blank-separated canonical values. */
	for (p = s->def; *p && !err; ) {
		size_t n = strcspn(p, " ");

		if (n)
			err = val_append(v, p, n);
		p += n;
		p += strspn(p, " ");
	}

	return err;
}

bool val_equal(const struct val *a, const struct val *b)
{
	size_t i;

	if (a->n != b->n)
		return false;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i], b->v[i]))
			return false;
	}

	return true;
}

static void inst_destructor(void *arg)
{
	struct inst *i = arg;
	size_t k;

	for (k = 0; k < i->sec->count; k++)
		val_reset(&i->vals[k]);

	mem_deref(i->vals);
}

static int inst_alloc(struct inst **ip, const struct section *sec, int id)
{
	struct inst *i;
	size_t k;
	int err = 0;

	i = mem_zalloc(sizeof(*i), inst_destructor);
	if (!i)
		return ENOMEM;

	i->sec = sec;
	i->id = id;
	i->vals = mem_zalloc(sec->count * sizeof(*i->vals), NULL);
	if (!i->vals) {
		err = ENOMEM;
		goto out;
	}

	for (k = 0; k < sec->count && !err; k++)
		err = val_set_default(&i->vals[k], &schema[sec->first + k]);

 out:
	if (err)
		mem_deref(i);
	else
		*ip = i;

	return err;
}

static int inst_copy(struct inst **ip, const struct inst *src)
{
	struct inst *i;
	size_t k, j;
	int err;

	err = inst_alloc(&i, src->sec, src->id);
	if (err)
		return err;

	for (k = 0; k < src->sec->count && !err; k++) {
		val_reset(&i->vals[k]);
		for (j = 0; j < src->vals[k].n && !err; j++) {
			const char *t = src->vals[k].v[j];

			err = val_append(&i->vals[k], t, strlen(t));
		}
	}

	if (err)
		mem_deref(i);
	else
		*ip = i;

	return err;
}

static void cfg_destructor(void *arg)
{
	struct cfg *c = arg;
	int s, n;

	for (s = 0; s < SECT_N; s++)
		for (n = 0; n < INST_MAX; n++)
			mem_deref(c->inst[s][n]);
}

int cfg_alloc(struct cfg **cp)
{
	struct cfg *c;
	int s, err = 0;

	if (!cp)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), cfg_destructor);
	if (!c)
		return ENOMEM;

	for (s = 0; s < SECT_N && !err; s++) {
		const struct section *sec = section_get(s);

		if (sec->singleton)
			err = inst_alloc(&c->inst[s][0], sec, 0);
	}

	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}

int cfg_dup(struct cfg **cp, const struct cfg *src)
{
	struct cfg *c;
	int s, n, err = 0;

	if (!cp || !src)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), cfg_destructor);
	if (!c)
		return ENOMEM;

	for (s = 0; s < SECT_N && !err; s++) {
		for (n = 0; n < INST_MAX && !err; n++) {
			if (src->inst[s][n])
				err = inst_copy(&c->inst[s][n],
						src->inst[s][n]);
		}
	}

	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}

bool cfg_equal(const struct cfg *a, const struct cfg *b)
{
	int s, n;
	size_t k;

	for (s = 0; s < SECT_N; s++) {
		for (n = 0; n < INST_MAX; n++) {
			const struct inst *x = a->inst[s][n];
			const struct inst *y = b->inst[s][n];

			if (!x != !y)
				return false;
			if (!x)
				continue;

			for (k = 0; k < x->sec->count; k++) {
				if (!val_equal(&x->vals[k], &y->vals[k]))
					return false;
			}
		}
	}

	return true;
}

struct inst *cfg_inst(const struct cfg *c, enum sect_id sect, int id)
{
	if (!c || sect >= SECT_N || id < 0 || id >= INST_MAX)
		return NULL;

	return c->inst[sect][id];
}

int cfg_inst_add(struct cfg *c, enum sect_id sect, int id,
		  struct inst **ip)
{
	const struct section *sec = section_get(sect);
	int err;

	if (!c || !sec || id < 0 || id >= INST_MAX)
		return EINVAL;

	if (!sec->singleton && (id < sec->min || id > sec->max))
		return ERANGE;

	if (!c->inst[sect][id]) {
		err = inst_alloc(&c->inst[sect][id], sec, id);
		if (err)
			return err;
	}

	if (ip)
		*ip = c->inst[sect][id];

	return 0;
}

void cfg_inst_del(struct cfg *c, enum sect_id sect, int id)
{
	if (!c || sect >= SECT_N || id < 0 || id >= INST_MAX)
		return;

	if (section_get(sect)->singleton)
		return;

	c->inst[sect][id] = mem_deref(c->inst[sect][id]);
}

const struct val *inst_val(const struct inst *i, const struct setting *s)
{
	return &i->vals[setting_index(s)];
}

bool inst_isdefault(const struct inst *i, const struct setting *s)
{
	struct val def = {NULL, 0, NULL};
	bool eq;

	if (val_set_default(&def, s))
		return false;

	eq = val_equal(inst_val(i, s), &def);
	val_reset(&def);

	return eq;
}

int inst_set(struct inst *i, const struct setting *s, const char *canon)
{
	struct val *v;

	if (!i || !s || !canon)
		return EINVAL;

	v = &i->vals[setting_index(s)];
	val_reset(v);

	return val_append(v, canon, strlen(canon));
}

int inst_add(struct inst *i, const struct setting *s, const char *canon)
{
	struct val *v;
	int err;

	if (!i || !s || !canon)
		return EINVAL;

	v = &i->vals[setting_index(s)];
	if (v->idx ? idx_find(v, canon) != NULL : val_find(v, canon) < v->n)
		return 0;       /* already there: adding is idempotent */

	err = val_append(v, canon, strlen(canon));
	if (err)
		return err;

	/* A failed index is only slower: the list itself is right. */
	if (v->idx && idx_put(v, v->v[v->n - 1]))
		idx_drop(v);
	if (idx_update(v))
		idx_drop(v);

	return 0;
}

int inst_remove(struct inst *i, const struct setting *s, const char *canon)
{
	struct val *v;
	size_t k;

	if (!i || !s || !canon)
		return EINVAL;

	v = &i->vals[setting_index(s)];
	k = val_find(v, canon);
	if (k == v->n)
		return ENOENT;

	if (v->idx)
		mem_deref(idx_find(v, canon));
	mem_deref(v->v[k]);
	memmove(&v->v[k], &v->v[k + 1], (v->n - k - 1) * sizeof(*v->v));
	--v->n;

	return 0;
}

void inst_clear(struct inst *i, const struct setting *s)
{
	if (!i || !s)
		return;

	val_reset(&i->vals[setting_index(s)]);
}

int inst_reset(struct inst *i, const struct setting *s)
{
	if (!i || !s)
		return EINVAL;

	return val_set_default(&i->vals[setting_index(s)], s);
}

static const struct val *cfg_val(const struct cfg *c, enum sect_id sect,
				  int id, const char *key)
{
	const struct setting *s = schema_find(sect, key);
	const struct inst *i = cfg_inst(c, sect, id);

	if (!s) {
		/* A caller naming a setting the schema lacks is a bug. */
		fprintf(stderr, "sipsh: internal error: no setting '%s'\n",
			key);
		abort();
	}

	return i ? inst_val(i, s) : NULL;
}

const char *cfg_str(const struct cfg *c, enum sect_id sect, int id,
		     const char *key)
{
	const struct val *v = cfg_val(c, sect, id, key);

	return (v && v->n) ? v->v[0] : "";
}

long cfg_int(const struct cfg *c, enum sect_id sect, int id,
	      const char *key)
{
	return strtol(cfg_str(c, sect, id, key), NULL, 10);
}

bool cfg_bool(const struct cfg *c, enum sect_id sect, int id,
	       const char *key)
{
	return !strcmp(cfg_str(c, sect, id, key), "yes");
}
