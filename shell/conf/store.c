/*
 * The configuration file on disk: atomic saves, the version history kept
 * for rollback, the lock that serialises savers and the content id that
 * refuses a lost update. See store.h for the layout on disk.
 *
 * A save, under the lock:
 *   1. read the current file; refuse (EAGAIN) if it is not what the
 *      caller based its change on;
 *   2. remove what killed savers left: DIR/.NAME.XXXXXX temp files, and
 *      any version that was linked from one but never made current;
 *   3. write DIR/.NAME.XXXXXX (O_EXCL): its mode first, then the text,
 *      fsync;
 *   4. if the current file is not the newest version (first save of an
 *      existing installation, or a hand edit), record it as a version;
 *   5. hard-link the temp file into the history as the next version
 *      (or copy it there), fsync the history directory;
 *   6. rename the temp file over NAME, fsync DIR;
 *   7. prune the history to the STORE_KEEP newest.
 * Since every saver holds the lock from before its temp file exists until
 * after it is renamed or removed, a temp file seen under the lock belongs
 * to a dead saver, which is why step 2 may remove it.
 *
 * Everything a save touches is reached from one descriptor of DIR,
 * checked first (fmode.h: no one else may write it): the lock and the
 * history are opened relative to it with O_NOFOLLOW, temp files are
 * created there with O_EXCL, and renames and links are made within it,
 * so no link planted under one of those names can redirect a write.
 */
#include "re_base.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
/* SHA256_Init() and its kin are deprecated in OpenSSL 3 in favour of the
 * EVP interface, whose first use loads OpenSSL's configuration and its
 * default provider: about 5 million instructions, half of what a sipsh
 * that only reads its file did. The one-shot SHA256() goes through EVP
 * too. The low-level functions hash the same bytes to the same id. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include "afile.h"
#include "fmode.h"
#include "sidefile.h"
#include "store.h"
#include "roles.h"

#define HIST_TMP ".tmp."   /* prefix of a copy being written into history */

/* The names a save works with, derived once from the file's path. */
struct names {
	char *dir;     /* the file's directory: "." when the path has none */
	char *name;    /* the file's last path component */
	char *hist;    /* NAME.history, in DIR */
	char *lock;    /* .NAME.lock, in DIR */
	char *prefix;  /* .NAME. : how the temp files' names begin */
};

static void names_destructor(void *arg)
{
	struct names *nm = arg;

	mem_deref(nm->dir);
	mem_deref(nm->name);
	mem_deref(nm->hist);
	mem_deref(nm->lock);
	mem_deref(nm->prefix);
}

static int names_alloc(struct names **nmp, const char *path)
{
	struct names *nm;
	const char *slash, *name;
	size_t dlen;
	int err;

	if (!nmp || !path || !*path)
		return EINVAL;

	slash = strrchr(path, '/');
	name = slash ? slash + 1 : path;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return EINVAL;

	nm = mem_zalloc(sizeof(*nm), names_destructor);
	if (!nm)
		return ENOMEM;

	/* "/x" lives in "/", not in "". */
	dlen = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if (dlen)
		err = re_sdprintf(&nm->dir, "%b", path, dlen);
	else
		err = re_sdprintf(&nm->dir, ".");
	if (err)
		goto out;

	err = re_sdprintf(&nm->name, "%s", name);
	if (err)
		goto out;
	err = re_sdprintf(&nm->hist, "%s" SIDE_HIST, name);
	if (err)
		goto out;
	err = re_sdprintf(&nm->lock, ".%s" SIDE_LOCK, name);
	if (err)
		goto out;
	err = re_sdprintf(&nm->prefix, ".%s.", name);
	if (err)
		goto out;

	*nmp = nm;
	nm = NULL;

 out:
	mem_deref(nm);
	return err;
}

