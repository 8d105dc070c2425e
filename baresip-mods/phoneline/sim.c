/*
 * The 'sim' line backend: each line is a UNIX SOCK_SEQPACKET socket,
 * DIR/lineN.sock (mode 0660), that one simulated telephone (sipsh-phone)
 * connects to at a time; the wire protocol is sim_proto.h.
 *
 * Timing: one thread for all lines, paced by absolute CLOCK_MONOTONIC
 * deadlines (ppoll until the next 20 ms boundary), sends the earpiece frame
 * of every line each period and feeds the microphone frames in. A thread
 * rather than a libre tmr because the audio must keep its 20 ms rhythm
 * while the main loop is busy with SIP, DNS or a slow handler, and because
 * that is how a real line card behaves (its clock, not baresip's loop,
 * paces the samples); absolute deadlines never drift. The same thread
 * accepts telephones and reads their packets; hook and digit events go
 * to the main thread through a libre mqueue.
 *
 * The thread runs at the lowest real-time priority (SCHED_FIFO 1) where
 * the system allows it: above every ordinary process, so busy cores delay
 * a frame by the kernel's wake-up latency, not by a time slice of
 * whatever runs there (a p99 of 3.8 ms with both cores loaded, before).
 * It does a few microseconds of work per period, and the kernel's
 * real-time throttling still bounds it. Allowed to root, to a process
 * with CAP_SYS_NICE, or with RLIMIT_RTPRIO of 1 or more (systemd's
 * LimitRTPRIO=, 'ulimit -r'); otherwise it runs at normal priority and
 * the log says so.
 *
 * Lines come and go while the phone runs (line_add, line_del, from the
 * main thread). A line's socket is made by the main thread before the line
 * is handed to the thread, so it exists when line_add returns; a line is
 * taken away by the thread itself, which closes its sockets at the top of
 * its loop and tells the waiting main thread, so neither thread ever uses
 * a line the other is freeing. Each line's events carry the generation of
 * the line they came from: those of a line since removed (or removed and
 * added again) are dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "re_base.h"
#include "baresip.h"
#include "driver.h"
#include "sim_proto.h"

_Static_assert(SIM_FRAME_SAMPS == PL_FRAME_SAMPS, "frame sizes differ");

enum {
	MIC_QUEUE = 6,         /* frames of microphone jitter kept: 120 ms */
	PERIOD_NS = PL_PTIME_MS * 1000000,
	LATE_MAX  = 5,         /* periods behind before the clock resyncs */
	CLOCK_RTPRIO = 1,      /* SCHED_FIFO priority of the line clock */
};

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct simline {
	unsigned num;
	bool used;                      /* (lock) a line the thread serves */
	bool closing;                   /* (lock) to be taken away */
	unsigned gen;                   /* (lock) bumped at each line_add */
	int lfd;                        /* listening */
	int fd;                         /* (lock) the telephone, or -1 */
	char path[SUN_PATH_MAX];
	bool offhook;                   /* as the telephone last said */
	int16_t (*mic)[PL_FRAME_SAMPS]; /* MIC_QUEUE frames, in micv */
	size_t mic_head, mic_len;
};

struct pl_drv {
	struct simline linev[PL_LINES_MAX];   /* by line number */
	char dir[SUN_PATH_MAX];
	const struct pl_drv_handlers *h;
	void *arg;
	struct mqueue *mq;
	pthread_mutex_t lock;           /* the fields marked (lock) */
	pthread_cond_t gone;            /* a closing line was taken away */
	pthread_t thread;
	bool running;
	int wakefd[2];
	/* Last and not zeroed: a line's frames are read only after its
	 * telephone wrote them, so the 60 KB of lines not in use are not
	 * written at start (on fresh memory, not resident). */
	int16_t micv[PL_LINES_MAX][MIC_QUEUE][PL_FRAME_SAMPS];
};

struct simev {
	unsigned line;
	unsigned gen;
	enum pl_drv_ev ev;
	char digit;
};

static void mq_handler(int id, void *data, void *arg)
{
	struct pl_drv *drv = arg;
	struct simev *e = data;

	struct simline *sl = &drv->linev[e->line];
	bool current;

	(void)id;
	pthread_mutex_lock(&drv->lock);
	current = sl->used && !sl->closing && sl->gen == e->gen;
	pthread_mutex_unlock(&drv->lock);

	if (current)
		drv->h->eventh(e->line, e->ev, e->digit, drv->arg);
	mem_deref(e);
}

