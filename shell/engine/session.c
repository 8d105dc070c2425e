/*
 * Running commands in a session. A line is split, matched in the current
 * mode and, when its first word means nothing there, in the enclosing
 * modes (as IOS reads configuration files); the handler then acts on the
 * candidate configuration. Messages carry the place of the error in the
 * form the session's kind wants.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "conf_print.h"
#include "txn.h"
#include "help.h"
#include "filter.h"
#include "phone.h"

static void sess_destructor(void *arg)
{
	struct session *s = arg;

	size_t i;

	txn_leave(s);
	mem_deref(s->txn);
	for (i = 0; i < s->nhist; i++)
		mem_deref(s->hist[i]);
	mem_deref(s->hist);
	mem_deref(s->last_masked);
	mem_deref(s->path);
	mem_deref(s->running);
	mem_deref(s->cand);
}

static int print_stdout(const char *p, size_t size, void *arg)
{
	return fwrite(p, 1, size, arg) == size ? 0 : EIO;
}

struct re_printf *sess_stdout(void);
struct re_printf *sess_stdout(void)
{
	static struct re_printf pf = {print_stdout, NULL};

	pf.arg = stdout;
	return &pf;
}

static struct re_printf *sess_stderr(void)
{
	static struct re_printf pf = {print_stdout, NULL};

	pf.arg = stderr;
	return &pf;
}

int sess_alloc(struct session **sp, enum sess_kind kind, const char *path,
	       struct re_printf *pf)
{
	struct session *s;
	int err;

	if (!sp || !path)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), sess_destructor);
	if (!s)
		return ENOMEM;

	s->kind = kind;
	s->watch_fd = -1;
	s->pf = pf ? pf : sess_stdout();
	s->mode = MODE_EXEC;

	err = str_dup(&s->path, path);
	if (err)
		goto out;

	if (kind == SESS_LOAD) {
		err = cfg_alloc(&s->running);
		goto out;
	}

	err = cfg_load(&s->running, path, &s->base, sess_stderr());
	if (err == ENOENT) {
		/* No file yet: the defaults, and the first commit makes it. */
		memset(&s->base, 0, sizeof(s->base));
		err = cfg_alloc(&s->running);
	}

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;

	return err;
}

static void vmessage(struct session *s, bool warn, size_t col,
		     const char *fmt, va_list ap)
{
	const char *name = s->in ? s->in->name : s->path;
	unsigned line = s->in ? s->in->lineno : 0;
	char *msg = NULL;

	if (re_vsdprintf(&msg, fmt, ap))
		return;

	/* Lists end with a newline of their own. */
	while (*msg && msg[strlen(msg) - 1] == '\n')
		msg[strlen(msg) - 1] = '\0';

	switch (s->kind) {

	case SESS_LOAD:
		if (col == NOCOL)
			re_fprintf(stderr, "%s:%u: %s%s\n", name, line,
				   warn ? "warning: " : "", msg);
		else
			re_fprintf(stderr, "%s:%u:%zu: %s%s\n", name, line,
				   col + 1, warn ? "warning: " : "", msg);
		break;

	case SESS_BATCH:
		if (line)
			re_fprintf(stderr, "%s:%u: ", name, line);
		else
			re_fprintf(stderr, "%s: ", name);
		re_fprintf(stderr, "%s%s\n", warn ? "% Warning: " : "% ",
			   msg);
		break;

	case SESS_TTY:
		/* A caret under the word at fault, as IOS does. */
		if (col != NOCOL && !warn) {
			size_t k;

			for (k = 0; k < s->prompt_len + col; k++)
				fputc(' ', stderr);
			fputs("^\n", stderr);
		}
		re_fprintf(stderr, "%s%s\n", warn ? "% Warning: " : "% ",
			   msg);
		break;
	}

	mem_deref(msg);
}

void sess_error(struct session *s, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(s, false, col, fmt, ap);
	va_end(ap);
}

void sess_warn(struct session *s, size_t col, const char *fmt, ...)
{
	va_list ap;

	++s->warnings;
	va_start(ap, fmt);
	vmessage(s, true, col, fmt, ap);
	va_end(ap);
}