/* Reads fd to its end into a NUL-terminated mem buffer. */
static int read_all(int fd, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t cap, len = 0;
	char *buf;
	int err = 0;

	if (fstat(fd, &st))
		return errno;

	/* Room for the whole file, the NUL, and the read that sees EOF. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 2 : 4096;
	buf = mem_alloc(cap, NULL);
	if (!buf)
		return ENOMEM;

	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nbuf = mem_realloc(buf, cap * 2);

			if (!nbuf) {
				err = ENOMEM;
				goto out;
			}
			buf = nbuf;
			cap *= 2;
		}

		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}

	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;

 out:
	mem_deref(buf);
	return err;
}

/*
 * Reads path and fstat()s what was read; *existsp false if it is missing.
 * Only a regular file of at most STORE_MAX bytes is read: a FIFO would
 * block, a device never end (O_NONBLOCK keeps the open itself from
 * waiting on a FIFO).
 */
static int read_file(const char *path, char **textp, size_t *lenp,
		     struct stat *stp, bool *existsp)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			return errno;
		*existsp = false;
		return 0;
	}

	if (fstat(fd, stp))
		err = errno;
	else if (!S_ISREG(stp->st_mode))
		err = STORE_ENOTREG;
	else if (stp->st_size > STORE_MAX)
		err = EFBIG;
	else
		err = read_all(fd, textp, lenp);
	if (!err && *lenp > STORE_MAX)
		err = EFBIG;      /* it grew while read */
	if (!err)
		*existsp = true;

	(void)close(fd);
	return err;
}

const char *store_strerror(int err)
{
	if (err == STORE_ENOTREG)
		return "not a regular file (a FIFO, a device or a directory "
			"cannot be the configuration file)";
	if (err == EFBIG)
		return "larger than the 1 MiB a configuration file may be";

	return strerror(err);
}

int store_path(char **outp, const char *path)
{
	struct stat st;
	char *real;
	int err;

	if (!outp || !path)
		return EINVAL;

	if (lstat(path, &st) || !S_ISLNK(st.st_mode))
		return str_dup(outp, path);

	/* A symlink: the file it names is the one saved, atomically, with
	 * its history and side files beside it. */
	real = realpath(path, NULL);
	if (!real)
		return errno == ENOENT ? ENOLINK : errno;

	err = str_dup(outp, real);
	free(real);
	return err;
}

int store_id_calc(const void *data, size_t len, struct store_id *idp)
{
	struct store_id id;
	SHA256_CTX ctx;

	if (!idp || (!data && len))
		return EINVAL;

	if (sizeof(id.b) != SHA256_DIGEST_LENGTH || !SHA256_Init(&ctx) ||
	    !SHA256_Update(&ctx, data ? data : "", len) ||
	    !SHA256_Final(id.b, &ctx))
		return ENOMEM;

	*idp = id;
	return 0;
}

bool store_id_equal(const struct store_id *a, const struct store_id *b)
{
	if (!a || !b)
		return false;

	return !memcmp(a->b, b->b, sizeof(a->b));
}

bool store_id_isnone(const struct store_id *id)
{
	static const struct store_id none;

	return store_id_equal(id, &none);
}

int store_id_print(struct re_printf *pf, const struct store_id *id)
{
	if (!id)
		return 0;

	return re_hprintf(pf, "%w", id->b, (size_t)6);
}

int store_read(const char *path, char **textp, struct store_id *idp)
{
	return store_read_len(path, textp, NULL, idp);
}

int store_read_len(const char *path, char **textp, size_t *lenp,
		   struct store_id *idp)
{
	struct store_id id;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	bool exists;
	int err;

	if (!path || (!textp && !idp) || (lenp && !textp))
		return EINVAL;

	err = read_file(path, &text, &len, &st, &exists);
	if (err)
		goto out;
	if (!exists) {
		err = ENOENT;
		goto out;
	}

	if (idp) {
		err = store_id_calc(text, len, &id);
		if (err)
			goto out;
		*idp = id;
	}

	if (textp) {
		*textp = text;
		text = NULL;
	}
	if (lenp)
		*lenp = len;

 out:
	mem_deref(text);
	return err;
}

int store_id_current(const char *path, struct store_id *idp)
{
	struct store_id id;
	char *text = NULL;
	int err;

	if (!path || !idp)
		return EINVAL;

	err = store_read(path, &text, &id);
	if (err == ENOENT) {
		memset(&id, 0, sizeof(id));
		err = 0;
	}
	if (!err)
		*idp = id;

	mem_deref(text);
	return err;
}

/* A version's file name: six or more digits, the number not zero. */
static bool seq_parse(const char *s, unsigned *seqp)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 9)
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}

	if (i < 6 || !v)
		return false;

	*seqp = (unsigned)v;
	return true;
}

