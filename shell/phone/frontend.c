/*
 * The front-ends' common start (see frontend.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "re_base.h"
#include "store.h"
#include "lock.h"
#include "confirm.h"
#include "phone.h"
#include "roles.h"
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

/*
 * The role decides what this front-end reads: nobody else gets anything;
 * a viewer who may not read the file reads its masked rendering (roles.h)
 * instead, which *realp then names. The phone stays the file's.
 */
static int view_open(char **realp, char *errbuf, size_t errsz)
{
	char *vpath = NULL;
	struct stat st;
	int err;

	roles_init(*realp);

	switch (roles_self()) {

	case ROLE_ADMIN:
		return 0;

	case ROLE_VIEW:
		if (!access(*realp, R_OK) || errno == ENOENT)
			return 0;
		break;

	default:
		re_snprintf(errbuf, errsz, "Permission denied: sipsh needs "
			    "the %s or the %s group", roles_admin_group(),
			    roles_view_group());
		return EACCES;
	}

	err = roles_view_path(&vpath, *realp);
	if (err)
		return err;

	if (stat(vpath, &st)) {
		err = errno;
		re_snprintf(errbuf, errsz, "%s: %s", vpath, err == ENOENT ?
			    "no view of the configuration for the group "
			    "yet: an admin's next commit writes it" :
			    strerror(err));
		mem_deref(vpath);
		return err;
	}

	mem_deref(*realp);
	*realp = vpath;

	return 0;
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

	err = view_open(&real, errbuf, errsz);
	if (err)
		goto out;

	/* The commit path's observers, in the order they act: who may
	 * commit (the role, then the file and its lock), the phone, the
	 * pending commit-confirmed rollback. */
	err = roles_commit_register();
	if (!err)
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