int sess_printf(struct session *s, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = re_vhprintf(fmt, ap, s->pf->vph, s->pf->arg);
	va_end(ap);

	return err;
}

struct inst *sess_inst(const struct session *s)
{
	if (!s->cand || s->mode < MODE_SECT)
		return NULL;

	return cfg_inst(s->cand, s->mode - MODE_SECT, s->inst);
}

const char *ctx_value(const struct cmdctx *c, size_t nth)
{
	size_t i;

	for (i = 0; i < c->m->n; i++) {
		const struct gnode *n = c->m->path[i];

		if (n->kind == G_WORD)
			continue;
		if (nth--)
			continue;

		return c->m->canon[c->first + i] ? c->m->canon[c->first + i]
			: c->t->v[c->first + i].text;
	}

	return NULL;
}

bool ctx_word(const struct cmdctx *c, const char *word)
{
	size_t i;

	for (i = 0; i < c->m->n; i++) {
		const struct gnode *n = c->m->path[i];

		if (n->kind == G_WORD && !strcmp(n->word, word))
			return true;
	}

	return false;
}

bool sess_dirty(const struct session *s)
{
	return s->cand && !cfg_equal(s->cand, s->running);
}

/* Read the file again, so a new candidate starts from what is saved now. */
int sess_reload(struct session *s)
{
	struct cfg *c = NULL;
	struct store_id id;
	int err;

	/* Unchanged since it was read: nothing to do (nor to warn again). */
	if (!store_id_current(s->path, &id) && store_id_equal(&id, &s->base))
		return 0;

	err = cfg_load(&c, s->path, &id, NULL);
	if (err == ENOENT)
		return 0;
	if (err)
		return err;

	mem_deref(s->running);
	s->running = c;
	s->base = id;

	return 0;
}

int sess_configure(struct session *s)
{
	int err;

	if (s->cand)
		return 0;

	if (s->kind != SESS_LOAD) {
		err = sess_reload(s);
		if (err)
			return err;
	}

	err = cfg_dup(&s->cand, s->running);
	if (err)
		return err;

	s->mode = MODE_CONFIG;
	return 0;
}

void sess_leave_config(struct session *s)
{
	txn_leave(s);
	s->cand = mem_deref(s->cand);
	s->mode = MODE_EXEC;
}

/*
 * The whole-configuration checks of the candidate: problems refuse
 * ('what' names the refused action), warnings are only said.
 */
static int check_candidate(struct session *s, const char *what)
{
	struct re_printf pf;
	struct mbuf *mb;
	unsigned nerr = 0, nwarn = 0;
	int err;

	mb = mbuf_alloc(256);
	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = cfg_check(s->cand, &pf, &nerr, &nwarn);
	if (err || nerr) {
		sess_error(s, NOCOL, "%s refused: the configuration has "
			   "%u problem%s:\n%b", what, nerr,
			   nerr == 1 ? "" : "s", mb->buf, mb->end);
		mem_deref(mb);
		return EXIT_CHECK;
	}
	if (nwarn)
		sess_warn(s, NOCOL, "%b", mb->buf, mb->end);

	mem_deref(mb);
	return 0;
}

/* Calls the commit would end: an interactive user is asked, a batch
 * refuses unless forced. Nothing is dropped without a word. */
static int confirm_drops(struct session *s)
{
	char *list = NULL, *ans = NULL;
	unsigned n = 0;
	int err = 0;

	if (s->no_apply || phone_apply_drops(s->cand, &list, &n) || !n)
		goto out;

	if (s->kind == SESS_BATCH && s->force) {
		sess_warn(s, NOCOL, "ending %u call%s:\n%s", n,
			  n == 1 ? "" : "s", list);
		goto out;
	}

	if (s->kind != SESS_TTY || !s->in) {
		sess_error(s, NOCOL, "Commit refused: it would end %u call%s:"
			   "\n%s(--force commits anyway)", n,
			   n == 1 ? "" : "s", list);
		err = EXIT_CMD;
		goto out;
	}

	sess_printf(s, "This commit ends %u call%s:\n%s", n,
		    n == 1 ? "" : "s", list);
	err = s->in->readline(s->in, "Commit anyway? [no]: ", true, &ans);
	if (err || strncasecmp(ans, "yes", 3)) {
		sess_error(s, NOCOL, "Not committed; the changes stay staged");
		err = EXIT_CMD;
	}

 out:
	mem_deref(ans);
	mem_deref(list);
	return err;
}

