/*
 * What is installed, for 'show version' when the phone is not running to
 * say it itself: the version of /usr/bin/baresip, and our modules. baresip
 * 1.0.0 has no version option that leaves it alone, so its executable is
 * read: it carries its User-Agent, "baresip v1.0.0 (ARCH/OS)", built from
 * the macro that versions it (the modules' load-time pin reads the same).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "phone.h"

#define BARESIP_BIN "/usr/bin/baresip"
#define CHUNK (64 * 1024)
#define OVERLAP 32

static const char tag[] = "baresip v";

/* The version after a tag in buf[0..len), cut short at neither end. */
static bool scan(const char *buf, size_t len, char *ver, size_t sz)
{
	const size_t tl = sizeof(tag) - 1;
	size_t i;

	for (i = 0; i + tl <= len; i++) {
		size_t j = i + tl;

		if (buf[i] != 'b' || memcmp(buf + i, tag, tl))
			continue;

		while (j < len && j - i - tl < 15 &&
		       ((buf[j] >= '0' && buf[j] <= '9') || buf[j] == '.'))
			++j;

		if (j == i + tl || j + 2 > len || buf[j] != ' ' ||
		    buf[j + 1] != '(')
			continue;

		re_snprintf(ver, sz, "%b", buf + i + tl, j - i - tl);
		return true;
	}

	return false;
}

const char *phone_baresip_bin(void)
{
	return BARESIP_BIN;
}

int phone_baresip_installed(char *ver, size_t sz)
{
	char *buf;
	size_t have = 0;
	unsigned n;
	int fd, err = ENOENT;

	if (!ver || !sz)
		return EINVAL;

	buf = mem_alloc(CHUNK + OVERLAP, NULL);
	if (!buf)
		return ENOMEM;

	fd = open(BARESIP_BIN, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}

	/* Chunks overlap, so a tag cut by a chunk's end is seen whole in
	 * the next; at most 1 GiB is read. */
	for (n = 0; n < 16384; n++) {
		ssize_t r = read(fd, buf + have, CHUNK + OVERLAP - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (scan(buf, have, ver, sz))
				err = 0;
			break;
		}

		have += (size_t)r;
		if (have < CHUNK + OVERLAP)
			continue;
		if (scan(buf, have, ver, sz)) {
			err = 0;
			break;
		}
		memmove(buf, buf + have - OVERLAP, OVERLAP);
		have = OVERLAP;
	}

	close(fd);
 out:
	mem_deref(buf);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool phone_module_ours(const char *name)
{
	char path[512];

	re_snprintf(path, sizeof(path), "%s/%s.so", phone_moddir(), name);
	return access(path, R_OK) == 0;
}

int phone_modules_installed(char *buf, size_t sz)
{
	char *names[32];
	struct dirent *de;
	size_t n = 0, i, o = 0;
	DIR *d;

	if (!buf || !sz)
		return EINVAL;

	buf[0] = '\0';
	d = opendir(phone_moddir());
	if (!d)
		return errno;

	while ((de = readdir(d)) && n < 32) {
		size_t len = strlen(de->d_name);

		if (len > 3 && !strcmp(de->d_name + len - 3, ".so") &&
		    !re_sdprintf(&names[n], "%b", de->d_name, len - 3))
			++n;
	}
	closedir(d);

	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (o < sz)
			o += (size_t)re_snprintf(buf + o, sz - o, "%s%s",
						 i ? " " : "", names[i]);
		mem_deref(names[i]);
	}

	return 0;
}
