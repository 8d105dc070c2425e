/*
 * Line sources for batch sessions (-c, -f, stdin). Lines have
 * their newline (and a CR before it) removed; a NUL byte in a line is an
 * error, since nothing after it could be seen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "input.h"

static int line_dup(char **linep, const char *p, size_t n)
{
	char *s;

	if (n && p[n - 1] == '\r')
		--n;

	s = mem_alloc(n + 1, NULL);
	if (!s)
		return ENOMEM;

	memcpy(s, p, n);
	s[n] = '\0';
	*linep = s;

	return 0;
}

static int text_readline(struct input *in, const char *prompt, bool echo,
			 char **linep)
{
	struct text_input *ti = (struct text_input *)in;
	const char *nl;
	size_t n;
	int err;

	(void)prompt;
	(void)echo;

	if (!*ti->pos)
		return ENODATA;

	nl = strchr(ti->pos, '\n');
	n = nl ? (size_t)(nl - ti->pos) : strlen(ti->pos);

	err = line_dup(linep, ti->pos, n);
	if (err)
		return err;

	ti->pos += n + (nl ? 1 : 0);
	++in->lineno;

	return 0;
}

void input_text_init(struct text_input *ti, const char *name,
		     const char *text)
{
	memset(ti, 0, sizeof(*ti));
	ti->in.readline = text_readline;
	ti->in.name = name;
	ti->pos = text ? text : "";
}

static int stream_readline(struct input *in, const char *prompt, bool echo,
			   char **linep)
{
	struct stream_input *si = (struct stream_input *)in;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int err;

	(void)prompt;
	(void)echo;

	n = getline(&buf, &cap, si->f);
	if (n < 0) {
		free(buf);
		return ferror(si->f) ? EIO : ENODATA;
	}

	++in->lineno;
	if (memchr(buf, '\0', (size_t)n)) {
		free(buf);
		return EILSEQ;
	}

	if (n && buf[n - 1] == '\n')
		--n;

	err = line_dup(linep, buf, (size_t)n);
	free(buf);

	return err;
}

void input_stream_init(struct stream_input *si, const char *name, FILE *f)
{
	memset(si, 0, sizeof(*si));
	si->in.readline = stream_readline;
	si->in.name = name;
	si->f = f;
}
