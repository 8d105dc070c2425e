/*
 * Transactions around the configuration file: who may configure and
 * commit, and the commands that undo, compare and list saved versions.
 * Several shells may edit one file; the store (store.c) already refuses a
 * commit based on a stale read. What this file adds:
 *
 *   DIR/.NAME.excl     'configure exclusive': flock(LOCK_EX) held on an fd
 *                      of the session process, so the kernel drops it when
 *                      the process ends however it ends. The file says who
 *                      holds it ("PID SINCE USER"), for the refusals.
 *   DIR/.NAME.confirm  'commit confirmed': "PID DEADLINE SEQ STATE" of the
 *                      guard process that restores version SEQ at DEADLINE.
 *                      The guard holds flock(LOCK_EX) on it while it runs,
 *                      so a live lock proves the PID is still that guard.
 *
 * The guard is detached (fork, setsid, fork) so it outlives the session,
 * and keeps no descriptor of the shell: a terminal, a pipe reading the
 * shell's output or the exclusive lock would otherwise stay open with it.
 * It restores with the confirmed version's id as base, so it never undoes
 * a commit made after that one.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "session.h"
#include "conf_print.h"
#include "store.h"
#include "txn.h"

#define EXCL_SUFFIX     ".excl"
#define CONFIRM_SUFFIX  ".confirm"

enum {
	WAIT_MS = 5000,         /* longest wait for a guard to start or stop */
	STEP_MS = 10,
	WHO_SIZE = 192,
};

/* A session's transaction state, s->txn. */
struct txn {
	int excl_fd;            /* the flock'ed DIR/.NAME.excl, or -1 */
	bool confirming;        /* inside 'commit confirmed': its own commit */
};

/* What DIR/.NAME.confirm says. */
struct pending {
	long pid;
	time_t deadline;
	unsigned seq;           /* the version the guard restores */
	char state[16];         /* pending, rolled-back, superseded, failed */
	bool alive;             /* its guard still runs */
};

/* Everything the guard process needs, prepared before it is forked. */
struct guard {
	char *path;             /* absolute: the guard leaves the cwd */
	char *state;            /* DIR/.NAME.confirm, absolute */
	char *text;             /* the version to restore */
	size_t len;
	unsigned seq;
	struct store_id base;   /* the confirmed version's id */
	time_t deadline;        /* wall clock, for messages */
	struct timespec wake;   /* CLOCK_MONOTONIC, for sleeping */
	uid_t owner;            /* root: who owns the state file */
	gid_t group;
	bool chown;
};

static void nap(void)
{
	struct timespec ts = {0, STEP_MS * 1000000L};

	(void)nanosleep(&ts, NULL);
}

/* The file's directory ("." when the path has none) and its name. */
static int path_parts(const char *path, char **dirp, const char **namep)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);

	*namep = slash ? slash + 1 : path;

	if (dlen)
		return re_sdprintf(dirp, "%b", path, dlen);

	return re_sdprintf(dirp, ".");
}

/* DIR/.NAME plus suffix, beside the store's own DIR/.NAME.lock. */
static int side_path(char **pp, const char *path, const char *suffix)
{
	const char *name;
	char *dir = NULL;
	int err;

	err = path_parts(path, &dir, &name);
	if (!err)
		err = re_sdprintf(pp, "%s/.%s%s", dir, name, suffix);

	mem_deref(dir);
	return err;
}

static void user_name(char *buf, size_t size, uid_t uid)
{
	const struct passwd *pw = getpwuid(uid);

	if (pw && pw->pw_name && *pw->pw_name)
		str_ncpy(buf, pw->pw_name, size);
	else
		(void)re_snprintf(buf, size, "uid %u", (unsigned)uid);
}

static void time_text(char *buf, size_t size, time_t t, bool date)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, size, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		      &tm))
		str_ncpy(buf, "?", size);
}

static struct txn *txn_get(struct session *s)
{
	struct txn *t;

	if (s->txn)
		return s->txn;

	t = mem_zalloc(sizeof(*t), NULL);
	if (!t)
		return NULL;

	t->excl_fd = -1;
	s->txn = t;

	return t;
}

/* Gives a side file made by root the owner of the configuration file. */
static void side_owner(int fd, const char *path)
{
	struct stat st;

	if (geteuid() != 0 || stat(path, &st))
		return;

	(void)fchown(fd, st.st_uid, st.st_gid);
}

/*
 * 0 when this user may replace the file: write the file (if it exists)
 * and create files in its directory, as the atomic save does. Else the
 * errno, and *badp (mem string) names what is not writable.
 */
static int write_access(const char *path, char **badp)
{
	const char *name;
	char *dir = NULL;
	int err;

	if (access(path, W_OK) && errno != ENOENT) {
		err = errno;
		if (str_dup(badp, path))
			*badp = NULL;
		return err;
	}

	err = path_parts(path, &dir, &name);
	if (err)
		return err;

	if (!access(dir, W_OK | X_OK)) {
		mem_deref(dir);
		return 0;
	}

	err = errno;
	*badp = dir;
	return err;
}

