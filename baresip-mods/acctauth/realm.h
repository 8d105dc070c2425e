/*
 * The Realm setting: only digest challenges of the configured realm are
 * answered with an account's credentials (realm.c).
 */
#ifndef ACCTAUTH_REALM_H
#define ACCTAUTH_REALM_H

#include "baresip.h"

/* realm: the only realm answered; NULL or "": any realm, and nothing is
 * hooked. */
int  realm_init(const char *realm);
void realm_close(void);

/* The user agent's registration succeeded, or it is going away. */
void realm_reg_ok(const struct ua *ua);
void realm_forget(const struct ua *ua);

#endif
