/*
 * The reader of the configuration file. The file is in the shell's own
 * language, as the printer writes it: a section's command ('sip',
 * 'account 1'), its settings indented under it, a '!' or 'exit' closing
 * it. This reader knows that language from the schema alone (its trees
 * of words are in conf_lang.c) and builds a configuration from it
 * without a shell session. Words may be abbreviated to a unique prefix,
 * as in the shell. A bad line, or a byte
 * that has no place in a text file, refuses the whole file with
 * FILE:LINE:COL: the caller keeps what it had, never half of the new one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "conf_read.h"
#include "conf_print.h"
#include "conf_lang.h"

struct reader {
	const char *name;
	struct re_printf *pf;
	char *buf;              /* the text, each line NUL-terminated */
	size_t len;
	size_t pos;             /* where the next line starts */
	unsigned lineno;
	struct cfg *c;
	struct inst *inst;      /* the section being read, or NULL */
};

static void vmessage(struct reader *r, bool warn, size_t col,
		     const char *fmt, va_list ap)
{
	char msg[2 * DIAG_SZ];

	re_vsnprintf(msg, sizeof(msg), fmt, ap);

	if (col == NOCOL)
		re_hprintf(r->pf, "%s:%u: %s%s\n", r->name, r->lineno,
			   warn ? "warning: " : "", msg);
	else
		re_hprintf(r->pf, "%s:%u:%zu: %s%s\n", r->name, r->lineno,
			   col + 1, warn ? "warning: " : "", msg);
}

