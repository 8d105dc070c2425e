/*
 * Names and small helpers for the files kept beside the configuration
 * file (see sidefile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include "re_base.h"
#include "fmode.h"
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

void side_owner_of(const char *path, struct stat *own)
{
	struct stat st;

	own->st_uid = (uid_t)-1;
	own->st_gid = (gid_t)-1;
	own->st_mode = FMODE_SIDE;

	if (stat(path, &st))
		return;

	if (geteuid() == 0) {
		own->st_uid = st.st_uid;
		own->st_gid = st.st_gid;
	}

	/* The side file of a configuration of the admin group is the
	 * group's: every member may take the lock, and see who holds it. */
	if (roles_store_mode(st.st_gid, NULL) != 0600) {
		own->st_gid = st.st_gid;
		own->st_mode = FMODE_SIDE_SHARED;
	}
}

void side_owner(int fd, const char *path)
{
	struct stat own;

	side_owner_of(path, &own);
	(void)fchown(fd, own.st_uid, own.st_gid);
	if (own.st_mode != FMODE_SIDE)
		(void)fchmod(fd, own.st_mode);
}

int side_dir_open(const char *path, int *dfdp, const char **namep)
{
	const char *name;
	char *dir = NULL;
	int fd, err;

	err = side_parts(path, &dir, &name);
	if (err)
		return err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	mem_deref(dir);
	if (!err) {
		*dfdp = fd;
		if (namep)
			*namep = name;
	}

	return err;
}

int side_openat(int dfd, const char *name, int flags, mode_t mode,
		int *fdp)
{
	struct stat st;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO planted here must not hold the open. */
	fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		    mode);
	if (fd < 0)
		return errno;

	if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = ENODEV;
	else if (st.st_nlink != 1)
		err = EMLINK;
	if (err) {
		(void)close(fd);
		return err;
	}

	*fdp = fd;
	return 0;
}

int side_open(const char *path, const char *suffix, int flags, int *fdp)
{
	const char *name;
	char *side = NULL;
	int dfd = -1, fd = -1, err;

	err = side_dir_open(path, &dfd, &name);
	if (!err)
		err = re_sdprintf(&side, ".%s%s", name, suffix);
	if (err)
		goto out;

	err = side_openat(dfd, side, flags, FMODE_SIDE, &fd);
	if (err)
		goto out;

	if (flags & O_CREAT)
		side_owner(fd, path);
	*fdp = fd;

 out:
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(side);
	return err;
}

/* What is wrong with what stands at name in dfd (dir/name), if anything;
 * the history (want_dir) must be a directory others cannot write. */
static int planted(int dfd, const char *dir, const char *name, bool want_dir,
		   char *why, size_t size)
{
	const char *sep = strcmp(dir, "/") ? "/" : "";
	struct stat st;
	char sub[PATH_MAX];
	int fd, err;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : errno;

	if (S_ISLNK(st.st_mode)) {
		(void)re_snprintf(why, size, "%s%s%s is a symlink, which sipsh "
				  "never follows beside the configuration "
				  "file: remove it", dir, sep, name);
		return ELOOP;
	}
	if (want_dir) {
		if (!S_ISDIR(st.st_mode)) {
			(void)re_snprintf(why, size, "%s%s%s is not a "
					  "directory: remove it", dir, sep,
					  name);
			return ENOTDIR;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0)
			return errno;
		(void)re_snprintf(sub, sizeof(sub), "%s%s%s", dir, sep, name);
		err = fmode_dir_check(fd, sub, false, why, size);
		(void)close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)re_snprintf(why, size, "%s%s%s is not a regular file: "
				  "remove it", dir, sep, name);
		return ENODEV;
	}
	if (st.st_nlink != 1) {
		(void)re_snprintf(why, size, "%s%s%s has another hard link, "
				  "which could be a file outside: remove it",
				  dir, sep, name);
		return EMLINK;
	}

	return 0;
}

int side_check(const char *path, char *why, size_t size)
{
	static const char *const sides[] = {
		SIDE_LOCK, SIDE_EXCL, SIDE_CONFIRM, SIDE_LAST
	};
	const char *name;
	char *dir = NULL, *side = NULL;
	size_t i;
	int dfd = -1, err;

	if (!path || !why || !size)
		return EINVAL;
	why[0] = '\0';

	err = side_parts(path, &dir, &name);
	if (err)
		return err;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = errno;
		goto out;
	}

	err = fmode_dir_check(dfd, dir, true, why, size);
	if (err)
		goto out;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]) && !err; i++) {
		side = mem_deref(side);
		err = re_sdprintf(&side, ".%s%s", name, sides[i]);
		if (!err)
			err = planted(dfd, dir, side, false, why, size);
	}
	if (err)
		goto out;

	side = mem_deref(side);
	err = re_sdprintf(&side, "%s" SIDE_HIST, name);
	if (!err)
		err = planted(dfd, dir, side, true, why, size);

 out:
	if (err && !why[0])
		(void)re_snprintf(why, size, "%s: %m", dir, err);
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(side);
	mem_deref(dir);
	return err;
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
