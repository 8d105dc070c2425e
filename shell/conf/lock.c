/*
 * The exclusive configure lock and the commit-path observer that
 * enforces it (see lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "re_base.h"
#include "sidefile.h"
#include "commit.h"
#include "lock.h"

static int excl_fd = -1;        /* held by this process, or -1 */

/* The file outlives its holders, so it cannot be made with O_EXCL:
 * side_open never follows a link to it and takes only a plain file. */
static int excl_open(const char *path, bool create, int *fdp)
{
	return side_open(path, SIDE_EXCL, create ? O_RDWR | O_CREAT : O_RDONLY,
			 fdp);
}

/* Records who holds the lock just taken on fd. */
static void holder_write(int fd)
{
	char buf[128], user[64];
	int n;

	side_user(user, sizeof(user), getuid());
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
				side_time(when, sizeof(when), (time_t)since,
					  true);
				(void)re_snprintf(who, size, "user %s (pid %ld) "
						  "since %s", end, pid, when);
				return;
			}
		}

		side_nap();
	}

	str_ncpy(who, "another session, which has not said who it is", size);
}

int lock_excl_other(const char *path, bool *heldp, char *who, size_t size)
{
	int fd = -1, err;

	*heldp = false;
	if (excl_fd >= 0)
		return 0;

	err = excl_open(path, false, &fd);
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

int lock_excl_take(const char *path, char *who, size_t size)
{
	int fd = -1, err;

	if (excl_fd >= 0)
		return 0;

	err = excl_open(path, true, &fd);
	if (err)
		return err;

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno;
		if (err == EWOULDBLOCK)
			holder_describe(fd, who, size);
		(void)close(fd);
		return err;
	}

	holder_write(fd);
	excl_fd = fd;

	return 0;
}

void lock_excl_release(void)
{
	if (excl_fd < 0)
		return;

	/* Say nobody holds it, then let go. */
	(void)ftruncate(excl_fd, 0);
	(void)close(excl_fd);
	excl_fd = -1;
}

bool lock_excl_mine(void)
{
	return excl_fd >= 0;
}

int lock_writable(const char *path, char **badp)
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

	err = side_parts(path, &dir, &name);
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

/* Before a save: refuse one this user cannot make, or that another
 * session's exclusive lock keeps out. The rollback of an unconfirmed
 * commit is let through: it exists to give an admin the device back. */
static int obs_prepare(struct commit *cm, void **statep, struct re_printf *pf,
		       void *arg)
{
	char who[LOCK_WHO_SZ], user[64], why[512], *bad = NULL;
	bool held = false;
	int err;

	(void)statep;
	(void)arg;

	/* 'commit check' says what a commit would refuse for the
	 * configuration itself; who may save is asked at the commit. */
	if (cm->flags & COMMIT_CHECK)
		return 0;

	err = lock_writable(cm->path, &bad);
	if (err) {
		side_user(user, sizeof(user), getuid());
		re_hprintf(pf, "Commit refused: %s is not writable by user %s "
			   "(%m); nothing was saved\n", bad ? bad : cm->path,
			   user, err);
		mem_deref(bad);
		return EACCES;
	}

	err = side_check(cm->path, why, sizeof(why));
	if (err) {
		re_hprintf(pf, "Commit refused: %s; nothing was saved\n", why);
		return EACCES;
	}

	if (cm->flags & COMMIT_AUTO)
		return 0;

	err = lock_excl_other(cm->path, &held, who, sizeof(who));
	if (err) {
		re_hprintf(pf, "Commit refused: cannot tell whether another "
			   "session holds the configuration exclusively: "
			   "%m\n", err);
		return EPERM;
	}
	if (held) {
		re_hprintf(pf, "Commit refused: the configuration is locked "
			   "exclusively by %s; nothing was saved\n", who);
		return EPERM;
	}

	return 0;
}

static const struct commit_obs lock_obs = {
	"lock", obs_prepare, NULL, NULL
};

int lock_commit_register(void)
{
	return commit_observe(&lock_obs);
}
