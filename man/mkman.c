/*
 * mkman: the settings reference of sipsh.conf(5), written from the schema.
 * It copies the page's template (man/sipsh.conf.5.in) from standard input
 * to standard output and replaces its line '.\" @SETTINGS@' with one
 * subsection per section of the file and one list item per setting, so a
 * setting added to shell/conf/schema.c is documented with no edit to the page.
 * Run at build time only; it never reads or writes a configuration.
 *
 * 'mkman --commands' lists the shell's commands instead, one a line, as
 * the grammar holds them, and 'mkman --settings' every setting of the
 * schema: tests/t-man.sh holds them against the pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "re_base.h"
#include "schema.h"
#include "conf_print.h"
#include "effect.h"
#include "grammar.h"
#include "modules.h"

static const char marker[] = ".\\\" @SETTINGS@";

/* The view the 'sip' rows come from, named where each of its rows is. */
static const char view_name[] = "Advanced SIP view";

/*
 * How a type uses a row's min and max: a range of numbers, or bounds on
 * the length of a text. Types not listed here have no such sentence.
 */
static const struct {
	const struct vtype *type;
	const char *what;       /* the sentence's start */
	const char *unit;       /* after the upper bound */
} bounds[] = {
	{&vt_int,       "Range:",  ""},
	{&vt_port,      "Range:",  ""},
	{&vt_portrange, "Ports from", ", for both ends of the range"},
	{&vt_string,    "Length:", " characters"},
	{&vt_word,      "Length:", " characters, without blanks"},
	{&vt_secret,    "Length:", " characters"},
};

/* What the lines of a block look like, for the example in its item. */
static const struct {
	const struct vtype *type;
	const char *lines;      /* each ends with a newline */
} block_samples[] = {
	{&vt_pem, "-----BEGIN CERTIFICATE-----\n"
		  "MIIBszCCAVmgAwIBAgIU...\n"
		  "-----END CERTIFICATE-----\n"},
};

static int stdout_write(const char *p, size_t size, void *arg)
{
	return fwrite(p, 1, size, arg) == size ? 0 : EIO;
}

/* An argument with blanks, or none at all, is one argument only quoted. */
static bool arg_needs_quotes(const struct pl *w)
{
	return !w->l || memchr(w->p, ' ', w->l) || memchr(w->p, '\t', w->l);
}

/*
 * mdoc reads an argument as a macro when it looks like one ("Ar", "Ns",
 * "Bsx") and as a delimiter when it is one punctuation character, quoted
 * or not; a zero-width '\&' in front keeps it plain text.
 */
static bool arg_needs_guard(const struct pl *w)
{
	size_t i;

	if (w->l == 1 && strchr("()[].,:;?!|", w->p[0]))
		return true;

	if (w->l < 2 || w->l > 3 || w->p[0] < 'A' || w->p[0] > 'Z')
		return false;

	for (i = 1; i < w->l; i++) {
		if (w->p[i] < 'a' || w->p[i] > 'z')
			return false;
	}

	return true;
}

/* One macro argument: quoted or guarded when it must be, and with '\'
 * and '"' escaped. */
static int arg_pl_print(struct re_printf *pf, const struct pl *w)
{
	bool quote = arg_needs_quotes(w);
	size_t i;
	int err;

	err = re_hprintf(pf, "%s%s", quote ? "\"" : "",
			 arg_needs_guard(w) ? "\\&" : "");

	for (i = 0; i < w->l && !err; i++) {
		if (w->p[i] == '\\')
			err = re_hprintf(pf, "\\e");
		else if (w->p[i] == '"')
			err = re_hprintf(pf, "\\(dq");
		else
			err = re_hprintf(pf, "%c", w->p[i]);
	}

	if (!err && quote)
		err = re_hprintf(pf, "\"");

	return err;
}

/* %H printer of one macro argument; arg is a NUL-terminated string. */
static int arg_print(struct re_printf *pf, void *arg)
{
	struct pl w;

	pl_set_str(&w, arg ? arg : "");
	return arg_pl_print(pf, &w);
}

/* The blank-separated words of text as macro arguments, each escaped. */
static int args_print(struct re_printf *pf, void *arg)
{
	const char *p = arg;
	int err = 0;
	bool first = true;

	while (p && *p && !err) {
		struct pl w;

		p += strspn(p, " ");
		if (!*p)
			break;

		w.p = p;
		w.l = strcspn(p, " ");
		p += w.l;

		err = re_hprintf(pf, "%s%H", first ? "" : " ", arg_pl_print,
				 &w);
		first = false;
	}

	return err;
}

/*
 * One text line of n bytes: a backslash is written '\e', and a line that
 * would start with a control character ('.' or ''') gets a zero-width
 * '\&' in front so that roff reads it as text.
 */
