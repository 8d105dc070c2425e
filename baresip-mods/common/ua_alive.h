/*
 * Whether a user agent still exists: our modules keep pointers to user
 * agents in timers and call state, and one may have been removed since
 * (the shell's ua_del, baresip's shutdown).
 */
#ifndef SIPSH_UA_ALIVE_H
#define SIPSH_UA_ALIVE_H

#include <stdbool.h>

struct ua;

bool sipsh_ua_alive(const struct ua *ua);

#endif