static void seq_name(char *buf, size_t size, unsigned seq)
{
	(void)re_snprintf(buf, size, "%06u", seq);
}

static int ver_cmp(const void *a, const void *b)
{
	const struct store_ver *va = a, *vb = b;

	return va->seq < vb->seq ? 1 : va->seq > vb->seq ? -1 : 0;
}

/* The versions in the history directory histfd (-1: none), newest first. */
static int hist_list(int histfd, struct store_ver **versp, size_t *np)
{
	struct store_ver *vers;
	struct dirent *de;
	size_t n = 0, cap = 16;
	DIR *d = NULL;
	int fd, err = 0;

	vers = mem_zalloc(cap * sizeof(*vers), NULL);
	if (!vers)
		return ENOMEM;

	if (histfd < 0)
		goto done;

	/* fdopendir owns the fd it is given; the caller keeps histfd. */
	fd = fcntl(histfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	d = fdopendir(fd);
	if (!d) {
		err = errno;
		(void)close(fd);
		goto out;
	}
	rewinddir(d);

	while ((errno = 0, de = readdir(d)) != NULL) {
		struct stat st;
		unsigned seq;

		if (!seq_parse(de->d_name, &seq))
			continue;
		if (fstatat(histfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)
		    || !S_ISREG(st.st_mode))
			continue;

		if (n == cap) {
			struct store_ver *nv;

			nv = mem_realloc(vers, 2 * cap * sizeof(*vers));
			if (!nv) {
				err = ENOMEM;
				goto out;
			}
			vers = nv;
			cap *= 2;
		}

		vers[n].seq = seq;
		vers[n].mtime = st.st_mtim.tv_sec;
		vers[n].size = (size_t)st.st_size;
		vers[n].uid = st.st_uid;
		++n;
	}
	if (errno) {
		err = errno;
		goto out;
	}

	qsort(vers, n, sizeof(*vers), ver_cmp);

 done:
	*versp = vers;
	*np = n;
	vers = NULL;

 out:
	if (d)
		(void)closedir(d);
	mem_deref(vers);
	return err;
}

/*
 * Leaves out of a listing the versions that never became current: a
 * version is hard-linked from its saver's temp file until the rename
 * makes that file the configuration, so a version with a second link
 * that is not the configuration file belongs to a save still under way
 * or killed before its rename (the next save removes it).
 */
static void unborn_drop(int histfd, const char *path, struct store_ver *vers,
			size_t *np)
{
	struct stat cur, st;
	bool have_cur = !stat(path, &cur);
	size_t i, k = 0;

	for (i = 0; i < *np; i++) {
		char vname[16];

		seq_name(vname, sizeof(vname), vers[i].seq);
		if (!fstatat(histfd, vname, &st, AT_SYMLINK_NOFOLLOW) &&
		    st.st_nlink > 1 &&
		    !(have_cur && st.st_ino == cur.st_ino &&
		      st.st_dev == cur.st_dev))
			continue;

		vers[k++] = vers[i];
	}

	*np = k;
}

/* Opens the history for reading: never through a symlink. */
static int hist_open_ro(const struct names *nm, int *fdp)
{
	int dfd, fd, err = 0;

	dfd = open(nm->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno;

	fd = openat(dfd, nm->hist, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		err = errno;
	else
		*fdp = fd;

	(void)close(dfd);
	return err;
}

int store_history(const char *path, struct store_ver **versp, size_t *np)
{
	struct names *nm = NULL;
	int histfd = -1, err;

	if (!versp || !np)
		return EINVAL;

	err = names_alloc(&nm, path);
	if (err)
		goto out;

	err = hist_open_ro(nm, &histfd);
	if (err && err != ENOENT)
		goto out;

	err = hist_list(histfd, versp, np);
	if (!err)
		unborn_drop(histfd, path, *versp, np);

 out:
	if (histfd >= 0)
		(void)close(histfd);
	mem_deref(nm);
	return err;
}

int store_version_read(const char *path, unsigned seq, char **textp)
{
	struct names *nm = NULL;
	char vname[16], *text = NULL;
	size_t len;
	int fd = -1, err;

	if (!textp || !seq)
		return EINVAL;

	err = names_alloc(&nm, path);
	if (err)
		goto out;

	err = hist_open_ro(nm, &fd);
	if (err)
		goto out;

	seq_name(vname, sizeof(vname), seq);
	{
		int vfd = openat(fd, vname, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (vfd < 0) {
			err = errno;
			goto out;
		}
		err = read_all(vfd, &text, &len);
		(void)close(vfd);
		if (err)
			goto out;
	}

	/* Its text is handed on as a C string: a NUL byte in it (a version
	 * tampered with) would cut it short, so it is refused whole. */
	if (memchr(text, '\0', len)) {
		err = EBADMSG;
		goto out;
	}

	*textp = text;
	text = NULL;

 out:
	if (fd >= 0)
		(void)close(fd);
	mem_deref(text);
	mem_deref(nm);
	return err;
}

/* Opens and flocks the lock file in dirfd; closing the fd releases it.
 * It is kept from save to save, so it cannot be made with O_EXCL: it is
 * opened without following a link, and only as a file of one link. */
static int lock_take(int dirfd, const struct names *nm, int *fdp)
{
	int fd, err;

	err = side_openat(dirfd, nm->lock, O_RDWR | O_CREAT, FMODE_SIDE, &fd);
	if (err)
		return err;

	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			err = errno;
			(void)close(fd);
			return err;
		}
	}

	*fdp = fd;
	return 0;
}

/* Gives what a root save creates the owner of the file it replaces. */
static int keep_owner(int fd, const struct stat *owner)
{
	if (!owner)
		return 0;

	return fchown(fd, owner->st_uid, owner->st_gid) ? errno : 0;
}

/* Six characters of a mkstemp suffix. */
static bool is_tmp_suffix(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (i >= 6 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
				|| (c >= '0' && c <= '9')))
			return false;
	}

	return i == 6;
}