static int text_line_print(struct re_printf *pf, const char *p, size_t n)
{
	size_t i;
	int err = 0;

	if (n && (p[0] == '.' || p[0] == '\''))
		err = re_hprintf(pf, "\\&");

	for (i = 0; i < n && !err; i++) {
		if (p[i] == '\\')
			err = re_hprintf(pf, "\\e");
		else
			err = re_hprintf(pf, "%c", p[i]);
	}

	return err ? err : re_hprintf(pf, "\n");
}

/*
 * Text of n bytes on lines of at most WRAP bytes where it has blanks to
 * break at, so that the page's source stays readable.
 */
enum { WRAP = 72 };

static int text_wrap_print(struct re_printf *pf, const char *p, size_t n)
{
	int err = 0;

	while (n > WRAP && !err) {
		size_t k = WRAP;

		while (k && p[k] != ' ')
			--k;
		if (!k) {
			for (k = WRAP; k < n && p[k] != ' '; k++)
				;
			if (k == n)
				break;
		}

		err = text_line_print(pf, p, k);
		while (k < n && p[k] == ' ')
			++k;
		p += k;
		n -= k;
	}

	return err || !n ? err : text_line_print(pf, p, n);
}

/*
 * The length of the sentence at p: up to a '.', '?' or '!' followed by a
 * blank, unless that ends a word with a dot inside ("e.g."), which is an
 * abbreviation and not the end of a sentence.
 */
static size_t sentence_len(const char *p)
{
	const char *q, *word = p;

	for (q = p; *q; q++) {
		if (*q == ' ') {
			word = q + 1;
			continue;
		}

		if (!strchr(".?!", *q) || q[1] != ' ')
			continue;

		if (!memchr(word, '.', (size_t)(q - word)))
			return (size_t)(q + 1 - p);
	}

	return (size_t)(q - p);
}

/*
 * Prose, as mdoc wants it: each sentence on a line of its own (so roff
 * knows where sentences end), never a blank line, every line escaped.
 * A full stop is added when the text has none.
 */
static int prose_print(struct re_printf *pf, void *arg)
{
	const char *p = arg;
	size_t n = 0;
	int err = 0;

	while (p && *p && !err) {
		p += strspn(p, " \t\n");
		if (!*p)
			break;

		n = sentence_len(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			--n;

		if (!p[sentence_len(p)] && !strchr(".?!", p[n - 1])) {
			char *s = NULL;

			err = re_sdprintf(&s, "%b.", p, n);
			if (!err)
				err = text_wrap_print(pf, s, strlen(s));
			mem_deref(s);
		}
		else {
			err = text_wrap_print(pf, p, n);
		}

		p += sentence_len(p);
	}

	return err;
}

/* %H printer of a whole text line; arg is a NUL-terminated string. */
static int line_h(struct re_printf *pf, void *arg)
{
	const char *p = arg;

	return text_line_print(pf, p, strlen(p));
}

static int syntax_h(struct re_printf *pf, void *arg)
{
	const struct setting *s = arg;

	return s->type->syntax(pf, s);
}

static int word_h(struct re_printf *pf, void *arg)
{
	return word_print(pf, arg);
}

/* The command words of a setting and, for a value, its syntax. */
static int head_print(struct re_printf *pf, const struct setting *s)
{
	char *syn = NULL;
	int err;

	err = re_hprintf(pf, ".It Cm %H", args_print, (void *)s->key);
	if (err)
		return err;

	if (s->type->kind == VK_VALUE) {
		err = re_sdprintf(&syn, "%H", syntax_h, (void *)s);
		if (!err)
			err = re_hprintf(pf, " Ar %H", arg_print, syn);
	}

	mem_deref(syn);
	return err ? err : re_hprintf(pf, "\n");
}

/*
 * A block: the key, then lines of text up to a line 'quit' (as
 * sess_read_block reads them), shown as the file holds it.
 */
static int block_print(struct re_printf *pf, const struct setting *s)
{
	const char *lines = "...\n", *p;
	char *syn = NULL;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(block_samples); i++) {
		if (block_samples[i].type == s->type)
			lines = block_samples[i].lines;
	}

	err = re_sdprintf(&syn, "%H", syntax_h, (void *)s);
	if (err)
		return err;

	err = re_hprintf(pf, ".Cm %H\nis followed by lines of\n.Ar %H\n"
			 "text and a line\n.Cm quit :\n"
			 ".Bd -literal -offset indent\n %H",
			 args_print, (void *)s->key, arg_print, syn,
			 line_h, (void *)s->key);

	for (p = lines; *p && !err; ) {
		size_t n = strcspn(p, "\n");
		char *one = NULL;

		err = re_sdprintf(&one, "  %b", p, n);
		if (!err)
			err = line_h(pf, one);
		mem_deref(one);
		p += n + (p[n] == '\n');
	}

	if (!err)
		err = re_hprintf(pf, "  quit\n.Ed\n.Pp\n");
	if (!err && setting_islist(s))
		err = re_hprintf(pf, "Each block adds to the list;\n"
				 ".Cm no %H\nempties it.\n",
				 args_print, (void *)s->key);
	else if (!err)
		err = re_hprintf(pf, ".Cm no %H\nremoves it.\n",
				 args_print, (void *)s->key);

	mem_deref(syn);
	return err;
}

