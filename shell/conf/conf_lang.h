/*
 * The language of the configuration file as a tree of words, made from
 * the schema, and the matcher that walks it: for the file reader
 * (conf_read.c) only. It is the part of the shell's language a file may
 * hold: the sections' commands, 'exit' and 'end', and each setting's
 * forms as its type gives them (a flag, a value, a list, a block), with
 * 'no' and 'default'.
 */
#ifndef SIPSH_CONF_LANG_H
#define SIPSH_CONF_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include "schema.h"
#include "words.h"

#define NOCOL ((size_t)-1)

/* What a complete line does. */
enum act {
	ACT_NONE = 0,           /* no command ends at this word */
	ACT_ENTER,              /* 'account 1': into a section */
	ACT_DELETE,             /* 'no account 1' */
	ACT_EXIT,               /* 'exit', 'end': out of the section */
	ACT_ON,                 /* a flag's 'KEY' */
	ACT_OFF,                /* a flag's 'no KEY' */
	ACT_RESET,              /* 'default KEY', 'no KEY [VALUE]' */
	ACT_CLEAR,              /* a list's or block's 'no KEY' */
	ACT_SET,                /* 'KEY VALUE' */
	ACT_ADD,                /* a list's 'KEY VALUE' */
	ACT_REMOVE,             /* a list's 'no KEY VALUE' */
	ACT_BLOCK,              /* 'KEY', then lines up to 'quit' */
	ACT_PROMPT,             /* a secret's 'KEY' alone: it needs a value */
};

/*
 * The language as a tree of words, made once from the schema: one tree
 * for the top level and one for each section. A node is a keyword, a
 * setting's value (checked by its type) or an instance number.
 */
struct fnode {
	char *word;                     /* a keyword; NULL: a value */
	const struct setting *value;    /* a setting's value */
	const struct section *num;      /* an instance number of num */
	enum act act;
	const struct section *sec;      /* ACT_ENTER, ACT_DELETE */
	const struct setting *set;      /* the setting acted on */
	struct fnode **kids;
	size_t nkids;
};

struct lang {
	struct fnode *top;
	struct fnode *sect[SECT_N];
};

/* The outcome of matching a line's words against a tree. */
enum rstatus {
	RS_OK = 0,
	RS_INVALID,             /* a word fits nothing here */
	RS_AMBIGUOUS,
	RS_BADVALUE,            /* a value its type refuses */
	RS_INCOMPLETE,
};

struct rmatch {
	enum rstatus st;
	size_t bad;             /* the word at fault */
	const struct fnode *node;
	char *canon;            /* the setting value's canonical text */
	size_t value_at;        /* the word of the value, or NOCOL */
	const char *num;        /* the instance number's word */
	size_t num_at;
	char err[DIAG_SZ];
	char warn[DIAG_SZ];
	size_t warn_at;
};

/* The trees, made at first use and kept, like the schema they mirror. */
const struct lang *lang_get(void);

/*
 * Match words [0, end) of t under root: at each word an exact keyword
 * wins, then a unique prefix of one, then a value its type accepts.
 * Returns ENOMEM only; the outcome is in m (rmatch_reset frees it).
 */
int  lang_match(struct rmatch *m, const struct fnode *root,
		const struct toks *t, size_t end);
void rmatch_reset(struct rmatch *m);

#endif
