/*
 * Required keys of baresip's config (see conf_need.h).
 */
#include <stdarg.h>
#include <string.h>
#include "re_base.h"
#include "baresip.h"
#include "conf_line.h"
#include "conf_need.h"

/* The reason for a refusal: logged at load, handed back at a reload. */
void sipsh_conf_refuse(char *why, size_t whysz, const char *fmt, ...)
{
	char line[320];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (why)
		str_ncpy(why, line, whysz);
	else
		warning("%s: not loading\n", line);
}

int sipsh_conf_get_str(const struct conf *conf, const char *key, char *buf,
		       size_t sz)
{
	struct pl pl;
	int err;

	if (!conf || !key || !buf || !sz)
		return EINVAL;

	err = conf_line_get(conf, key, &pl);
	if (err)
		return err;

	return pl_strcpy(&pl, buf, sz);
}

static int need(const struct conf *conf, const char *mod, const char *key,
		struct pl *pl, char *why, size_t whysz)
{
	int err = conf ? conf_line_get(conf, key, pl) : ENOENT;

	if (err || !pl_isset(pl)) {
		sipsh_conf_refuse(why, whysz, "%s: no '%s' in the baresip "
				  "config", mod, key);
		return ENOENT;
	}

	return 0;
}

int sipsh_conf_str_of(const struct conf *conf, const char *mod,
		      const char *key, char *buf, size_t sz,
		      char *why, size_t whysz)
{
	struct pl pl;
	int err;

	err = need(conf, mod, key, &pl, why, whysz);
	if (err)
		return err;

	if (pl.l >= sz) {
		sipsh_conf_refuse(why, whysz, "%s: %s '%r' is longer than "
				  "%zu bytes", mod, key, &pl, sz - 1);
		return EINVAL;
	}

	return pl_strcpy(&pl, buf, sz);
}

int sipsh_conf_u32_of(const struct conf *conf, const char *mod,
		      const char *key, uint32_t *valp,
		      char *why, size_t whysz)
{
	struct pl pl;
	size_t i;
	int err;

	err = need(conf, mod, key, &pl, why, whysz);
	if (err)
		return err;

	for (i = 0; i < pl.l; i++) {
		if (pl.p[i] < '0' || pl.p[i] > '9' || i >= 9) {
			sipsh_conf_refuse(why, whysz, "%s: %s '%r' is not a "
					  "number", mod, key, &pl);
			return EINVAL;
		}
	}

	*valp = pl_u32(&pl);

	return 0;
}

int sipsh_conf_bool_of(const struct conf *conf, const char *mod,
		       const char *key, bool *valp,
		       char *why, size_t whysz)
{
	static const char *const yes[] = {"yes", "on", "true", "1", "enable"};
	static const char *const no[] = {"no", "off", "false", "0",
					 "disable"};
	struct pl pl;
	size_t i;
	int err;

	err = need(conf, mod, key, &pl, why, whysz);
	if (err)
		return err;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!pl_strcasecmp(&pl, yes[i])) {
			*valp = true;
			return 0;
		}
		if (!pl_strcasecmp(&pl, no[i])) {
			*valp = false;
			return 0;
		}
	}

	sipsh_conf_refuse(why, whysz, "%s: %s '%r' is not yes or no", mod,
			  key, &pl);

	return EINVAL;
}

int sipsh_conf_str(const char *mod, const char *key, char *buf, size_t sz)
{
	return sipsh_conf_str_of(conf_cur(), mod, key, buf, sz, NULL, 0);
}

int sipsh_conf_u32(const char *mod, const char *key, uint32_t *valp)
{
	return sipsh_conf_u32_of(conf_cur(), mod, key, valp, NULL, 0);
}

int sipsh_conf_bool(const char *mod, const char *key, bool *valp)
{
	return sipsh_conf_bool_of(conf_cur(), mod, key, valp, NULL, 0);
}
