/*
 * The words of a line of the configuration language, as the file holds
 * them and as a user types them: blanks separate words, a word that
 * starts with a double quote runs to the next unescaped one (inside the
 * quotes a backslash keeps the character after it), and an unquoted '|'
 * is a word of its own.
 * The tokenizer and word_print, which quotes a value so that it reads back
 * as itself, live here together so that they cannot drift apart.
 */
#ifndef SIPSH_WORDS_H
#define SIPSH_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include "vtype.h"

struct re_printf;

#define TOK_MAX 64

struct tok {
	char *text;             /* the word, quotes removed */
	size_t col;             /* where it starts in the line, from 0 */
	size_t len;             /* its length in the line, quotes included */
	bool quoted;
	bool pipe;              /* an unquoted '|' */
};

struct toks {
	struct tok v[TOK_MAX];
	size_t n;
	bool trailing_blank;    /* the line ends with a blank (for '?') */
};

/* Split a line; 0, or EINVAL with dg->err and *errcol set. */
int  toks_split(struct toks *t, const char *line, struct diag *dg,
		size_t *errcol);
void toks_reset(struct toks *t);

/* One word as the tokenizer reads it back: quoted when it must be. */
int  word_print(struct re_printf *pf, const char *text);
bool word_needs_quotes(const char *text);

#endif
