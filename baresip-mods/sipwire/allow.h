/*
 * The allowed-proxies decision of sipwire, as pure functions of a
 * received message and the proxy list: proxies.c acts on it, and
 * tests/fuzz/fuzz_invite.c feeds it arbitrary messages and addresses.
 */
#ifndef SIPWIRE_ALLOW_H
#define SIPWIRE_ALLOW_H

#include "re_base.h"

bool allow_applies(const struct sip_msg *msg);
bool allow_src(const struct list *proxyl, const struct sa *src);
bool allow_refuse(const struct list *proxyl, const struct sip_msg *msg);

#endif