/* From the audio thread: mem_zalloc and mqueue_push are thread-safe. */
static void post(struct pl_drv *drv, struct simline *sl, enum pl_drv_ev ev,
		 char digit)
{
	struct simev *e = mem_zalloc(sizeof(*e), NULL);

	if (!e)
		return;
	e->line = sl->num;
	pthread_mutex_lock(&drv->lock);
	e->gen = sl->gen;
	pthread_mutex_unlock(&drv->lock);
	e->ev = ev;
	e->digit = digit;
	if (mqueue_push(drv->mq, 0, e))
		mem_deref(e);
}

static void send_pkt(struct pl_drv *drv, struct simline *sl, char type,
		     const void *body, size_t len)
{
	uint8_t pkt[SIM_PACKET_MAX];

	if (len > sizeof(pkt) - 1)
		len = sizeof(pkt) - 1;
	pkt[0] = (uint8_t)type;
	memcpy(pkt + 1, body, len);

	pthread_mutex_lock(&drv->lock);
	if (sl->fd >= 0)
		(void)send(sl->fd, pkt, len + 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	pthread_mutex_unlock(&drv->lock);
}

static void hangup_phone(struct pl_drv *drv, struct simline *sl)
{
	pthread_mutex_lock(&drv->lock);
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->mic_len = 0;
	pthread_mutex_unlock(&drv->lock);

	/* A telephone pulled out with the handset up hangs up. */
	if (sl->offhook) {
		sl->offhook = false;
		post(drv, sl, PL_EV_HOOK_ON, 0);
	}
}

static void event_in(struct pl_drv *drv, struct simline *sl,
		     const char *txt, size_t len)
{
	char ev[SIM_EVENT_MAX + 1];

	if (len > SIM_EVENT_MAX)
		len = SIM_EVENT_MAX;
	memcpy(ev, txt, len);
	ev[len] = '\0';

	if (!strcmp(ev, "hook off")) {
		sl->offhook = true;
		post(drv, sl, PL_EV_HOOK_OFF, 0);
	}
	else if (!strcmp(ev, "hook on")) {
		sl->offhook = false;
		post(drv, sl, PL_EV_HOOK_ON, 0);
	}
	else if (!strcmp(ev, "flash")) {
		post(drv, sl, PL_EV_FLASH, 0);
	}
	else if (!strncmp(ev, "digit ", 6) && strlen(ev) == 7 &&
		 strchr("0123456789*#ABCD", ev[6])) {
		post(drv, sl, PL_EV_DIGIT, ev[6]);
	}
}

static void read_phone(struct pl_drv *drv, struct simline *sl)
{
	uint8_t pkt[SIM_PACKET_MAX + 1];
	ssize_t n;

	for (;;) {
		n = recv(sl->fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			hangup_phone(drv, sl);
			return;
		}

		if (pkt[0] == SIM_AUDIO && n == 1 + SIM_FRAME_BYTES) {
			size_t tail, i;

			if (sl->mic_len == MIC_QUEUE) {   /* drop the oldest */
				sl->mic_head = (sl->mic_head + 1) % MIC_QUEUE;
				--sl->mic_len;
			}
			tail = (sl->mic_head + sl->mic_len) % MIC_QUEUE;
			for (i = 0; i < PL_FRAME_SAMPS; i++)
				sl->mic[tail][i] = (int16_t)(pkt[1 + 2 * i] |
						  pkt[2 + 2 * i] << 8);
			++sl->mic_len;
		}
		else if (pkt[0] == SIM_EVENT) {
			event_in(drv, sl, (const char *)pkt + 1,
				 (size_t)n - 1);
		}
	}
}

static void accept_phone(struct pl_drv *drv, struct simline *sl)
{
	int fd = accept4(sl->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;

	/* One telephone at a time: a second one is turned away. */
	if (sl->fd >= 0) {
		close(fd);
		return;
	}

	pthread_mutex_lock(&drv->lock);
	sl->fd = fd;
	sl->mic_len = 0;
	pthread_mutex_unlock(&drv->lock);
	post(drv, sl, PL_EV_PLUGGED, 0);
}

static void ts_add_ns(struct timespec *ts, long ns)
{
	ts->tv_nsec += ns;
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		++ts->tv_sec;
	}
}

static long ts_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec - b->tv_sec) * 1000000000L +
		(a->tv_nsec - b->tv_nsec);
}

