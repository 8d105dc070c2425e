/*
 * The Contact user of the line suffix, made and read back as pure
 * functions: suffix.c uses them, and tests/fuzz/fuzz_contact.c checks
 * that one reads back what the other made.
 */
#ifndef PHONELINE_CONTACT_USER_H
#define PHONELINE_CONTACT_USER_H

#include "re_base.h"

int contact_user_make(char **cuserp, const struct pl *user, uint32_t mask);
int contact_user_split(const struct pl *ruser, struct pl *base,
		       uint32_t *maskp);

#endif