static int refuse_unwritable(struct session *s, const char *what,
			     bool commit)
{
	char user[64], *bad = NULL;
	int err;

	err = write_access(s->path, &bad);
	if (!err)
		return 0;

	user_name(user, sizeof(user), getuid());
	sess_error(s, NOCOL, "%s refused: %s is not writable by user %s (%m)"
		   "; %s", what, bad ? bad : s->path, user, err,
		   commit ? "nothing was saved" : "show commands still work");
	mem_deref(bad);

	return commit ? EXIT_FILE : EXIT_CMD;
}

/* --- The exclusive lock --------------------------------------------- */

static int excl_open(const char *path, bool create, int *fdp)
{
	char *lp = NULL;
	int fd, err;

	err = side_path(&lp, path, EXCL_SUFFIX);
	if (err)
		return err;

	if (create)
		fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	else
		fd = open(lp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	err = fd < 0 ? errno : 0;
	mem_deref(lp);

	if (err)
		return err;

	if (create)
		side_owner(fd, path);

	*fdp = fd;
	return 0;
}

/* Records who holds the lock just taken on fd. */
static void holder_write(int fd)
{
	char buf[128], user[64];
	int n;

	user_name(user, sizeof(user), getuid());
	n = re_snprintf(buf, sizeof(buf), "%ld %lld %s\n", (long)getpid(),
			(long long)time(NULL), user);
	if (n <= 0 || ftruncate(fd, 0))
		return;

	(void)!pwrite(fd, buf, (size_t)n, 0);
}

/* Who holds the lock on fd, as "user U (pid P) since DATE". */
static void holder_describe(int fd, char *who, size_t size)
{
	unsigned i;

	/* The holder writes just after taking the lock: give it a moment. */
	for (i = 0; i < 50; i++) {
		char text[160], when[32], *end;
		ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
		long pid;
		long long since;

		if (n > 0) {
			text[n] = '\0';
			pid = strtol(text, &end, 10);
			since = strtoll(end, &end, 10);
			end += strspn(end, " ");
			end[strcspn(end, "\r\n")] = '\0';
			if (pid > 0 && *end) {
				time_text(when, sizeof(when), (time_t)since,
					  true);
				(void)re_snprintf(who, size, "user %s (pid %ld) "
						  "since %s", end, pid, when);
				return;
			}
		}

		nap();
	}

	str_ncpy(who, "another session, which has not said who it is", size);
}

/*
 * Whether a process other than this session holds the exclusive lock;
 * *heldp, and who in who[].
 */
static int excl_other(struct session *s, bool *heldp, char *who,
		      size_t size)
{
	const struct txn *t = s->txn;
	int fd = -1, err;

	*heldp = false;
	if (t && t->excl_fd >= 0)
		return 0;

	err = excl_open(s->path, false, &fd);
	if (err == ENOENT)
		return 0;
	if (err)
		return err;

	if (!flock(fd, LOCK_SH | LOCK_NB)) {
		(void)flock(fd, LOCK_UN);
	}
	else if (errno == EWOULDBLOCK) {
		holder_describe(fd, who, size);
		*heldp = true;
	}
	else {
		err = errno;
	}

	(void)close(fd);
	return err;
}

/* 0, or a refusal printed (what: "Configure", "Commit"). */
static int refuse_locked(struct session *s, const char *what, bool commit)
{
	char who[WHO_SIZE];
	bool held;
	int err;

	err = excl_other(s, &held, who, sizeof(who));
	if (err) {
		sess_error(s, NOCOL, "%s refused: cannot tell whether another "
			   "session holds the configuration exclusively: %m",
			   what, err);
		return commit ? EXIT_CONFLICT : EXIT_CMD;
	}
	if (!held)
		return 0;

	sess_error(s, NOCOL, "%s refused: the configuration is locked "
		   "exclusively by %s%s", what, who,
		   commit ? "; nothing was saved" : "");

	return commit ? EXIT_CONFLICT : EXIT_CMD;
}

static int excl_take(struct session *s)
{
	struct txn *t = txn_get(s);
	char who[WHO_SIZE];
	int fd = -1, err;

	if (!t) {
		sess_error(s, NOCOL, "Configure refused: out of memory");
		return EXIT_CMD;
	}
	if (t->excl_fd >= 0)
		return 0;

	err = excl_open(s->path, true, &fd);
	if (err) {
		sess_error(s, NOCOL, "Configure refused: cannot open the lock "
			   "file beside %s: %m", s->path, err);
		return EXIT_CMD;
	}

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno;
		if (err == EWOULDBLOCK) {
			holder_describe(fd, who, sizeof(who));
			sess_error(s, NOCOL, "Configure refused: the "
				   "configuration is locked exclusively by %s",
				   who);
		}
		else {
			sess_error(s, NOCOL, "Configure refused: cannot lock "
				   "%s: %m", s->path, err);
		}
		(void)close(fd);
		return EXIT_CMD;
	}

	holder_write(fd);
	t->excl_fd = fd;

	return 0;
}