/* Closes a line's sockets and removes its file. */
static void line_close(struct simline *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	if (sl->lfd >= 0) {
		close(sl->lfd);
		unlink(sl->path);
	}
	sl->fd = sl->lfd = -1;
	sl->offhook = false;
	sl->mic_len = 0;
}

/*
 * The thread, under the lock: takes away the closing lines, then lists
 * the numbers of the lines it serves now. Returns how many.
 */
static size_t lines_now(struct pl_drv *drv, unsigned *numv)
{
	size_t i, n = 0;
	bool gone = false;

	pthread_mutex_lock(&drv->lock);
	for (i = 0; i < PL_LINES_MAX; i++) {
		struct simline *sl = &drv->linev[i];

		if (sl->used && sl->closing) {
			line_close(sl);
			sl->used = sl->closing = false;
			gone = true;
		}
		if (sl->used)
			numv[n++] = sl->num;
	}
	if (gone)
		pthread_cond_broadcast(&drv->gone);
	pthread_mutex_unlock(&drv->lock);

	return n;
}

static void period(struct pl_drv *drv)
{
	static const int16_t silence[PL_FRAME_SAMPS];
	unsigned numv[PL_LINES_MAX];
	size_t i, j, n = lines_now(drv, numv);

	for (i = 0; i < n; i++) {
		struct simline *sl = &drv->linev[numv[i]];
		int16_t ear[PL_FRAME_SAMPS];
		uint8_t out[SIM_FRAME_BYTES];
		const int16_t *mic = silence;
		bool phone;

		if (sl->mic_len) {
			mic = sl->mic[sl->mic_head];
			sl->mic_head = (sl->mic_head + 1) % MIC_QUEUE;
			--sl->mic_len;
		}

		memset(ear, 0, sizeof(ear));
		drv->h->audioh(sl->num, mic, ear, drv->arg);

		pthread_mutex_lock(&drv->lock);
		phone = sl->fd >= 0;
		pthread_mutex_unlock(&drv->lock);
		if (!phone)
			continue;
		for (j = 0; j < PL_FRAME_SAMPS; j++) {
			out[2 * j] = (uint8_t)((uint16_t)ear[j] & 0xff);
			out[2 * j + 1] = (uint8_t)((uint16_t)ear[j] >> 8);
		}
		send_pkt(drv, sl, SIM_AUDIO, out, sizeof(out));
	}

	drv->h->tickh(drv->arg);
}

