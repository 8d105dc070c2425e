/*
 * The load-time version pin linked into every baresip module of sipsh.
 *
 * libre reports its version through sys_libre_version_get(). baresip
 * 1.0.0 exports no version function at all, so the running baresip is
 * identified by its SIP User-Agent string: main.c passes the literal
 * "baresip v" BARESIP_VERSION " (" ARCH "/" OS ")" to ua_init(), so the
 * executable carries "baresip v1.0.0 (x86_64/linux)" as a constant built
 * from the very macro that versions it (the banner "baresip v%s Copyright"
 * is a format, so it cannot be mistaken for it). We look in the running
 * image itself, its read-only segments as mapped (dl_iterate_phdr names
 * the main program first), and take the first "baresip v<digits and
 * dots> (": each of our seven modules does so at its load, and reading
 * the executable file again (190 KB) cost each a quarter of a million
 * instructions. Only where the segments cannot be had is the executable
 * read through /proc/self/exe, which names the image actually running
 * even if the package was upgraded underneath it, in fixed 64 KiB chunks.
 * A module loaded into any other program finds nothing and refuses as
 * "unknown".
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <unistd.h>
#include "baresip.h"
#include "version_check.h"

enum {
	CHUNK   = 64 * 1024,
	OVERLAP = 32,           /* longer than any match we accept */
	VERMAX  = 16,
};

static const char tag[] = "baresip v";

static char running[VERMAX] = "";


/*
 * Looks for tag + version + " (" in buf[0..len). A candidate cut by the end
 * of the buffer is left for the next chunk, which starts with the last
 * OVERLAP bytes of this one. Returns true and fills 'running' on a match.
 */
static bool scan(const char *buf, size_t len, bool last)
{
	const size_t tl = sizeof(tag) - 1;
	const char *hit;
	size_t i;

	/* memmem() jumps from one candidate to the next: every module of
	 * ours scans about 190 KB of baresip's image at its load, and a
	 * byte-by-byte loop made that a million instructions each. */
	for (i = 0; i + tl <= len; i++) {
		size_t j, n = 0;

		hit = memmem(buf + i, len - i, tag, tl);
		if (!hit)
			break;
		i = (size_t)(hit - buf);

		j = i + tl;
		while (j < len && n < VERMAX - 1 &&
		       ((buf[j] >= '0' && buf[j] <= '9') || buf[j] == '.')) {
			++j;
			++n;
		}

		if (j + 2 > len) {
			if (!last && len - i <= OVERLAP)
				return false;  /* seen again in the next chunk */
			continue;
		}

		if (n == 0 || buf[j] != ' ' || buf[j + 1] != '(')
			continue;

		memcpy(running, buf + i + tl, n);
		running[n] = '\0';
		return true;
	}

	return false;
}


/* The main program's read-only segments, searched in their order; the
 * first object dl_iterate_phdr() reports is the program. */
static int phdr_scan(struct dl_phdr_info *info, size_t size, void *arg)
{
	bool *found = arg;
	ElfW(Half) i;

	(void)size;

	for (i = 0; i < info->dlpi_phnum && !*found; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_R) ||
		    (ph->p_flags & (PF_W | PF_X)))
			continue;

		*found = scan((const char *)(info->dlpi_addr + ph->p_vaddr),
			      ph->p_memsz, true);
	}

	return 1;   /* the program only */
}

static void find_running(void)
{
	bool found = false;
	char *buf;
	size_t have = 0;
	int fd;

	str_ncpy(running, "unknown", sizeof(running));

	(void)dl_iterate_phdr(phdr_scan, &found);
	if (found)
		return;

	buf = mem_alloc(CHUNK + OVERLAP, NULL);
	if (!buf)
		return;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;

	for (;;) {
		ssize_t n = read(fd, buf + have, CHUNK + OVERLAP - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			(void)scan(buf, have, true);
			break;
		}

		have += (size_t)n;
		if (have < CHUNK + OVERLAP)
			continue;

		if (scan(buf, have, false))
			break;

		memmove(buf, buf + have - OVERLAP, OVERLAP);
		have = OVERLAP;
	}

	(void)close(fd);

 out:
	mem_deref(buf);
}


const char *sipsh_baresip_running_version(void)
{
	if (!running[0])
		find_running();

	return running;
}


int sipsh_mod_version_check(const char *modname)
{
	const char *re_ver = sys_libre_version_get();
	const char *bs_ver = sipsh_baresip_running_version();

	if (!re_ver)
		re_ver = "unknown";

	if (0 == str_cmp(re_ver, SIPSH_LIBRE_VERSION) &&
	    0 == str_cmp(bs_ver, SIPSH_BARESIP_VERSION))
		return 0;

	warning("%s: built for baresip %s / libre %s, running on baresip %s"
		" / libre %s: not loading\n",
		modname ? modname : "sipsh",
		SIPSH_BARESIP_VERSION, SIPSH_LIBRE_VERSION, bs_ver, re_ver);

	return ENOTSUP;
}