int txn_configure(struct session *s, bool exclusive)
{
	int err;

	if (!s)
		return EXIT_CMD;

	err = refuse_unwritable(s, "Configure", false);
	if (err)
		return err;

	if (exclusive)
		return excl_take(s);

	return refuse_locked(s, "Configure", false);
}

void txn_leave(struct session *s)
{
	struct txn *t = s ? s->txn : NULL;

	if (!t || t->excl_fd < 0)
		return;

	/* Say nobody holds it, then let go. */
	(void)ftruncate(t->excl_fd, 0);
	(void)close(t->excl_fd);
	t->excl_fd = -1;
}

int txn_may_commit(struct session *s)
{
	int err;

	if (!s)
		return EXIT_CMD;

	err = refuse_unwritable(s, "Commit", true);
	if (err)
		return err;

	return refuse_locked(s, "Commit", true);
}

/* --- Commit confirmed: the guard process ---------------------------- */

static bool pending_parse(int fd, struct pending *pd)
{
	char text[128], *p, *end;
	ssize_t n;
	long long dl;
	unsigned long seq;
	size_t len;

	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return false;
	text[n] = '\0';

	pd->pid = strtol(text, &end, 10);
	p = end;
	dl = strtoll(p, &end, 10);
	if (end == p)
		return false;
	p = end;
	seq = strtoul(p, &end, 10);
	if (end == p || pd->pid <= 1)
		return false;

	p = end + strspn(end, " ");
	len = strcspn(p, " \r\n");
	if (!len || len >= sizeof(pd->state))
		return false;

	pd->deadline = (time_t)dl;
	pd->seq = (unsigned)seq;
	memcpy(pd->state, p, len);
	pd->state[len] = '\0';

	return true;
}

static bool pending_is(const struct pending *pd, const char *state)
{
	return !strcmp(pd->state, state);
}

/* Reads the state without touching the guard; ENOENT when there is none. */
static int pending_peek(const char *path, struct pending *pd)
{
	char *sp = NULL;
	int fd, err;

	memset(pd, 0, sizeof(*pd));

	err = side_path(&sp, path, CONFIRM_SUFFIX);
	if (err)
		return err;

	fd = open(sp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	mem_deref(sp);
	if (fd < 0)
		return errno;

	if (flock(fd, LOCK_SH | LOCK_NB))
		pd->alive = errno == EWOULDBLOCK;
	else
		(void)flock(fd, LOCK_UN);

	err = pending_parse(fd, pd) ? 0 : ENOENT;
	(void)close(fd);

	return err;
}

/*
 * Stops the guard of a pending 'commit confirmed' and removes its state;
 * *pd says what the guard had done (it may have rolled back already) and
 * whether it was still running. ENOENT: there was none.
 */
static int guard_stop(const char *path, struct pending *pd)
{
	struct stat st;
	char *sp = NULL;
	unsigned i;
	bool known;
	int fd = -1, err;

	memset(pd, 0, sizeof(*pd));

	err = side_path(&sp, path, CONFIRM_SUFFIX);
	if (err)
		return err;

	fd = open(sp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = errno;
		goto out;
	}

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			err = errno;
			goto out;
		}

		/* A live guard: it wrote its state right after locking. */
		for (i = 0; i < 50 && !pending_parse(fd, pd); i++)
			nap();
		if (pd->pid <= 1) {
			err = EBADMSG;
			goto out;
		}

		/* The lock proves the pid is still the guard's. */
		pd->alive = true;
		if (kill((pid_t)pd->pid, SIGTERM)) {
			err = errno;
			goto out;
		}

		for (i = 0; i < WAIT_MS / STEP_MS; i++) {
			if (!flock(fd, LOCK_EX | LOCK_NB))
				break;
			nap();
		}
		if (i == WAIT_MS / STEP_MS) {
			err = ETIMEDOUT;
			goto out;
		}
	}

	/* What it wrote last: it may have been rolling back. */
	known = pending_parse(fd, pd);

	/* Removed meanwhile by another confirm: nothing left to do. */
	if (fstat(fd, &st) || st.st_nlink == 0) {
		err = ENOENT;
		goto out;
	}

	(void)unlink(sp);
	if (!known)
		err = ENOENT;

 out:
	if (fd >= 0)
		(void)close(fd);
	mem_deref(sp);
	return err;
}

static void guard_state(int fd, const struct guard *g, const char *state)
{
	char buf[96];
	int n;

	n = re_snprintf(buf, sizeof(buf), "%ld %lld %u %s\n", (long)getpid(),
			(long long)g->deadline, g->seq, state);
	if (n <= 0 || ftruncate(fd, 0))
		return;

	(void)!pwrite(fd, buf, (size_t)n, 0);
	(void)fsync(fd);
}

