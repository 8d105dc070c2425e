/*
 * What a change of configuration needs to reach the phone, worked out
 * from the schema rows alone: each changed setting's consumers say
 * whether the shell alone, the control socket, a line, an account or a
 * restart of baresip takes it. The apply side asks this, and reports it
 * ("restart: bind-port changed"); help and the man page print the same
 * classes as a "takes effect" phrase.
 */
#ifndef SIPSH_EFFECT_H
#define SIPSH_EFFECT_H

#include <stdbool.h>
#include <stdint.h>
#include "conf.h"

struct re_printf;

enum change_kind {
	CH_SET = 0,     /* a setting has another value */
	CH_ADDED,       /* the instance exists only in the new configuration */
	CH_REMOVED,     /* the instance exists only in the old one */
};

/* One changed setting (or, added or removed, a whole instance, whose
 * effect is that of its section's presence row). */
struct change {
	struct le le;
	enum change_kind kind;
	const struct setting *s;        /* the row; for CH_ADDED and
					 * CH_REMOVED the presence row */
	int id;                         /* the instance number */
	unsigned classes;               /* enum apply_class bits; 0: it
					 * reaches nothing (a setting with no
					 * effect yet, an instance out of
					 * service before and after) */
};

struct effect {
	bool fresh;             /* nothing was applied before: all is new */
	unsigned classes;       /* enum apply_class bits, of all changes */
	uint32_t accounts;      /* bit N: account N registers again */
	uint32_t lines;         /* bit N: line N is bound again */
	struct list changes;    /* struct change, in schema order */
};

/*
 * The effect of going from old to new; old NULL: the phone has applied
 * nothing yet, which needs a restart. AC_RESTART includes every other
 * class: a restarted phone reads everything again.
 */
int effect_diff(struct effect **ep, const struct cfg *old,
		const struct cfg *new);

/* Whether the change needs this class. */
bool effect_needs(const struct effect *e, enum apply_class cls);

/*
 * Why the change needs cls, for a report: "bind-port changed",
 * "account 2 added, line 1 account changed"; cls 0: the changes that
 * reach nothing ("realm changed"). Up to three, then "and N more".
 */
int effect_why(struct re_printf *pf, const struct effect *e, unsigned cls);

/* One line per class the change needs, the strongest first, then the
 * changes that reach nothing: "restart: bind-port changed". */
int effect_print(struct re_printf *pf, const struct effect *e);

/* The row a consumer's condition names ("transport tls": transport) and
 * the value it wants, pointing into when (NULL: set at all); NULL if
 * the section has no such row. */
const struct setting *when_parse(enum sect_id sect, const char *when,
				 const char **valuep);

/* "shell", "live", "line", "account", "restart". */
const char *apply_class_name(enum apply_class cls);

/* What a change of one class does, for help: "the phone restarts,
 * ending every call". */
int apply_class_print(struct re_printf *pf, enum apply_class cls);

/*
 * When and how a change of setting s takes effect, as one sentence
 * without a final stop, for help and the man page: "on commit; the
 * account registers again, ending its calls; with transport tls, the
 * phone restarts, ending every call".
 */
int setting_effect_print(struct re_printf *pf, const struct setting *s);

#endif
