/*
 * The values our modules use, read from baresip's config. Defaults live
 * only in sipsh's schema and sipsh's generator writes every key a module
 * needs, so a missing key means a config the module was not made for:
 * the module refuses to load, and the log line names the key. A module
 * that takes its keys again while baresip runs (conf_reload.h) reads the
 * newly written file with the _of variants, which say why a value is
 * refused instead of logging it.
 */
#ifndef SIPSH_CONF_NEED_H
#define SIPSH_CONF_NEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf;

/*
 * Each returns 0 with the value, or logs "MOD: no 'KEY' in the baresip
 * config: not loading" (or why the value is not one) and returns ENOENT
 * or EINVAL. A string longer than sz - 1 bytes is refused, not cut.
 */
int sipsh_conf_str(const char *mod, const char *key, char *buf, size_t sz);
int sipsh_conf_u32(const char *mod, const char *key, uint32_t *valp);
/* yes/no, on/off, true/false, 1/0, enable/disable. */
int sipsh_conf_bool(const char *mod, const char *key, bool *valp);

/*
 * The same from the configuration conf. why NULL: the reason is logged
 * as above; else it is written there ("no 'KEY' in the new config") and
 * nothing is logged.
 */
int sipsh_conf_str_of(const struct conf *conf, const char *mod,
		      const char *key, char *buf, size_t sz,
		      char *why, size_t whysz);
int sipsh_conf_u32_of(const struct conf *conf, const char *mod,
		      const char *key, uint32_t *valp,
		      char *why, size_t whysz);
int sipsh_conf_bool_of(const struct conf *conf, const char *mod,
		       const char *key, bool *valp,
		       char *why, size_t whysz);

/* conf_get_str() as libre does it (a value longer than sz - 1 bytes is
 * cut), without libre's regular expression over the whole file for every
 * key: for the optional keys a module reads itself. */
int sipsh_conf_get_str(const struct conf *conf, const char *key, char *buf,
		       size_t sz);

/* A module's own refusal of a value, said as those above say theirs. */
void sipsh_conf_refuse(char *why, size_t whysz, const char *fmt, ...);

#endif
