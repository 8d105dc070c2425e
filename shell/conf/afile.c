/*
 * The atomic writer (see afile.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "re_base.h"
#include "sidefile.h"
#include "afile.h"

int afile_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}

	return 0;
}

int afile_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (re_snprintf(buf, sizeof(buf), "%s", path) < 0)
		return ENAMETOOLONG;

	for (p = buf + 1; ; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return errno;
		if (end)
			return 0;
		*p = '/';
	}
}

enum { TEMP_TRIES = 100 };

/* Six letters or digits, as mkstemp makes them (store.c knows them). */
static int temp_name(char **namep, const char *prefix)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];
	char suffix[7];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return errno ? errno : EIO;

	for (i = 0; i < sizeof(r); i++)
		suffix[i] = set[r[i] % (sizeof(set) - 1)];
	suffix[6] = '\0';

	return re_sdprintf(namep, "%s%s", prefix, suffix);
}

/* Creates a file of a name no one else has taken in dfd. */
static int temp_create(int dfd, const char *prefix, char **namep, int *fdp)
{
	unsigned i;
	int err = EEXIST;

	for (i = 0; i < TEMP_TRIES && err == EEXIST; i++) {
		char *name = NULL;
		int fd;

		err = temp_name(&name, prefix);
		if (err)
			return err;

		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*namep = name;
			*fdp = fd;
			return 0;
		}
		err = errno;
		mem_deref(name);
	}

	return err;
}

int afile_temp_open(int dfd, const char *prefix, int *fdp, char **namep)
{
	if (dfd < 0 || !prefix || !fdp || !namep)
		return EINVAL;

	return temp_create(dfd, prefix, namep, fdp);
}

int afile_temp_at(int dfd, const char *prefix, mode_t mode, const void *data,
		  size_t len, const struct stat *owner,
		  const struct timespec *mtime, char **namep)
{
	char *name = NULL;
	int fd = -1, err;

	if (dfd < 0 || !prefix || !namep || (!data && len))
		return EINVAL;

	err = temp_create(dfd, prefix, &name, &fd);
	if (err)
		return err;

	/* The mode before any byte of a password is in the file. */
	if (fchmod(fd, mode)) {
		err = errno;
		goto out;
	}
	if (owner && fchown(fd, owner->st_uid, owner->st_gid)) {
		err = errno;
		goto out;
	}
	err = afile_write_all(fd, data ? data : "", len);
	if (err)
		goto out;
	if (mtime) {
		struct timespec ts[2] = {{0, UTIME_OMIT}, *mtime};

		if (futimens(fd, ts)) {
			err = errno;
			goto out;
		}
	}
	if (fsync(fd)) {
		err = errno;
		goto out;
	}

	/* A delayed write error may only show at close. */
	err = close(fd) ? errno : 0;
	fd = -1;
	if (err)
		goto out;

	*namep = name;
	name = NULL;

 out:
	if (fd >= 0)
		(void)close(fd);
	if (name) {
		(void)unlinkat(dfd, name, 0);
		mem_deref(name);
	}
	return err;
}

static int file_replace(const char *path, mode_t mode,
			const struct stat *owner, const void *data, size_t len,
			bool durable)
{
	char *prefix = NULL, *tmp = NULL;
	const char *name;
	int dfd = -1, err;

	if (!path || (!data && len))
		return EINVAL;

	err = side_dir_open(path, &dfd, &name);
	if (!err)
		err = re_sdprintf(&prefix, ".%s.", name);
	if (err)
		goto out;

	err = afile_temp_at(dfd, prefix, mode, data, len, owner, NULL, &tmp);
	if (err)
		goto out;

	/* A rename replaces a symlink at name; it never follows it. */
	if (renameat(dfd, tmp, dfd, name)) {
		err = errno;
		(void)unlinkat(dfd, tmp, 0);
		goto out;
	}

	if (durable && fsync(dfd))
		err = errno;

 out:
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(tmp);
	mem_deref(prefix);
	return err;
}

int afile_write(const char *path, mode_t mode, const void *data,
		size_t len)
{
	return file_replace(path, mode, NULL, data, len, true);
}

int afile_replace(const char *path, mode_t mode, const struct stat *owner,
		  const void *data, size_t len)
{
	return file_replace(path, mode, owner, data, len, false);
}
