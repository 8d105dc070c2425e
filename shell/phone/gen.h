/*
 * What the files of the generator share (phone_gen.c, gen_account.c,
 * gen_write.c): which of our modules are built, the modules baresip
 * loads, and baresip's limits and paths.
 */
#ifndef SIPSH_GEN_H
#define SIPSH_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"

#define SYS_MODDIR "/usr/lib/baresip/modules"
#define BARESIP_BIN "/usr/bin/baresip"

/* The longest account line baresip 1.0.0 reads whole (its account
 * module reads the file into a 512-byte buffer). */
#define ACCOUNT_LINE_MAX 511

enum { GEN_MODS_MAX = 12 };

/* A module baresip loads, and whether it is one of ours. */
struct mod_use {
	const char *name;
	bool ours;
};

/* A module of ours, when it is built (in phone_moddir()). */
bool gen_have_module(const char *name);
/* Our phoneline module: the lines' hardware. */
bool gen_have_phoneline(void);
/* The modules baresip loads for c, in their order; how many. */
size_t gen_modules_used(const struct cfg *c, struct mod_use *v, size_t max);

#endif
