/*
 * Whether baresip's newly generated config differs from the one the
 * running phone read in anything it does not take live. Every line of
 * the config comes from the schema or from the phone's environment (its
 * paths, the modules built): a live apply reloads only
 * the module keys the schema marks live (and lines are bound again), so
 * any other difference, whatever made it, needs a restart.
 */
#ifndef SIPSH_CONFIG_DIFF_H
#define SIPSH_CONFIG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Compares the two texts line by line, leaving out comments, blank lines
 * and the keys the running phone takes (the schema's module consumers of
 * class live or line). Returns true, with the first key that differs in
 * key ("dns_server"), when a restart is needed.
 */
bool config_differs(const char *old, size_t oldlen, const char *new,
		    size_t newlen, char *key, size_t keysz);

#endif
