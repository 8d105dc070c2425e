/*
 * The shell's side of the phone's control socket (our baresip module
 * 'ctrl'): one JSON object a line; a request carries an id and the reply
 * the same id, with pushed events in between, which a request skips.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "re_base.h"
#include "phone.h"
#include "ctrl_client.h"

#define CTRL_TIMEOUT_MS 3000

int ctrl_connect(int *fdp, char *errbuf, size_t errsz)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	re_snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/ctrl.sock",
		    phone_rundir());

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int err = errno;

		re_snprintf(errbuf, errsz, "%s: %s", sun.sun_path,
			    err == ENOENT || err == ECONNREFUSED ?
			    "the phone is not running" :
			    err == EACCES ? "permission denied (not in the "
			    "socket's group)" : strerror(err));
		close(fd);
		return err;
	}

	*fdp = fd;
	return 0;
}

int ctrl_send(int fd, const char *command, struct odict *params, int id)
{
	struct odict *req = NULL;
	struct le *le;
	char *line = NULL;
	size_t off = 0, len;
	int err;

	err = odict_alloc(&req, 8);
	if (err)
		return err;

	err  = odict_entry_add(req, "id", ODICT_INT, (int64_t)id);
	err |= odict_entry_add(req, "command", ODICT_STRING, command);

	/* The parameters sit beside the command, copied entry by entry. */
	for (le = params ? params->lst.head : NULL; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;

		switch (e->type) {

		case ODICT_STRING:
			err = odict_entry_add(req, e->key, e->type, e->u.str);
			break;

		case ODICT_INT:
			err = odict_entry_add(req, e->key, e->type,
					      e->u.integer);
			break;

		case ODICT_BOOL:
			err = odict_entry_add(req, e->key, e->type,
					      e->u.boolean);
			break;

		default:
			err = EINVAL;
			break;
		}
	}

	if (!err)
		err = re_sdprintf(&line, "%H\n", json_encode_odict, req);

	len = line ? strlen(line) : 0;
	while (!err && off < len) {
		/* A phone that closed the socket is an error to report,
		 * not a SIGPIPE that ends the shell without a word. */
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = errno ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}

	mem_deref(line);
	mem_deref(req);
	return err;
}

void ctrl_reader_init(struct ctrl_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void ctrl_reader_reset(struct ctrl_reader *r)
{
	r->mb = mem_deref(r->mb);
}

/* The next whole line as an odict; ETIMEDOUT, or ECONNRESET at the end. */
int ctrl_read(struct ctrl_reader *r, struct odict **op, int timeout_ms)
{
	int err;

	if (!r->mb) {
		r->mb = mbuf_alloc(4096);
		if (!r->mb)
			return ENOMEM;
	}

	for (;;) {
		const uint8_t *nl = memchr(r->mb->buf + r->mb->pos, '\n',
					   r->mb->end - r->mb->pos);
		struct pollfd pfd = {r->fd, POLLIN, 0};
		uint8_t buf[4096];
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - (r->mb->buf + r->mb->pos));

			err = json_decode_odict(op, 32,
						(char *)r->mb->buf + r->mb->pos,
						len, 16);
			r->mb->pos += len + 1;
			if (r->mb->pos == r->mb->end) {
				r->mb->pos = 0;
				r->mb->end = 0;
			}
			return err;
		}

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return ETIMEDOUT;

		n = read(r->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ECONNRESET;

		/* Append after what is still unread. */
		{
			size_t pos = r->mb->pos;

			r->mb->pos = r->mb->end;
			err = mbuf_write_mem(r->mb, buf, (size_t)n);
			r->mb->pos = pos;
			if (err)
				return err;
		}
	}
}

int ctrl_request(struct odict **datap, const char *command,
		 struct odict *params, char *errbuf, size_t errsz)
{
	static int next_id = 1;
	struct ctrl_reader r;
	int fd = -1, id = next_id++, i, send_err = 0, err;

	err = ctrl_connect(&fd, errbuf, errsz);
	if (err)
		return err;

	ctrl_reader_init(&r, fd);
	err = ctrl_send(fd, command, params, id);

	/* A phone that refuses the connection (its limits) says why in a
	 * line without an id, and may have closed before the request was
	 * written: that line is the answer. */
	if (err == EPIPE || err == ECONNRESET) {
		send_err = err;
		err = 0;
	}

	for (i = 0; i < 1000 && !err; i++) {
		struct odict *o = NULL;
		uint64_t rid = 0;
		bool ok = false;
		const struct odict_entry *data;

		err = ctrl_read(&r, &o, CTRL_TIMEOUT_MS);
		if (err && send_err)
			err = send_err;   /* no word why: the write's error */
		if (err)
			break;

		/* A refusal of the connection itself. */
		if (!odict_lookup(o, "event") && odict_lookup(o, "id") &&
		    odict_lookup(o, "id")->type == ODICT_NULL) {
			const char *e = odict_string(o, "error");

			re_snprintf(errbuf, errsz, "%s", e ? e : "refused");
			mem_deref(o);
			err = EPROTO;
			break;
		}

		/* Events share the socket: skip them. */
		if (!odict_get_number(o, &rid, "id") || rid != (uint64_t)id) {
			mem_deref(o);
			continue;
		}

		odict_get_boolean(o, &ok, "ok");
		if (!ok) {
			const char *e = odict_string(o, "error");

			re_snprintf(errbuf, errsz, "%s", e ? e : "refused");
			mem_deref(o);
			err = EPROTO;
			break;
		}

		data = odict_lookup(o, "data");
		*datap = data && odict_type_iscontainer(data->type) ?
			mem_ref(data->u.odict) : NULL;
		mem_deref(o);
		goto out;
	}

	if (err == ETIMEDOUT)
		re_snprintf(errbuf, errsz, "the phone did not answer within "
			    "%d ms", CTRL_TIMEOUT_MS);
	else if (err && err != EPROTO)
		re_snprintf(errbuf, errsz, "control socket: %m", err);

 out:
	ctrl_reader_reset(&r);
	close(fd);
	return err;
}
