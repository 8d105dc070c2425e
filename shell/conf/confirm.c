/*
 * The commit-confirmed guard (see confirm.h): arming it, the detached
 * process that rolls back at the deadline through the one commit path,
 * stopping it, and the observer by which a plain commit cancels it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "afile.h"
#include "fmode.h"
#include "sidefile.h"
#include "conf_read.h"
#include "commit.h"
#include "confirm.h"

enum {
	WAIT_MS = 5000,         /* longest wait for a guard to start or stop */
	STEP_MS = 10,
};

/* Everything the guard process needs, prepared before it is forked. */
struct guard {
	char *path;             /* absolute: the guard leaves the cwd */
	char *dir;              /* its directory, absolute */
	char *state;            /* .NAME.confirm, in dir */
	char *prefix;           /* .NAME.confirm. : its temporary's name */
	char *stop;             /* .NAME.confirm-stop: its FIFO, in dir */
	char *text;             /* the version to restore */
	struct cfg *cfg;        /* the same, parsed */
	unsigned seq;
	struct store_id base;   /* the confirmed version's id */
	time_t deadline;        /* wall clock, for messages */
	struct timespec wake;   /* CLOCK_MONOTONIC, for sleeping */
	uid_t owner;            /* root: who owns the state file */
	gid_t group;
	bool chown;
};

bool confirm_is(const struct confirm_state *cs, const char *state)
{
	return !strcmp(cs->state, state);
}

static bool state_parse(int fd, struct confirm_state *pd)
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

int confirm_peek(const char *path, struct confirm_state *pd)
{
	int fd, err;

	memset(pd, 0, sizeof(*pd));

	err = side_open(path, SIDE_CONFIRM, O_RDONLY, &fd);
	if (err)
		return err;

	if (flock(fd, LOCK_SH | LOCK_NB))
		pd->alive = errno == EWOULDBLOCK;
	else
		(void)flock(fd, LOCK_UN);

	err = state_parse(fd, pd) ? 0 : ENOENT;
	(void)close(fd);

	return err;
}

/* Removes the state file and the guard's FIFO: their names, in their
 * directory, never a link's target. */
static void state_unlink(const char *path)
{
	const char *name;
	char *sp = NULL, *fp = NULL;
	int dfd;

	if (side_dir_open(path, &dfd, &name))
		return;

	if (!re_sdprintf(&sp, ".%s" SIDE_CONFIRM, name) &&
	    !re_sdprintf(&fp, ".%s" SIDE_STOP, name)) {
		(void)unlinkat(dfd, sp, 0);
		(void)unlinkat(dfd, fp, 0);
	}

	(void)close(dfd);
	mem_deref(fp);
	mem_deref(sp);
}

/*
 * Asks the live guard of path, whose state file is open as sfd, to stop
 * as SIGTERM would, for a user who may not signal it (another admin):
 * one byte into the FIFO the guard reads. Only a FIFO of the state
 * file's owner, opened never through a link, and only while the guard
 * holds it open (else ENXIO). 0, or the error; EPERM when there is no
 * such FIFO, as the signal said.
 */
static int stop_by_fifo(const char *path, int sfd)
{
	struct stat st, sst;
	const char *name;
	char *fp = NULL;
	int dfd = -1, fd = -1, err;

	err = side_dir_open(path, &dfd, &name);
	if (!err)
		err = re_sdprintf(&fp, ".%s" SIDE_STOP, name);
	if (err)
		goto out;

	fd = openat(dfd, fp, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ENOENT ? EPERM : errno;
		goto out;
	}
	if (fstat(fd, &st) || fstat(sfd, &sst)) {
		err = errno;
		goto out;
	}
	if (!S_ISFIFO(st.st_mode) || st.st_uid != sst.st_uid) {
		err = EPERM;
		goto out;
	}
	if (write(fd, "x", 1) != 1)
		err = errno;

 out:
	if (fd >= 0)
		(void)close(fd);
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(fp);
	return err;
}

