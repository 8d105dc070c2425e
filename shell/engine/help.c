/*
 * '?' and TAB. The words typed before the cursor are matched like a
 * command (abbreviations and all), then the children of the node reached
 * are the choices: keywords with their help, a value's syntax (and for an
 * enumeration each of its values), '<cr>' when the command may end there
 * and '|' when its output may be filtered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "session.h"
#include "help.h"

static void add(struct help *h, const char *word, const char *help,
		bool completes)
{
	size_t i;

	if (h->n >= HELP_MAX)
		return;

	for (i = 0; i < h->n; i++) {
		if (!strcmp(h->v[i].word, word))
			return;
	}

	str_ncpy(h->v[h->n].word, word, sizeof(h->v[h->n].word));
	h->v[h->n].help = help;
	h->v[h->n].completes = completes;
	++h->n;
}

static bool prefixed(const char *word, const char *partial)
{
	return !strncasecmp(word, partial, strlen(partial));
}

static void add_kids(struct help *h, const struct gnode *n)
{
	const char *p = h->partial;
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		const struct gnode *k = n->kids[i];
		const struct setting *st = k->set;
		const char *const *e;

		switch (k->kind) {

		case G_WORD:
			if (prefixed(k->word, p))
				add(h, k->word, k->help, true);
			break;

		case G_VALUE:
			if (st->type == &vt_enum) {
				for (e = st->enums; *e; e++) {
					if (prefixed(*e, p))
						add(h, *e, st->help, true);
				}
				break;
			}
			add(h, k->word, k->help, false);
			break;

		default:
			add(h, k->word, k->help, false);
			break;
		}
	}
}

static int cmp_choice(const void *a, const void *b)
{
	const struct hchoice *x = a, *y = b;

	/* Values (<...>, WORD) first, then keywords; <cr> and | last. */
	int rx = !strcmp(x->word, "<cr>") ? 3 : !strcmp(x->word, "|") ? 2 :
		x->completes ? 1 : 0;
	int ry = !strcmp(y->word, "<cr>") ? 3 : !strcmp(y->word, "|") ? 2 :
		y->completes ? 1 : 0;

	if (rx != ry)
		return rx - ry;

	return strcmp(x->word, y->word);
}

int help_collect(struct help *h, const struct session *s, const char *text)
{
	const struct grammar *g = grammar_get();
	struct match *m;
	struct toks t;
	struct diag dg;
	size_t nwords, from = 0, i, errcol = 0;
	int modes[3];
	size_t nmodes;
	int err;

	if (!h || !s || !text)
		return EINVAL;

	memset(h, 0, sizeof(*h));
	memset(&dg, 0, sizeof(dg));

	err = toks_split(&t, text, &dg, &errcol);
	if (err) {
		h->error = true;
		h->errcol = errcol;
		str_ncpy(h->errmsg, dg.err, sizeof(h->errmsg));
		return 0;
	}

	nwords = t.n;
	if (t.n && !t.trailing_blank && !t.v[t.n - 1].pipe) {
		str_ncpy(h->partial, t.v[t.n - 1].text, sizeof(h->partial));
		--nwords;
	}

	for (i = 0; i < nwords; i++) {
		if (t.v[i].pipe)
			from = i + 1;
	}

	m = mem_zalloc(sizeof(*m), NULL);
	if (!m) {
		toks_reset(&t);
		return ENOMEM;
	}

	nmodes = sess_mode_chain(s, modes);
	for (i = 0; i < (from ? 1 : nmodes); i++) {
		const struct gnode *root = from ? g->filters :
			g->root[modes[i]];

		match_run(m, root, &t, from, nwords, true);
		if (m->st == MS_OK)
			break;
		if (nwords == from && i == 0)
			break;
		if (m->bad != from)
			break;
	}

	if (m->st != MS_OK) {
		h->error = true;
		h->errcol = t.v[m->bad].col;
		str_ncpy(h->errmsg, m->dg.err, sizeof(h->errmsg));
		goto out;
	}

	{
		const struct gnode *n = gnode_next(m->node);

		if (n->kind == G_REST && nwords > from) {
			add(h, n->word, n->help, false);
		}
		else if (nwords == from && !from) {
			/* Nothing typed yet: the current mode's commands, and
			 * in batch the exec commands reachable from it. */
			for (i = 0; i < nmodes; i++)
				add_kids(h, g->root[modes[i]]);
		}
		else {
			add_kids(h, n);
		}

		if (!h->partial[0] && m->node->h && nwords > from) {
			if ((m->node->flags & CF_OUTPUT) && !from)
				add(h, "|", "Output modifiers", true);
			add(h, "<cr>", "", false);
		}
		if (!h->partial[0] && from && nwords > from && m->node->h)
			add(h, "|", "Output modifiers", true);
	}

	qsort(h->v, h->n, sizeof(h->v[0]), cmp_choice);

 out:
	match_reset(m);
	mem_deref(m);
	toks_reset(&t);
	return 0;
}

int help_print(struct re_printf *pf, const struct help *h)
{
	size_t i, width = 0;
	int err = 0;

	if (h->error)
		return re_hprintf(pf, "%% %s\n", h->errmsg);

	if (!h->n)
		return re_hprintf(pf, "%% Unrecognized command\n");

	for (i = 0; i < h->n; i++) {
		size_t w = strlen(h->v[i].word);

		if (w > width)
			width = w;
	}

	for (i = 0; i < h->n && !err; i++) {
		const char *help = h->v[i].help ? h->v[i].help : "";

		size_t pad = width - strlen(h->v[i].word) + 2;

		if (!help[0]) {
			err = re_hprintf(pf, "  %s\n", h->v[i].word);
			continue;
		}

		err = re_hprintf(pf, "  %s", h->v[i].word);
		while (pad-- && !err)
			err = re_hprintf(pf, " ");
		if (!err)
			err = re_hprintf(pf, "%s\n", help);
	}

	return err;
}

int help_complete(const struct help *h, char **insertp, bool *listp)
{
	const char *first = NULL;
	size_t i, ncand = 0, common = 0, plen = strlen(h->partial);

	*listp = false;

	for (i = 0; i < h->n; i++) {
		const char *w = h->v[i].word;
		size_t k;

		if (!h->v[i].completes)
			continue;

		if (!first) {
			first = w;
			common = strlen(w);
		}
		else {
			for (k = 0; k < common && w[k] == first[k]; k++)
				;
			common = k;
		}
		++ncand;
	}

	if (!ncand)
		return str_dup(insertp, "");

	if (ncand == 1)
		return re_sdprintf(insertp, "%s ", first + plen);

	if (common <= plen) {
		*listp = true;
		return str_dup(insertp, "");
	}

	return re_sdprintf(insertp, "%b", first + plen, common - plen);
}
