/*
 * The file's language as trees of words, one for the top level and one
 * per section, made from the schema's rows: each setting gets the forms
 * its type calls for, so no setting has code of its own here. The
 * matcher resolves abbreviations and values on these trees and says which
 * word is wrong and why, in the words the shell's matcher uses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "conf_lang.h"
#include "conf_print.h"

/* The kid of parent for a keyword (len bytes of word; NULL: a value
 * node), made if it is not there yet. */
static int fnode_kid(struct fnode *parent, const char *word, size_t len,
		     struct fnode **kidp)
{
	struct fnode **kids, *k;
	size_t i;
	int err;

	for (i = 0; word && i < parent->nkids; i++) {
		k = parent->kids[i];
		if (k->word && strlen(k->word) == len &&
		    !strncmp(k->word, word, len)) {
			*kidp = k;
			return 0;
		}
	}

	kids = mem_reallocarray(parent->kids, parent->nkids + 1,
				sizeof(*kids), NULL);
	if (!kids)
		return ENOMEM;
	parent->kids = kids;

	k = mem_zalloc(sizeof(*k), NULL);
	if (!k)
		return ENOMEM;

	if (word) {
		err = re_sdprintf(&k->word, "%b", word, len);
		if (err) {
			mem_deref(k);
			return err;
		}
	}

	parent->kids[parent->nkids++] = k;
	*kidp = k;

	return 0;
}

static int fnode_word(struct fnode *parent, const char *word,
		      struct fnode **kidp)
{
	return fnode_kid(parent, word, strlen(word), kidp);
}

/* [prefix] KEY-WORDS [VALUE] under root; the node reached gets act. */
static int lang_insert(struct fnode *root, const char *prefix,
		       const struct setting *st, bool value, enum act act)
{
	struct fnode *cur = root;
	const char *key = st->key;
	int err = 0;

	if (prefix)
		err = fnode_word(cur, prefix, &cur);

	while (*key && !err) {
		size_t len = strcspn(key, " ");

		err = fnode_kid(cur, key, len, &cur);
		key += len;
		key += strspn(key, " ");
	}
	if (err)
		return err;

	if (value) {
		size_t k;

		for (k = 0; k < cur->nkids; k++) {
			if (cur->kids[k]->value == st)
				break;
		}
		if (k < cur->nkids) {
			cur = cur->kids[k];
		}
		else {
			err = fnode_kid(cur, NULL, 0, &cur);
			if (err)
				return err;
			cur->value = st;
		}
	}

	cur->act = act;
	cur->set = st;

	return 0;
}

static int lang_setting(struct fnode *root, const struct setting *st)
{
	int err = 0;

	switch (st->type->kind) {

	case VK_BOOL:
		err = lang_insert(root, NULL, st, false, ACT_ON);
		if (!err)
			err = lang_insert(root, "no", st, false, ACT_OFF);
		break;

	case VK_BLOCK:
		err = lang_insert(root, NULL, st, false, ACT_BLOCK);
		if (!err)
			err = lang_insert(root, "no", st, false, ACT_CLEAR);
		break;

	case VK_VALUE:
		if (setting_islist(st)) {
			err = lang_insert(root, NULL, st, true, ACT_ADD);
			if (!err)
				err = lang_insert(root, "no", st, true,
						  ACT_REMOVE);
			if (!err)
				err = lang_insert(root, "no", st, false,
						  ACT_CLEAR);
			break;
		}

		err = lang_insert(root, NULL, st, true, ACT_SET);
		if (!err)
			err = lang_insert(root, "no", st, false, ACT_RESET);
		if (!err)
			err = lang_insert(root, "no", st, true, ACT_RESET);
		if (!err && st->type == &vt_secret)
			err = lang_insert(root, NULL, st, false, ACT_PROMPT);
		break;
	}

	if (!err)
		err = lang_insert(root, "default", st, false, ACT_RESET);

	return err;
}

static int lang_section(struct lang *l, const struct section *sec)
{
	struct fnode *n;
	size_t k;
	int err;

	err = fnode_word(l->top, sec->name, &n);
	if (!err && !sec->singleton) {
		err = fnode_kid(n, NULL, 0, &n);
		if (!err)
			n->num = sec;
	}
	if (err)
		return err;
	n->act = ACT_ENTER;
	n->sec = sec;

	if (!sec->singleton) {
		err = fnode_word(l->top, "no", &n);
		if (!err)
			err = fnode_word(n, sec->name, &n);
		if (!err)
			err = fnode_kid(n, NULL, 0, &n);
		if (err)
			return err;
		n->num = sec;
		n->act = ACT_DELETE;
		n->sec = sec;
	}

	for (k = 0; k < sec->count && !err; k++)
		err = lang_setting(l->sect[sec->id], &schema[sec->first + k]);

	return err;
}

/* 'exit' and 'end' close a section; at the top level they do nothing. */
static int lang_exits(struct fnode *root)
{
	static const char *const words[] = {"exit", "end"};
	struct fnode *n;
	size_t i;
	int err = 0;

	for (i = 0; i < 2 && !err; i++) {
		err = fnode_word(root, words[i], &n);
		if (!err)
			n->act = ACT_EXIT;
	}

	return err;
}

