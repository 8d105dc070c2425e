/*
 * The client connections of the ctrl socket: who may connect (the limits
 * that keep one user from locking out another), each one's input and
 * output buffers, sending without blocking, reading request lines, the
 * idle timeout, and events sent to every client.
 *
 * Limits: MAX_CLIENTS connections in all, of which the last RESERVE only
 * for admins; PER_UID_MAX for each user but root. A connection must send
 * a complete request line within IDLE_MS of connecting, and finish any
 * request it starts within IDLE_MS of its first byte; between requests a
 * client may stay as long as it likes (it follows events), counted
 * against its user's limit.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ctrl.h"

static struct list clients;     /* struct client */


static void client_handler(int flags, void *arg);


static void client_destructor(void *arg)
{
	struct client *cl = arg;

	list_unlink(&cl->le);
	tmr_cancel(&cl->idle);

	if (cl->fd >= 0) {
		fd_close(cl->fd);
		(void)close(cl->fd);
	}

	mem_deref(cl->in);
	mem_deref(cl->out);
}


/*
 * Disconnects a client. Its memory lives on while a handler still holds a
 * reference; fd < 0 tells that handler to stop.
 */
void client_drop(struct client *cl, const char *why)
{
	if (!cl || cl->fd < 0)
		return;

	info("ctrl: client %d disconnected: %s\n", cl->fd, why);

	list_unlink(&cl->le);
	tmr_cancel(&cl->idle);
	fd_close(cl->fd);
	(void)close(cl->fd);
	cl->fd = -1;

	if (cl->trace) {
		cl->trace = false;
		trace_update();
	}

	mem_deref(cl);
}


static void client_flush(struct client *cl)
{
	while (cl->fd >= 0 && mbuf_get_left(cl->out)) {

		ssize_t n = send(cl->fd, mbuf_buf(cl->out),
				 mbuf_get_left(cl->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			client_drop(cl, "write failed");
			return;
		}

		mbuf_advance(cl->out, n);
	}

	if (cl->fd < 0)
		return;

	mbuf_rewind(cl->out);
	(void)fd_listen(cl->fd, FD_READ, client_handler, cl);
}


/* Sends what it can now and queues the rest; never blocks. */
static void client_send(struct client *cl, const char *s, size_t n)
{
	size_t pos;

	if (!cl || cl->fd < 0)
		return;

	if (!mbuf_get_left(cl->out)) {

		ssize_t w;

		do {
			w = send(cl->fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		} while (w < 0 && errno == EINTR);

		if (w < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				client_drop(cl, "write failed");
				return;
			}
			w = 0;
		}

		s += w;
		n -= (size_t)w;
		if (!n)
			return;

		mbuf_rewind(cl->out);
	}

	if (mbuf_get_left(cl->out) + n > OUTBUF_MAX) {
		client_drop(cl, "not reading its replies");
		return;
	}

	/* reclaim what was sent once it outweighs what is left (amortised) */
	if (cl->out->pos && cl->out->pos >= mbuf_get_left(cl->out)) {
		size_t left = mbuf_get_left(cl->out);

		memmove(cl->out->buf, mbuf_buf(cl->out), left);
		cl->out->pos = 0;
		cl->out->end = left;
	}

	pos = cl->out->pos;
	cl->out->pos = cl->out->end;
	if (mbuf_write_mem(cl->out, (const uint8_t *)s, n)) {
		client_drop(cl, "out of memory");
		return;
	}
	cl->out->pos = pos;

	(void)fd_listen(cl->fd, FD_READ | FD_WRITE, client_handler, cl);
}


void client_send_odict(struct client *cl, const struct odict *od)
{
	char *s = NULL;

	if (re_sdprintf(&s, "%H\n", json_encode_odict, od))
		return;

	client_send(cl, s, str_len(s));
	mem_deref(s);
}


/* Sends an event to every client, or to the tracing ones only. */
void client_broadcast(const struct odict *od, bool tracing_only)
{
	struct le *le;
	char *s = NULL;

	if (list_isempty(&clients))
		return;

	if (re_sdprintf(&s, "%H\n", json_encode_odict, od))
		return;

	for (le = clients.head; le; ) {
		struct client *cl = le->data;

		le = le->next;   /* sending may drop this client, only it */

		/* A peer with no role is told nothing, events included. */
		if (cl->peer.role == ROLE_NONE)
			continue;

		if (!tracing_only || cl->trace)
			client_send(cl, s, str_len(s));
	}

	mem_deref(s);
}


static void idle_timeout(void *arg)
{
	struct client *cl = arg;

	/* A warning, unbuffered: a client holding a slot it does not use
	 * may be someone trying to lock the others out. */
	warning("ctrl: client %d (uid %u): no complete request within %u ms:"
		" closing it\n", cl->fd, (unsigned)cl->peer.uid, IDLE_MS);
	client_drop(cl, "idle");
}


/*
 * The timer runs while the client owes us the rest of a request: from
 * the connection until its first line, and from the first byte of a
 * line until its end. done: a line was completed now.
 */
static void idle_arm(struct client *cl, bool done)
{
	if (cl->fd < 0)
		return;

	if (!cl->in->end) {
		tmr_cancel(&cl->idle);
		return;
	}

	if (done || !tmr_isrunning(&cl->idle))
		tmr_start(&cl->idle, IDLE_MS, idle_timeout, cl);
}


static void client_read(struct client *cl)
{
	struct mbuf *in = cl->in;
	size_t start = 0;
	ssize_t n;

	if (in->size - in->end < READ_CHUNK &&
	    mbuf_resize(in, in->end + READ_CHUNK)) {
		client_drop(cl, "out of memory");
		return;
	}

	n = recv(cl->fd, in->buf + in->end, READ_CHUNK, MSG_DONTWAIT);
	if (n == 0) {
		client_drop(cl, "closed");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			client_drop(cl, "read failed");
		return;
	}

	if (memchr(in->buf + in->end, '\0', (size_t)n)) {
		client_drop(cl, "sent a NUL byte");
		return;
	}

	in->end += (size_t)n;

	while (cl->fd >= 0) {
		const char *line = (const char *)in->buf + start;
		const char *nl = memchr(line, '\n', in->end - start);
		size_t len;

		if (!nl)
			break;

		len = (size_t)(nl - line);
		if (len > INBUF_MAX) {
			client_drop(cl, "request longer than 64 KiB");
			return;
		}

		handle_line(cl, line, len);
		start += len + 1;
	}

	if (cl->fd < 0)
		return;

	if (in->end - start > INBUF_MAX) {
		client_drop(cl, "request longer than 64 KiB");
		return;
	}

	memmove(in->buf, in->buf + start, in->end - start);
	in->end -= start;
	in->pos = 0;

	idle_arm(cl, start > 0);
}


static void client_handler(int flags, void *arg)
{
	struct client *cl = arg;

	/* commands and events may drop this client: keep it until we return */
	mem_ref(cl);

	if (flags & FD_WRITE)
		client_flush(cl);

	if (cl->fd >= 0 && (flags & (FD_READ | FD_EXCEPT)))
		client_read(cl);

	mem_deref(cl);
}


/* The connections of one user. */
static unsigned uid_count(uid_t uid)
{
	struct le *le;
	unsigned n = 0;

	for (le = clients.head; le; le = le->next) {
		const struct client *cl = le->data;

		n += cl->peer.uid == uid;
	}

	return n;
}


/* Why this peer may not connect now, or NULL. */
static const char *limit_why(const struct peer *p, char *buf, size_t sz)
{
	unsigned n = list_count(&clients);

	/* The user's own limit first: it is what that user can change. */
	if (p->uid != 0 && uid_count(p->uid) >= PER_UID_MAX) {
		(void)re_snprintf(buf, sz, "too many connections of uid %u"
				  " (%u)", (unsigned)p->uid, PER_UID_MAX);
		return buf;
	}
	if (n >= MAX_CLIENTS) {
		(void)re_snprintf(buf, sz, "too many connections (%u)",
				  MAX_CLIENTS);
		return buf;
	}
	if (p->role != ROLE_ADMIN && n >= MAX_CLIENTS - RESERVE) {
		(void)re_snprintf(buf, sz, "too many connections (%u); the"
				  " last %u are kept for the %s group",
				  MAX_CLIENTS - RESERVE, RESERVE,
				  auth_group(ROLE_ADMIN));
		return buf;
	}

	return NULL;
}


/*
 * Says why, in a reply without an id (the request is not read), and
 * closes. What the peer already sent is read first: closing a UNIX socket
 * with unread bytes would make the peer's read fail before it sees why.
 */
static void refuse(int fd, const char *why)
{
	char line[400], junk[512];
	int n;

	n = re_snprintf(line, sizeof(line),
			"{\"id\":null,\"ok\":false,\"error\":\"%s\"}\n", why);
	if (n > 0)
		(void)send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);

	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;

	(void)close(fd);
}


