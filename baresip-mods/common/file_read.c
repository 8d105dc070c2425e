/*
 * Reading a small file whole (see file_read.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "file_read.h"

int sipsh_file_read(const char *path, char *buf, size_t sz, size_t *lenp)
{
	ssize_t n;
	int fd, err;

	if (!path || !buf || sz < 2 || !lenp)
		return EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	n = read(fd, buf, sz - 1);
	err = n < 0 ? errno : 0;
	(void)close(fd);
	if (err)
		return err;
	if (n == 0)
		return ENODATA;

	buf[n] = '\0';
	*lenp = (size_t)n;

	return 0;
}