int confirm_stop(const char *path, struct confirm_state *pd)
{
	struct stat st;
	unsigned i;
	bool known;
	int fd = -1, err;

	memset(pd, 0, sizeof(*pd));

	err = side_open(path, SIDE_CONFIRM, O_RDWR, &fd);
	if (err)
		goto out;

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			err = errno;
			goto out;
		}

		/* A live guard: it wrote its state right after locking. */
		for (i = 0; i < 50 && !state_parse(fd, pd); i++)
			side_nap();
		if (pd->pid <= 1) {
			err = EBADMSG;
			goto out;
		}

		/* The lock proves the pid is still the guard's. */
		pd->alive = true;
		if (kill((pid_t)pd->pid, SIGTERM)) {
			err = errno == EPERM ? stop_by_fifo(path, fd) : errno;
			if (err)
				goto out;
		}

		for (i = 0; i < WAIT_MS / STEP_MS; i++) {
			if (!flock(fd, LOCK_EX | LOCK_NB))
				break;
			side_nap();
		}
		if (i == WAIT_MS / STEP_MS) {
			err = ETIMEDOUT;
			goto out;
		}
	}

	/* What it wrote last: it may have been rolling back. */
	known = state_parse(fd, pd);

	/* Removed meanwhile by another confirm: nothing left to do. */
	if (fstat(fd, &st) || st.st_nlink == 0) {
		err = ENOENT;
		goto out;
	}

	state_unlink(path);
	if (!known)
		err = ENOENT;

 out:
	if (fd >= 0)
		(void)close(fd);
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

/* The rollback, through the commit path; the state it leaves. */
static const char *guard_restore(const struct guard *g, char *report,
				 size_t sz)
{
	struct mbuf *mb = mbuf_alloc(256);
	struct re_printf pf = {pf_mbuf_vph, mb};
	struct commit cm;
	int err;

	memset(&cm, 0, sizeof(cm));
	cm.path = g->path;
	cm.cfg = g->cfg;
	cm.base = &g->base;
	cm.flags = COMMIT_AUTO | COMMIT_FORCE;
	cm.origin = "rollback of an unconfirmed commit";

	if (!mb) {
		str_ncpy(report, "out of memory", sz);
		return "failed";
	}

	err = commit_run(&cm, &pf);
	str_ncpy(report, cm.report, sz);
	mem_deref(mb);

	if (cm.saved)
		return "rolled-back";

	return err == EAGAIN ? "superseded" : "failed";
}

/*
 * The guard's FIFO, made afresh in dfd and held open for reading and
 * writing (so that it never reads as hung up): an admin who may not
 * signal the guard stops it with a byte (stop_by_fifo). -1 when it
 * cannot be made: then only a signal stops the guard, as before.
 */
static int guard_fifo(int dfd, const struct guard *g)
{
	struct stat st;
	int fd;

	(void)unlinkat(dfd, g->stop, 0);
	if (mkfifoat(dfd, g->stop, 0600))
		return -1;

	fd = openat(dfd, g->stop, O_RDWR | O_NONBLOCK | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		(void)close(fd);
		return -1;
	}

	side_owner(fd, g->path);
	return fd;
}

/* The guard's FIFO, gone with the guard: the state it leaves stays for
 * the next 'commit confirm' to read, the FIFO serves only a live one. */
static void guard_fifo_remove(const struct guard *g, int ffd)
{
	int dfd;

	if (ffd < 0)
		return;

	(void)close(ffd);
	dfd = open(g->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	(void)unlinkat(dfd, g->stop, 0);
	(void)close(dfd);
}

/* Sleeps until the deadline (false), or until a byte comes through the
 * FIFO (true: stopped, as by SIGTERM). */
static bool guard_sleep(int ffd, const struct timespec *wake)
{
	struct pollfd pfd = {.fd = ffd, .events = POLLIN};
	struct timespec now, left;
	char b;

	for (;;) {
		if (ffd < 0 || clock_gettime(CLOCK_MONOTONIC, &now)) {
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       wake, NULL) == EINTR)
				;
			return false;
		}
		if (now.tv_sec > wake->tv_sec ||
		    (now.tv_sec == wake->tv_sec &&
		     now.tv_nsec >= wake->tv_nsec))
			return false;

		left.tv_sec = wake->tv_sec - now.tv_sec;
		left.tv_nsec = wake->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			--left.tv_sec;
		}

		if (ppoll(&pfd, 1, &left, NULL) > 0 && read(ffd, &b, 1) == 1)
			return true;
	}
}

