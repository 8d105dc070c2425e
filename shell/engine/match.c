/*
 * The matcher, over the words of a line (words.c splits them). At each
 * node an exact keyword wins, then a unique keyword prefix, then a value
 * its type accepts. When nothing fits, the error names the word and, for
 * a value, the type's reason.
 */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "match.h"

void match_reset(struct match *m)
{
	size_t i;

	for (i = 0; i < TOK_MAX; i++)
		m->canon[i] = mem_deref(m->canon[i]);

	memset(m, 0, sizeof(*m));
}

bool gnode_word_prefix(const struct gnode *k, const char *w)
{
	return k->kind == G_WORD && *w &&
		!strncasecmp(k->word, w, strlen(w));
}

static bool is_number(const char *w, long min, long max, long *vp)
{
	char *end;
	long v;

	if (!*w)
		return false;

	errno = 0;
	v = strtol(w, &end, 10);
	if (errno || *end || !(isdigit((unsigned char)w[0]) || w[0] == '-'))
		return false;

	*vp = v;
	return v >= min && v <= max;
}

/* Try the value kids of n on word w; 0 and the kid, or the refusal. */
static int value_match(struct match *m, const struct gnode *n,
		       const char *w, size_t idx, const struct gnode **kp)
{
	size_t i;
	int tried = 0;
	struct diag first;

	memset(&first, 0, sizeof(first));

	for (i = 0; i < n->nkids; i++) {
		const struct gnode *k = n->kids[i];
		struct diag dg;
		char *canon = NULL;
		long v;

		memset(&dg, 0, sizeof(dg));

		switch (k->kind) {

		case G_VALUE:
			if (k->set->type->kind != VK_VALUE)
				continue;
			++tried;
			/* A masked secret stands for the stored one: the
			 * command decides what it means. */
			if (k->set->type == &vt_secret && *w &&
			    strspn(w, "*") == strlen(w)) {
				if (str_dup(&m->canon[idx], w))
					return ENOMEM;
				*kp = k;
				return 0;
			}
			if (k->set->type->parse(k->set, w, &canon, &dg)) {
				if (!first.err[0])
					re_snprintf(first.err,
						    sizeof(first.err),
						    "%s: %s", k->set->key,
						    dg.err);
				continue;
			}
			m->canon[idx] = canon;
			if (dg.warn[0])
				m->warn_at = idx;
			if (dg.warn[0])
				re_snprintf(m->dg.warn, sizeof(m->dg.warn),
					    "%s: %s", k->set->key, dg.warn);
			*kp = k;
			return 0;

		case G_INT:
			++tried;
			if (!is_number(w, k->min, k->max, &v)) {
				if (!first.err[0])
					diag_err(&first, "'%s' is %s <%ld-%ld>",
						 w, is_number(w, LONG_MIN,
							      LONG_MAX, &v) ?
						 "out of range" :
						 "not a number in",
						 k->min, k->max);
				continue;
			}
			*kp = k;
			return 0;

		case G_ANY:
		case G_REST:
			*kp = k;
			return 0;

		default:
			break;
		}
	}

	if (tried) {
		m->dg = first;
		return tried == 1 ? ERANGE : EINVAL;
	}

	return ENOENT;
}

static int ambiguous(struct match *m, const struct gnode *n, const char *w)
{
	char list[DIAG_SZ] = "";
	size_t i, len = 0;

	for (i = 0; i < n->nkids; i++) {
		const struct gnode *k = n->kids[i];

		if (!gnode_word_prefix(k, w))
			continue;

		len += (size_t)re_snprintf(list + len, sizeof(list) - len,
					   "%s%s", len ? ", " : "", k->word);
		if (len >= sizeof(list))
			break;
	}

	diag_err(&m->dg, "Ambiguous command '%s': %s", w, list);
	return 0;
}

int match_run(struct match *m, const struct gnode *root,
	      const struct toks *t, size_t from, size_t to, bool partial)
{
	const struct gnode *cur = root;
	size_t i;

	if (!m || !root || !t)
		return EINVAL;

	match_reset(m);
	m->node = root;

	if (to > t->n)
		to = t->n;

	for (i = from; i < to; i++) {
		const char *w = t->v[i].text;
		const struct gnode *hit = NULL;
		size_t k, nprefix = 0;
		int err;

		if (t->v[i].pipe)
			break;

		if (cur->kind == G_REST) {
			/* The rest of the line belongs to this word. */
			m->path[m->n++] = cur;
			continue;
		}

		cur = gnode_next(cur);

		/* Quoted words are values, never keywords. */
		for (k = 0; k < cur->nkids && !t->v[i].quoted; k++) {
			const struct gnode *kid = cur->kids[k];

			if (kid->kind != G_WORD)
				continue;
			if (!strcasecmp(kid->word, w)) {
				hit = kid;
				nprefix = 1;
				break;
			}
			if (gnode_word_prefix(kid, w)) {
				hit = kid;
				++nprefix;
			}
		}

		if (nprefix > 1) {
			m->st = MS_AMBIGUOUS;
			m->bad = i;
			return ambiguous(m, cur, w);
		}

		if (!hit) {
			err = value_match(m, cur, w, i, &hit);
			if (err) {
				m->st = err == ERANGE ? MS_BADVALUE :
					MS_INVALID;
				if (err == ENOENT || err == EINVAL)
					diag_err(&m->dg, "Invalid input '%s'",
						 w);
				m->bad = i;
				return 0;
			}
		}

		m->path[m->n++] = hit;
		cur = hit;
	}

	m->node = cur;
	if (partial)
		return 0;

	if (i == from) {
		m->st = MS_EMPTY;
		return 0;
	}

	if (!cur->h) {
		m->st = MS_INCOMPLETE;
		m->bad = i;
		diag_err(&m->dg, "Incomplete command");
	}

	return 0;
}

int match_print_error(struct re_printf *pf, const struct match *m,
		      const struct toks *t)
{
	(void)t;
	return re_hprintf(pf, "%s", m->dg.err);
}