/* How the setting is written, beyond 'KEY VALUE': flags, lists, blocks. */
static int form_print(struct re_printf *pf, const struct setting *s)
{
	char *syn = NULL;
	int err = 0;

	switch (s->type->kind) {

	case VK_BOOL:
		err = re_hprintf(pf, ".Cm %H\nturns it on,\n"
				 ".Cm no %H\nturns it off.\n",
				 args_print, (void *)s->key,
				 args_print, (void *)s->key);
		break;

	case VK_BLOCK:
		err = block_print(pf, s);
		break;

	case VK_VALUE:
		if (!setting_islist(s))
			break;

		err = re_hprintf(pf, "A list, one value a line;\n"
				 ".Cm no %H Ar value\nremoves one and\n"
				 ".Cm no %H\nall of them.\n",
				 args_print, (void *)s->key,
				 args_print, (void *)s->key);
		break;
	}

	mem_deref(syn);
	return err;
}

/* The values of an enum, and the other words read as one of them. */
static int values_print(struct re_printf *pf, const struct setting *s)
{
	const char *const *v;
	const struct alias *a;
	int err = 0;

	if (!s->enums)
		return 0;

	err = re_hprintf(pf, "One of\n.Cm");
	for (v = s->enums; *v && !err; v++)
		err = re_hprintf(pf, " %H%s", arg_print, (void *)*v,
				 v[1] ? " ," : " .\n");

	for (a = s->aliases; a && a->word && !err; a++) {
		const char *end = a[1].word ? "," : ".";

		if (a == s->aliases)
			err = re_hprintf(pf, "Also read:\n");
		if (err)
			break;

		err = re_hprintf(pf, ".Cm %H\nas\n", arg_print,
				 (void *)a->word);
		if (err)
			break;

		if (a->warn)
			err = re_hprintf(pf, ".Cm %H\nwith a warning%s\n",
					 arg_print, (void *)a->value, end);
		else
			err = re_hprintf(pf, ".Cm %H %s\n", arg_print,
					 (void *)a->value, end);
	}

	return err;
}

static int bounds_print(struct re_printf *pf, const struct setting *s)
{
	size_t i;

	if (s->max <= 0)
		return 0;

	for (i = 0; i < ARRAY_SIZE(bounds); i++) {
		if (bounds[i].type != s->type)
			continue;

		return re_hprintf(pf, "%s %ld to %ld%s.\n", bounds[i].what,
				  s->min, s->max, bounds[i].unit);
	}

	return 0;
}

/* Default: the canonical value as the file would hold it, or a word. */
static int default_print(struct re_printf *pf, const struct setting *s)
{
	char *word = NULL;
	const char *p;
	int err;

	if (!s->def)
		return re_hprintf(pf, "Default: unset.\n");

	if (s->type->kind == VK_BOOL)
		return re_hprintf(pf, "Default: %s.\n",
				  strcmp(s->def, "yes") ? "off" : "on");

	if (!setting_islist(s)) {
		err = re_sdprintf(&word, "%H", word_h, (void *)s->def);
		if (!err)
			err = re_hprintf(pf, "Default:\n.Ql %H .\n", arg_print,
					 word);
		mem_deref(word);
		return err;
	}

	err = re_hprintf(pf, "Default:\n");
	for (p = s->def; *p && !err; ) {
		struct pl w;

		p += strspn(p, " ");
		if (!*p)
			break;

		w.p = p;
		w.l = strcspn(p, " ");
		p += w.l;
		p += strspn(p, " ");

		err = re_hprintf(pf, ".Ql %H %s\n", arg_pl_print, &w,
				 *p ? "," : ".");
	}

	return err;
}

static int effect_h(struct re_printf *pf, void *arg)
{
	return setting_effect_print(pf, arg);
}

/* When a change takes effect, from the row's consumers (effect.h). */
static int effect_doc_print(struct re_printf *pf, const struct setting *s)
{
	char *text = NULL;
	int err;

	err = re_sdprintf(&text, "Takes effect: %H.", effect_h, (void *)s);
	if (!err)
		err = prose_print(pf, text);

	mem_deref(text);
	return err;
}

