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
				const char *const *meaning =
					setting_enum_help(st);

				/* Each value with its own meaning. */
				for (e = st->enums; *e; e++) {
					const char *m = meaning ?
						meaning[e - st->enums] : NULL;

					if (prefixed(*e, p))
						add(h, *e, m ? m : st->help,
						    true);
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

/*
 * The flags of the command before the first '|' (words [0, end)), so
 * that after it only the filters that work for it are offered.
 */
static unsigned cmd_flags(struct match *m, const struct session *s,
			  const struct toks *t, size_t end)
{
	const struct grammar *g = grammar_get();
	int modes[3];
	size_t i, nmodes = sess_mode_chain(s, modes);

	for (i = 0; i < nmodes; i++) {
		match_run(m, g->root[modes[i]], t, 0, end, false);
		if (m->st == MS_OK)
			return m->node->flags;
	}

	return 0;
}

/* Drops the choice the filter node of 'kind' would give. */
static void drop_filter(struct help *h, int kind)
{
	const struct gnode *f = grammar_get()->filters;
	size_t i, j;

	for (i = 0; i < f->nkids; i++) {
		if ((int)(uintptr_t)f->kids[i]->arg != kind)
			continue;

		for (j = 0; j < h->n; j++) {
			if (strcmp(h->v[j].word, f->kids[i]->word))
				continue;
			memmove(&h->v[j], &h->v[j + 1],
				(h->n - j - 1) * sizeof(h->v[0]));
			--h->n;
			break;
		}
	}
}

int help_collect(struct help *h, const struct session *s, const char *text)
{
	const struct grammar *g = grammar_get();
	struct match *m;
	struct toks t;
	struct diag dg;
	size_t nwords, from = 0, first_pipe = 0, i, errcol = 0;
	unsigned flags = 0;
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
		if (!t.v[i].pipe)
			continue;
		if (!from)
			first_pipe = i;
		from = i + 1;
	}

	m = mem_zalloc(sizeof(*m), NULL);
	if (!m) {
		toks_reset(&t);
		return ENOMEM;
	}

	if (from) {
		flags = cmd_flags(m, s, &t, first_pipe);
		if (!(flags & CF_OUTPUT)) {
			h->error = true;
			h->errcol = t.v[first_pipe].col;
			str_ncpy(h->errmsg, "Invalid input '|': this command "
				 "prints nothing to filter",
				 sizeof(h->errmsg));
			goto out;
		}
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

		/* JSON only where the command has a JSON form, and only as
		 * its first filter. */
		if (from && nwords == from &&
		    (!(flags & CF_JSON) || from != first_pipe + 1))
			drop_filter(h, FILTER_JSON);
	}

	qsort(h->v, h->n, sizeof(h->v[0]), cmp_choice);

 out:
	match_reset(m);
	mem_deref(m);
	toks_reset(&t);
	return 0;
}

static int pad(struct re_printf *pf, size_t n)
{
	int err = 0;

	while (n-- && !err)
		err = re_hprintf(pf, " ");

	return err;
}

/*
 * One help text from column 'at', wrapped at blanks so no line reaches
 * column 'cols' (a word longer than the room is left whole); the lines
 * after the first start at 'at' too.
 */
static int wrapped_print(struct re_printf *pf, const char *text, size_t at,
			 size_t cols)
{
	size_t room = cols > at + 1 ? cols - at - 1 : 0;
	int err = 0;

	/* Too narrow to wrap in a useful way: the terminal wraps it. */
	if (!cols || room < 20)
		return re_hprintf(pf, "%s\n", text);

	while (*text && !err) {
		size_t n = strlen(text), cut = n;

		if (n > room) {
			for (cut = room; cut && text[cut] != ' '; cut--)
				;
			if (!cut)
				cut = strcspn(text, " ");
		}

		err = re_hprintf(pf, "%b\n", text, cut);
		text += cut;
		while (*text == ' ')
			++text;
		if (*text && !err)
			err = pad(pf, at);
	}

	return err;
}

int help_print(struct re_printf *pf, const struct help *h, unsigned cols)
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

		if (!help[0]) {
			err = re_hprintf(pf, "  %s\n", h->v[i].word);
			continue;
		}

		err = re_hprintf(pf, "  %s", h->v[i].word);
		if (!err)
			err = pad(pf, width - strlen(h->v[i].word) + 2);
		if (!err)
			err = wrapped_print(pf, help, width + 4, cols);
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