/* Removes the versions that are hard links of the file st describes. */
static void drop_links(int histfd, const struct stat *st)
{
	struct store_ver *vers = NULL;
	size_t i, n = 0;

	if (hist_list(histfd, &vers, &n))
		return;

	for (i = 0; i < n; i++) {
		char vname[16];
		struct stat vst;

		seq_name(vname, sizeof(vname), vers[i].seq);
		if (!fstatat(histfd, vname, &vst, AT_SYMLINK_NOFOLLOW)
		    && vst.st_ino == st->st_ino && vst.st_dev == st->st_dev)
			(void)unlinkat(histfd, vname, 0);
	}

	mem_deref(vers);
}

/*
 * Removes the temp files "PREFIXxxxxxx" in dfd that killed savers left.
 * One that is also linked into the history (histfd, -1: none) was killed
 * between recording its version and renaming it: that version never
 * became current, so it goes too. Best effort: a leftover is harmless.
 */
static void clean_temps(int dfd, const char *prefix, int histfd)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	DIR *d;
	int fd;

	fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		(void)close(fd);
		return;
	}
	rewinddir(d);

	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (strncmp(de->d_name, prefix, plen)
		    || !is_tmp_suffix(de->d_name + plen))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)
		    || !S_ISREG(st.st_mode))
			continue;

		if (st.st_nlink > 1 && histfd >= 0)
			drop_links(histfd, &st);
		(void)unlinkat(dfd, de->d_name, 0);
	}

	(void)closedir(d);
}

/* The mode of a new history directory: FMODE_HIST, or 0770 for the
 * admin group (roles.h); store_save sets it, and file_mode, for each save. */
static mode_t hist_mode = FMODE_HIST;

#define HIST_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Whether the history open as fd may be written: others cannot. */
static int hist_trusted(int fd)
{
	return fmode_dir_check(fd, "history", false, NULL, 0);
}

/* Opens the history directory in dirfd, creating it if it is missing;
 * a symlink in its place is refused (ELOOP), never followed. */
static int hist_open(int dirfd, const struct names *nm,
		     const struct stat *owner, int *fdp)
{
	int fd, err;

	fd = openat(dirfd, nm->hist, HIST_FLAGS);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(dirfd, nm->hist, hist_mode) && errno != EEXIST)
			return errno;
		fd = openat(dirfd, nm->hist, HIST_FLAGS);
		if (fd >= 0) {
			err = keep_owner(fd, owner);
			if (err) {
				(void)close(fd);
				return err;
			}
		}
	}
	if (fd < 0)
		return errno;

	err = hist_trusted(fd);
	if (err) {
		(void)close(fd);
		return err;
	}

	*fdp = fd;
	return 0;
}

