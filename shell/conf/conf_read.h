/*
 * Reading a configuration file: its text, in the shell's own language,
 * parsed against the schema. A bad line refuses the whole file, with
 * FILE:LINE:COL and the reason on errpf (stderr when NULL): the caller
 * keeps what it had, never half of the new one.
 */
#ifndef SIPSH_CONF_READ_H
#define SIPSH_CONF_READ_H

#include "conf.h"
#include "store.h"

struct re_printf;

int cfg_load(struct cfg **cp, const char *path, struct store_id *idp,
	      struct re_printf *errpf);
int cfg_parse_text(struct cfg **cp, const char *name, const char *text,
		    struct re_printf *errpf);
/* The same for a text of len bytes, which may hold any byte. */
int cfg_parse_buf(struct cfg **cp, const char *name, const char *text,
		   size_t len, struct re_printf *errpf);

#endif
