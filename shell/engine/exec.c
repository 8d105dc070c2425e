/*
 * Running commands in a session. A line is split, matched in the current
 * mode and, when its first word means nothing there, in the enclosing
 * modes (as IOS reads configuration files); the handler then acts on the
 * candidate configuration. '?' asks for help instead; a '|' sends the
 * output through filters (exec_pipe.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "conf_print.h"
#include "help.h"
#include "exec_pipe.h"
/* The modes a line may be tried in, innermost first. */
size_t sess_mode_chain(const struct session *s, int *modes)
{
	size_t n = 0;

	modes[n++] = s->mode;
	if (s->mode >= MODE_SECT)
		modes[n++] = MODE_CONFIG;
	if (s->kind == SESS_BATCH && s->mode != MODE_EXEC)
		modes[n++] = MODE_EXEC;

	return n;
}

static bool first_word_unknown(const struct match *m)
{
	return (m->st == MS_INVALID || m->st == MS_BADVALUE) && m->bad == 0;
}

static int run_match(struct session *s, const char *line,
		     const struct toks *t, struct match *m, size_t end)
{
	struct cmdctx ctx = {m, t, 0, end};

	if (m->dg.warn[0])
		sess_warn(s, t->v[m->warn_at].col, "%s", m->dg.warn);

	if (end < t->n)
		return exec_filtered(s, line, t, m, end);

	return m->node->h(s, &ctx);
}

#define HIST_MAX 500

int sess_history_add(struct session *s, const char *line)
{
	char **h;
	int err;

	if (!line || !*line)
		return 0;

	if (s->nhist == HIST_MAX) {
		mem_deref(s->hist[0]);
		memmove(s->hist, s->hist + 1, --s->nhist * sizeof(*s->hist));
	}

	h = mem_reallocarray(s->hist, s->nhist + 1, sizeof(*h), NULL);
	if (!h)
		return ENOMEM;
	s->hist = h;

	err = str_dup(&s->hist[s->nhist], line);
	if (!err)
		++s->nhist;

	return err;
}

/* The line as it may be kept (history): secret values masked. */
static int mask_line(char **outp, const char *line, const struct toks *t,
		     const struct match *m)
{
	struct mbuf *mb;
	size_t i, pos = 0;
	int err = 0;

	mb = mbuf_alloc(strlen(line) + 16);
	if (!mb)
		return ENOMEM;

	for (i = 0; i < m->n && !err; i++) {
		const struct gnode *n = m->path[i];

		if (n->kind != G_VALUE || n->set->type != &vt_secret)
			continue;

		err = mbuf_printf(mb, "%b%s", line + pos, t->v[i].col - pos,
				  SECRET_MASK);
		pos = t->v[i].col + t->v[i].len;
	}

	if (!err)
		err = mbuf_printf(mb, "%s", line + pos);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(outp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

/* A line ending in an unquoted '?' asks for help instead of running. */
static bool help_asked(const struct toks *t)
{
	const struct tok *last;

	if (!t->n)
		return false;

	last = &t->v[t->n - 1];
	return !last->quoted && last->text[0] &&
		last->text[strlen(last->text) - 1] == '?';
}

static int print_help(struct session *s, const char *line)
{
	struct help *h;
	char *text;
	size_t n;
	int err;

	h = mem_zalloc(sizeof(*h), NULL);
	if (!h)
		return ENOMEM;

	/* The text before the '?': what is typed so far. */
	n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		     line[n - 1] == '\r'))
		--n;
	err = re_sdprintf(&text, "%b", line, n ? n - 1 : 0);
	if (!err) {
		err = help_collect(h, s, text);
		if (!err)
			err = help_print(s->pf, h, 0);
		mem_deref(text);
	}

	mem_deref(h);
	return err ? EXIT_CMD : 0;
}

