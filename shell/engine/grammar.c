/*
 * Building the grammar trees. Commands with a common beginning share
 * nodes, so 'show running-config' and 'show version' hang from one 'show'
 * whose help string either may give.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "grammar.h"
#include "filter.h"

#define MAX_WORDS 16

static void gnode_destructor(void *arg)
{
	struct gnode *n = arg;
	size_t i;

	for (i = 0; i < n->nkids; i++)
		mem_deref(n->kids[i]);

	mem_deref(n->kids);
	mem_deref(n->word);
}

static int gnode_alloc(struct gnode **np, enum gkind kind, const char *word,
		       const char *help)
{
	struct gnode *n;
	int err;

	n = mem_zalloc(sizeof(*n), gnode_destructor);
	if (!n)
		return ENOMEM;

	n->kind = kind;
	n->help = help;
	err = str_dup(&n->word, word ? word : "");
	if (err) {
		mem_deref(n);
		return err;
	}

	*np = n;
	return 0;
}

static int gnode_addkid(struct gnode *parent, struct gnode *kid)
{
	struct gnode **kids;

	kids = mem_reallocarray(parent->kids, parent->nkids + 1,
				sizeof(*kids), NULL);
	if (!kids)
		return ENOMEM;

	parent->kids = kids;
	parent->kids[parent->nkids++] = kid;

	return 0;
}

/* "<1-8>" gives a number range; anything else is not a range. */
static bool parse_range(const char *w, long *min, long *max)
{
	char *end;

	if (w[0] != '<')
		return false;

	*min = strtol(w + 1, &end, 10);
	if (*end != '-')
		return false;

	*max = strtol(end + 1, &end, 10);
	return !strcmp(end, ">");
}

static enum gkind word_kind(const char *w, long *min, long *max)
{
	const struct section *sec;
	char name[32];

	if (parse_range(w, min, max))
		return G_INT;

	/* <line>, <account>: an instance number of that section. */
	if (w[0] == '<' && strlen(w) < sizeof(name) + 2 &&
	    w[strlen(w) - 1] == '>') {
		re_snprintf(name, sizeof(name), "%b", w + 1, strlen(w) - 2);
		sec = section_find(name);
		if (sec && !sec->singleton) {
			*min = sec->min;
			*max = sec->max;
			return G_INT;
		}
	}

	if (!strcmp(w, "WORD"))
		return G_ANY;
	if (!strcmp(w, "LINE"))
		return G_REST;

	return G_WORD;
}

static struct gnode *kid_find(const struct gnode *n, enum gkind kind,
			      const char *word, const struct setting *set)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		struct gnode *k = n->kids[i];

		if (k->kind != kind)
			continue;
		if (kind == G_VALUE ? k->set == set : !strcmp(k->word, word))
			return k;
	}

	return NULL;
}

/*
 * Insert one command path. 'words' ends with NULL; when 'value' is set,
 * a value node of that setting follows the words.
 */
int gnode_insert(struct gnode *root, const char *const *words,
		 const char *const *help, const struct setting *value,
		 cmd_h *h, const void *arg, unsigned flags)
{
	struct gnode *cur = root;
	size_t i;
	int err;

	for (i = 0; words[i]; i++) {
		long min = 0, max = 0;
		enum gkind kind = word_kind(words[i], &min, &max);
		struct gnode *k = kid_find(cur, kind, words[i], NULL);

		/* Numbers are the same node when their range is the same. */
		if (kind == G_INT) {
			size_t j;

			for (k = NULL, j = 0; j < cur->nkids; j++) {
				struct gnode *x = cur->kids[j];

				if (x->kind == G_INT && x->min == min &&
				    x->max == max)
					k = x;
			}
		}

		if (!k) {
			char range[32];

			/* A number node is named by its range, as '?' shows. */
			if (kind == G_INT)
				re_snprintf(range, sizeof(range), "<%ld-%ld>",
					    min, max);
			err = gnode_alloc(&k, kind, kind == G_INT ? range :
					  words[i], help ? help[i] : NULL);
			if (!err)
				err = gnode_addkid(cur, k);
			if (err) {
				mem_deref(k);
				return err;
			}
			k->min = min;
			k->max = max;
		}
		else if (!k->help && help) {
			k->help = help[i];
		}

		cur = k;
	}

	if (value) {
		struct gnode *k = kid_find(cur, G_VALUE, NULL, value);

		if (!k) {
			char *name = NULL;

			err = re_sdprintf(&name, "%H", value->type->syntax,
					  value);
			if (!err)
				err = gnode_alloc(&k, G_VALUE, name,
						  value->help);
			mem_deref(name);
			if (!err)
				err = gnode_addkid(cur, k);
			if (err) {
				mem_deref(k);
				return err;
			}
			k->set = value;
		}

		cur = k;
	}

	if (cur->h && cur->h != h)
		return EEXIST;

	cur->h = h;
	cur->arg = arg;
	cur->flags = flags;

	return 0;
}