/* The store's files hold SIP passwords: FMODE_CONF, or 0660 when the
 * file belongs to the admin group (roles.h), set before any byte is
 * written. */
static mode_t file_mode = FMODE_CONF;

static int secret_temp(int dfd, const char *prefix, const char *data,
		       size_t len, const struct stat *owner,
		       const struct timespec *mtime, char **tmpp)
{
	return afile_temp_at(dfd, prefix, file_mode, data, len, owner, mtime,
			     tmpp);
}

/* A file or directory of the store shared with the admin group: its
 * group and mode, best effort (only its owner or root can). */
static void share_fix(int fd, const struct stat *cur, mode_t mode)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) || (st.st_uid != geteuid() &&
					  geteuid() != 0))
		return;

	if (st.st_gid != cur->st_gid)
		(void)fchown(fd, (uid_t)-1, cur->st_gid);
	if ((st.st_mode & 07777) != mode)
		(void)fchmod(fd, mode);
}

/*
 * Writes data into the history as version vname, by way of a temp file
 * there, so that a version file is never seen half-written. mtime, if
 * given, is kept: the version then shows when that content was saved.
 */
static int hist_write(int histfd, const char *vname, const char *data,
		      size_t len, const struct stat *owner,
		      const struct timespec *mtime)
{
	char *tmp = NULL;
	int err;

	err = secret_temp(histfd, HIST_TMP, data, len, owner, mtime, &tmp);
	if (err)
		return err;

	if (renameat(histfd, tmp, histfd, vname)) {
		err = errno;
		(void)unlinkat(histfd, tmp, 0);
	}

	mem_deref(tmp);
	return err;
}

/*
 * Whether version newest holds exactly data (cur: the file it came from),
 * in *samep. A version that cannot be read is an error, not a "no": the
 * current content would otherwise be recorded a second time, pushing a
 * real version out of the history.
 */
