/*
 * A session: its life (the configuration read from the file, the staged
 * candidate, the modes), its messages in the form its kind wants, and
 * keeping it in step with the file when other sessions commit. Running
 * lines is exec.c, committing sess_commit.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "commit_log.h"
#include "lock.h"

static void sess_destructor(void *arg)
{
	struct session *s = arg;

	size_t i;

	lock_excl_release();
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

	err = cfg_load(&s->running, path, &s->base, sess_stderr());
	if (err == ENOENT) {
		/* No file yet: the defaults, and the first commit makes it. */
		memset(&s->base, 0, sizeof(s->base));
		err = cfg_alloc(&s->running);
	}
	s->seen = s->base;

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

int sess_note(struct session *s, const char *fmt, ...)
{
	struct re_printf *pf = s->filtering ? s->note_pf : s->pf;
	va_list ap;
	int err;

	if (!pf)
		return 0;

	va_start(ap, fmt);
	err = re_vhprintf(fmt, ap, pf->vph, pf->arg);
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

int sess_refresh(struct session *s)
{
	if (s->cand)
		return 0;

	return sess_reload(s);
}

void sess_notice(struct session *s)
{
	struct mbuf *mb;
	struct re_printf pf;
	struct store_id now;

	if (store_id_current(s->path, &now) || store_id_equal(&now, &s->seen))
		return;

	s->seen = now;
	mb = mbuf_alloc(256);
	if (!mb)
		return;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	if (!commit_log_tell(&pf, s->path, &now) && mb->end) {
		while (mb->end && mb->buf[mb->end - 1] == '\n')
			--mb->end;
		re_fprintf(stderr, "%% Note: %b\n", mb->buf, mb->end);
		if (s->cand && !store_id_equal(&now, &s->base))
			re_fprintf(stderr, "%% Note: the staged changes are "
				   "based on the version before it: 'commit' "
				   "would be refused; 'show configuration "
				   "diff' and 'discard' help\n");
	}

	mem_deref(mb);
}

int sess_configure(struct session *s)
{
	int err;

	if (s->cand)
		return 0;

	err = sess_reload(s);
	if (err)
		return err;

	err = cfg_dup(&s->cand, s->running);
	if (err)
		return err;

	s->mode = MODE_CONFIG;
	return 0;
}

void sess_leave_config(struct session *s)
{
	lock_excl_release();
	s->cand = mem_deref(s->cand);
	s->mode = MODE_EXEC;
}

