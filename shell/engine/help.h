/*
 * What may come next on a command line: the answer to '?' and the
 * candidates of TAB completion, both found by walking the grammar the
 * parser uses, from the words typed so far.
 */
#ifndef SIPSH_HELP_H
#define SIPSH_HELP_H

#include <stdbool.h>
#include <stddef.h>

struct session;
struct re_printf;

#define HELP_MAX 160

struct hchoice {
	char word[80];          /* a keyword, an enum value, or a syntax */
	const char *help;
	bool completes;         /* TAB may insert it (keywords, enum values) */
};

struct help {
	struct hchoice v[HELP_MAX];
	size_t n;
	char partial[128];      /* the word being typed, if any */
	bool error;             /* an earlier word is wrong */
	size_t errcol;          /* ... starting at this column */
	char errmsg[256];
};

/* Collect the choices after 'text' (the line up to the cursor). */
int help_collect(struct help *h, const struct session *s, const char *text);

/* '?': the choices, one a line, with help wrapped at blanks to fit
 * 'cols' columns (0: not wrapped); or the error. */
int help_print(struct re_printf *pf, const struct help *h, unsigned cols);

/* TAB: what to insert after the cursor (mem string, maybe empty);
 * *listp is set when several candidates remain and none could be
 * narrowed down, so they should be listed. */
int help_complete(const struct help *h, char **insertp, bool *listp);

#endif
