/*
 * The phone's service: baresip runs under a supervisor that restarts it
 * when it dies, independent of shell sessions. On devices with systemd
 * that is the sipsh-phone unit (etc/); elsewhere runit's runsv (also in
 * BusyBox), on the service directory phone_generate() writes. We talk to
 * runsv through its documented supervise/ interface; we never supervise
 * anything ourselves. A runsv that 'phone start' spawned (RUNDIR/runsv.pid)
 * is ours to end at 'phone stop', with its svlogd; one that init runs
 * (runsvdir, or systemd's unit) is left to init.
 *
 * Waits look again every millisecond (a stat or a connect each time), so
 * 'phone start' returns within a millisecond of the phone answering. Not
 * inotify: closing an inotify descriptor that had a watch waits for the
 * kernel's SRCU grace period, 7 to 20 ms on the bench's machine, which
 * every start, stop and restarting commit paid after the phone was ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "re_base.h"
#include "phone.h"
#include "ctrl_client.h"

extern char **environ;

#define UNIT "sipsh-phone.service"

static bool use_systemd(void)
{
	const char *sup = getenv("SIPSH_SUPERVISOR");
	struct stat st;

	if (sup && *sup)
		return !strcmp(sup, "systemd");

	return !stat("/run/systemd/system", &st) &&
		(!stat("/etc/systemd/system/" UNIT, &st) ||
		 !stat("/lib/systemd/system/" UNIT, &st));
}

static void svdir(char *buf, size_t sz, const char *sub)
{
	re_snprintf(buf, sz, "%s/sv/baresip%s%s", phone_rundir(),
		    sub ? "/" : "", sub ? sub : "");
}

/* Run a program and wait for it; its exit status, or -1. */
static int run_wait(char *const argv[], bool quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	if (quiet) {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
						 0);
	}
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -1;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Is runsv watching the service? Its supervise/ok fifo has a reader. */
static bool runsv_up(void)
{
	char path[PATH_MAX];
	int fd;

	svdir(path, sizeof(path), "supervise/ok");
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;

	close(fd);
	return true;
}

static int runsv_control(char c)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	svdir(path, sizeof(path), "supervise/control");
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno;

	n = write(fd, &c, 1);
	close(fd);

	return n == 1 ? 0 : EIO;
}

/* runsv's status file: TAI64N of the last change, pid, paused, want,
 * term, state (runit's documented supervise/status layout). */
