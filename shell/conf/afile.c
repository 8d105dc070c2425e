/*
 * The atomic writer (see afile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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

int afile_temp(const char *tmpl, mode_t mode, const void *data, size_t len,
	       const struct stat *owner, const struct timespec *mtime,
	       char **tmpp)
{
	char *tmp = NULL;
	int fd = -1, err;

	err = str_dup(&tmp, tmpl);
	if (err)
		return err;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		tmp = mem_deref(tmp);
		goto out;
	}

	/* The mode before any byte of a password is in the file. */
	if (fchmod(fd, mode)) {
		err = errno;
		goto out;
	}
	if (owner && fchown(fd, owner->st_uid, owner->st_gid)) {
		err = errno;
		goto out;
	}
	err = afile_write_all(fd, data, len);
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

	*tmpp = tmp;
	tmp = NULL;

 out:
	if (fd >= 0)
		(void)close(fd);
	if (tmp) {
		(void)unlink(tmp);
		mem_deref(tmp);
	}
	return err;
}

int afile_write(const char *path, mode_t mode, const void *data,
		size_t len)
{
	char *dir = NULL, *tmpl = NULL, *tmp = NULL;
	const char *name;
	int dfd = -1, err;

	if (!path || (!data && len))
		return EINVAL;

	err = side_parts(path, &dir, &name);
	if (!err)
		err = re_sdprintf(&tmpl, "%s/.%s.XXXXXX", dir, name);
	if (err)
		goto out;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = errno;
		goto out;
	}

	err = afile_temp(tmpl, mode, data ? data : "", len, NULL, NULL, &tmp);
	if (err)
		goto out;

	if (rename(tmp, path)) {
		err = errno;
		(void)unlink(tmp);
		goto out;
	}

	if (fsync(dfd))
		err = errno;

 out:
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(tmp);
	mem_deref(tmpl);
	mem_deref(dir);
	return err;
}
