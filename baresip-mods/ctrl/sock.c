/*
 * The listening UNIX socket: a stale socket file replaced, a live one or
 * any other file refused, owner, group and mode set, new connections
 * accepted; the file is removed when it is still ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctrl.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static struct {
	int lfd;
	char path[SUN_PATH_MAX];
	dev_t dev;
	ino_t ino;
	bool bound;
} sk = { .lfd = -1 };


static void accept_handler(int flags, void *arg);


/* 0 if nobody answers on the socket file (stale), EADDRINUSE if alive. */
static int socket_probe(const struct sockaddr_un *sun)
{
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	if (0 == connect(fd, (const struct sockaddr *)sun, sizeof(*sun)))
		err = EADDRINUSE;
	else if (errno == EAGAIN)
		err = EADDRINUSE;     /* alive, its backlog is full */
	else if (errno != ECONNREFUSED && errno != ENOENT)
		err = errno;

	(void)close(fd);

	return err;
}


int socket_open(const char *path, mode_t mode, bool chgrp, gid_t gid)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t omask;
	int fd, err, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	str_ncpy(sun.sun_path, path, sizeof(sun.sun_path));

	if (0 == lstat(path, &st)) {

		if (!S_ISSOCK(st.st_mode)) {
			warning("ctrl: ctrl_socket %s exists and is not a"
				" socket: not loading\n", path);
			return EEXIST;
		}

		err = socket_probe(&sun);
		if (err == EADDRINUSE) {
			warning("ctrl: another server answers on %s:"
				" not loading\n", path);
			return err;
		}
		if (err) {
			warning("ctrl: cannot probe %s: %m\n", path, err);
			return err;
		}

		if (unlink(path) && errno != ENOENT) {
			err = errno;
			warning("ctrl: cannot remove stale %s: %m\n",
				path, err);
			return err;
		}
		info("ctrl: removed stale socket %s\n", path);
	}
	else if (errno != ENOENT) {
		err = errno;
		warning("ctrl: %s: %m\n", path, err);
		return err;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		warning("ctrl: socket: %m\n", err);
		return err;
	}

	/* owner-only until group and mode are set (the umask is global,
	   but baresip creates no other files from another thread here) */
	omask = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	err = r ? errno : 0;
	(void)umask(omask);
	if (err) {
		warning("ctrl: bind %s: %m\n", path, err);
		(void)close(fd);
		return err;
	}

	sk.lfd = fd;
	str_ncpy(sk.path, path, sizeof(sk.path));

	if (lstat(path, &st)) {
		err = errno;
		warning("ctrl: %s: %m\n", path, err);
		return err;
	}
	sk.dev = st.st_dev;
	sk.ino = st.st_ino;
	sk.bound = true;

	if (chgrp && lchown(path, (uid_t)-1, gid)) {
		err = errno;
		warning("ctrl: cannot give %s to group %u: %m\n",
			path, (unsigned)gid, err);
		return err;
	}

	if (fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW)) {
		err = errno;
		warning("ctrl: chmod %s: %m\n", path, err);
		return err;
	}

	if (listen(fd, BACKLOG)) {
		err = errno;
		warning("ctrl: listen %s: %m\n", path, err);
		return err;
	}

	err = fd_listen(fd, FD_READ, accept_handler, NULL);
	if (err) {
		warning("ctrl: fd_listen: %m\n", err);
		return err;
	}

	return 0;
}


void socket_close(void)
{
	struct stat st;

	if (sk.lfd >= 0) {
		fd_close(sk.lfd);
		(void)close(sk.lfd);
		sk.lfd = -1;
	}

	/* remove the file only while it is still ours */
	if (sk.bound) {
		if (0 == lstat(sk.path, &st) && S_ISSOCK(st.st_mode) &&
		    st.st_dev == sk.dev && st.st_ino == sk.ino)
			(void)unlink(sk.path);
		sk.bound = false;
	}
}


static void accept_handler(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	for (;;) {
		int fd = accept4(sk.lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				warning("ctrl: accept: %m\n", errno);
			return;
		}

		(void)client_add(fd);
	}
}
