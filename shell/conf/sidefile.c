/*
 * Names and small helpers for the files kept beside the configuration
 * file (see sidefile.h).
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "re_base.h"
#include "sidefile.h"
#include "roles.h"

enum { STEP_MS = 10 };

int side_parts(const char *path, char **dirp, const char **namep)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);

	*namep = slash ? slash + 1 : path;

	if (dlen)
		return re_sdprintf(dirp, "%b", path, dlen);

	return re_sdprintf(dirp, ".");
}

int side_path(char **pp, const char *path, const char *suffix)
{
	const char *name;
	char *dir = NULL;
	int err;

	err = side_parts(path, &dir, &name);
	if (!err)
		err = re_sdprintf(pp, "%s/.%s%s", dir, name, suffix);

	mem_deref(dir);
	return err;
}

void side_owner(int fd, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return;

	if (geteuid() == 0)
		(void)fchown(fd, st.st_uid, st.st_gid);

	/* The side file of a configuration of the admin group is the
	 * group's: every member may take the lock, and see who holds it. */
	if (roles_store_mode(st.st_gid, NULL) != 0600) {
		(void)fchown(fd, (uid_t)-1, st.st_gid);
		(void)fchmod(fd, 0660);
	}
}

int side_abspath(char **pp, const char *path)
{
	char cwd[4096];

	if (path[0] == '/')
		return str_dup(pp, path);

	if (!getcwd(cwd, sizeof(cwd)))
		return errno;

	return re_sdprintf(pp, "%s/%s", cwd, path);
}

void side_user(char *buf, size_t size, uid_t uid)
{
	const struct passwd *pw = getpwuid(uid);

	if (pw && pw->pw_name && *pw->pw_name)
		str_ncpy(buf, pw->pw_name, size);
	else
		(void)re_snprintf(buf, size, "uid %u", (unsigned)uid);
}

void side_time(char *buf, size_t size, time_t t, bool date)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, size, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		      &tm))
		str_ncpy(buf, "?", size);
}

void side_nap(void)
{
	struct timespec ts = {0, STEP_MS * 1000000L};

	(void)nanosleep(&ts, NULL);
}