/* A new connection, served from now on; the descriptor is ours either way. */
int client_add(int fd)
{
	struct client *cl;
	struct peer peer;
	char buf[200];
	const char *why;
	int err;

	err = auth_peer(fd, &peer);
	if (err) {
		warning("ctrl: cannot tell who connected: %m\n", err);
		refuse(fd, "cannot tell who you are");
		return err;
	}

	why = limit_why(&peer, buf, sizeof(buf));
	if (why) {
		warning("ctrl: refusing uid %u (pid %d): %s\n",
			(unsigned)peer.uid, (int)peer.pid, why);
		refuse(fd, why);
		return EMFILE;
	}

	cl = mem_zalloc(sizeof(*cl), client_destructor);
	if (!cl) {
		(void)close(fd);
		return ENOMEM;
	}

	cl->fd = fd;
	cl->peer = peer;
	tmr_init(&cl->idle);
	cl->in = mbuf_alloc(READ_CHUNK);
	cl->out = mbuf_alloc(READ_CHUNK);
	err = (cl->in && cl->out) ? 0 : ENOMEM;
	if (!err)
		err = fd_listen(fd, FD_READ, client_handler, cl);
	if (err) {
		warning("ctrl: client setup: %m\n", err);
		mem_deref(cl);
		return err;
	}

	list_append(&clients, &cl->le, cl);
	tmr_start(&cl->idle, IDLE_MS, idle_timeout, cl);

	info("ctrl: client %d connected (uid %u, pid %d, role %s)\n",
	     fd, (unsigned)peer.uid, (int)peer.pid, role_name(peer.role));

	return 0;
}


/* Whether some client has turned the SIP trace on. */
bool clients_tracing(void)
{
	struct le *le;

	for (le = clients.head; le; le = le->next) {
		const struct client *cl = le->data;

		if (cl->trace)
			return true;
	}

	return false;
}


void clients_flush(void)
{
	list_flush(&clients);
}