/* Lets go of everything inherited from the shell. */
static void guard_detach(int keep)
{
	static const int deflt[] = {SIGTERM, SIGINT, SIGQUIT, SIGPIPE,
				     SIGALRM, SIGCHLD, SIGWINCH, SIGTSTP,
				     SIGTTIN, SIGTTOU, SIGCONT, SIGUSR1,
				     SIGUSR2};
	struct sigaction sa;
	sigset_t none;
	size_t i;
	long max;
	int fd, null;

	/* fd 3 is kept; everything above it goes. */
	if (keep != 3 && dup2(keep, 3) < 0)
		_exit(1);
	if (close_range(4, ~0U, 0)) {
		max = sysconf(_SC_OPEN_MAX);
		for (fd = 4; fd < max && fd < 65536; fd++)
			(void)close(fd);
	}

	null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(1);
	(void)dup2(null, 0);
	(void)dup2(null, 1);
	(void)dup2(null, 2);
	(void)close(null);

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof(deflt) / sizeof(deflt[0]); i++)
		(void)sigaction(deflt[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGHUP, &sa, NULL);

	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);

	umask(077);
	(void)!chdir("/");
}

/* The guard: waits for the deadline, then restores. Never returns. */
static void guard_run(const struct guard *g, int ready)
{
	sigset_t stop;
	unsigned char rc;
	const char *state;
	unsigned i;
	int fd, err;

	guard_detach(ready);
	ready = 3;

	fd = open(g->state, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = (unsigned char)errno;
		(void)!write(ready, &rc, 1);
		_exit(1);
	}
	for (i = 0; i < WAIT_MS / STEP_MS && flock(fd, LOCK_EX | LOCK_NB);
	     i++)
		nap();
	if (i == WAIT_MS / STEP_MS) {
		rc = EWOULDBLOCK;
		(void)!write(ready, &rc, 1);
		_exit(1);
	}
	if (g->chown)
		(void)fchown(fd, g->owner, g->group);
	guard_state(fd, g, "pending");

	rc = 0;
	(void)!write(ready, &rc, 1);
	(void)close(ready);

	for (;;) {
		err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &g->wake,
				      NULL);
		if (err != EINTR)
			break;
	}

	/* From here on, 'commit confirm' waits for the outcome instead. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGQUIT);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);

	err = store_save(g->path, g->text, g->len, &g->base);
	state = !err ? "rolled-back" : err == EAGAIN ? "superseded" :
		"failed";
	guard_state(fd, g, state);

	openlog("sipsh", LOG_PID, LOG_USER);
	if (!err)
		syslog(LOG_WARNING, "%s: commit not confirmed in time; "
		       "restored saved version %u", g->path, g->seq);
	else if (err == EAGAIN)
		syslog(LOG_NOTICE, "%s: commit not confirmed, but changed "
		       "since by another commit; not rolled back", g->path);
	else
		syslog(LOG_ERR, "%s: rollback of an unconfirmed commit "
		       "failed: %s", g->path, strerror(err));
	closelog();

	_exit(0);
}

/* Forks the detached guard and waits until it holds its state file. */
static int guard_start(const struct guard *g)
{
	struct pollfd pfd;
	unsigned char rc = 0;
	pid_t pid;
	int p[2], status, err = 0;

	if (pipe2(p, O_CLOEXEC))
		return errno;

	(void)fflush(stdout);
	(void)fflush(stderr);

	pid = fork();
	if (pid < 0) {
		err = errno;
		(void)close(p[0]);
		(void)close(p[1]);
		return err;
	}
	if (pid == 0) {
		pid_t g2;

		(void)close(p[0]);
		(void)setsid();
		g2 = fork();
		if (g2)
			_exit(g2 < 0 ? 1 : 0);
		guard_run(g, p[1]);
	}

	(void)close(p[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		err = ECHILD;
		goto out;
	}

	pfd.fd = p[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, WAIT_MS) <= 0) {
		err = ETIMEDOUT;
		goto out;
	}
	if (read(p[0], &rc, 1) != 1)
		err = ECHILD;
	else if (rc)
		err = rc;

 out:
	(void)close(p[0]);
	return err;
}

static void guard_destructor(void *arg)
{
	struct guard *g = arg;

	mem_deref(g->path);
	mem_deref(g->state);
	mem_deref(g->text);
}

static int abs_path(char **pp, const char *path)
{
	char cwd[4096];

	if (path[0] == '/')
		return str_dup(pp, path);

	if (!getcwd(cwd, sizeof(cwd)))
		return errno;

	return re_sdprintf(pp, "%s/%s", cwd, path);
}

/* The id of what sess_commit saved: the same printer, the same bytes. */
static int saved_id(const struct cfg *c, struct store_id *idp)
{
	struct re_printf pf;
	struct mbuf *mb = mbuf_alloc(4096);
	int err;

	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = cfg_print(&pf, c, PR_SECRETS, NULL);
	if (!err)
		err = store_id_calc(mb->buf, mb->end, idp);

	mem_deref(mb);
	return err;
}

/*
 * Sets g->seq and g->text to the version to restore: the one before the
 * commit just made (history[1]), or 'chain', the version an earlier
 * unconfirmed commit would have restored. EALREADY: the commit just made
 * is no longer the newest version.
 */
