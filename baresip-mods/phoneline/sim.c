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
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
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
};

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct simline {
	unsigned num;
	int lfd;                        /* listening */
	int fd;                         /* the telephone, or -1 */
	char path[SUN_PATH_MAX];
	bool offhook;                   /* as the telephone last said */
	int16_t mic[MIC_QUEUE][PL_FRAME_SAMPS];
	size_t mic_head, mic_len;
};

struct pl_drv {
	struct simline *linev;
	size_t linec;
	const struct pl_drv_handlers *h;
	void *arg;
	struct mqueue *mq;
	pthread_mutex_t lock;           /* every simline's fd */
	pthread_t thread;
	bool running;
	int wakefd[2];
};

struct simev {
	unsigned line;
	enum pl_drv_ev ev;
	char digit;
};

static void mq_handler(int id, void *data, void *arg)
{
	struct pl_drv *drv = arg;
	struct simev *e = data;

	(void)id;
	drv->h->eventh(e->line, e->ev, e->digit, drv->arg);
	mem_deref(e);
}

/* From the audio thread: mem_zalloc and mqueue_push are thread-safe. */
static void post(struct pl_drv *drv, unsigned line, enum pl_drv_ev ev,
		 char digit)
{
	struct simev *e = mem_zalloc(sizeof(*e), NULL);

	if (!e)
		return;
	e->line = line;
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
		post(drv, sl->num, PL_EV_HOOK_ON, 0);
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
		post(drv, sl->num, PL_EV_HOOK_OFF, 0);
	}
	else if (!strcmp(ev, "hook on")) {
		sl->offhook = false;
		post(drv, sl->num, PL_EV_HOOK_ON, 0);
	}
	else if (!strcmp(ev, "flash")) {
		post(drv, sl->num, PL_EV_FLASH, 0);
	}
	else if (!strncmp(ev, "digit ", 6) && strlen(ev) == 7 &&
		 strchr("0123456789*#ABCD", ev[6])) {
		post(drv, sl->num, PL_EV_DIGIT, ev[6]);
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
	post(drv, sl->num, PL_EV_PLUGGED, 0);
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

static void period(struct pl_drv *drv)
{
	static const int16_t silence[PL_FRAME_SAMPS];
	size_t i, j;

	for (i = 0; i < drv->linec; i++) {
		struct simline *sl = &drv->linev[i];
		int16_t ear[PL_FRAME_SAMPS];
		uint8_t out[SIM_FRAME_BYTES];
		const int16_t *mic = silence;

		if (sl->mic_len) {
			mic = sl->mic[sl->mic_head];
			sl->mic_head = (sl->mic_head + 1) % MIC_QUEUE;
			--sl->mic_len;
		}

		memset(ear, 0, sizeof(ear));
		drv->h->audioh(sl->num, mic, ear, drv->arg);

		if (sl->fd < 0)
			continue;
		for (j = 0; j < PL_FRAME_SAMPS; j++) {
			out[2 * j] = (uint8_t)((uint16_t)ear[j] & 0xff);
			out[2 * j + 1] = (uint8_t)((uint16_t)ear[j] >> 8);
		}
		send_pkt(drv, sl, SIM_AUDIO, out, sizeof(out));
	}

	drv->h->tickh(drv->arg);
}

static void *sim_thread(void *arg)
{
	struct pl_drv *drv = arg;
	struct pollfd pfd[1 + 2 * PL_LINES_MAX];
	struct timespec next, now;

	clock_gettime(CLOCK_MONOTONIC, &next);

	for (;;) {
		size_t i, n = 0;
		long left;

		ts_add_ns(&next, PERIOD_NS);

		/* Wait for the deadline, serving the sockets meanwhile. */
		for (;;) {
			struct timespec to;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = ts_diff_ns(&next, &now);
			if (left <= 0)
				break;

			n = 0;
			pfd[n++] = (struct pollfd){drv->wakefd[0], POLLIN, 0};
			for (i = 0; i < drv->linec; i++) {
				struct simline *sl = &drv->linev[i];

				pfd[n++] = (struct pollfd){sl->lfd, POLLIN, 0};
				pfd[n++] = (struct pollfd){sl->fd, POLLIN, 0};
			}
			to.tv_sec = left / 1000000000L;
			to.tv_nsec = left % 1000000000L;
			if (ppoll(pfd, n, &to, NULL) <= 0)
				continue;

			if (pfd[0].revents)
				return NULL;
			for (i = 0; i < drv->linec; i++) {
				struct simline *sl = &drv->linev[i];

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

static void sim_destructor(void *arg)
{
	struct pl_drv *drv = arg;
	size_t i;

	if (drv->running) {
		(void)!write(drv->wakefd[1], "x", 1);
		pthread_join(drv->thread, NULL);
	}
	for (i = 0; i < drv->linec; i++) {
		struct simline *sl = &drv->linev[i];

		if (sl->fd >= 0)
			close(sl->fd);
		if (sl->lfd >= 0) {
			close(sl->lfd);
			unlink(sl->path);
		}
	}
	if (drv->wakefd[0] >= 0)
		close(drv->wakefd[0]);
	if (drv->wakefd[1] >= 0)
		close(drv->wakefd[1]);
	mem_deref(drv->linev);
	mem_deref(drv->mq);
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
		return err;
	}

	return 0;
}

static int sim_alloc(struct pl_drv **drvp, const struct pl_drv_prm *prm,
		     const struct pl_drv_handlers *h, void *arg)
{
	struct pl_drv *drv;
	size_t i;
	int err;

	if (!drvp || !prm || !h || !prm->dir || prm->linec > PL_LINES_MAX)
		return EINVAL;

	/* The destructor copes with every state from here on. */
	drv = mem_zalloc(sizeof(*drv), sim_destructor);
	if (!drv)
		return ENOMEM;
	drv->wakefd[0] = drv->wakefd[1] = -1;
	pthread_mutex_init(&drv->lock, NULL);
	drv->h = h;
	drv->arg = arg;

	drv->linev = mem_zalloc(prm->linec * sizeof(*drv->linev) + 1, NULL);
	if (!drv->linev) {
		err = ENOMEM;
		goto out;
	}
	drv->linec = prm->linec;
	for (i = 0; i < prm->linec; i++) {
		drv->linev[i].num = prm->linev[i].num;
		drv->linev[i].fd = drv->linev[i].lfd = -1;
	}

	if (mkdir(prm->dir, 0750) && errno != EEXIST) {
		err = errno;
		warning("phoneline: sim: mkdir %s: %m\n", prm->dir, err);
		goto out;
	}

	for (i = 0; i < drv->linec; i++) {
		struct simline *sl = &drv->linev[i];

		if (re_snprintf(sl->path, sizeof(sl->path), "%s/line%u.sock",
				prm->dir, sl->num) < 0) {
			err = ENAMETOOLONG;
			goto out;
		}
		err = line_listen(sl);
		if (err) {
			warning("phoneline: sim: %s: %m\n", sl->path, err);
			goto out;
		}
	}

	err = mqueue_alloc(&drv->mq, mq_handler, drv);
	if (err)
		goto out;

	if (pipe2(drv->wakefd, O_CLOEXEC)) {
		err = errno;
		goto out;
	}

	err = pthread_create(&drv->thread, NULL, sim_thread, drv);
	if (err)
		goto out;
	drv->running = true;

 out:
	if (err)
		mem_deref(drv);
	else
		*drvp = drv;

	return err;
}

static int sim_ring(struct pl_drv *drv, unsigned line, bool on,
		    const char *cid, const char *name)
{
	char ev[SIM_EVENT_MAX + 1];
	size_t i;
	int n;

	for (i = 0; drv && i < drv->linec; i++) {
		if (drv->linev[i].num != line)
			continue;
		if (on)
			n = re_snprintf(ev, sizeof(ev), "ring on %s %s",
					cid && *cid ? cid : "-",
					name ? name : "");
		else
			n = re_snprintf(ev, sizeof(ev), "ring off");
		if (n < 0)
			n = (int)strlen(ev);
		/* "ring on - " for no name: drop the trailing space. */
		while (n > 0 && ev[n - 1] == ' ')
			--n;
		send_pkt(drv, &drv->linev[i], SIM_EVENT, ev, (size_t)n);
		return 0;
	}

	return ENOENT;
}

static int sim_notify(struct pl_drv *drv, unsigned line, const char *kind,
		      const char *value)
{
	char ev[SIM_EVENT_MAX + 1];
	size_t i;
	int n;

	for (i = 0; drv && i < drv->linec; i++) {
		if (drv->linev[i].num != line)
			continue;
		n = re_snprintf(ev, sizeof(ev), "%s %s", kind, value);
		if (n < 0)
			return EINVAL;
		send_pkt(drv, &drv->linev[i], SIM_EVENT, ev, (size_t)n);
		return 0;
	}

	return ENOENT;
}

const struct pl_drv_ops pl_drv_sim = {
	"sim",
	sim_alloc,
	sim_ring,
	sim_notify,
};
