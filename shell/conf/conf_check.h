/*
 * The whole-configuration checks run before every commit: what one
 * setting's type cannot see alone (an account a line names must exist,
 * a TLS account needs a usable TLS setup, ...). Problems refuse the
 * commit; warnings are only said.
 */
#ifndef SIPSH_CONF_CHECK_H
#define SIPSH_CONF_CHECK_H

#include "conf.h"

struct re_printf;

/* Prints one line per problem or warning to pf; counts them. */
int cfg_check(const struct cfg *c, struct re_printf *pf, unsigned *nerrp,
	       unsigned *nwarnp);

#endif