static int runsv_status(struct phone_status *st)
{
	unsigned char b[20];
	char path[PATH_MAX];
	uint64_t tai = 0;
	ssize_t n;
	int fd, i;

	svdir(path, sizeof(path), "supervise/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return EIO;

	for (i = 0; i < 8; i++)
		tai = tai << 8 | b[i];

	st->pid = (pid_t)(b[12] | b[13] << 8 | b[14] << 16 |
			  (uint32_t)b[15] << 24);
	st->want_up = b[17] == 'u';
	st->running = b[19] == 1 && st->pid > 0;
	if (st->running && tai > 4611686018427387914ULL)
		st->uptime = (long)time(NULL) -
			(long)(tai - 4611686018427387914ULL);

	return 0;
}

static int systemd_status(struct phone_status *st)
{
	char *argv[] = {"systemctl", "--quiet", "is-active", UNIT, NULL};

	st->supervised = true;
	st->running = run_wait(argv, true) == 0;
	st->want_up = st->running;

	return 0;
}

/*
 * The supervisor's files are its owner's: a viewer (sipsh(1) ROLES) is
 * told by the phone itself, through the control socket, whether it runs.
 */
static int ctrl_status(struct phone_status *st)
{
	struct odict *ver = NULL;
	char err[128];
	uint64_t v = 0;

	/* A phone that answers runs, even when it refuses this user. */
	if (ctrl_request(&ver, "version", NULL, err, sizeof(err)) == EPROTO) {
		st->supervised = st->running = st->want_up = true;
		return 0;
	}
	if (!ver)
		return 0;

	st->supervised = st->running = st->want_up = true;
	if (odict_get_number(ver, &v, "pid"))
		st->pid = (pid_t)v;
	if (odict_get_number(ver, &v, "uptime"))
		st->uptime = (long)v;

	mem_deref(ver);
	return 0;
}

int phone_svc_status(struct phone_status *st)
{
	memset(st, 0, sizeof(*st));

	if (use_systemd()) {
		str_ncpy(st->supervisor, "systemd", sizeof(st->supervisor));
		return systemd_status(st);
	}

	str_ncpy(st->supervisor, "runit", sizeof(st->supervisor));
	st->supervised = runsv_up();
	if (!st->supervised)
		return errno == EACCES ? ctrl_status(st) : 0;

	return runsv_status(st);
}

/* Start runsv on the service directory, detached from this session:
 * the phone outlives the shell. Its pid goes to RUNDIR/runsv.pid. */
static int runsv_spawn(void)
{
	char dir[PATH_MAX], pidfile[PATH_MAX];
	pid_t pid;
	int status;

	svdir(dir, sizeof(dir), NULL);
	re_snprintf(pidfile, sizeof(pidfile), "%s/runsv.pid", phone_rundir());

	pid = fork();
	if (pid < 0)
		return errno;

	if (pid == 0) {
		int fd;

		setsid();
		if (fork())
			_exit(0);

		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* One system call for every descriptor above stderr; the
		 * loop only where the kernel has no close_range (< 5.9). */
		if (close_range(3, ~0U, 0))
			for (fd = 3; fd < 1024; fd++)
				close(fd);

		fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			char buf[32];
			int n = re_snprintf(buf, sizeof(buf), "%d\n",
					    (int)getpid());

			if (n > 0 && write(fd, buf, (size_t)n) < 0)
				_exit(1);
			close(fd);
		}

		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execlp("runsv", "runsv", dir, (char *)NULL);
		_exit(127);
	}

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	/* No wait for runsv itself: with no 'down' file it starts the
	 * phone at once, and phone_svc_start waits for the phone. */
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The pause between two looks at the phone's state. */
static void tick(void)
{
	struct timespec ts = {0, 1000000};

	(void)nanosleep(&ts, NULL);
}

static int wait_state(bool running, unsigned ms)
{
	struct phone_status st;
	uint64_t end = now_ms() + ms;

	for (;;) {
		if (!phone_svc_status(&st) && st.running == running)
			return 0;
		if (now_ms() >= end)
			return ETIMEDOUT;
		tick();
	}
}

/*
 * Started is not ready: the phone is ready when its control socket
 * answers (ctrl is loaded, and with it the modules before it): tried
 * every millisecond. kick: runsv was just spawned, tell it 'u' once it
 * is up, for a service directory someone gave a 'down'.
 */
static int wait_ready(unsigned ms, bool kick)
{
	char err[128];
	uint64_t end = now_ms() + ms;

	for (;;) {
		int cfd = -1;

		if (!ctrl_connect(&cfd, err, sizeof(err))) {
			close(cfd);
			return 0;
		}
		if (kick && runsv_up()) {
			(void)runsv_control('u');
			kick = false;
		}
		if (now_ms() >= end)
			return ETIMEDOUT;
		tick();
	}
}

static int systemctl(const char *verb, char *errbuf, size_t errsz)
{
	char *argv[] = {"systemctl", (char *)verb, UNIT, NULL};

	if (run_wait(argv, false) == 0)
		return 0;

	re_snprintf(errbuf, errsz, "systemctl %s %s failed", verb, UNIT);
	return EIO;
}

int phone_svc_start(char *errbuf, size_t errsz)
{
	struct phone_status st;
	bool spawned = false;
	int err;

	if (use_systemd()) {
		err = systemctl("start", errbuf, errsz);
		goto ready;
	}

	if (!runsv_up()) {
		spawned = true;
		err = runsv_spawn();
	}
	else {
		err = runsv_control('u');
	}
	if (!err && !wait_ready(3000, spawned))
		return 0;

	/* Why it is not ready, from what runsv says. */
	if (!err && !runsv_up())
		err = ETIMEDOUT;
	if (err && spawned) {
		re_snprintf(errbuf, errsz, "cannot start runsv on "
			    "%s/sv/baresip: %m", phone_rundir(), err);
		return err;
	}
	if (err || phone_svc_status(&st) || !st.running) {
		re_snprintf(errbuf, errsz, "the phone did not start: %m; see "
			    "%s/log/current", err ? err : ETIMEDOUT,
			    phone_rundir());
		return err ? err : ETIMEDOUT;
	}

 ready:
	if (!err && wait_ready(3000, false)) {
		re_snprintf(errbuf, errsz, "the phone started but its control "
			    "socket does not answer; see %s/log/current",
			    phone_rundir());
		err = ETIMEDOUT;
	}

	return err;
}

/* The phone down, its runsv left watching. */
static int runsv_down(char *errbuf, size_t errsz)
{
	int err;

	if (!runsv_up())
		return 0;

	err = runsv_control('d');
	if (!err && wait_state(false, 3000)) {
		/* baresip waits for un-REGISTER replies; do not wait long. */
		runsv_control('k');
		err = wait_state(false, 2000);
	}
	if (err)
		re_snprintf(errbuf, errsz, "the phone did not stop: %m", err);

	return err;
}

/* A process that exists and is not a zombie. */
static bool alive(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	re_snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';

	/* "PID (COMM) STATE ...": COMM may hold anything but ends at the
	 * last parenthesis. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The runsv runsv_spawn() started for this runtime directory: the pid in
 * RUNDIR/runsv.pid, if that process is 'runsv RUNDIR/sv/baresip'. A
 * runsv of init's (runsvdir's) has no such file and is not ours. */
static pid_t our_runsv(void)
{
	char pidfile[PATH_MAX], dir[PATH_MAX], want[PATH_MAX + 8];
	char path[64], buf[PATH_MAX + 8];
	ssize_t n;
	long pid;
	int fd, wn;

	re_snprintf(pidfile, sizeof(pidfile), "%s/runsv.pid", phone_rundir());
	fd = open(pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, 31);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid <= 1 || pid > INT_MAX || !alive((pid_t)pid))
		return 0;

	re_snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);

	svdir(dir, sizeof(dir), NULL);
	wn = re_snprintf(want, sizeof(want), "runsv%c%s%c", 0, dir, 0);

	return wn > 0 && n == wn && !memcmp(buf, want, (size_t)n) ?
		(pid_t)pid : 0;
}