static int guard_target(struct guard *g, unsigned chain)
{
	struct store_ver *vers = NULL;
	struct store_id id;
	char *text = NULL;
	size_t n = 0;
	int err;

	err = store_history(g->path, &vers, &n);
	if (err)
		goto out;
	if (n < 2) {
		err = ENOENT;
		goto out;
	}

	err = store_version_read(g->path, vers[0].seq, &text);
	if (!err)
		err = store_id_calc(text, strlen(text), &id);
	if (err)
		goto out;
	if (!store_id_equal(&id, &g->base)) {
		err = EALREADY;
		goto out;
	}
	text = mem_deref(text);

	if (chain && !store_version_read(g->path, chain, &text)) {
		g->seq = chain;
	}
	else {
		err = store_version_read(g->path, vers[1].seq, &text);
		if (err)
			goto out;
		g->seq = vers[1].seq;
	}

	g->text = text;
	g->len = strlen(text);
	text = NULL;

 out:
	mem_deref(text);
	mem_deref(vers);
	return err;
}

/* Replaces any earlier guard with one for the commit just made. */
static int confirmed_arm(struct session *s, long secs, unsigned chain)
{
	struct guard *g;
	struct pending pd;
	struct stat st;
	char when[32];
	int err;

	g = mem_zalloc(sizeof(*g), guard_destructor);
	if (!g)
		return ENOMEM;

	err = abs_path(&g->path, s->path);
	if (!err)
		err = side_path(&g->state, g->path, CONFIRM_SUFFIX);
	if (!err)
		err = saved_id(s->running, &g->base);
	if (err)
		goto out;

	err = guard_target(g, chain);
	if (err == EALREADY) {
		sess_warn(s, NOCOL, "another session committed right after "
			  "this one; no rollback is set up");
		err = 0;
		goto out;
	}
	if (err)
		goto out;

	if (geteuid() == 0 && !stat(g->path, &st)) {
		g->chown = true;
		g->owner = st.st_uid;
		g->group = st.st_gid;
	}

	if (clock_gettime(CLOCK_MONOTONIC, &g->wake)) {
		err = errno;
		goto out;
	}
	g->wake.tv_sec += secs;
	g->deadline = time(NULL) + secs;

	/* The earlier guard's version would be superseded anyway. */
	(void)guard_stop(g->path, &pd);

	err = guard_start(g);
	if (err)
		goto out;

	time_text(when, sizeof(when), g->deadline, false);
	sess_printf(s, "%% Commit confirmed: rolling back at %s unless "
		    "'commit confirm' is given\n", when);

 out:
	mem_deref(g);
	return err;
}

void txn_committed(struct session *s)
{
	const struct txn *t = s ? s->txn : NULL;
	struct pending pd;

	if (!s || (t && t->confirming))
		return;

	/* A plain commit replaces the version a guard would undo. */
	if (!guard_stop(s->path, &pd) && pd.alive && pending_is(&pd, "pending"))
		sess_printf(s, "%% The rollback pending from 'commit "
			    "confirmed' is cancelled: this commit replaces "
			    "that version\n");
}

/* --- Commands -------------------------------------------------------- */

/* A new candidate: the section mode stays if its instance is still there. */
static void cand_replace(struct session *s, struct cfg *cf)
{
	mem_deref(s->cand);
	s->cand = cf;

	if (s->mode >= MODE_SECT && !sess_inst(s))
		s->mode = MODE_CONFIG;
}

static int h_configure_exclusive(struct session *s, const struct cmdctx *c)
{
	int err;

	(void)c;

	err = txn_configure(s, true);
	if (err)
		return err;

	if (s->cand)
		return 0;

	err = sess_configure(s);
	if (err) {
		txn_leave(s);
		sess_error(s, NOCOL, "Cannot enter configure mode: %m", err);
		return EXIT_CMD;
	}

	return 0;
}

/* cfg_check into a buffer: the number of errors and warnings. */
static int check_run(const struct cfg *cf, struct mbuf **mbp,
		     unsigned *nerrp, unsigned *nwarnp)
{
	struct re_printf pf;
	struct mbuf *mb = mbuf_alloc(256);
	int err;

	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = cfg_check(cf, &pf, nerrp, nwarnp);
	if (err) {
		mem_deref(mb);
		return err;
	}

	*mbp = mb;
	return 0;
}

