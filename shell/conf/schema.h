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
	const char *presence;   /* the row whose consumers also take the
				 * creation and deletion of an instance */
	const char *off;        /* a yes/no row that takes an instance out
				 * of service: its other rows then reach
				 * nothing */
};

/* An old or alternative word accepted for an enum value. */
struct alias {
	const char *word;       /* what may be typed or found in a file */
	const char *value;      /* the canonical value it stands for */
	const char *warn;       /* NULL: silent; else said when it is used */
};

/* The DNS servers baresip 1.0.0 keeps (its NET_MAX_NS). */
#define DNS_SERVERS_MAX 4

enum setting_flags {
	SF_LIST     = 1 << 0,   /* several values, one line each */
	SF_REQUIRED = 1 << 1,   /* the section is incomplete without it */
	SF_NO_EFFECT = 1 << 2,  /* stored and shown, but nothing reads it yet:
				 * such a row has no consumer, and the checks
				 * warn when it is set */
	SF_REF      = 1 << 3,   /* numbers an instance of the section its
				 * key names (a line's "account") */
};

/*
 * How a change of a setting reaches the phone, from the least disruptive
 * to the most. A set of them is a bit mask of these values.
 */
enum apply_class {
	AC_SHELL   = 1 << 0,    /* the shell alone reads it; the phone is
				 * not touched */
	AC_LIVE    = 1 << 1,    /* the running phone takes it through the
				 * control socket, without a restart */
	AC_LINE    = 1 << 2,    /* the phone line is bound again */
	AC_ACCOUNT = 1 << 3,    /* the account registers again (ua_del +
				 * ua_add through the control socket) */
	AC_RESTART = 1 << 4,    /* baresip restarts: sockets, ports, modules,
				 * TLS and every module key are read only at
				 * its start */
};

/* What reads a setting. */
enum consumer_kind {
	CK_END = 0,     /* ends a row's list of consumers */
	CK_CONFIG,      /* a key of baresip itself in the generated config */
	CK_MODULE,      /* a key one of our modules reads from that config */
	CK_ACCOUNT,     /* a part of the generated account line: "aor" (the
			 * address, and the whole line for a section's
			 * presence) or a parameter's name */
	CK_SHELL,       /* the shell itself; the key says where */
};

/*
 * One consumer of a setting and how a change reaches it. 'when' limits it
 * to instances where another setting of the same instance, in the
 * configuration before or after the change, has a value ("KEY VALUE") or
 * is set at all ("KEY"): the TLS host check sees only accounts with
 * transport tls. It is a condition the consumer needs, not one that
 * proves a change reaches it. Consumers of an account row that bind lines
 * (AC_LINE) concern the lines on that account; consumers of a 'sip' row
 * in account lines or lines concern every account or line.
 */
struct consumer {
	enum consumer_kind kind;
	const char *key;        /* "sip_listen", "regint", "prompt" */
	enum apply_class apply;
	const char *when;       /* NULL: always */
	bool verbatim;          /* a config or module key whose value is the
				 * setting's canonical text: the generator
				 * writes it from this row alone */
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
	const struct consumer *uses;   /* CK_END-ended; NULL: SF_NO_EFFECT */
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
/* The apply classes of all its consumers, conditional ones included. */
unsigned setting_classes(const struct setting *s);
/* "config", "module", "account" or "shell". */
const char *consumer_kind_name(enum consumer_kind kind);
/* vt_enum: each value's meaning, in the order of s->enums; or NULL. */
const char *const *setting_enum_help(const struct setting *s);

#endif
