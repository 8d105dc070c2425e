/*
 * The output filters. Regular expressions are POSIX extended ones
 * (regcomp), matched against each line of the command's output.
 */
#include <errno.h>
#include <regex.h>
#include <string.h>
#include "re_base.h"
#include "filter.h"

static const char help_re[] = "A regular expression (POSIX extended)";

/* The handler of filter nodes only marks them complete; sess_exec_line
 * applies the filter itself. */
static int h_filter(struct session *s, const struct cmdctx *c)
{
	(void)s;
	(void)c;
	return 0;
}

static const struct cmd_def filter_cmds[] = {
	{1, "include LINE", {"Only lines that match", help_re},
	 h_filter, (void *)FILTER_INCLUDE, 0},
	{1, "exclude LINE", {"Only lines that do not match", help_re},
	 h_filter, (void *)FILTER_EXCLUDE, 0},
	{1, "begin LINE", {"From the first line that matches on", help_re},
	 h_filter, (void *)FILTER_BEGIN, 0},
	{1, "section LINE", {"Only the sections (a line and the lines "
	 "indented under it) whose lines match", help_re},
	 h_filter, (void *)FILTER_SECTION, 0},
	{1, "count", {"The number of lines"},
	 h_filter, (void *)FILTER_COUNT, 0},
	{1, "json", {"Machine-readable output (JSON)"},
	 h_filter, (void *)FILTER_JSON, 0},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int filter_register(struct grammar *g)
{
	const struct cmd_def *d;
	int err = 0;

	/* The filters live in their own tree, entered after a '|'. */
	for (d = filter_cmds; d->syntax && !err; d++) {
		const char *w[3] = {NULL, NULL, NULL};
		char buf[32];
		char *sp;

		str_ncpy(buf, d->syntax, sizeof(buf));
		sp = strchr(buf, ' ');
		if (sp) {
			*sp = '\0';
			w[1] = sp + 1;
		}
		w[0] = buf;

		err = gnode_insert(g->filters, w, d->help, NULL, d->h, d->arg,
				   0);
	}

	return err;
}

static size_t indent_of(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == ' ')
		++i;

	return i;
}

/*
 * '| section RE', as IOS has it: a line that matches is printed with the
 * lines indented deeper under it, so 'show running-config | section
 * account' gives whole account blocks.
 */
static int section_apply(const struct mbuf *in, regex_t *rx,
			 struct mbuf *out)
{
	const char *p = (const char *)in->buf, *end = p + in->end;
	size_t under = 0;
	bool in_sect = false;
	int err = 0;

	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t ind = indent_of(p, n);
		char *line;

		if (in_sect && ind > under && ind < n) {
			err = mbuf_printf(out, "%b\n", p, n);
			p += n + (nl ? 1 : 0);
			continue;
		}
		in_sect = false;

		line = mem_alloc(n + 1, NULL);
		if (!line)
			return ENOMEM;
		memcpy(line, p, n);
		line[n] = '\0';
		if (regexec(rx, line, 0, NULL, 0) == 0) {
			in_sect = true;
			under = ind;
			err = mbuf_printf(out, "%b\n", p, n);
		}
		mem_deref(line);

		p += n + (nl ? 1 : 0);
	}

	return err;
}

int filter_apply(const struct mbuf *in, int kind, const char *re,
		 struct mbuf *out, struct diag *dg)
{
	const char *p = (const char *)in->buf, *end = p + in->end;
	regex_t rx;
	bool on = false;
	size_t count = 0;
	int err = 0, rc;

	if (kind == FILTER_COUNT) {
		for (; p < end; p++)
			count += *p == '\n';
		if (in->end && end[-1] != '\n')
			++count;
		return mbuf_printf(out, "%zu\n", count);
	}

	rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];

		regerror(rc, &rx, msg, sizeof(msg));
		diag_err(dg, "bad regular expression '%s': %s", re, msg);
		return EINVAL;
	}

	if (kind == FILTER_SECTION) {
		err = section_apply(in, &rx, out);
		regfree(&rx);
		return err;
	}

	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = mem_alloc(n + 1, NULL);
		bool match;

		if (!line) {
			err = ENOMEM;
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		match = regexec(&rx, line, 0, NULL, 0) == 0;
		mem_deref(line);

		if (kind == FILTER_BEGIN && match)
			on = true;

		if ((kind == FILTER_INCLUDE && match) ||
		    (kind == FILTER_EXCLUDE && !match) ||
		    (kind == FILTER_BEGIN && on))
			err = mbuf_printf(out, "%b\n", p, n);

		p += n + (nl ? 1 : 0);
	}

	regfree(&rx);
	return err;
}