int sess_exec_line(struct session *s, const char *line)
{
	const struct grammar *g = grammar_get();
	struct match *m, *alt;
	struct toks t;
	struct diag dg;
	int modes[3];
	size_t nmodes, i, end, errcol = 0;
	int err;

	memset(&dg, 0, sizeof(dg));

	/* What 'show' shows is what is in effect now. */
	if (s->kind == SESS_TTY)
		(void)sess_refresh(s);

	/* A lone '!' in the first column closes a section, as printed. */
	if (line[0] == '!' && !line[1 + strspn(line + 1, " \t\r")]) {
		if (s->mode >= MODE_SECT)
			s->mode = MODE_CONFIG;
		return 0;
	}

	err = toks_split(&t, line, &dg, &errcol);
	if (err) {
		sess_error(s, errcol, "%s", dg.err[0] ? dg.err : "out of "
			   "memory");
		return EXIT_CMD;
	}

	if (help_asked(&t)) {
		toks_reset(&t);
		return print_help(s, line);
	}

	if (!t.n || t.v[0].text[0] == '!' || t.v[0].pipe) {
		err = t.n && t.v[0].pipe ? EXIT_CMD : 0;
		if (err)
			sess_error(s, t.v[0].col, "Invalid input '|': no "
				   "command before it");
		toks_reset(&t);
		return err;
	}

	for (end = 0; end < t.n && !t.v[end].pipe; end++)
		;

	m = mem_zalloc(2 * sizeof(*m), NULL);
	if (!m) {
		toks_reset(&t);
		return ENOMEM;
	}
	alt = m + 1;

	nmodes = sess_mode_chain(s, modes);
	match_run(m, g->root[modes[0]], &t, 0, end, false);

	/*
	 * Not a command of this mode: try the enclosing ones, as IOS reads
	 * configuration files. A complete match there wins; failing that,
	 * the error is told where the first word was known.
	 */
	for (i = 1; i < nmodes && m->st != MS_OK; i++) {
		match_run(alt, g->root[modes[i]], &t, 0, end, false);
		if (alt->st != MS_OK &&
		    (first_word_unknown(alt) || !first_word_unknown(m)))
			continue;

		/* The command runs in the enclosing mode. */
		if (alt->st == MS_OK && modes[i] == MODE_CONFIG)
			s->mode = MODE_CONFIG;
		match_reset(m);
		*m = *alt;
		memset(alt, 0, sizeof(*alt));
	}

	if (m->st != MS_OK) {
		size_t bad = m->bad < t.n ? m->bad : t.n - 1;
		size_t col = m->st == MS_INCOMPLETE ?
			t.v[bad].col + t.v[bad].len : t.v[bad].col;

		if (m->st == MS_INVALID && s->kind == SESS_TTY)
			sess_error(s, col, "Invalid input detected at '^' "
				   "marker.");
		else if (m->st == MS_INCOMPLETE && s->kind == SESS_TTY)
			sess_error(s, NOCOL, "Incomplete command.");
		else
			sess_error(s, col, "%s", m->dg.err);
		err = EXIT_CMD;
	}
	else {
		s->last_masked = mem_deref(s->last_masked);
		mask_line(&s->last_masked, line, &t, m);
		err = run_match(s, line, &t, m, end);
	}

	match_reset(m);
	match_reset(alt);
	mem_deref(m);
	toks_reset(&t);

	return err;
}

/* Run every line of an input; stop at the first error, or with
 * keep_going at the end, having reported every error. */
int sess_run_input(struct session *s, struct input *in)
{
	unsigned n;
	int err = 0;

	s->in = in;

	for (n = 0; n < 10000000 && !s->stop; n++) {
		char *line = NULL;

		err = in->readline(in, NULL, true, &line);
		if (err == ENODATA) {
			err = 0;
			break;
		}
		if (err)
			break;

		err = sess_exec_line(s, line);
		mem_deref(line);
		if (!err)
			continue;

		++s->failed;
		if (!s->keep_going)
			break;
		err = 0;
	}

	if (!err && s->failed)
		err = EXIT_CMD;

	return err;
}