static int h_commit_check(struct session *s, const struct cmdctx *c)
{
	const struct cfg *cf = s->cand ? s->cand : s->running;
	struct mbuf *mb = NULL;
	struct store_id cur;
	unsigned nerr = 0, nwarn = 0;
	int err;

	(void)c;

	err = check_run(cf, &mb, &nerr, &nwarn);
	if (err) {
		sess_error(s, NOCOL, "Cannot check the configuration: %m",
			   err);
		return EXIT_CMD;
	}

	if (nerr) {
		sess_error(s, NOCOL, "The configuration has %u problem%s:\n%b",
			   nerr, nerr == 1 ? "" : "s", mb->buf, mb->end);
		mem_deref(mb);
		return EXIT_CHECK;
	}

	if (nwarn)
		sess_printf(s, "%% Configuration is valid, with %u warning%s:"
			    "\n%b", nwarn, nwarn == 1 ? "" : "s", mb->buf,
			    mb->end);
	else
		sess_printf(s, "%% Configuration is valid\n");
	mem_deref(mb);

	/* Valid, but a commit would still be refused: say so now. */
	if (!store_id_current(s->path, &cur) &&
	    !store_id_equal(&cur, &s->base))
		sess_warn(s, NOCOL, "%s was changed by another session since "
			  "this one read it; 'commit' would be refused "
			  "('discard' re-reads it)", s->path);

	return 0;
}

static int h_commit_confirmed(struct session *s, const struct cmdctx *c)
{
	struct txn *t = txn_get(s);
	const char *num = ctx_value(c, 0);
	long secs = num ? atol(num) : 0;
	struct pending pd;
	unsigned chain = 0;
	int err;

	if (!ctx_word(c, "seconds"))
		secs *= 60;

	if (!t) {
		sess_error(s, NOCOL, "Commit refused: out of memory");
		return EXIT_CMD;
	}

	if (!sess_dirty(s)) {
		sess_printf(s, "%% No changes to commit\n");
		return 0;
	}

	if (store_id_isnone(&s->base)) {
		sess_error(s, NOCOL, "Commit confirmed needs a saved "
			   "configuration to return to, and %s does not exist "
			   "yet: use 'commit' for the first save", s->path);
		return EXIT_CMD;
	}

	/* Still unconfirmed: the rollback goes back to the last good one. */
	if (!pending_peek(s->path, &pd) && pd.alive &&
	    pending_is(&pd, "pending"))
		chain = pd.seq;

	t->confirming = true;
	err = sess_commit(s);
	t->confirming = false;
	if (err)
		return err;

	err = confirmed_arm(s, secs, chain);
	if (err) {
		sess_error(s, NOCOL, "The commit is saved, but its automatic "
			   "rollback could not be set up: %m", err);
		return EXIT_CMD;
	}

	return 0;
}

static int h_confirm(struct session *s, const struct cmdctx *c)
{
	struct pending pd;
	char when[32];
	int err;

	(void)c;

	err = guard_stop(s->path, &pd);
	if (err == ENOENT) {
		sess_error(s, NOCOL, "No commit is waiting for confirmation");
		return EXIT_CMD;
	}
	if (err == EPERM) {
		sess_error(s, NOCOL, "Cannot confirm: the rollback guard (pid "
			   "%ld) belongs to another user", pd.pid);
		return EXIT_CMD;
	}
	if (err) {
		sess_error(s, NOCOL, "Cannot confirm: %m", err);
		return EXIT_CMD;
	}

	time_text(when, sizeof(when), pd.deadline, false);

	if (pending_is(&pd, "pending")) {
		if (pd.alive)
			sess_printf(s, "%% Commit confirmed\n");
		else
			sess_printf(s, "%% Commit confirmed (its rollback "
				    "guard, pid %ld, had stopped without "
				    "rolling back)\n", pd.pid);
		return 0;
	}
	if (pending_is(&pd, "superseded")) {
		sess_printf(s, "%% Nothing to confirm: a later commit had "
			    "replaced that version, so it was not rolled "
			    "back at %s\n", when);
		return 0;
	}
	if (pending_is(&pd, "rolled-back")) {
		sess_error(s, NOCOL, "Too late: the commit was rolled back at "
			   "%s to the version saved before it", when);
		return EXIT_CMD;
	}

	sess_error(s, NOCOL, "The rollback due at %s failed; the unconfirmed "
		   "commit is still in place", when);
	return EXIT_CMD;
}

static int h_discard(struct session *s, const struct cmdctx *c)
{
	struct store_id before = s->base;
	struct cfg *cf = NULL;
	bool dirty = sess_dirty(s);
	int err;

	(void)c;

	/* From what is saved now, so a refused commit can be redone. */
	err = sess_reload(s);
	if (err)
		sess_warn(s, NOCOL, "cannot re-read %s (%m); back to the "
			  "configuration as read before", s->path, err);

	err = cfg_dup(&cf, s->running);
	if (err) {
		sess_error(s, NOCOL, "Cannot discard: %m", err);
		return EXIT_CMD;
	}

	cand_replace(s, cf);

	sess_printf(s, "%% %s\n", dirty ? "Staged changes discarded" :
		    "No staged changes");
	if (!store_id_equal(&before, &s->base))
		sess_printf(s, "%% %s was re-read: another session had "
			    "changed it\n", s->path);

	return 0;
}