static int rd_error(struct reader *r, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int rd_error(struct reader *r, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(r, false, col, fmt, ap);
	va_end(ap);

	return EINVAL;
}

static void rd_warn(struct reader *r, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rd_warn(struct reader *r, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(r, true, col, fmt, ap);
	va_end(ap);
}

/* The next line, its end (LF or CR LF) cut off; false at the end. */
static bool next_line(struct reader *r, char **linep)
{
	char *line;
	size_t n;

	if (r->pos >= r->len)
		return false;

	line = r->buf + r->pos;
	n = strlen(line);
	r->pos += n + 1;
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';

	++r->lineno;
	*linep = line;

	return true;
}

/*
 * The text must be text: no NUL byte, no CR but one before a LF, no
 * byte-order mark. Copies it with every line NUL-terminated.
 */
static int text_prepare(struct reader *r, const char *text, size_t len)
{
	size_t i, col = 0;

	r->lineno = 1;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		return rd_error(r, 0, "a UTF-8 byte-order mark at the start "
				"of the file");

	for (i = 0; i < len; i++, col++) {
		if (text[i] == '\n') {
			++r->lineno;
			col = (size_t)-1;
		}
		else if (!text[i]) {
			return rd_error(r, col, "a NUL byte in the line");
		}
		else if (text[i] == '\r' && (i + 1 == len ||
					      text[i + 1] != '\n')) {
			return rd_error(r, col, "a carriage return not "
					"followed by a line feed (lines must "
					"end with LF or CR LF)");
		}
	}

	r->buf = mem_alloc(len + 1, NULL);
	if (!r->buf)
		return ENOMEM;

	/* Each LF becomes the end of its line's string; next_line cuts
	 * the CR before it, the only place a CR can be. */
	memcpy(r->buf, text, len);
	r->buf[len] = '\0';
	r->len = len;
	for (i = 0; i < len; i++) {
		if (r->buf[i] == '\n')
			r->buf[i] = '\0';
	}

	r->lineno = 0;
	return 0;
}

/* Lines up to a line 'quit', each without its indentation. */
static int read_block(struct reader *r, size_t col, struct mbuf *mb)
{
	unsigned start = r->lineno;
	char *line;
	int err;

	while (next_line(r, &line)) {
		const char *p = line;

		while (isspace((unsigned char)*p))
			++p;
		if (!strncmp(p, "quit", 4) && !p[4 + strspn(p + 4, " \t")])
			return 0;

		err = mbuf_printf(mb, "%s\n", p);
		if (err)
			return err;
	}

	r->lineno = start;
	return rd_error(r, col, "Block ended before its line 'quit'");
}

static int pem_add(const char *pem, size_t len, void *arg)
{
	void **args = arg;
	char *one;
	int err;

	err = re_sdprintf(&one, "%b", pem, len);
	if (err)
		return err;

	err = inst_add(args[0], args[1], one);
	mem_deref(one);

	return err;
}

static int do_block(struct reader *r, const struct setting *st, size_t col)
{
	struct mbuf *mb;
	struct diag dg;
	char *canon = NULL;
	void *args[2] = {r->inst, (void *)st};
	unsigned at = r->lineno;
	unsigned end;
	int err;

	mb = mbuf_alloc(2048);
	if (!mb)
		return ENOMEM;

	err = read_block(r, col, mb);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (err)
		goto out;

	/* What is said about the block is said at its first line. */
	end = r->lineno;
	r->lineno = at;

	memset(&dg, 0, sizeof(dg));
	err = st->type->parse(st, (const char *)mb->buf, &canon, &dg);
	if (err) {
		err = rd_error(r, col, "%s: %s", st->key, dg.err[0] ? dg.err :
			       strerror(err));
		goto out;
	}
	if (dg.warn[0])
		rd_warn(r, col, "%s: %s", st->key, dg.warn);

	err = pem_foreach(canon, pem_add, args);
	if (err && err != ENOMEM)
		err = rd_error(r, col, "%s: %s", st->key, strerror(err));

	r->lineno = end;

 out:
	mem_deref(canon);
	mem_deref(mb);
	return err;
}

static int do_act(struct reader *r, const struct rmatch *m,
		  const struct toks *t)
{
	const struct fnode *n = m->node;
	const struct setting *st = n->set;
	size_t vcol = m->value_at != NOCOL ? t->v[m->value_at].col : NOCOL;
	int id, err = 0;

	switch (n->act) {

	case ACT_ENTER:
		id = m->num ? atoi(m->num) : 0;
		err = cfg_inst_add(r->c, n->sec->id, id, &r->inst);
		break;

	case ACT_DELETE:
		id = atoi(m->num);
		if (!cfg_inst(r->c, n->sec->id, id))
			return rd_error(r, t->v[m->num_at].col,
					"%s %d is not configured",
					n->sec->name, id);
		cfg_inst_del(r->c, n->sec->id, id);
		break;

	case ACT_EXIT:
		r->inst = NULL;
		break;

	case ACT_ON:
		err = inst_set(r->inst, st, "yes");
		break;

	case ACT_OFF:
		err = inst_set(r->inst, st, "no");
		break;

	case ACT_RESET:
		err = inst_reset(r->inst, st);
		break;

	case ACT_CLEAR:
		inst_clear(r->inst, st);
		break;

	case ACT_SET:
		if (st->type == &vt_secret && text_is_mask(m->canon)) {
			if (!inst_val(r->inst, st)->n)
				return rd_error(r, vcol, "%s: '%s' is the "
						"masked form of a stored "
						"password, and none is "
						"stored; type the password "
						"itself", st->key, m->canon);
			break;
		}
		err = inst_set(r->inst, st, m->canon);
		break;

	case ACT_ADD:
		err = inst_add(r->inst, st, m->canon);
		break;

	case ACT_REMOVE:
		err = inst_remove(r->inst, st, m->canon);
		if (err == ENOENT)
			return rd_error(r, vcol, "%s: '%s' is not in the list",
					st->key, m->canon);
		break;

	case ACT_BLOCK:
		return do_block(r, st, t->v[0].col);

	case ACT_PROMPT:
		return rd_error(r, t->v[t->n - 1].col + t->v[t->n - 1].len,
				"%s needs a value here (it is asked for "
				"without echo only at a terminal)", st->key);

	case ACT_NONE:
		return EINVAL;
	}

	if (err == ENOMEM)
		return err;
	if (err)
		return rd_error(r, t->v[0].col, "%s: %s", st ? st->key :
				n->sec->name, strerror(err));

	return 0;
}

/* The first word means nothing in the tree it was tried in. */
static bool first_word_unknown(const struct rmatch *m)
{
	return (m->st == RS_INVALID || m->st == RS_BADVALUE) && !m->bad;
}

/*
 * One line. Inside a section, a line that is not one of its settings is
 * tried at the top level (as IOS reads its files), so a new section's
 * command needs no 'exit' before it; the error, when neither fits, is
 * told where the first word was known.
 */
static int read_line(struct reader *r, const char *line)
{
	const struct lang *l = lang_get();
	struct rmatch m, alt;
	struct toks t;
	struct diag dg;
	size_t end, errcol = 0;
	int err;

	/* A lone '!' in the first column closes a section, as printed. */
	if (line[0] == '!' && !line[1 + strspn(line + 1, " \t")]) {
		r->inst = NULL;
		return 0;
	}

	memset(&dg, 0, sizeof(dg));
	err = toks_split(&t, line, &dg, &errcol);
	if (err == ENOMEM)
		return err;
	if (err)
		return rd_error(r, errcol, "%s", dg.err);

	/* Blank lines and comments. */
	if (!t.n || (!t.v[0].pipe && t.v[0].text[0] == '!')) {
		toks_reset(&t);
		return 0;
	}

	if (t.v[0].pipe) {
		err = rd_error(r, t.v[0].col, "Invalid input '|': no command "
			       "before it");
		toks_reset(&t);
		return err;
	}

	for (end = 0; end < t.n && !t.v[end].pipe; end++)
		;

	memset(&m, 0, sizeof(m));
	memset(&alt, 0, sizeof(alt));

	err = lang_match(&m, r->inst ? l->sect[r->inst->sec->id] : l->top,
			 &t, end);
	if (!err && r->inst && m.st != RS_OK) {
		err = lang_match(&alt, l->top, &t, end);
		if (!err && (alt.st == RS_OK || (!first_word_unknown(&alt) &&
						 first_word_unknown(&m)))) {
			if (alt.st == RS_OK)
				r->inst = NULL;
			rmatch_reset(&m);
			m = alt;
			memset(&alt, 0, sizeof(alt));
		}
	}
	if (err)
		goto out;

	if (m.st != RS_OK) {
		size_t bad = m.bad < t.n ? m.bad : t.n - 1;
		size_t col = m.st == RS_INCOMPLETE ?
			t.v[bad].col + t.v[bad].len : t.v[bad].col;

		err = rd_error(r, col, "%s", m.err);
		goto out;
	}

	if (m.warn[0])
		rd_warn(r, t.v[m.warn_at].col, "%s", m.warn);

	if (end < t.n) {
		err = rd_error(r, t.v[end].col, "Invalid input '|': this "
			       "command prints nothing to filter");
		goto out;
	}

	err = do_act(r, &m, &t);

 out:
	rmatch_reset(&m);
	rmatch_reset(&alt);
	toks_reset(&t);
	return err;
}

static int print_stderr(const char *p, size_t size, void *arg)
{
	(void)arg;
	return fwrite(p, 1, size, stderr) == size ? 0 : EIO;
}

int cfg_parse_buf(struct cfg **cp, const char *name, const char *text,
		  size_t len, struct re_printf *errpf)
{
	struct re_printf pf_stderr = {print_stderr, NULL};
	struct reader r;
	char *line;
	int err;

	if (!cp || !name || (!text && len))
		return EINVAL;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.pf = errpf ? errpf : &pf_stderr;

	err = text_prepare(&r, text ? text : "", len);
	if (err)
		goto out;

	err = cfg_alloc(&r.c);
	if (err)
		goto out;

	while (!err && next_line(&r, &line))
		err = read_line(&r, line);

 out:
	mem_deref(r.buf);
	if (err)
		mem_deref(r.c);
	else
		*cp = r.c;

	return err == ENOMEM ? ENOMEM : err ? EINVAL : 0;
}

int cfg_parse_text(struct cfg **cp, const char *name, const char *text,
		   struct re_printf *errpf)
{
	if (!text)
		return EINVAL;

	return cfg_parse_buf(cp, name, text, strlen(text), errpf);
}

int cfg_load(struct cfg **cp, const char *path, struct store_id *idp,
	     struct re_printf *errpf)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!cp || !path)
		return EINVAL;

	err = store_read_len(path, &text, &len, idp);
	if (err)
		return err;

	err = cfg_parse_buf(cp, path, text, len, errpf);
	mem_deref(text);

	return err;
}