const struct lang *lang_get(void)
{
	static struct lang l;
	static bool done;
	int s, err = 0;

	if (done)
		return &l;

	l.top = mem_zalloc(sizeof(*l.top), NULL);
	if (!l.top)
		err = ENOMEM;
	for (s = 0; s < SECT_N && !err; s++) {
		l.sect[s] = mem_zalloc(sizeof(*l.sect[s]), NULL);
		if (!l.sect[s])
			err = ENOMEM;
	}

	for (s = 0; s < SECT_N && !err; s++)
		err = lang_section(&l, section_get(s));
	for (s = 0; s < SECT_N && !err; s++)
		err = lang_exits(l.sect[s]);
	if (!err)
		err = lang_exits(l.top);

	if (err) {
		fprintf(stderr, "sipsh: cannot build the file reader: %s\n",
			strerror(err));
		exit(70);
	}

	done = true;
	return &l;
}

static bool word_prefix(const struct fnode *k, const char *w)
{
	return k->word && *w && !strncasecmp(k->word, w, strlen(w));
}

static bool is_number(const char *w, long min, long max, bool *inrange)
{
	char *end;
	long v;

	if (!*w || !(isdigit((unsigned char)w[0]) || w[0] == '-'))
		return false;

	errno = 0;
	v = strtol(w, &end, 10);
	if (errno || *end)
		return false;

	*inrange = v >= min && v <= max;
	return true;
}

/* The value kids of n on word w: 0 and the kid, or why none fits. */
static int value_match(struct rmatch *m, const struct fnode *n,
		       const struct tok *tk, size_t idx,
		       const struct fnode **kp)
{
	const char *w = tk->text;
	char first[DIAG_SZ] = "";
	unsigned tried = 0;
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		const struct fnode *k = n->kids[i];
		const struct setting *st = k->value;
		struct diag dg;
		char *canon = NULL;
		bool inrange = false;

		if (k->num) {
			bool isnum = is_number(w, k->num->min, k->num->max,
					       &inrange);

			++tried;
			if (isnum && inrange) {
				m->num = w;
				m->num_at = idx;
				*kp = k;
				return 0;
			}
			if (!first[0])
				re_snprintf(first, sizeof(first), "'%s' is %s "
					    "<%d-%d>", w, isnum ?
					    "out of range" : "not a number in",
					    k->num->min, k->num->max);
			continue;
		}

		if (!st || st->type->kind != VK_VALUE)
			continue;

		++tried;
		memset(&dg, 0, sizeof(dg));

		/* A masked secret stands for the stored one. */
		if (st->type == &vt_secret && text_is_mask(w)) {
			if (str_dup(&m->canon, w))
				return ENOMEM;
			m->value_at = idx;
			*kp = k;
			return 0;
		}

		if (st->type->parse(st, w, &canon, &dg)) {
			if (!first[0])
				re_snprintf(first, sizeof(first), "%s: %s",
					    st->key, dg.err);
			continue;
		}

		m->canon = canon;
		m->value_at = idx;
		if (dg.warn[0]) {
			re_snprintf(m->warn, sizeof(m->warn), "%s: %s",
				    st->key, dg.warn);
			m->warn_at = idx;
		}
		*kp = k;
		return 0;
	}

	if (tried == 1) {
		str_ncpy(m->err, first, sizeof(m->err));
		return ERANGE;
	}

	return ENOENT;
}

static void ambiguous(struct rmatch *m, const struct fnode *n,
		      const char *w)
{
	char list[DIAG_SZ] = "";
	size_t i, len = 0;

	for (i = 0; i < n->nkids && len < sizeof(list); i++) {
		if (!word_prefix(n->kids[i], w))
			continue;

		len += (size_t)re_snprintf(list + len, sizeof(list) - len,
					   "%s%s", len ? ", " : "",
					   n->kids[i]->word);
	}

	re_snprintf(m->err, sizeof(m->err), "Ambiguous command '%s': %s", w,
		    list);
}

void rmatch_reset(struct rmatch *m)
{
	mem_deref(m->canon);
	memset(m, 0, sizeof(*m));
	m->value_at = NOCOL;
	m->num_at = NOCOL;
}

int lang_match(struct rmatch *m, const struct fnode *root,
	       const struct toks *t, size_t end)
{
	const struct fnode *cur = root;
	size_t i;

	rmatch_reset(m);

	for (i = 0; i < end; i++) {
		const struct tok *tk = &t->v[i];
		const struct fnode *hit = NULL;
		size_t k, nprefix = 0;
		int err;

		/* Quoted words are values, never keywords. */
		for (k = 0; k < cur->nkids && !tk->quoted; k++) {
			const struct fnode *kid = cur->kids[k];

			if (!kid->word)
				continue;
			if (!strcasecmp(kid->word, tk->text)) {
				hit = kid;
				nprefix = 1;
				break;
			}
			if (word_prefix(kid, tk->text)) {
				hit = kid;
				++nprefix;
			}
		}

		if (nprefix > 1) {
			m->st = RS_AMBIGUOUS;
			m->bad = i;
			ambiguous(m, cur, tk->text);
			return 0;
		}

		if (!hit) {
			err = value_match(m, cur, tk, i, &hit);
			if (err == ENOMEM)
				return err;
			if (err) {
				m->st = err == ERANGE ? RS_BADVALUE :
					RS_INVALID;
				if (err != ERANGE)
					re_snprintf(m->err, sizeof(m->err),
						    "Invalid input '%s'",
						    tk->text);
				m->bad = i;
				return 0;
			}
		}

		cur = hit;
	}

	m->node = cur;
	if (cur->act == ACT_NONE) {
		m->st = RS_INCOMPLETE;
		m->bad = end;
		str_ncpy(m->err, "Incomplete command", sizeof(m->err));
	}

	return 0;
}
