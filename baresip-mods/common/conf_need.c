/*
 * Required keys of baresip's config (see conf_need.h).
 */
#include <string.h>
#include "re_base.h"
#include "baresip.h"
#include "conf_need.h"

static int need(const char *mod, const char *key, struct pl *pl)
{
	int err = conf_get(conf_cur(), key, pl);

	if (err || !pl_isset(pl)) {
		warning("%s: no '%s' in the baresip config: not loading\n",
			mod, key);
		return ENOENT;
	}

	return 0;
}

int sipsh_conf_str(const char *mod, const char *key, char *buf, size_t sz)
{
	struct pl pl;
	int err;

	err = need(mod, key, &pl);
	if (err)
		return err;

	if (pl.l >= sz) {
		warning("%s: %s '%r' is longer than %zu bytes: not loading\n",
			mod, key, &pl, sz - 1);
		return EINVAL;
	}

	return pl_strcpy(&pl, buf, sz);
}

int sipsh_conf_u32(const char *mod, const char *key, uint32_t *valp)
{
	struct pl pl;
	size_t i;
	int err;

	err = need(mod, key, &pl);
	if (err)
		return err;

	for (i = 0; i < pl.l; i++) {
		if (pl.p[i] < '0' || pl.p[i] > '9' || i >= 9) {
			warning("%s: %s '%r' is not a number: not loading\n",
				mod, key, &pl);
			return EINVAL;
		}
	}

	*valp = pl_u32(&pl);

	return 0;
}

int sipsh_conf_bool(const char *mod, const char *key, bool *valp)
{
	static const char *const yes[] = {"yes", "on", "true", "1", "enable"};
	static const char *const no[] = {"no", "off", "false", "0",
					 "disable"};
	struct pl pl;
	size_t i;
	int err;

	err = need(mod, key, &pl);
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

	warning("%s: %s '%r' is not yes or no: not loading\n", mod, key, &pl);

	return EINVAL;
}
