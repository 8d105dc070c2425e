/*
 * Where the phone's files are, and which configuration file a phone
 * belongs to. A configuration file and the phone it drives must never
 * silently diverge, so two small records tie them together:
 *
 *   .FILE.run-dir        beside the configuration file: the runtime
 *                        directory of the phone last started for it, when
 *                        that is not the built-in one. 'sipsh -C FILE'
 *                        finds its phone by it without SIPSH_RUNDIR.
 *   RUNDIR/conf-file     in the runtime directory: the absolute path of
 *                        the configuration file the phone there was
 *                        generated from. sipsh refuses to generate into,
 *                        apply to or start a runtime directory whose
 *                        running phone belongs to another file.
 *
 * The module directory is found the same way for every sipsh: the one
 * beside a binary run from the build tree (build/baresip-mods next to
 * build/sipsh), else the installed one; and a phone is never started
 * without the modules this sipsh was built with.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "re_base.h"
#include "afile.h"
#include "phone.h"

#ifndef SIPSH_RUNDIR
#define SIPSH_RUNDIR "/run/sipsh"
#endif
#ifndef SIPSH_MODDIR
#define SIPSH_MODDIR "/usr/lib/sipsh/modules"
#endif
/* Our baresip modules this sipsh was built with, blank-separated. */
#ifndef SIPSH_MODULES
#define SIPSH_MODULES "ctrl.so regctl.so"
#endif

/* DIR/.NAME.run-dir, a side file. Not six letters and digits after
 * ".NAME.": the store takes such a name for a dead saver's temp file. */
#define RUNDIR_SUFFIX ".run-dir"
#define OWNER_FILE    "conf-file"

/* The configuration file of this process, absolute; "" when not told. */
static char conf_abs[PATH_MAX];

/* An absolute form of path: resolved when it exists, else its directory
 * resolved and its name kept, else relative to the working directory. */
static int abs_path(char *buf, size_t sz, const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX], cwd[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (realpath(path, real))
		return re_snprintf(buf, sz, "%s", real) < 0 ? ENAMETOOLONG : 0;

	if (slash && slash != path) {
		re_snprintf(dir, sizeof(dir), "%b", path,
			    (size_t)(slash - path));
		if (realpath(dir, real))
			return re_snprintf(buf, sz, "%s%s", real, slash) < 0 ?
				ENAMETOOLONG : 0;
	}

	if (path[0] == '/')
		return re_snprintf(buf, sz, "%s", path) < 0 ? ENAMETOOLONG : 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return errno;

	return re_snprintf(buf, sz, "%s/%s", cwd, path) < 0 ?
		ENAMETOOLONG : 0;
}

int phone_paths_conf(const char *path)
{
	if (!path || !*path) {
		conf_abs[0] = '\0';
		return 0;
	}

	return abs_path(conf_abs, sizeof(conf_abs), path);
}

const char *phone_paths_conf_file(void)
{
	return conf_abs;
}

/* DIR/.NAME.run-dir for the file DIR/NAME, as the other side files. */
static void record_path(char *buf, size_t sz)
{
	const char *slash = strrchr(conf_abs, '/');

	re_snprintf(buf, sz, "%b/.%s" RUNDIR_SUFFIX, conf_abs,
		    (size_t)(slash - conf_abs), slash + 1);
}

/* The first line of a small file, without its newline; 0 or errno. */
static int read_line(const char *path, char *buf, size_t sz)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return errno;

	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';

	return buf[0] ? 0 : ENOENT;
}

/* The runtime directory recorded beside the configuration file. */
static bool recorded_rundir(char *buf, size_t sz)
{
	char path[PATH_MAX];

	if (!conf_abs[0])
		return false;

	record_path(path, sizeof(path));

	/* baresip needs absolute paths: a record is never relative. */
	return !read_line(path, buf, sz) && buf[0] == '/';
}

/* A relative directory of the environment, made absolute against the
 * working directory of its first use: the commit-confirmed guard leaves
 * that directory, and must still find the same phone. */
struct env_cache {
	char value[PATH_MAX];
	char abs[PATH_MAX];
	bool set;
};

static const char *env_path(const char *v, struct env_cache *c)
{
	if (v[0] == '/')
		return v;

	if (!c->set || strcmp(c->value, v)) {
		if (abs_path(c->abs, sizeof(c->abs), v))
			return v;
		str_ncpy(c->value, v, sizeof(c->value));
		c->set = true;
	}

	return c->abs;
}

const char *phone_rundir(void)
{
	static struct env_cache env;
	static char buf[PATH_MAX];
	const char *v = getenv("SIPSH_RUNDIR");

	if (v && *v)
		return env_path(v, &env);

	if (recorded_rundir(buf, sizeof(buf)))
		return buf;

	return SIPSH_RUNDIR;
}