/* Our runsv told to exit ('x': once the phone is down, it closes the
 * log's pipe, svlogd ends, and so does runsv), and waited for. */
static int runsv_exit(char *errbuf, size_t errsz)
{
	char pidfile[PATH_MAX];
	pid_t pid = our_runsv();
	int i, err;

	re_snprintf(pidfile, sizeof(pidfile), "%s/runsv.pid", phone_rundir());
	if (!pid) {
		unlink(pidfile);
		return 0;
	}

	err = runsv_control('x');
	for (i = 0; !err && i < 300 && alive(pid); i++) {
		struct timespec ts = {0, 10000000};

		nanosleep(&ts, NULL);
	}
	if (!err && alive(pid)) {
		/* It ignored 'x': it is ours, so it goes anyway. */
		kill(pid, SIGTERM);
		for (i = 0; i < 100 && alive(pid); i++) {
			struct timespec ts = {0, 10000000};

			nanosleep(&ts, NULL);
		}
	}
	if (alive(pid)) {
		re_snprintf(errbuf, errsz, "the phone stopped, but its runsv "
			    "(pid %d) did not exit", (int)pid);
		return ETIMEDOUT;
	}

	unlink(pidfile);
	return 0;
}

int phone_svc_stop(char *errbuf, size_t errsz)
{
	int err;

	if (use_systemd())
		return systemctl("stop", errbuf, errsz);

	/* The supervisor goes too when it was ours; init's stays. */
	err = runsv_down(errbuf, errsz);
	if (!err)
		err = runsv_exit(errbuf, errsz);

	return err;
}

int phone_svc_restart(char *errbuf, size_t errsz)
{
	int err;

	if (use_systemd()) {
		err = systemctl("restart", errbuf, errsz);
		return err ? err : wait_ready(3000, false);
	}

	/* The same runsv supervises the new phone. */
	err = runsv_down(errbuf, errsz);
	if (!err)
		err = phone_svc_start(errbuf, errsz);

	return err;
}
