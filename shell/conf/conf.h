/*
 * A configuration in memory: for each section instance, the canonical
 * text of every setting. Values are always present (a fresh instance
 * holds the defaults), so "is it the default" is a comparison, not a flag,
 * and printing depends only on the effective values.
 */
#ifndef SIPSH_CONF_H
#define SIPSH_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include "schema.h"

#define INST_MAX 16   /* instance numbers 0..INST_MAX-1 */

struct hash;

/*
 * The value of one setting: n canonical strings (n <= 1 unless a list).
 * A long list also keeps its values hashed (idx, conf.c's own), so that
 * adding one is not a walk of all the others.
 */
struct val {
	char **v;
	size_t n;
	struct hash *idx;
};

struct inst {
	const struct section *sec;
	int id;
	struct val *vals;       /* sec->count of them, in schema order */
};

struct cfg {
	struct inst *inst[SECT_N][INST_MAX];   /* NULL: not configured */
};

int  cfg_alloc(struct cfg **cp);
int  cfg_dup(struct cfg **cp, const struct cfg *src);
bool cfg_equal(const struct cfg *a, const struct cfg *b);

struct inst *cfg_inst(const struct cfg *c, enum sect_id sect, int id);
int  cfg_inst_add(struct cfg *c, enum sect_id sect, int id,
		   struct inst **ip);
void cfg_inst_del(struct cfg *c, enum sect_id sect, int id);

const struct val *inst_val(const struct inst *i, const struct setting *s);
bool inst_isdefault(const struct inst *i, const struct setting *s);
int  inst_set(struct inst *i, const struct setting *s, const char *canon);
int  inst_add(struct inst *i, const struct setting *s, const char *canon);
int  inst_remove(struct inst *i, const struct setting *s, const char *canon);
void inst_clear(struct inst *i, const struct setting *s);
int  inst_reset(struct inst *i, const struct setting *s);

/* Typed reads for the code that acts on a configuration. */
const char *cfg_str(const struct cfg *c, enum sect_id sect, int id,
		     const char *key);
long cfg_int(const struct cfg *c, enum sect_id sect, int id,
	      const char *key);
bool cfg_bool(const struct cfg *c, enum sect_id sect, int id,
	       const char *key);

bool val_equal(const struct val *a, const struct val *b);
int  val_set_default(struct val *v, const struct setting *s);
void val_reset(struct val *v);

#endif
