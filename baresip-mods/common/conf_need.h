/*
 * The values our modules use, read from baresip's config. Defaults live
 * only in sipsh's schema and sipsh's generator writes every key a module
 * needs, so a missing key means a config the module was not made for:
 * the module refuses to load, and the log line names the key.
 */
#ifndef SIPSH_CONF_NEED_H
#define SIPSH_CONF_NEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each returns 0 with the value, or logs "MOD: no 'KEY' in the baresip
 * config: not loading" (or why the value is not one) and returns ENOENT
 * or EINVAL. A string longer than sz - 1 bytes is refused, not cut.
 */
int sipsh_conf_str(const char *mod, const char *key, char *buf, size_t sz);
int sipsh_conf_u32(const char *mod, const char *key, uint32_t *valp);
/* yes/no, on/off, true/false, 1/0, enable/disable. */
int sipsh_conf_bool(const char *mod, const char *key, bool *valp);

#endif
