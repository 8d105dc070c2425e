/*
 * The command grammar: one tree of words and values per mode, built at
 * start from the command modules' tables and from the schema. The parser,
 * '?' help and TAB completion all walk these trees; no command word is
 * compared anywhere else.
 */
#ifndef SIPSH_GRAMMAR_H
#define SIPSH_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include "schema.h"

/* Modes: exec, configure, then one per section ('sip', 'account N'...). */
enum mode {
	MODE_EXEC = 0,
	MODE_CONFIG,
	MODE_SECT,              /* MODE_SECT + enum sect_id */
	MODE_N = MODE_SECT + SECT_N
};

#define MODE_BIT(m)   (1u << (m))
#define MODES_SECT    (((1u << SECT_N) - 1) << MODE_SECT)
#define MODES_CONFIG  (MODE_BIT(MODE_CONFIG) | MODES_SECT)

enum gkind {
	G_WORD,                 /* a keyword, matched by unique prefix */
	G_VALUE,                /* a setting's value, checked by its type */
	G_INT,                  /* a number in [min, max] */
	G_ANY,                  /* any one word */
	G_REST,                 /* the rest of the line, as typed */
};

struct session;
struct cmdctx;
typedef int (cmd_h)(struct session *s, const struct cmdctx *ctx);

enum cmd_flags {
	CF_OUTPUT = 1 << 0,     /* prints: accepts '| include RE' and friends */
	CF_JSON   = 1 << 1,     /* has a machine-readable form: '| json' */
};

/* The output filters, the 'arg' of the nodes under grammar.filters. */
enum filter_kind {
	FILTER_INCLUDE = 1,
	FILTER_EXCLUDE,
	FILTER_BEGIN,
	FILTER_COUNT,
	FILTER_JSON,
	FILTER_SECTION,
};

struct gnode {
	enum gkind kind;
	char *word;             /* keyword text, or the value's name */
	const char *help;
	const struct setting *set;  /* G_VALUE */
	long min, max;          /* G_INT */
	struct gnode **kids;
	size_t nkids;
	const struct gnode *jump;   /* 'do': matching goes on in this tree */
	cmd_h *h;               /* non-NULL: a command ends here */
	const void *arg;
	unsigned flags;
};

/* The nodes that may follow n (a 'do' node leads into another tree). */
static inline const struct gnode *gnode_next(const struct gnode *n)
{
	return n->jump ? n->jump : n;
}

/*
 * A command as a module declares it. Syntax words are keywords, except
 * <MIN-MAX> (a number), WORD (any word) and LINE (the rest of the line);
 * help[] gives one string per word.
 */
struct cmd_def {
	unsigned modes;
	const char *syntax;
	const char *help[10];
	cmd_h *h;
	const void *arg;
	unsigned flags;
};

struct grammar {
	struct gnode *root[MODE_N];
	struct gnode *filters;  /* what may follow '|' */
	/* A section's settings after its name in configure mode, for the
	 * one-line forms ('sip bind-port 5080'). */
	struct gnode *oneline[SECT_N];
};

int grammar_alloc(struct grammar **gp);
const struct grammar *grammar_get(void);   /* the shell's, built once */

int grammar_add(struct grammar *g, const struct cmd_def *def);
int grammar_add_table(struct grammar *g, const struct cmd_def *defs);
int gnode_add_jump(struct gnode *root, const char *word, const char *help,
		   const struct gnode *target);
int gnode_insert(struct gnode *root, const char *const *words,
		 const char *const *help, const struct setting *value,
		 cmd_h *h, const void *arg, unsigned flags);

/* The node the words lead to from root (as gnode_insert reads them), or
 * NULL: for commands that hang on another's node ('do', one-line forms). */
struct gnode *gnode_find(struct gnode *root, const char *const *words);

/* Walk every node (for the help test and the man page). */
typedef int (gnode_walk_h)(const struct gnode *n, const struct gnode **path,
			   size_t depth, void *arg);
int gnode_walk(const struct gnode *root, gnode_walk_h *wh, void *arg);

/*
 * A command module: adds its commands to the grammar. The table of them
 * (NULL-ended) is given once, before the first grammar_get(), by the
 * program (main.c); the engine names none of them.
 */
typedef int (grammar_module_h)(struct grammar *g);

struct grammar_module {
	const char *name;
	grammar_module_h *reg;
};

void grammar_modules_set(const struct grammar_module *mods);

#endif
