/*
 * 'help COMMAND': the text sipsh(1) has for a command, built in from the
 * page (man_help.h), so the shell and the manual cannot say different
 * things; for a setting, its description from the schema, which
 * sipsh.conf(5) is made from. The words may be abbreviated as in any
 * command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "session.h"
#include "modules.h"
#include "man_help.h"

#define KW_MAX 8

/* Does the head of an item hold the word as one of its words? */
static bool head_has(const char *head, const char *w)
{
	size_t n = strlen(w);
	const char *p = head;

	while (*p) {
		size_t len;

		p += strspn(p, " ,|[]");
		len = strcspn(p, " ,|[]");
		if (len == n && !strncmp(p, w, n))
			return true;
		p += len;
	}

	return false;
}

/* Does the head begin with the words, in order? */
static bool head_starts(const char *head, const char *const *kw, size_t n)
{
	const char *p = head;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(kw[i]);

		if (strncmp(p, kw[i], len) || (p[len] && p[len] != ' '))
			return false;
		p += len;
		p += strspn(p, " ");
	}

	return true;
}

/* The item for the keywords: one whose head holds them all, best one
 * that begins with them, then the shortest. */
static const struct man_item *item_find(const char *const *kw, size_t n)
{
	const struct man_item *it, *best = NULL;
	bool best_starts = false;
	size_t i;

	for (it = man_items; it->head; it++) {
		bool starts;

		/* A section's name may stand as the word 'section' there. */
		for (i = 0; i < n; i++) {
			if (!head_has(it->head, kw[i]) &&
			    !(section_find(kw[i]) &&
			      head_has(it->head, "section")))
				break;
		}
		if (i < n)
			continue;

		starts = head_starts(it->head, kw, n);
		if (!best || (starts && !best_starts) ||
		    (starts == best_starts &&
		     strlen(it->head) < strlen(best->head))) {
			best = it;
			best_starts = starts;
		}
	}

	return best;
}

/* The words as the grammar spells them ('sh run': show running-config),
 * matched in exec mode, then in configure mode. */
static size_t canonical(const struct cmdctx *c, size_t from,
			struct match *m, const char **kw)
{
	const struct grammar *g = grammar_get();
	const int roots[2] = {MODE_EXEC, MODE_CONFIG};
	size_t i, r, n = 0;

	for (r = 0; r < 2; r++) {
		match_run(m, g->root[roots[r]], c->t, from, c->end, true);
		if (m->st == MS_OK && m->n == c->end - from)
			break;
	}

	for (i = 0; i < c->end - from && n < KW_MAX; i++) {
		const struct gnode *k = r < 2 && i < m->n ? m->path[i] : NULL;

		if (k && k->kind != G_WORD)
			continue;   /* a value: not in the heads */
		kw[n++] = k && k->word[0] ? k->word : c->t->v[from + i].text;
	}

	return n;
}

static int help_list(struct session *s)
{
	const struct man_item *it;
	int err;

	err = sess_printf(s, "help COMMAND prints what sipsh(1) says of the "
			  "command, help SETTING what sipsh.conf(5) says of "
			  "the setting; '?' lists what may come next.\n"
			  "Commands:\n");
	for (it = man_items; it->head && !err; it++)
		err = sess_printf(s, "  %s\n", it->head);

	return err ? EXIT_CMD : 0;
}

/* A setting: its key alone, or its words ('diffserv sip'). */
static const struct setting *setting_named(const struct cmdctx *c,
					   size_t from)
{
	char key[128] = "";
	size_t i, o = 0;

	for (i = from; i < c->end && o < sizeof(key); i++)
		o += (size_t)re_snprintf(key + o, sizeof(key) - o, "%s%s",
					 o ? " " : "", c->t->v[i].text);

	for (i = 0; i < schema_n; i++) {
		if (!strcmp(schema[i].key, key))
			return &schema[i];
	}

	return NULL;
}

/* Text as the page's bodies are: from column 8, wrapped before 73. */
static int prose_print(struct session *s, const char *text)
{
	size_t col = 0;
	int err = 0;

	while (*text && !err) {
		size_t n;

		text += strspn(text, " ");
		n = strcspn(text, " ");
		if (!n)
			break;
		if (col && col + 1 + n > 65) {
			err = sess_printf(s, "\n");
			col = 0;
		}
		if (!err)
			err = sess_printf(s, "%s%b", col ? " " : "        ",
					  text, n);
		col += n + (col ? 1 : 0);
		text += n;
	}

	return err ? err : sess_printf(s, "\n");
}

static int h_help(struct session *s, const struct cmdctx *c)
{
	const struct man_item *it;
	const struct setting *st;
	const char *kw[KW_MAX];
	struct match *m;
	size_t from = c->first + 1, n;
	int err;

	if (!man_items[0].head) {
		sess_error(s, NOCOL, "This sipsh was built without the text of "
			   "its manual; see sipsh(1)");
		return EXIT_CMD;
	}

	if (from >= c->end)
		return help_list(s);

	m = mem_zalloc(sizeof(*m), NULL);
	if (!m)
		return ENOMEM;

	n = canonical(c, from, m, kw);
	it = n ? item_find(kw, n) : NULL;
	st = setting_named(c, from);

	if (st && (!it || !head_starts(it->head, kw, n))) {
		err = sess_printf(s, "%s (section %s)\n        %s.\n", st->key,
				  section_get(st->sect)->name, st->help);
		if (!err && st->doc)
			err = prose_print(s, st->doc);
	}
	else if (it) {
		err = sess_printf(s, "%s\n%s", it->head, it->body);
	}
	else {
		sess_error(s, NOCOL, "sipsh(1) has no command '%s'; 'help' "
			   "lists them", c->t->v[from].text);
		err = EXIT_CMD;
	}

	match_reset(m);
	mem_deref(m);
	return err;
}

static const char help_help[] = "What sipsh(1) says of a command";

static const struct cmd_def help_cmds[] = {
	{MODE_BIT(MODE_EXEC) | MODES_CONFIG, "help",
	 {help_help}, h_help, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC) | MODES_CONFIG, "help LINE",
	 {help_help, "The command or setting (words may be abbreviated)"},
	 h_help, NULL, CF_OUTPUT},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int help_register(struct grammar *g)
{
	return grammar_add_table(g, help_cmds);
}
