/*
 * conf_reload: the settings our modules can take while baresip runs,
 * read again from the config file sipsh's generator has just written
 * (common/conf_reload.h does the two steps). conf_check: whether they
 * would take the config sipsh is about to save, written beside it as
 * config.next, asked before the save while calls are up, so that a
 * change the modules would refuse (and so a restart) is known while the
 * commit can still ask. The files are always in the running baresip's
 * own configuration directory: a client names no path, so it cannot make
 * the phone read another file.
 */
#include <string.h>
#include "conf_reload.h"
#include "ctrl.h"

static int reload(struct rep *rp, const char *name, bool check)
{
	char dir[256], path[320];
	char *mods = NULL, *what = NULL;
	int err;

	if (conf_path_get(dir, sizeof(dir)))
		return rep_fail(rp, ENOENT, "baresip's configuration "
				"directory is not known");

	if (re_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return rep_fail(rp, ENAMETOOLONG, "config path too long");

	err = sipsh_reload_run(path, check, &mods, &what, rp->err,
			       sizeof(rp->err));
	if (err) {
		warning("ctrl: %s refused, nothing changed: %s\n",
			check ? "conf_check" : "conf_reload", rp->err);
		return err;
	}

	if (!check)
		info("ctrl: conf_reload: %s\n",
		     what[0] ? what : "nothing changed");

	err = odict_alloc(&rp->data, 4);
	if (!err)
		err = odict_entry_add(rp->data, "modules", ODICT_STRING, mods);
	if (!err && !check)
		err = odict_entry_add(rp->data, "changed", ODICT_STRING, what);

	mem_deref(mods);
	mem_deref(what);
	return err;
}

int cmd_conf_reload(const struct req *rq, struct rep *rp)
{
	(void)rq;

	return reload(rp, "config", false);
}

int cmd_conf_check(const struct req *rq, struct rep *rp)
{
	(void)rq;

	return reload(rp, "config.next", true);
}
