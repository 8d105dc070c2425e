/*
 * The output filters of a command line: what follows '|' is parsed
 * against the grammar's filter tree, the command's output is collected,
 * passed through each filter in turn (or printed as JSON), then printed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "filter.h"
#include "exec_pipe.h"
struct filter_step {
	int kind;
	char *re;
};

/* The regular expression of a filter: the rest of its segment as typed,
 * or the one quoted word that is all of it. */
static int filter_re(char **rep, const char *line, const struct toks *t,
		     size_t first, size_t end)
{
	size_t a, b;

	if (first >= end)
		return str_dup(rep, "");

	if (end - first == 1 && t->v[first].quoted)
		return str_dup(rep, t->v[first].text);

	a = t->v[first].col;
	b = end < t->n ? t->v[end].col : strlen(line);
	while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
		--b;

	return re_sdprintf(rep, "%b", line + a, b - a);
}

/* Parse what follows the first '|': one filter per segment. */
static int filters_parse(struct session *s, const char *line,
			 const struct toks *t, size_t from,
			 struct filter_step *fs, size_t *np)
{
	const struct grammar *g = grammar_get();
	struct match *m;
	size_t i = from, n = 0;
	int err = 0;

	m = mem_zalloc(sizeof(*m), NULL);
	if (!m)
		return ENOMEM;

	while (i < t->n && !err) {
		size_t j = i + 1, k;

		for (k = j; k < t->n && !t->v[k].pipe; k++)
			;

		match_run(m, g->filters, t, j, k, false);
		if (m->st == MS_EMPTY) {
			sess_error(s, t->v[i].col, "Incomplete command: a "
				   "filter must follow '|'");
			err = EXIT_CMD;
			break;
		}
		if (m->st != MS_OK) {
			size_t bad = m->bad < t->n ? m->bad : t->n - 1;

			sess_error(s, t->v[bad].col, "%s", m->dg.err);
			err = EXIT_CMD;
			break;
		}
		if (n >= 8) {
			sess_error(s, t->v[i].col, "Too many filters (at most "
				   "8)");
			err = EXIT_CMD;
			break;
		}

		fs[n].kind = (int)(uintptr_t)m->node->arg;
		err = filter_re(&fs[n].re, line, t, j + 1, k);
		++n;
		i = k;
	}

	match_reset(m);
	mem_deref(m);
	*np = n;

	return err;
}

int exec_filtered(struct session *s, const char *line, const struct toks *t,
		  struct match *m, size_t end)
{
	struct cmdctx ctx = {m, t, 0, end};
	struct filter_step fs[8];
	struct re_printf *out = s->pf, pf;
	struct mbuf *a = NULL, *b = NULL;
	size_t n = 0, i;
	bool json = false;
	int err;

	memset(fs, 0, sizeof(fs));

	if (!(m->node->flags & CF_OUTPUT)) {
		sess_error(s, t->v[end].col, "Invalid input '|': this "
			   "command prints nothing to filter");
		return EXIT_CMD;
	}

	err = filters_parse(s, line, t, end, fs, &n);
	if (err)
		goto out;

	for (i = 0; i < n; i++) {
		if (fs[i].kind != FILTER_JSON)
			continue;
		if (i || !(m->node->flags & CF_JSON)) {
			sess_error(s, NOCOL, "'| json' %s",
				   i ? "must be the first filter" :
				   "is not available for this command");
			err = EXIT_CMD;
			goto out;
		}
		json = true;
	}

	a = mbuf_alloc(4096);
	b = mbuf_alloc(4096);
	if (!a || !b) {
		err = ENOMEM;
		goto out;
	}

	/* Notes go past the filters, but count only what is shown. */
	s->note_pf = out;
	for (i = 0; i < n; i++) {
		if (fs[i].kind == FILTER_COUNT)
			s->note_pf = NULL;
	}

	pf.vph = pf_mbuf_vph;
	pf.arg = a;
	s->pf = &pf;
	s->json = json;
	s->filtering = true;
	err = m->node->h(s, &ctx);
	s->pf = out;
	s->json = false;
	s->filtering = false;
	s->note_pf = NULL;
	if (err)
		goto out;

	for (i = 0; i < n && !err; i++) {
		struct mbuf *tmp;
		struct diag dg;

		if (fs[i].kind == FILTER_JSON)
			continue;

		memset(&dg, 0, sizeof(dg));
		mbuf_reset(b);
		err = filter_apply(a, fs[i].kind, fs[i].re, b, &dg);
		if (err) {
			sess_error(s, NOCOL, "%s", dg.err[0] ? dg.err :
				   "out of memory");
			err = EXIT_CMD;
			goto out;
		}
		tmp = a;
		a = b;
		b = tmp;
	}

	err = re_hprintf(out, "%b", a->buf, a->end) ? EXIT_CMD : 0;

 out:
	for (i = 0; i < n; i++)
		mem_deref(fs[i].re);
	mem_deref(a);
	mem_deref(b);
	return err;
}