/* The module directory beside the running binary, when it is one of the
 * build tree (build/sipsh and build/baresip-mods/). */
static bool build_moddir(char *buf, size_t sz)
{
	char exe[PATH_MAX];
	char *slash;
	ssize_t n;
	struct stat st;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';

	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';

	if (re_snprintf(buf, sz, "%s/baresip-mods", exe) < 0)
		return false;

	return !stat(buf, &st) && S_ISDIR(st.st_mode);
}

const char *phone_moddir(void)
{
	static struct env_cache env;
	static char buf[PATH_MAX];
	const char *v = getenv("SIPSH_MODDIR");

	if (v && *v)
		return env_path(v, &env);

	if (build_moddir(buf, sizeof(buf)))
		return buf;

	return SIPSH_MODDIR;
}

int phone_modules_check(char *errbuf, size_t errsz)
{
	const char *dir = phone_moddir();
	const char *p = SIPSH_MODULES;
	struct mbuf *missing = mbuf_alloc(64);
	int err = 0;

	if (!missing)
		return ENOMEM;

	while (*p) {
		char path[PATH_MAX];
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			break;

		re_snprintf(path, sizeof(path), "%s/%b", dir, p, len);
		if (access(path, R_OK))
			mbuf_printf(missing, "%s%b", missing->end ? ", " : "",
				    p, len);
		p += len;
	}

	if (missing->end) {
		re_snprintf(errbuf, errsz, "the phone's modules %b are not in "
			    "%s; build them ('make'), install them ('make "
			    "install'), or set SIPSH_MODDIR to their directory",
			    missing->buf, missing->end, dir);
		err = ENOENT;
	}

	mem_deref(missing);
	return err;
}

/* The configuration file the phone in the runtime directory belongs to. */
static bool rundir_owner(char *buf, size_t sz)
{
	char path[PATH_MAX];

	re_snprintf(path, sizeof(path), "%s/" OWNER_FILE, phone_rundir());

	return !read_line(path, buf, sz);
}

int phone_paths_check(char *errbuf, size_t errsz)
{
	struct phone_status st;
	char owner[PATH_MAX];

	if (!conf_abs[0] || !rundir_owner(owner, sizeof(owner)) ||
	    !strcmp(owner, conf_abs))
		return 0;

	/* A stopped phone's directory is free: the next one takes it. */
	if (phone_svc_status(&st) || !st.running)
		return 0;

	re_snprintf(errbuf, errsz, "the phone in %s runs %s, not %s; stop it "
		    "first, or give this file's runtime directory "
		    "(SIPSH_RUNDIR)", phone_rundir(), owner, conf_abs);

	return EBUSY;
}

/* Write a one-line record unless it already says the same. */
static int record_write(const char *path, const char *value)
{
	char old[PATH_MAX], *text = NULL;
	int err;

	if (!read_line(path, old, sizeof(old)) && !strcmp(old, value))
		return 0;

	err = re_sdprintf(&text, "%s\n", value);
	if (!err)
		err = afile_write(path, 0644, text, strlen(text));

	mem_deref(text);
	return err;
}

int phone_paths_claim(char *errbuf, size_t errsz)
{
	char path[PATH_MAX];
	int err;

	err = phone_paths_check(errbuf, errsz);
	if (err || !conf_abs[0])
		return err;

	/* Made as the generator makes it: the record may come first.
	 * Others may pass through it to the control socket (which decides
	 * who may do what) but not list it; what it holds is the phone's
	 * own, in subdirectories and files of their own modes. */
	err = afile_mkdirs(phone_rundir(), 0711);
	if (err) {
		re_snprintf(errbuf, errsz, "cannot create %s: %m",
			    phone_rundir(), err);
		return err;
	}

	re_snprintf(path, sizeof(path), "%s/" OWNER_FILE, phone_rundir());
	err = record_write(path, conf_abs);
	if (err)
		re_snprintf(errbuf, errsz, "cannot write %s: %m", path, err);

	return err;
}

int phone_paths_started(char *errbuf, size_t errsz)
{
	char path[PATH_MAX], rundir[PATH_MAX];
	int err = 0;

	if (!conf_abs[0])
		return 0;

	record_path(path, sizeof(path));
	str_ncpy(rundir, phone_rundir(), sizeof(rundir));

	/* The built-in directory needs no record; an old one would lead
	 * the next sipsh elsewhere. */
	if (!strcmp(rundir, SIPSH_RUNDIR)) {
		if (unlink(path) && errno != ENOENT)
			err = errno;
	}
	else {
		err = record_write(path, rundir);
	}

	if (err)
		re_snprintf(errbuf, errsz, "cannot record the runtime "
			    "directory in %s: %m", path, err);

	return err;
}