static int h_rollback(struct session *s, const struct cmdctx *c)
{
	struct store_ver *vers = NULL;
	const char *num = ctx_value(c, 0);
	unsigned long nth = num ? strtoul(num, NULL, 10) : 0;
	char *text = NULL, *name = NULL, when[32], user[64];
	struct cfg *cf = NULL;
	size_t n = 0;
	int err;

	err = store_history(s->path, &vers, &n);
	if (err) {
		sess_error(s, NOCOL, "Cannot list the saved versions of %s: "
			   "%m", s->path, err);
		err = EXIT_CMD;
		goto out;
	}
	if (nth >= n) {
		if (n)
			sess_error(s, NOCOL, "Version %lu is not kept: the "
				   "history holds rollback 0 to %zu", nth,
				   n - 1);
		else
			sess_error(s, NOCOL, "Version %lu is not kept: %s has "
				   "no saved versions yet", nth, s->path);
		err = EXIT_CMD;
		goto out;
	}

	err = store_version_read(s->path, vers[nth].seq, &text);
	if (!err)
		err = re_sdprintf(&name, "%s.history/%06u", s->path,
				  vers[nth].seq);
	if (err) {
		sess_error(s, NOCOL, "Cannot read version %lu: %m", nth, err);
		err = EXIT_CMD;
		goto out;
	}

	err = cfg_parse_text(&cf, name, text, NULL);
	if (err) {
		sess_error(s, NOCOL, "Version %lu cannot be loaded (%s does "
			   "not parse); nothing was changed", nth, name);
		err = EXIT_CMD;
		goto out;
	}

	cand_replace(s, cf);
	cf = NULL;

	time_text(when, sizeof(when), vers[nth].mtime, true);
	user_name(user, sizeof(user), vers[nth].uid);
	if (sess_dirty(s))
		sess_printf(s, "%% Version %lu (saved %s by %s) loaded; "
			    "'show configuration diff' shows the change, "
			    "'commit' applies it\n", nth, when, user);
	else
		sess_printf(s, "%% Version %lu (saved %s by %s) loaded; it is "
			    "the running configuration, nothing to commit\n",
			    nth, when, user);

 out:
	mem_deref(cf);
	mem_deref(name);
	mem_deref(text);
	mem_deref(vers);
	return err;
}

static int h_show_history(struct session *s, const struct cmdctx *c)
{
	struct store_ver *vers = NULL;
	struct store_id cur, id;
	struct pending pd;
	size_t i, n = 0;
	int err;

	(void)c;

	err = store_history(s->path, &vers, &n);
	if (err) {
		sess_error(s, NOCOL, "Cannot list the saved versions of %s: "
			   "%m", s->path, err);
		return EXIT_CMD;
	}
	if (!n) {
		sess_printf(s, "%% %s has no saved versions yet\n", s->path);
		goto out;
	}
	if (store_id_current(s->path, &cur))
		memset(&cur, 0, sizeof(cur));

	sess_printf(s, "Rollback  Saved                User          Bytes\n");
	for (i = 0; i < n && !err; i++) {
		char when[32], user[64], *text = NULL;
		bool current = false;

		if (!store_version_read(s->path, vers[i].seq, &text) &&
		    !store_id_calc(text, strlen(text), &id))
			current = store_id_equal(&id, &cur);
		mem_deref(text);

		time_text(when, sizeof(when), vers[i].mtime, true);
		user_name(user, sizeof(user), vers[i].uid);
		err = sess_printf(s, "%8zu  %s  %-12s %6zu%s\n", i, when,
				  user, vers[i].size,
				  current ? "  (current)" : "");
	}

	if (!err && !pending_peek(s->path, &pd) && pd.alive &&
	    pending_is(&pd, "pending")) {
		char when[32];

		time_text(when, sizeof(when), pd.deadline, false);
		for (i = 0; i < n && vers[i].seq != pd.seq; i++)
			;
		if (i < n)
			sess_printf(s, "%% Commit confirmed pending: rollback "
				    "%zu is restored at %s unless confirmed\n",
				    i, when);
		else
			sess_printf(s, "%% Commit confirmed pending: the "
				    "rollback is due at %s unless confirmed\n",
				    when);
	}

 out:
	mem_deref(vers);
	return err ? EXIT_CMD : 0;
}

/* Prints the lines of mb, each marked '-' or '+' in front. */
static int marked_print(struct session *s, char mark, const struct mbuf *mb)
{
	const char *p = (const char *)mb->buf, *end = p + mb->end;
	int err = 0;

	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		err = sess_printf(s, "%c%s%b\n", mark,
				  n && *p == ' ' ? "" : " ", p, n);
		p += n + (nl ? 1 : 0);
	}

	return err;
}

typedef int (print_h)(struct re_printf *pf, const void *obj,
		      const void *what);

static int set_pr(struct re_printf *pf, const void *obj, const void *what)
{
	return setting_print(pf, obj, what, PR_ALL);
}

static int inst_pr(struct re_printf *pf, const void *obj, const void *what)
{
	(void)what;

	return inst_print(pf, obj, 0);
}