static int setting_doc_print(struct re_printf *pf, const struct setting *s)
{
	int err;

	err = head_print(pf, s);
	if (!err && s->doc && *s->doc)
		err = re_hprintf(pf, "%H.Pp\n", prose_print, (void *)s->doc);
	if (!err)
		err = form_print(pf, s);
	if (!err)
		err = values_print(pf, s);
	if (!err)
		err = bounds_print(pf, s);
	if (!err && (s->flags & SF_REQUIRED))
		err = re_hprintf(pf, "Required: the section is incomplete "
				 "without it.\n");
	if (!err)
		err = default_print(pf, s);
	if (!err)
		err = effect_doc_print(pf, s);
	if (!err && s->sect == SECT_SIP)
		err = re_hprintf(pf, "%s:\n.Dq %H .\n", view_name, arg_print,
				 (void *)s->label);

	return err;
}

static int section_doc_print(struct re_printf *pf, const struct section *sec)
{
	char *head = NULL;
	size_t i;
	int err;

	if (sec->singleton)
		err = re_sdprintf(&head, "%s", sec->name);
	else
		err = re_sdprintf(&head, "%s <%d-%d>", sec->name, sec->min,
				  sec->max);
	if (err)
		return err;

	err = re_hprintf(pf, ".Ss %H \\(em %H\n%H", arg_print, head,
			 arg_print, (void *)sec->label,
			 prose_print, (void *)sec->help);
	if (err)
		goto out;

	if (sec->singleton)
		err = re_hprintf(pf, "There is one such section;\n.Ic %H\n"
				 "enters it.\n", arg_print, (void *)sec->name);
	else
		err = re_hprintf(pf, "Numbered from %d to %d:\n"
				 ".Ic %H Ar N\nenters one, creating it, and\n"
				 ".Ic no %H Ar N\ndeletes it.\n",
				 sec->min, sec->max,
				 arg_print, (void *)sec->name,
				 arg_print, (void *)sec->name);
	if (err)
		goto out;

	err = re_hprintf(pf, ".Bl -tag -width Ds\n");
	for (i = 0; i < sec->count && !err; i++)
		err = setting_doc_print(pf, &schema[sec->first + i]);
	if (!err)
		err = re_hprintf(pf, ".El\n");

 out:
	mem_deref(head);
	return err;
}

static int reference_print(struct re_printf *pf)
{
	int sect, err;

	err = re_hprintf(pf, ".\\\" Made from the schema (shell/conf/schema.c) "
			 "by man/mkman: edit the schema, not this.\n");

	for (sect = 0; sect < SECT_N && !err; sect++)
		err = section_doc_print(pf, section_get(sect));

	return err;
}

/* A command ends at n: its words from the mode's root, one line. */
static int command_print(const struct gnode *n, const struct gnode **path,
			 size_t depth, void *arg)
{
	const char *mode = arg;
	size_t i;

	if (!n->h)
		return 0;

	re_printf("%s", mode);
	for (i = 0; i <= depth; i++)
		re_printf(" %s", path[i]->word);
	re_printf("\n");

	return 0;
}

/* The exec and configure commands; a section's own are its settings,
 * which sipsh.conf(5) documents. */
static int commands_list(void)
{
	const struct grammar *g;
	int err;

	grammar_modules_set(sipsh_modules);
	g = grammar_get();

	err = gnode_walk(g->root[MODE_EXEC], command_print, "exec");
	if (!err)
		err = gnode_walk(g->root[MODE_CONFIG], command_print,
				 "config");
	if (!err)
		err = gnode_walk(g->filters, command_print, "filter");

	return err;
}

static int settings_list(void)
{
	size_t i;

	for (i = 0; i < schema_n; i++)
		re_printf("%s %s\n", section_get(schema[i].sect)->name,
			  schema[i].key);

	return 0;
}

int main(int argc, char **argv)
{
	struct re_printf pf = {stdout_write, NULL};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned markers = 0;
	int err = 0;

	pf.arg = stdout;

	if (argc == 2 && !strcmp(argv[1], "--commands"))
		return commands_list() ? 1 : 0;
	if (argc == 2 && !strcmp(argv[1], "--settings"))
		return settings_list() ? 1 : 0;

	while (!err && (n = getline(&line, &cap, stdin)) >= 0) {
		size_t len = (size_t)n;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'
			       || line[len - 1] == ' '))
			--len;

		if (len == strlen(marker) && !memcmp(line, marker, len)) {
			++markers;
			err = reference_print(&pf);
			continue;
		}

		err = stdout_write(line, (size_t)n, stdout);
	}

	free(line);

	if (!err && ferror(stdin))
		err = EIO;
	if (!err && fflush(stdout))
		err = errno;
	if (err) {
		re_fprintf(stderr, "mkman: %m\n", err);
		return 1;
	}

	if (markers != 1) {
		re_fprintf(stderr, "mkman: the template must hold the line "
			   "'%s' once; it holds it %u times\n", marker,
			   markers);
		return 1;
	}

	return 0;
}