struct gnode *gnode_find(struct gnode *root, const char *const *words)
{
	struct gnode *cur = root;
	size_t i, j;

	for (i = 0; cur && words[i]; i++) {
		long min = 0, max = 0;
		enum gkind kind = word_kind(words[i], &min, &max);
		struct gnode *k = NULL;

		if (kind != G_INT) {
			k = kid_find(cur, kind, words[i], NULL);
		}
		else {
			for (j = 0; j < cur->nkids; j++) {
				struct gnode *x = cur->kids[j];

				if (x->kind == G_INT && x->min == min &&
				    x->max == max)
					k = x;
			}
		}

		cur = k;
	}

	return cur;
}

/* A word after which matching goes on in another tree ('do'). */
int gnode_add_jump(struct gnode *root, const char *word, const char *help,
		   const struct gnode *target)
{
	const char *w[2] = {word, NULL};
	struct gnode *k;
	int err;

	err = gnode_insert(root, w, &help, NULL, NULL, NULL, 0);
	if (err)
		return err;

	k = kid_find(root, G_WORD, word, NULL);
	if (!k)
		return ENOENT;

	k->jump = target;
	return 0;
}

int grammar_add(struct grammar *g, const struct cmd_def *def)
{
	char *copy, *p, *save = NULL;
	const char *words[MAX_WORDS + 1];
	size_t n = 0;
	int m, err = 0;

	if (!g || !def || !def->syntax)
		return EINVAL;

	err = str_dup(&copy, def->syntax);
	if (err)
		return err;

	for (p = strtok_r(copy, " ", &save); p && n < MAX_WORDS;
	     p = strtok_r(NULL, " ", &save))
		words[n++] = p;
	words[n] = NULL;

	for (m = 0; m < MODE_N && !err; m++) {
		if (def->modes & MODE_BIT(m))
			err = gnode_insert(g->root[m], words, def->help, NULL,
					   def->h, def->arg, def->flags);
	}

	mem_deref(copy);
	return err;
}

int grammar_add_table(struct grammar *g, const struct cmd_def *defs)
{
	int err = 0;

	for (; defs->syntax && !err; defs++)
		err = grammar_add(g, defs);

	return err;
}

static void grammar_destructor(void *arg)
{
	struct grammar *g = arg;
	int m;

	for (m = 0; m < MODE_N; m++)
		mem_deref(g->root[m]);
	for (m = 0; m < SECT_N; m++)
		mem_deref(g->oneline[m]);

	mem_deref(g->filters);
}

static const struct grammar_module *modules;

void grammar_modules_set(const struct grammar_module *mods)
{
	modules = mods;
}

int grammar_alloc(struct grammar **gp)
{
	const struct grammar_module *mod;
	struct grammar *g;
	int m, err = 0;

	g = mem_zalloc(sizeof(*g), grammar_destructor);
	if (!g)
		return ENOMEM;

	for (m = 0; m < MODE_N && !err; m++)
		err = gnode_alloc(&g->root[m], G_WORD, "", NULL);
	for (m = 0; m < SECT_N && !err; m++)
		err = gnode_alloc(&g->oneline[m], G_WORD, "", NULL);
	if (!err)
		err = gnode_alloc(&g->filters, G_WORD, "|", NULL);

	for (mod = modules; mod && mod->reg && !err; mod++)
		err = mod->reg(g);
	if (!err)
		err = filter_register(g);

	if (err)
		mem_deref(g);
	else
		*gp = g;

	return err;
}

const struct grammar *grammar_get(void)
{
	static struct grammar *g;

	if (!g && grammar_alloc(&g)) {
		fprintf(stderr, "sipsh: cannot build the command grammar\n");
		exit(70);
	}

	return g;
}

static int walk(const struct gnode *n, const struct gnode **path,
		size_t depth, gnode_walk_h *wh, void *arg)
{
	size_t i;
	int err;

	if (depth >= 64)
		return ELOOP;

	path[depth] = n;
	err = wh(n, path, depth, arg);

	for (i = 0; i < n->nkids && !err; i++)
		err = walk(n->kids[i], path, depth + 1, wh, arg);

	return err;
}

int gnode_walk(const struct gnode *root, gnode_walk_h *wh, void *arg)
{
	const struct gnode *path[64];
	size_t i;
	int err = 0;

	if (!root || !wh)
		return EINVAL;

	/* The root itself is no word: walk from its children. */
	for (i = 0; i < root->nkids && !err; i++)
		err = walk(root->kids[i], path, 0, wh, arg);

	return err;
}