/* Prints through ph into a buffer, then marked. Never real secrets. */
static int mark_print(struct session *s, char mark, print_h *ph,
		      const void *obj, const void *what)
{
	struct re_printf pf;
	struct mbuf *mb = mbuf_alloc(256);
	int err;

	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = ph(&pf, obj, what);
	if (!err)
		err = marked_print(s, mark, mb);

	mem_deref(mb);
	return err;
}

/* The settings of one instance present on both sides that differ. */
static int inst_diff(struct session *s, const struct inst *a,
		     const struct inst *b)
{
	const struct section *sec = a->sec;
	bool head = false;
	size_t k;
	int err = 0;

	for (k = 0; k < sec->count && !err; k++) {
		const struct setting *st = &schema[sec->first + k];

		if (val_equal(&a->vals[k], &b->vals[k]))
			continue;

		if (!head) {
			head = true;
			if (sec->singleton)
				err = sess_printf(s, "%s\n", sec->name);
			else
				err = sess_printf(s, "%s %d\n", sec->name,
						  a->id);
		}

		if (!err)
			err = mark_print(s, '-', set_pr, a, st);
		if (!err)
			err = mark_print(s, '+', set_pr, b, st);
	}

	if (head && !err)
		err = sess_printf(s, "!\n");

	return err;
}

static int h_show_diff(struct session *s, const struct cmdctx *c)
{
	int sect, n, err = 0;

	(void)c;

	if (!sess_dirty(s)) {
		sess_printf(s, "%% No staged changes\n");
		return 0;
	}

	for (sect = 0; sect < SECT_N && !err; sect++) {
		for (n = 0; n < INST_MAX && !err; n++) {
			const struct inst *a = s->running->inst[sect][n];
			const struct inst *b = s->cand->inst[sect][n];

			if (a && b)
				err = inst_diff(s, a, b);
			else if (a)
				err = mark_print(s, '-', inst_pr, a, NULL);
			else if (b)
				err = mark_print(s, '+', inst_pr, b, NULL);
		}
	}

	return err ? EXIT_CMD : 0;
}

static int h_show_startup(struct session *s, const struct cmdctx *c)
{
	struct cfg *cf = NULL;
	int err;

	(void)c;

	/* Read now: another session's commit shows at once. */
	err = cfg_load(&cf, s->path, NULL, NULL);
	if (err == ENOENT) {
		sess_error(s, NOCOL, "No startup configuration: %s does not "
			   "exist yet", s->path);
		return EXIT_FILE;
	}
	if (err) {
		sess_error(s, NOCOL, "Cannot load %s: %m", s->path, err);
		return EXIT_FILE;
	}

	err = cfg_print(s->pf, cf, 0, NULL);
	mem_deref(cf);

	return err ? EXIT_CMD : 0;
}

static const char h_show[] = "Show running system information";
static const char h_conf[] = "The configuration's transactions";
static const char h_commit[] = "Check, save and apply the staged changes";
static const char h_confd[] = "Roll back automatically unless confirmed";
static const char h_time[] = "Time to confirm (minutes unless 'seconds')";
static const char h_configure[] = "Enter configure mode";
static const char h_confirm_help[] = "Keep the last 'commit confirmed' and "
	"cancel its rollback";

static const struct cmd_def txn_cmds[] = {
	{MODE_BIT(MODE_EXEC), "configure exclusive",
	 {h_configure, "Lock out other sessions' configure and commit until "
	  "this one leaves configure mode"},
	 h_configure_exclusive, NULL, 0},
	{MODES_CONFIG, "commit check",
	 {h_commit, "Only run the checks; save nothing"},
	 h_commit_check, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440>",
	 {h_commit, h_confd, h_time},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440> minutes",
	 {h_commit, h_confd, h_time, "The time is in minutes"},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440> seconds",
	 {h_commit, h_confd, h_time, "The time is in seconds"},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirm",
	 {h_commit, h_confirm_help}, h_confirm, NULL, 0},
	{MODES_CONFIG, "confirm",
	 {h_confirm_help}, h_confirm, NULL, 0},
	{MODE_BIT(MODE_EXEC), "configure confirm",
	 {h_configure, h_confirm_help}, h_confirm, NULL, 0},
	{MODES_CONFIG, "discard",
	 {"Drop the staged changes (and re-read the saved configuration)"},
	 h_discard, NULL, 0},
	{MODES_CONFIG, "rollback <0-9>",
	 {"Stage a saved version of the configuration",
	  "Which: 0 the current one, 1 the one before, ..."},
	 h_rollback, NULL, 0},
	{MODE_BIT(MODE_EXEC), "show configuration history",
	 {h_show, h_conf, "The saved versions, newest first"},
	 h_show_history, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "show configuration diff",
	 {h_show, h_conf, "The staged changes against the running "
	  "configuration"},
	 h_show_diff, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "show startup-config",
	 {h_show, "The configuration file as saved now"},
	 h_show_startup, NULL, CF_OUTPUT},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int txn_register(struct grammar *g)
{
	if (!g)
		return EINVAL;

	return grammar_add_table(g, txn_cmds);
}
