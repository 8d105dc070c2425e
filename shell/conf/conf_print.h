/*
 * Printing a configuration in the shell's own command language. The file
 * writer and 'show running-config' are this one printer with different
 * flags, so the file and the screen can never disagree.
 */
#ifndef SIPSH_CONF_PRINT_H
#define SIPSH_CONF_PRINT_H

#include "conf.h"
#include "words.h"

struct re_printf;

enum print_flags {
	PR_ALL     = 1 << 0,   /* defaults too ('show running-config all') */
	PR_SECRETS = 1 << 1,   /* real secrets (the file); else masked */
};

#define SECRET_MASK "********"

/* Which part to print: everything, or one section instance. */
struct print_sel {
	int sect;              /* -1: all sections */
	int id;                /* -1: every instance of the section */
};

int cfg_print(struct re_printf *pf, const struct cfg *c, unsigned flags,
	       const struct print_sel *sel);
int inst_print(struct re_printf *pf, const struct inst *i, unsigned flags);
int setting_print(struct re_printf *pf, const struct inst *i,
		  const struct setting *s, unsigned flags);

bool text_is_mask(const char *text);

/* The same selection as JSON (conf_json.c). */
int cfg_json(struct re_printf *pf, const struct cfg *c,
	     const struct print_sel *sel);

#endif