/* The guard: waits for the deadline, then restores. Never returns. */
static void guard_run(const struct guard *g, int ready)
{
	char report[COMMIT_REPORT_SZ];
	sigset_t stop;
	unsigned char rc;
	const char *state;
	char *tmp = NULL;
	int fd = -1, ffd = -1, dfd, err;

	guard_detach(ready);
	ready = 3;

	/* The state is made complete under a fresh name (O_EXCL) and
	 * renamed into place: whatever stood at its name, a link included,
	 * is replaced, never written through. */
	dfd = open(g->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = dfd < 0 ? errno : afile_temp_open(dfd, g->prefix, &fd, &tmp);
	if (!err && flock(fd, LOCK_EX | LOCK_NB))
		err = errno;
	if (!err && fchmod(fd, FMODE_SIDE))
		err = errno;
	if (!err && g->chown && fchown(fd, g->owner, g->group))
		err = errno;
	if (!err) {
		/* every admin may read it when the file is the group's */
		side_owner(fd, g->path);
		ffd = guard_fifo(dfd, g);
		guard_state(fd, g, "pending");
		if (renameat(dfd, tmp, dfd, g->state))
			err = errno;
	}
	if (err) {
		if (tmp)
			(void)unlinkat(dfd, tmp, 0);
		rc = (unsigned char)err;
		(void)!write(ready, &rc, 1);
		_exit(1);
	}
	(void)close(dfd);
	mem_deref(tmp);

	rc = 0;
	(void)!write(ready, &rc, 1);
	(void)close(ready);

	if (guard_sleep(ffd, &g->wake))
		_exit(0);

	/* From here on, 'commit confirm' waits for the outcome instead. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGQUIT);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);

	state = guard_restore(g, report, sizeof(report));
	guard_state(fd, g, state);
	guard_fifo_remove(g, ffd);

	openlog("sipsh", LOG_PID, LOG_USER);
	if (!strcmp(state, "rolled-back"))
		syslog(LOG_WARNING, "%s: commit not confirmed in time; "
		       "restored saved version %u: %s", g->path, g->seq,
		       report);
	else if (!strcmp(state, "superseded"))
		syslog(LOG_NOTICE, "%s: commit not confirmed, but changed "
		       "since by another commit; not rolled back", g->path);
	else
		syslog(LOG_ERR, "%s: rollback of an unconfirmed commit "
		       "failed: %s", g->path, report);
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
	text = NULL;

 out:
	mem_deref(text);
	mem_deref(vers);
	return err;
}

static void guard_destructor(void *arg)
{
	struct guard *g = arg;

	mem_deref(g->path);
	mem_deref(g->dir);
	mem_deref(g->state);
	mem_deref(g->prefix);
	mem_deref(g->stop);
	mem_deref(g->text);
	mem_deref(g->cfg);
}

int confirm_arm(const char *path, const struct store_id *committed,
		long secs, unsigned chain, time_t *deadlinep)
{
	struct mbuf *quiet = NULL;
	struct re_printf pf;
	struct confirm_state cs;
	struct guard *g;
	struct stat st;
	const char *name;
	int err;

	g = mem_zalloc(sizeof(*g), guard_destructor);
	if (!g)
		return ENOMEM;

	g->base = *committed;
	err = side_abspath(&g->path, path);
	if (!err)
		err = side_parts(g->path, &g->dir, &name);
	if (!err)
		err = re_sdprintf(&g->state, ".%s" SIDE_CONFIRM, name);
	if (!err)
		err = re_sdprintf(&g->stop, ".%s" SIDE_STOP, name);
	if (!err)
		err = re_sdprintf(&g->prefix, "%s.", g->state);
	if (!err)
		err = guard_target(g, chain);
	if (err)
		goto out;

	/* Parsed now: a version that does not load is refused here, not
	 * found out at the deadline. */
	quiet = mbuf_alloc(256);
	if (!quiet) {
		err = ENOMEM;
		goto out;
	}
	pf.vph = pf_mbuf_vph;
	pf.arg = quiet;
	err = cfg_parse_text(&g->cfg, g->path, g->text, &pf);
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
	(void)confirm_stop(g->path, &cs);

	err = guard_start(g);
	if (!err && deadlinep)
		*deadlinep = g->deadline;

 out:
	mem_deref(quiet);
	mem_deref(g);
	return err;
}

/* After a save that is not itself confirmed: the pending rollback would
 * undo a version that is no longer current, so it is cancelled. */
static int obs_apply(struct commit *cm, void *state, struct re_printf *report,
		     struct re_printf *pf, void *arg)
{
	struct confirm_state cs;

	(void)state;
	(void)pf;
	(void)arg;

	if (cm->flags & (COMMIT_CONFIRMED | COMMIT_AUTO))
		return 0;

	if (!confirm_stop(cm->path, &cs) && cs.alive &&
	    confirm_is(&cs, "pending"))
		re_hprintf(report, "the rollback pending from 'commit "
			   "confirmed' is cancelled");

	return 0;
}

static const struct commit_obs confirm_obs = {
	"confirm", NULL, obs_apply, NULL
};

int confirm_commit_register(void)
{
	return commit_observe(&confirm_obs);
}
