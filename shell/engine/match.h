/*
 * Reading one command line: its words (words.h, the configuration
 * language's own tokenizer) go to the matcher, which walks a grammar tree
 * resolving abbreviations and checking values, and says precisely which
 * word is wrong and why.
 */
#ifndef SIPSH_MATCH_H
#define SIPSH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include "grammar.h"
#include "vtype.h"
#include "words.h"

enum mstatus {
	MS_OK = 0,
	MS_EMPTY,               /* nothing but blanks */
	MS_INVALID,             /* a word fits nothing here */
	MS_AMBIGUOUS,           /* a prefix of several keywords */
	MS_BADVALUE,            /* a value its type refuses */
	MS_INCOMPLETE,          /* more words are needed */
};

struct match {
	enum mstatus st;
	size_t bad;             /* index of the word at fault */
	size_t n;               /* words matched */
	const struct gnode *node;         /* the last node matched */
	const struct gnode *path[TOK_MAX];
	char *canon[TOK_MAX];   /* canonical text of each value word */
	struct diag dg;         /* why (st != MS_OK), or a warning */
	size_t warn_at;         /* the word a warning is about */
};

/*
 * Match words [from, to) of t against the tree under root. Stops at a
 * '|' word. With partial set, running out of words is not an error (for
 * '?' and TAB, which ask what may come next).
 */
int  match_run(struct match *m, const struct gnode *root,
	       const struct toks *t, size_t from, size_t to, bool partial);
void match_reset(struct match *m);

/* The message for a failed match, without the "% " prefix. */
int  match_print_error(struct re_printf *pf, const struct match *m,
		       const struct toks *t);

/* Does keyword node k accept the word w (exactly or as a prefix)? */
bool gnode_word_prefix(const struct gnode *k, const char *w);

#endif
