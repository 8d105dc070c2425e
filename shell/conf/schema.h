/*
 * The schema: one row for every setting sipsh knows. The parser, the
 * checks, 'show', the file writer, completion, help, the menu and the man
 * page all read these rows; a setting is added here and nowhere else.
 */
#ifndef SIPSH_SCHEMA_H
#define SIPSH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "vtype.h"

enum sect_id {
	SECT_SIP = 0,
	SECT_ACCOUNT,
	SECT_LINE,
	SECT_PHONE,
	SECT_SYSTEM,
	SECT_N
};

/* A section of the file: 'sip' once, 'account N', 'line N'. */
struct section {
	enum sect_id id;
	const char *name;       /* the command word, "account" */
	const char *label;      /* a title for the menu and the man page */
	const char *help;       /* for '?' */
	bool singleton;         /* always present, no number */
	int min, max;           /* instance numbers when not a singleton */
	size_t first, count;    /* its rows in schema[] (filled at start) */
};

/* An old or alternative word accepted for an enum value. */
struct alias {
	const char *word;       /* what may be typed or found in a file */
	const char *value;      /* the canonical value it stands for */
	const char *warn;       /* NULL: silent; else said when it is used */
};

enum setting_flags {
	SF_LIST     = 1 << 0,   /* several values, one line each */
	SF_REQUIRED = 1 << 1,   /* the section is incomplete without it */
	SF_REF      = 1 << 2,   /* numbers an instance of the section its
				 * key names (a line's "account") */
};

struct setting {
	enum sect_id sect;
	const char *key;        /* the command words, "diffserv sip" */
	const char *label;      /* as the Advanced SIP view names it */
	const struct vtype *type;
	const char *def;        /* canonical default; lists: blank-separated */
	const char *help;       /* one line, for '?' */
	long min, max;          /* numeric range, or length bounds of text */
	const char *const *enums;      /* vt_enum: the values, NULL-ended */
	const struct alias *aliases;   /* vt_enum: other words, NULL-ended */
	unsigned flags;
	const char *doc;        /* what it does, for the man page and menu */
};

/* A help line for a word that groups several settings ("diffserv"). */
struct group_word {
	enum sect_id sect;
	const char *word;
	const char *help;
};

extern const struct setting schema[];
extern const size_t schema_n;
extern const struct group_word schema_groups[];

const struct section *section_get(enum sect_id id);
const struct section *section_find(const char *name);
const struct setting *schema_find(enum sect_id sect, const char *key);
size_t setting_index(const struct setting *s); /* index within its section */
bool setting_islist(const struct setting *s);
/* vt_enum: each value's meaning, in the order of s->enums; or NULL. */
const char *const *setting_enum_help(const struct setting *s);

#endif
