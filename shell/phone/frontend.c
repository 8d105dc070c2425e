/*
 * The front-ends' common start (see frontend.h).
 */
#include <errno.h>
#include <stdlib.h>
#include "re_base.h"
#include "store.h"
#include "lock.h"
#include "confirm.h"
#include "phone.h"
#include "frontend.h"

const char *frontend_conf(const char *opt)
{
	const char *env = getenv("SIPSH_CONF");

	if (opt)
		return opt;
	if (env && *env)
		return env;

	return SIPSH_SYSCONFDIR "/sipsh/sipsh.conf";
}

int frontend_open(char **realp, const char *opt, char *errbuf, size_t errsz)
{
	const char *path = frontend_conf(opt);
	char *real = NULL;
	int err;

	/* A symlink is followed: the file it names is read and saved. */
	err = store_path(&real, path);
	if (err) {
		re_snprintf(errbuf, errsz, "%s: %s", path, err == ENOLINK ?
			    "a symlink to a file that does not exist" :
			    store_strerror(err));
		return err;
	}

	/* The file decides which phone it drives. */
	err = phone_paths_conf(real);
	if (err) {
		re_snprintf(errbuf, errsz, "%s: cannot make the path "
			    "absolute: %m", path, err);
		goto out;
	}

	/* The commit path's observers, in the order they act: who may
	 * commit, the phone, the pending commit-confirmed rollback. */
	err = lock_commit_register();
	if (!err)
		err = phone_commit_register();
	if (!err)
		err = confirm_commit_register();
	if (err) {
		re_snprintf(errbuf, errsz, "cannot set up the commit path: %m",
			    err);
		goto out;
	}

 out:
	if (err)
		mem_deref(real);
	else
		*realp = real;

	return err;
}
