/*
 * The reader of the configuration file. The file is in the shell's own
 * language, as the printer writes it: a section's command ('sip',
 * 'account 1'), its settings indented under it, a '!' or 'exit' closing
 * it. This reader knows that language from the schema alone (sections,
 * settings, their types, and the 'no' and 'default' forms) and builds a
 * configuration from it without a shell session. Words may be
 * abbreviated to a unique prefix, as in the shell. A bad line, or a byte
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
#include "words.h"

#define NOCOL ((size_t)-1)

/* What a complete line does. */
enum act {
	ACT_NONE = 0,           /* no command ends at this word */
	ACT_ENTER,              /* 'account 1': into a section */
	ACT_DELETE,             /* 'no account 1' */
	ACT_EXIT,               /* 'exit', 'end': out of the section */
	ACT_ON,                 /* a flag's 'KEY' */
	ACT_OFF,                /* a flag's 'no KEY' */
	ACT_RESET,              /* 'default KEY', 'no KEY [VALUE]' */
	ACT_CLEAR,              /* a list's or block's 'no KEY' */
	ACT_SET,                /* 'KEY VALUE' */
	ACT_ADD,                /* a list's 'KEY VALUE' */
	ACT_REMOVE,             /* a list's 'no KEY VALUE' */
	ACT_BLOCK,              /* 'KEY', then lines up to 'quit' */
	ACT_PROMPT,             /* a secret's 'KEY' alone: it needs a value */
};

/*
 * The language as a tree of words, made once from the schema: one tree
 * for the top level and one for each section. A node is a keyword, a
 * setting's value (checked by its type) or an instance number.
 */
struct fnode {
	char *word;                     /* a keyword; NULL: a value */
	const struct setting *value;    /* a setting's value */
	const struct section *num;      /* an instance number of num */
	enum act act;
	const struct section *sec;      /* ACT_ENTER, ACT_DELETE */
	const struct setting *set;      /* the setting acted on */
	struct fnode **kids;
	size_t nkids;
};

struct lang {
	struct fnode *top;
	struct fnode *sect[SECT_N];
};

/* The outcome of matching a line's words against a tree. */
enum rstatus {
	RS_OK = 0,
	RS_INVALID,             /* a word fits nothing here */
	RS_AMBIGUOUS,
	RS_BADVALUE,            /* a value its type refuses */
	RS_INCOMPLETE,
};

struct rmatch {
	enum rstatus st;
	size_t bad;             /* the word at fault */
	const struct fnode *node;
	char *canon;            /* the setting value's canonical text */
	size_t value_at;        /* the word of the value, or NOCOL */
	const char *num;        /* the instance number's word */
	size_t num_at;
	char err[DIAG_SZ];
	char warn[DIAG_SZ];
	size_t warn_at;
};

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

/* The tree, built at first use and kept, like the schema it mirrors. */
static const struct lang *lang_get(void)
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

static void rmatch_reset(struct rmatch *m)
{
	mem_deref(m->canon);
	memset(m, 0, sizeof(*m));
	m->value_at = NOCOL;
	m->num_at = NOCOL;
}

/*
 * Match words [0, end) of t under root: at each word an exact keyword
 * wins, then a unique prefix of one, then a value its type accepts.
 * Returns ENOMEM only; the outcome is in m.
 */
static int lang_match(struct rmatch *m, const struct fnode *root,
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
	if (err)
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
