/*
 * conf_reload: the settings our modules can take while baresip runs,
 * read again from the config file sipsh's generator has just written
 * (common/conf_reload.h does the two steps). The file is always the
 * running baresip's own, in its configuration directory: a client names
 * no path, so it cannot make the phone read another file.
 */
#include <string.h>
#include "conf_reload.h"
#include "ctrl.h"


int cmd_conf_reload(const struct req *rq, struct rep *rp)
{
	char dir[256], path[320];
	char *mods = NULL, *what = NULL;
	int err;

	(void)rq;

	if (conf_path_get(dir, sizeof(dir)))
		return rep_fail(rp, ENOENT, "baresip's configuration "
				"directory is not known");

	if (re_snprintf(path, sizeof(path), "%s/config", dir) < 0)
		return rep_fail(rp, ENAMETOOLONG, "config path too long");

	err = sipsh_reload_run(path, &mods, &what, rp->err, sizeof(rp->err));
	if (err) {
		warning("ctrl: conf_reload refused, nothing changed: %s\n",
			rp->err);
		return err;
	}

	info("ctrl: conf_reload: %s\n", what[0] ? what : "nothing changed");

	err = odict_alloc(&rp->data, 4);
	if (!err)
		err = odict_entry_add(rp->data, "modules", ODICT_STRING, mods);
	if (!err)
		err = odict_entry_add(rp->data, "changed", ODICT_STRING, what);

	mem_deref(mods);
	mem_deref(what);
	return err;
}