/* What the wake pipe says: true to stop, false to look at the lines. */
static bool woken(struct pl_drv *drv)
{
	char buf[16];
	bool stop = false;
	ssize_t n, i;

	while ((n = read(drv->wakefd[0], buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			stop |= buf[i] == 'x';
	}

	return stop;
}

static void *sim_thread(void *arg)
{
	struct pl_drv *drv = arg;
	struct pollfd pfd[1 + 2 * PL_LINES_MAX];
	unsigned numv[PL_LINES_MAX];
	struct timespec next, now;

	clock_gettime(CLOCK_MONOTONIC, &next);

	for (;;) {
		size_t i, n, linec;
		long left;

		ts_add_ns(&next, PERIOD_NS);

		/* Wait for the deadline, serving the sockets meanwhile. */
		for (;;) {
			struct timespec to;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = ts_diff_ns(&next, &now);
			if (left <= 0)
				break;

			linec = lines_now(drv, numv);
			n = 0;
			pfd[n++] = (struct pollfd){drv->wakefd[0], POLLIN, 0};
			for (i = 0; i < linec; i++) {
				struct simline *sl = &drv->linev[numv[i]];

				pfd[n++] = (struct pollfd){sl->lfd, POLLIN, 0};
				pfd[n++] = (struct pollfd){sl->fd, POLLIN, 0};
			}
			to.tv_sec = left / 1000000000L;
			to.tv_nsec = left % 1000000000L;
			if (ppoll(pfd, n, &to, NULL) <= 0)
				continue;

			if (pfd[0].revents) {
				if (woken(drv))
					return NULL;
				continue;
			}
			for (i = 0; i < linec; i++) {
				struct simline *sl = &drv->linev[numv[i]];

				if (pfd[1 + 2 * i].revents & POLLIN)
					accept_phone(drv, sl);
				if (sl->fd >= 0 && pfd[2 + 2 * i].revents)
					read_phone(drv, sl);
			}
		}

		/* Far behind (the process was stopped): start afresh. */
		if (-left > LATE_MAX * (long)PERIOD_NS)
			next = now;

		period(drv);
	}

	return NULL;
}

static void wake(struct pl_drv *drv, char why)
{
	(void)!write(drv->wakefd[1], &why, 1);
}

static void sim_destructor(void *arg)
{
	struct pl_drv *drv = arg;
	size_t i;

	if (drv->running) {
		wake(drv, 'x');
		pthread_join(drv->thread, NULL);
	}
	for (i = 0; i < PL_LINES_MAX; i++) {
		if (drv->linev[i].used)
			line_close(&drv->linev[i]);
	}
	if (drv->wakefd[0] >= 0)
		close(drv->wakefd[0]);
	if (drv->wakefd[1] >= 0)
		close(drv->wakefd[1]);
	mem_deref(drv->mq);
	pthread_cond_destroy(&drv->gone);
	pthread_mutex_destroy(&drv->lock);
}

/* A socket file of ours from an earlier run is replaced; nothing else. */
static int line_listen(struct simline *sl)
{
	struct sockaddr_un sun;
	struct stat st;
	int err;

	if (!lstat(sl->path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			warning("phoneline: sim: %s exists and is not a "
				"socket\n", sl->path);
			return EEXIST;
		}
		(void)unlink(sl->path);
	}

	sl->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
			 SOCK_NONBLOCK, 0);
	if (sl->lfd < 0)
		return errno;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	str_ncpy(sun.sun_path, sl->path, sizeof(sun.sun_path));

	if (bind(sl->lfd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(sl->path, 0660) || listen(sl->lfd, 2)) {
		err = errno;
		close(sl->lfd);
		sl->lfd = -1;
		(void)unlink(sl->path);
		return err;
	}

	return 0;
}

/* The line's socket exists when this returns. */
static int sim_line_add(struct pl_drv *drv, unsigned line)
{
	struct simline *sl;
	bool taken;
	int err;

	if (!drv || line >= PL_LINES_MAX)
		return EINVAL;
	sl = &drv->linev[line];

	pthread_mutex_lock(&drv->lock);
	taken = sl->used;
	pthread_mutex_unlock(&drv->lock);
	if (taken)
		return EEXIST;

	/* The thread does not look at an unused line: ours to set up. */
	sl->num = line;
	sl->fd = sl->lfd = -1;
	sl->offhook = false;
	sl->mic_head = sl->mic_len = 0;
	if (re_snprintf(sl->path, sizeof(sl->path), "%s/line%u.sock",
			drv->dir, line) < 0)
		return ENAMETOOLONG;

	err = line_listen(sl);
	if (err) {
		warning("phoneline: sim: %s: %m\n", sl->path, err);
		return err;
	}

	pthread_mutex_lock(&drv->lock);
	++sl->gen;
	sl->used = true;
	pthread_mutex_unlock(&drv->lock);
	wake(drv, 'r');

	return 0;
}

/* The line's socket is gone when this returns 0. Never blocks for long:
 * the thread takes a line away within one poll (at most 20 ms). */
static int sim_line_del(struct pl_drv *drv, unsigned line)
{
	struct simline *sl;
	struct timespec until;
	int err = 0;

	if (!drv || line >= PL_LINES_MAX)
		return EINVAL;
	sl = &drv->linev[line];

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;

	pthread_mutex_lock(&drv->lock);
	if (!sl->used || sl->closing) {
		pthread_mutex_unlock(&drv->lock);
		return ENOENT;
	}
	if (!drv->running) {
		line_close(sl);
		sl->used = false;
		pthread_mutex_unlock(&drv->lock);
		return 0;
	}
	sl->closing = true;
	wake(drv, 'r');
	while (sl->used && !err)
		err = pthread_cond_timedwait(&drv->gone, &drv->lock, &until);
	pthread_mutex_unlock(&drv->lock);

	if (err)
		warning("phoneline: sim: line %u: the audio thread did not "
			"let go of it: %m\n", line, err);

	return err;
}

/* The line clock's thread at real-time priority, if allowed. */
static void clock_priority(pthread_t thread)
{
	struct sched_param sp;
	int err;

	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = CLOCK_RTPRIO;
	err = pthread_setschedparam(thread, SCHED_FIFO, &sp);
	if (err)
		info("phoneline: sim: the line clock runs at normal priority: "
		     "real-time scheduling is not allowed (%m); allow it "
		     "with RLIMIT_RTPRIO %d or CAP_SYS_NICE\n", err,
		     CLOCK_RTPRIO);
	else
		info("phoneline: sim: the line clock runs at real-time "
		     "priority (SCHED_FIFO %d)\n", CLOCK_RTPRIO);
}

static int sim_alloc(struct pl_drv **drvp, const struct pl_drv_prm *prm,
		     const struct pl_drv_handlers *h, void *arg)
{
	struct pl_drv *drv;
	size_t i;
	int err;

	if (!drvp || !prm || !h || !prm->dir)
		return EINVAL;

	/* The destructor copes with every state from here on. */
	drv = mem_alloc(sizeof(*drv), sim_destructor);
	if (!drv)
		return ENOMEM;
	memset(drv, 0, offsetof(struct pl_drv, micv));
	drv->wakefd[0] = drv->wakefd[1] = -1;
	pthread_mutex_init(&drv->lock, NULL);
	pthread_cond_init(&drv->gone, NULL);
	drv->h = h;
	drv->arg = arg;
	for (i = 0; i < PL_LINES_MAX; i++) {
		drv->linev[i].fd = drv->linev[i].lfd = -1;
		drv->linev[i].mic = drv->micv[i];
	}

	if (strlen(prm->dir) >= sizeof(drv->dir)) {
		err = ENAMETOOLONG;
		goto out;
	}
	str_ncpy(drv->dir, prm->dir, sizeof(drv->dir));

	if (mkdir(prm->dir, 0750) && errno != EEXIST) {
		err = errno;
		warning("phoneline: sim: mkdir %s: %m\n", prm->dir, err);
		goto out;
	}

	err = mqueue_alloc(&drv->mq, mq_handler, drv);
	if (err)
		goto out;

	if (pipe2(drv->wakefd, O_CLOEXEC | O_NONBLOCK)) {
		err = errno;
		goto out;
	}

	err = pthread_create(&drv->thread, NULL, sim_thread, drv);
	if (err)
		goto out;
	drv->running = true;
	clock_priority(drv->thread);

 out:
	if (err)
		mem_deref(drv);
	else
		*drvp = drv;

	return err;
}

/* One event packet to the telephone on a line, if one is plugged in. */
static int send_event(struct pl_drv *drv, unsigned line, const char *ev,
		      size_t len)
{
	struct simline *sl;
	bool there;

	if (!drv || line >= PL_LINES_MAX)
		return ENOENT;
	sl = &drv->linev[line];

	pthread_mutex_lock(&drv->lock);
	there = sl->used && !sl->closing;
	pthread_mutex_unlock(&drv->lock);
	if (!there)
		return ENOENT;

	send_pkt(drv, sl, SIM_EVENT, ev, len);

	return 0;
}

static int sim_ring(struct pl_drv *drv, unsigned line, bool on,
		    const char *cid, const char *name)
{
	char ev[SIM_EVENT_MAX + 1];
	int n;

	if (on)
		n = re_snprintf(ev, sizeof(ev), "ring on %s %s",
				cid && *cid ? cid : "-", name ? name : "");
	else
		n = re_snprintf(ev, sizeof(ev), "ring off");
	if (n < 0)
		n = (int)strlen(ev);
	/* "ring on - " for no name: drop the trailing space. */
	while (n > 0 && ev[n - 1] == ' ')
		--n;

	return send_event(drv, line, ev, (size_t)n);
}

static int sim_notify(struct pl_drv *drv, unsigned line, const char *kind,
		      const char *value)
{
	char ev[SIM_EVENT_MAX + 1];
	int n;

	n = re_snprintf(ev, sizeof(ev), "%s %s", kind, value);
	if (n < 0)
		return EINVAL;

	return send_event(drv, line, ev, (size_t)n);
}

const struct pl_drv_ops pl_drv_sim = {
	"sim",
	sim_alloc,
	sim_line_add,
	sim_line_del,
	sim_ring,
	sim_notify,
};
