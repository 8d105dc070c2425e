/*
 * The configuration language's words: the tokenizer every line goes
 * through (the file's lines, typed commands, batch lines) and the quoting
 * the printer uses for values, so that a printed word reads back as
 * itself.
 */
#include <errno.h>
#include <string.h>
#include "re_base.h"
#include "words.h"

void toks_reset(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->v[i].text = mem_deref(t->v[i].text);

	t->n = 0;
	t->trailing_blank = false;
}

static int tok_push(struct toks *t, const char *text, size_t len,
		    size_t col, size_t rawlen, bool quoted)
{
	struct tok *k;

	if (t->n >= TOK_MAX)
		return E2BIG;

	k = &t->v[t->n];
	k->text = mem_alloc(len + 1, NULL);
	if (!k->text)
		return ENOMEM;

	memcpy(k->text, text, len);
	k->text[len] = '\0';
	k->col = col;
	k->len = rawlen;
	k->quoted = quoted;
	k->pipe = !quoted && len == 1 && text[0] == '|';
	++t->n;

	return 0;
}

int toks_split(struct toks *t, const char *line, struct diag *dg,
	       size_t *errcol)
{
	const char *p = line;
	char *buf = NULL;
	int err = 0;

	if (!t || !line || !dg)
		return EINVAL;

	memset(t, 0, sizeof(*t));
	buf = mem_alloc(strlen(line) + 1, NULL);
	if (!buf)
		return ENOMEM;

	while (*p && !err) {
		const char *start;
		size_t n = 0;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			++p;
		if (!*p)
			break;

		start = p;
		if (*p == '|') {
			err = tok_push(t, p, 1, (size_t)(p - line), 1, false);
			++p;
			continue;
		}

		while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n' && !(*p == '|' && !quoted)) {
			if (*p == '"' && p == start) {
				quoted = true;
				++p;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1])
						++p;
					buf[n++] = *p++;
				}
				if (*p != '"') {
					diag_err(dg, "unterminated quote");
					*errcol = (size_t)(start - line);
					err = EINVAL;
					goto out;
				}
				++p;
				break;
			}
			buf[n++] = *p++;
		}

		err = tok_push(t, buf, n, (size_t)(start - line),
			       (size_t)(p - start), quoted);
		if (err == E2BIG) {
			diag_err(dg, "too many words (at most %d)", TOK_MAX);
			*errcol = (size_t)(start - line);
		}
	}

	if (!err && p > line && (p[-1] == ' ' || p[-1] == '\t'))
		t->trailing_blank = true;

 out:
	mem_deref(buf);
	if (err)
		toks_reset(t);

	return err;
}

bool word_needs_quotes(const char *text)
{
	if (!text || !*text || *text == '!')
		return true;

	return strpbrk(text, " \t\"\\|?") != NULL;
}

int word_print(struct re_printf *pf, const char *text)
{
	const char *p;
	int err;

	if (!word_needs_quotes(text))
		return re_hprintf(pf, "%s", text);

	err = re_hprintf(pf, "\"");
	for (p = text ? text : ""; *p && !err; p++) {
		if (*p == '"' || *p == '\\')
			err = re_hprintf(pf, "\\%c", *p);
		else
			err = re_hprintf(pf, "%c", *p);
	}

	return err ? err : re_hprintf(pf, "\"");
}