static int ver_holds(int histfd, unsigned newest, const struct stat *cur,
		     const char *data, size_t len, bool *samep)
{
	char vname[16], *text = NULL;
	struct stat st;
	size_t vlen = 0;
	int fd, err = 0;

	*samep = false;
	seq_name(vname, sizeof(vname), newest);
	fd = openat(histfd, vname, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno;

	/* The usual case: the file is the version's own hard link. */
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	if (st.st_ino == cur->st_ino && st.st_dev == cur->st_dev) {
		*samep = true;
		goto out;
	}
	if ((size_t)st.st_size != len)
		goto out;
	err = read_all(fd, &text, &vlen);
	if (err)
		goto out;

	*samep = vlen == len && !memcmp(text, data, len);

 out:
	(void)close(fd);
	mem_deref(text);
	return err;
}

/*
 * Makes sure the current content (data, from the file cur describes) is
 * the newest version: it is not when the file predates the history or was
 * edited by hand. *seqp is then the newest version's number (0: none).
 */
static int record_current(int histfd, const char *data,
			  size_t len, const struct stat *cur,
			  const struct stat *owner, unsigned *seqp)
{
	struct store_ver *vers = NULL;
	char vname[16];
	unsigned seq;
	size_t n = 0;
	int err;

	err = hist_list(histfd, &vers, &n);
	if (err)
		goto out;

	seq = n ? vers[0].seq : 0;
	if (!data)
		goto done;
	if (n) {
		bool same;

		err = ver_holds(histfd, seq, cur, data, len, &same);
		if (err)
			goto out;
		if (same)
			goto done;
	}

	if (seq == UINT_MAX) {
		err = EOVERFLOW;
		goto out;
	}
	seq_name(vname, sizeof(vname), ++seq);
	err = hist_write(histfd, vname, data, len, owner, &cur->st_mtim);
	if (err)
		goto out;

 done:
	*seqp = seq;

 out:
	mem_deref(vers);
	return err;
}

/* Keeps the STORE_KEEP newest versions. Best effort: the save is done. */
static void hist_prune(int histfd)
{
	struct store_ver *vers = NULL;
	size_t i, n = 0;

	if (hist_list(histfd, &vers, &n))
		return;

	for (i = STORE_KEEP; i < n; i++) {
		char vname[16];

		seq_name(vname, sizeof(vname), vers[i].seq);
		(void)unlinkat(histfd, vname, 0);
	}

	mem_deref(vers);
}

int store_save(const char *path, const char *text, size_t len,
	       const struct store_id *base)
{
	struct names *nm = NULL;
	struct stat cur, group_only;
	const struct stat *owner = NULL;
	char vname[16], *old = NULL, *tmp = NULL;
	size_t old_len = 0;
	bool exists = false, linked = false;
	int dirfd = -1, lockfd = -1, histfd = -1;
	unsigned seq = 0;
	int err;

	if (!path || (!text && len))
		return EINVAL;
	if (!text)
		text = "";

	err = names_alloc(&nm, path);
	if (err)
		goto out;

	dirfd = open(nm->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		err = errno;
		goto out;
	}

	/* The commit path says why in words (side_check); this is the
	 * check that holds for every caller. */
	err = fmode_dir_check(dirfd, nm->dir, true, NULL, 0);
	if (err)
		goto out;

	err = lock_take(dirfd, nm, &lockfd);
	if (err)
		goto out;

	err = read_file(path, &old, &old_len, &cur, &exists);
	if (err)
		goto out;

	if (base) {
		struct store_id id;

		memset(&id, 0, sizeof(id));
		if (exists) {
			err = store_id_calc(old, old_len, &id);
			if (err)
				goto out;
		}
		if (!store_id_equal(&id, base)) {
			err = EAGAIN;
			goto out;
		}
	}

	if (exists && geteuid() == 0) {
		owner = &cur;
		(void)keep_owner(lockfd, owner);
	}

	/* A file of the admin group stays readable by the group, and its
	 * history and lock usable by its members; a member who is not root
	 * gives what it creates the group, the owner being itself. */
	file_mode = exists ? roles_store_mode(cur.st_gid, &hist_mode) :
		FMODE_CONF;
	if (!exists)
		hist_mode = FMODE_HIST;
	if (file_mode != FMODE_CONF) {
		share_fix(lockfd, &cur, FMODE_SIDE_SHARED);
		if (!owner) {
			group_only = cur;
			group_only.st_uid = (uid_t)-1;
			owner = &group_only;
		}
	}

	/* A history that cannot be opened now is reported below, after the
	 * temp file exists, by hist_open: cleaning up is best effort. */
	histfd = openat(dirfd, nm->hist, HIST_FLAGS);
	if (histfd >= 0 && hist_trusted(histfd)) {
		err = EPERM;
		goto out;
	}
	clean_temps(dirfd, nm->prefix, histfd);
	if (histfd >= 0)
		clean_temps(histfd, HIST_TMP, -1);

	err = secret_temp(dirfd, nm->prefix, text, len, owner, NULL, &tmp);
	if (err)
		goto out;

	if (histfd < 0) {
		err = hist_open(dirfd, nm, owner, &histfd);
		if (err)
			goto out;
	}
	if (file_mode != FMODE_CONF)
		share_fix(histfd, &cur, hist_mode);

	err = record_current(histfd, exists ? old : NULL, old_len,
			     &cur, owner, &seq);
	if (err)
		goto out;

	if (seq == UINT_MAX) {
		err = EOVERFLOW;
		goto out;
	}
	seq_name(vname, sizeof(vname), ++seq);
	if (linkat(dirfd, tmp, histfd, vname, 0)) {
		/* No hard links there (another file system, vfat): copy. */
		err = hist_write(histfd, vname, text, len, owner, NULL);
		if (err)
			goto out;
	}
	linked = true;

	if (fsync(histfd)) {
		err = errno;
		goto out;
	}

	if (renameat(dirfd, tmp, dirfd, nm->name)) {
		err = errno;
		goto out;
	}
	tmp = mem_deref(tmp);
	linked = false;

	if (fsync(dirfd)) {
		err = errno;
		goto out;
	}

	hist_prune(histfd);

 out:
	if (linked)
		(void)unlinkat(histfd, vname, 0);
	if (tmp) {
		(void)unlinkat(dirfd, tmp, 0);
		mem_deref(tmp);
	}
	if (histfd >= 0)
		(void)close(histfd);
	if (dirfd >= 0)
		(void)close(dirfd);
	if (lockfd >= 0)
		(void)close(lockfd);   /* releases the lock, last */
	mem_deref(old);
	mem_deref(nm);
	return err;
}