int sess_check(struct session *s)
{
	if (!s->cand)
		return 0;

	return check_candidate(s, "Check");
}

int sess_commit(struct session *s)
{
	struct re_printf pf;
	struct mbuf *mb = NULL;
	struct cfg *c;
	int err;

	if (!s->cand || !sess_dirty(s))
		return 0;

	err = check_candidate(s, "Commit");
	if (err)
		return err;

	err = txn_may_commit(s);
	if (err)
		return err;

	err = confirm_drops(s);
	if (err)
		return err;

	mb = mbuf_alloc(4096);
	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = cfg_print(&pf, s->cand, PR_SECRETS, NULL);
	if (err)
		goto out;

	err = store_save(s->path, (const char *)mb->buf, mb->end, &s->base);
	if (err == EAGAIN) {
		sess_error(s, NOCOL, "Commit refused: %s was changed by another "
			   "session since this one read it; nothing was "
			   "saved", s->path);
		err = EXIT_CONFLICT;
		goto out;
	}
	if (err) {
		sess_error(s, NOCOL, "Cannot save %s: %m; nothing was changed",
			   s->path, err);
		err = EXIT_FILE;
		goto out;
	}

	/* The file now holds the candidate: it becomes the running one. */
	err = cfg_dup(&c, s->cand);
	if (err)
		goto out;
	mem_deref(s->running);
	s->running = c;
	/* The id of what this session saved, not a re-read that another
	 * session's save could slip in before. */
	err = store_id_calc(mb->buf, mb->end, &s->base);
	txn_committed(s);
	if (!s->no_apply)
		phone_apply(s, s->running);

 out:
	mem_deref(mb);
	return err;
}

/* A block of lines up to a line 'quit' (a pasted certificate). */
int sess_read_block(struct session *s, char **textp)
{
	struct mbuf *mb;
	unsigned n;
	int err = 0;

	if (!s->in)
		return EINVAL;

	mb = mbuf_alloc(2048);
	if (!mb)
		return ENOMEM;

	if (s->kind == SESS_TTY)
		sess_printf(s, "Enter the PEM certificate(s); end with a "
			    "line 'quit':\n");

	for (n = 0; n < 10000; n++) {
		char *line = NULL;
		const char *p;

		err = s->in->readline(s->in, "", true, &line);
		if (err == ENODATA) {
			sess_error(s, NOCOL, "Block ended before its line 'quit'");
			err = EINVAL;
			break;
		}
		if (err)
			break;

		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (!strncmp(p, "quit", 4) && !p[4 + strspn(p + 4, " \t\r")]) {
			mem_deref(line);
			break;
		}

		err = mbuf_printf(mb, "%s\n", p);
		mem_deref(line);
		if (err)
			break;
	}

	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(textp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

int sess_read_secret(struct session *s, const char *prompt, char **textp)
{
	if (s->kind != SESS_TTY || !s->in)
		return ENOTTY;

	return s->in->readline(s->in, prompt, false, textp);
}

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

static int run_filtered(struct session *s, const char *line,
			const struct toks *t, struct match *m, size_t end)
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

	pf.vph = pf_mbuf_vph;
	pf.arg = a;
	s->pf = &pf;
	s->json = json;
	err = m->node->h(s, &ctx);
	s->pf = out;
	s->json = false;
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

static int run_match(struct session *s, const char *line,
		     const struct toks *t, struct match *m, size_t end)
{
	struct cmdctx ctx = {m, t, 0, end};

	if (m->dg.warn[0])
		sess_warn(s, t->v[m->warn_at].col, "%s", m->dg.warn);

	if (end < t->n)
		return run_filtered(s, line, t, m, end);

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
			err = help_print(s->pf, h);
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
