/*
 * ctrl: sipsh's control server inside baresip, on a UNIX stream socket.
 *
 * It replaces the stock ctrl_tcp, which listens on TCP without any
 * authentication and serves one client at a time: here the socket file's
 * owner, group and mode decide who may drive the phone, several clients
 * are served at once, and every command names its account or call, never
 * baresip's "current" user agent. The sipsh shell is the client.
 *
 * Sample config (baresip's config file; values cannot contain spaces):
 *
 *   module_path        /usr/lib/sipsh/baresip-modules
 *   module             ctrl.so
 *   ctrl_socket        /run/sipsh/ctrl.sock   # required; no default
 *   ctrl_socket_mode   0660                   # octal, default 0660
 *   ctrl_socket_group  sipsh                  # optional: chgrp the socket
 *
 * module_path must be a directory holding ctrl.so: baresip 1.0.0 joins
 * module_path and the name, so 'module /abs/path/ctrl.so' does not work.
 * The socket's directory should be writable by baresip's user only. At
 * start an existing ctrl_socket is replaced only if it is a socket that
 * nobody answers on (a stale one); anything else makes the module refuse
 * to load. The socket is created with owner-only permissions, then given
 * its group and mode, and it is removed when the module is unloaded.
 *
 * PROTOCOL
 *
 * Newline-delimited JSON in both directions: one object per line, UTF-8,
 * no newline inside an object (strings escape it). Empty lines are ignored.
 *
 * Request:   {"id": <integer>, "command": "<name>", <parameters>...}
 * Reply:     {"id": <same>, "ok": true,  "data": <object or array>}
 *            {"id": <same>, "ok": false, "error": "<one-line reason>"}
 *   Every request gets exactly one reply, in order. "id" is null in the
 *   reply when the request had none or was not valid JSON. A malformed line
 *   gets ok:false ("malformed JSON: <problem>") and the connection stays.
 *   A line longer than 64 KiB, a NUL byte, or a client that does not read
 *   its replies (4 MiB queued) gets that client disconnected, and only it.
 * Event:     {"event": "<type>", ...}, pushed to every client at any time
 *   between replies; an event caused by a request (hangup: "closed") may
 *   come before that request's reply. A line with the key "event" is an
 *   event, one without it a reply: the "id" in a call event is the call's
 *   id, not a request's.
 *
 * Commands (parameters are JSON strings unless marked):
 *
 *   version        -> {"baresip":"1.0.0","libre":"1.1.0","pid":N,
 *                      "uptime":SECONDS since baresip started,
 *                      "modules":["g711","ctrl",...]}   (loaded modules)
 *   registrations  -> [{"aor":AOR, "registered":BOOL (baresip's view),
 *                      "state":"registered"|"registering"|"failed"|"off",
 *                      "registrar":"host[:port]" (outbound proxy if set,
 *                      else the AOR's host; no port = SRV/default),
 *                      "expires":N (the account's regint, seconds),
 *                      "last":TEXT (last REGISTER outcome, as baresip
 *                      reports it: "200 OK", "401 Unauthorized", or for
 *                      no answer / transport errors the strerror text,
 *                      e.g. "Connection timed out"; "" if none yet),
 *                      "attempts":N (failures since the last success),
 *                      "since":UNIXTIME (last state change)}, ...]
 *                      "off" whenever the account's regint is 0, and
 *                      after an un-REGISTER. REGISTER refreshes that
 *                      change nothing raise no event.
 *   calls          -> [{"id":CALLID, "aor":AOR, "direction":"in"|"out",
 *                      "peer":URI, "state":"incoming"|"outgoing"|
 *                      "ringing"|"early"|"established"|"terminated"
 *                      ("idle"|"unknown" are possible but transient),
 *                      "duration":SECONDS, "held":BOOL}, ...]
 *   dial   {"aor","uri"}          -> {"id":CALLID}; uri must be sip:/sips:
 *   answer {"call"[,"aor"]}       -> {"id":CALLID}; call must be incoming
 *   hangup {"call"[,"aor"]}       -> {"id":CALLID}
 *   hold   {"call"[,"aor"]}       -> {"id":CALLID}; must be established
 *   resume {"call"[,"aor"]}       -> {"id":CALLID}; must be established
 *   ua_add {"line":"<sip:...>;regint=..."} -> {"aor":AOR}
 *                      An accounts-file line; registers at once if its
 *                      regint is not 0. Refused if the AOR exists.
 *   ua_del {"aor"}              -> {"aor":AOR}; hangs up the account's
 *                      calls (reason "account deleted") and destroys it.
 *   trace  {"on": BOOL}         -> {"on":BOOL}; per client, until it
 *                      turns it off or disconnects. baresip's own trace
 *                      (-s) is put back when no client traces any more.
 *
 *   A call is named by its id, the SIP Call-ID, in the parameter "call"
 *   (the request's own "id" is the request number). Both legs of a call
 *   between two accounts of this baresip share the Call-ID: then give
 *   "aor" to choose the leg; without it such an id is refused as
 *   ambiguous.
 *   Errors: "unknown command 'x'", "missing 'id'", "unknown AOR 'x'",
 *   "bad URI 'x'", "no call with id 'x'", ... always one line.
 *
 * Events:
 *
 *   {"event":"register","aor":AOR,"state":STATE,"last":TEXT}
 *       when an account's state, last outcome or failure count changes.
 *   {"event":"call","type":"incoming"|"ringing"|"progress"|"established"|
 *    "closed","aor":AOR,"id":CALLID,"direction":"in"|"out","peer":URI,
 *    "reason":TEXT}   reason is the close reason ("" for other types),
 *       e.g. "Connection reset by user" after our hangup.
 *       "incoming" is raised only for accounts with answermode=manual.
 *   {"event":"sip","dir":"send"|"recv","transport":"UDP"|"TCP"|"TLS"|...,
 *    "src":"ip:port","dst":"ip:port","text":WHOLE MESSAGE}
 *       only to clients that turned trace on. Bytes that are not UTF-8
 *       are replaced by '?'.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "baresip.h"
#include "version_check.h"
#include "ua_alive.h"

enum {
	INBUF_MAX   = 64 * 1024,       /* longest request line */
	OUTBUF_MAX  = 4 * 1024 * 1024, /* replies and events not yet read */
	READ_CHUNK  = 4096,
	JSON_DEPTH  = 8,
	MAX_CLIENTS = 32,
	BACKLOG     = 16,
	DEFAULT_MODE = 0660,
};

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct client {
	struct le le;
	int fd;
	struct mbuf *in;     /* bytes of the request line being received */
	struct mbuf *out;    /* bytes queued for the client: pos..end */
	bool trace;
};

/* What the UA events told us about one account's registration. */
struct regstat {
	struct le le;
	const struct ua *ua; /* identity only: compared, never dereferenced */
	char *aor;
	const char *state;
	char last[128];
	uint32_t attempts;
	time_t since;
};

/* One request being answered. */
struct req {
	struct client *cl;
	const struct odict *od;
};

/* The answer to it: data on success, err on failure. */
struct rep {
	struct odict *data;
	bool array;
	char err[256];
};

typedef int (cmd_h)(const struct req *rq, struct rep *rp);

static struct {
	int lfd;
	char path[SUN_PATH_MAX];
	dev_t dev;
	ino_t ino;
	bool bound;
	struct list clients;     /* struct client */
	struct list regs;        /* struct regstat */
	struct sip *trace_sip;   /* where our trace handler is installed */
	bool sip_gone;           /* the SIP stack has shut down */
	time_t loaded;
} ctrl = { .lfd = -1 };


static const char *nz(const char *s)
{
	return s ? s : "";
}


static int fail(struct rep *rp, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(rp->err, sizeof(rp->err), fmt, ap);
	va_end(ap);

	return err;
}


/* Appends a container or string to an odict array under the next index. */
static int arr_add(struct odict *arr, int type, const void *val)
{
	char key[16];

	if (re_snprintf(key, sizeof(key), "%zu", odict_count(arr, false)) < 0)
		return ENOMEM;

	return odict_entry_add(arr, key, type, val);
}


/*
 * Clients
 */

static void trace_update(void);


static void client_destructor(void *arg)
{
	struct client *cl = arg;

	list_unlink(&cl->le);

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
static void client_drop(struct client *cl, const char *why)
{
	if (!cl || cl->fd < 0)
		return;

	info("ctrl: client %d disconnected: %s\n", cl->fd, why);

	list_unlink(&cl->le);
	fd_close(cl->fd);
	(void)close(cl->fd);
	cl->fd = -1;

	if (cl->trace) {
		cl->trace = false;
		trace_update();
	}

	mem_deref(cl);
}


static void client_handler(int flags, void *arg);


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


static void send_odict(struct client *cl, const struct odict *od)
{
	char *s = NULL;

	if (re_sdprintf(&s, "%H\n", json_encode_odict, od))
		return;

	client_send(cl, s, str_len(s));
	mem_deref(s);
}


/* Sends an event to every client, or to the tracing ones only. */
static void broadcast(const struct odict *od, bool tracing_only)
{
	struct le *le;
	char *s = NULL;

	if (list_isempty(&ctrl.clients))
		return;

	if (re_sdprintf(&s, "%H\n", json_encode_odict, od))
		return;

	for (le = ctrl.clients.head; le; ) {
		struct client *cl = le->data;

		le = le->next;   /* sending may drop this client, only it */

		if (!tracing_only || cl->trace)
			client_send(cl, s, str_len(s));
	}

	mem_deref(s);
}


/*
 * JSON framing
 */

/*
 * libre's json_decode_odict() accepts a bare array, a scalar, an empty
 * string and trailing garbage after an object, so each line is first
 * checked to be exactly one object. Returns the problem or NULL.
 */
static const char *json_shape(const char *p, size_t len)
{
	bool instr = false, esc = false;
	int depth = 0;
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		++i;

	if (i == len || p[i] != '{')
		return "expected a JSON object";

	for (; i < len; i++) {
		const unsigned char ch = p[i];

		if (instr) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				instr = false;
			else if (ch < 0x20)
				return "control character inside a string";
			continue;
		}

		switch (ch) {

		case '"':
			instr = true;
			break;

		case '{':
		case '[':
			if (++depth > JSON_DEPTH)
				return "nested too deeply";
			break;

		case '}':
		case ']':
			if (--depth == 0)
				goto end;
			break;

		default:
			break;
		}
	}

	return instr ? "unterminated string" : "unterminated object";

 end:
	for (++i; i < len; i++) {
		if (p[i] != ' ' && p[i] != '\t')
			return "trailing data after the object";
	}

	return NULL;
}


/* Replaces bytes that are not part of a UTF-8 sequence by '?'. */
static void utf8_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n, i;

		if (*p < 0x80) {
			++p;
			continue;
		}

		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			n = 0;

		for (i = 1; n && i <= n; i++) {
			if (p[i] < 0x80 || p[i] > 0xbf)
				n = 0;
		}

		if (!n) {
			*p++ = '?';
			continue;
		}

		p += n + 1;
	}
}


/*
 * Parameters
 */

static int param_str(const struct req *rq, struct rep *rp, const char *key,
		     const char **valp)
{
	const struct odict_entry *e = odict_lookup(rq->od, key);

	if (!e)
		return fail(rp, EINVAL, "missing '%s'", key);

	if (e->type != ODICT_STRING || !str_isset(e->u.str))
		return fail(rp, EINVAL, "'%s' must be a non-empty string",
			    key);

	*valp = e->u.str;

	return 0;
}


static int param_bool(const struct req *rq, struct rep *rp, const char *key,
		      bool *valp)
{
	const struct odict_entry *e = odict_lookup(rq->od, key);

	if (!e)
		return fail(rp, EINVAL, "missing '%s'", key);

	if (e->type != ODICT_BOOL)
		return fail(rp, EINVAL, "'%s' must be true or false", key);

	*valp = e->u.boolean;

	return 0;
}


static int find_ua(struct rep *rp, const char *aor, struct ua **uap)
{
	struct ua *ua = uag_find_aor(aor);

	/* uag_find_aor("") would return the first UA: aor is never empty */
	if (!str_isset(aor) || !ua)
		return fail(rp, ENOENT, "unknown AOR '%s'", nz(aor));

	*uap = ua;

	return 0;
}


static struct call *ua_find_call(const struct ua *ua, const char *id)
{
	struct le *le;

	for (le = list_head(ua_calls(ua)); le; le = le->next) {
		struct call *call = le->data;

		if (0 == str_cmp(call_id(call), id))
			return call;
	}

	return NULL;
}


/* The call named by "call", narrowed to one account by an optional "aor". */
static int find_call(const struct req *rq, struct rep *rp,
		     struct ua **uap, struct call **callp)
{
	const struct odict_entry *e;
	struct call *call = NULL;
	struct ua *ua = NULL;
	const char *id;
	unsigned n = 0;
	struct le *le;
	int err;

	err = param_str(rq, rp, "call", &id);
	if (err)
		return err;

	e = odict_lookup(rq->od, "aor");
	if (e) {
		if (e->type != ODICT_STRING)
			return fail(rp, EINVAL, "'aor' must be a string");

		err = find_ua(rp, e->u.str, &ua);
		if (err)
			return err;

		call = ua_find_call(ua, id);
		n = call ? 1 : 0;
	}
	else {
		for (le = list_head(uag_list()); le; le = le->next) {
			struct call *c = ua_find_call(le->data, id);

			if (c) {
				call = c;
				ua = le->data;
				++n;
			}
		}
	}

	if (n == 0)
		return fail(rp, ENOENT, "no call with id '%s'", id);
	if (n > 1)
		return fail(rp, EINVAL, "call id '%s' is ambiguous (a call"
			    " between two local accounts): give 'aor'", id);

	*uap = ua;
	*callp = call;

	return 0;
}


/*
 * Registration state, kept from the UA events
 */

static void regstat_destructor(void *arg)
{
	struct regstat *rs = arg;

	list_unlink(&rs->le);
	mem_deref(rs->aor);
}


/* Forgets accounts that no longer exist. */
static void regstat_prune(void)
{
	struct le *le;

	for (le = ctrl.regs.head; le; ) {
		struct regstat *rs = le->data;

		le = le->next;
		if (!sipsh_ua_alive(rs->ua))
			mem_deref(rs);
	}
}


static void regstat_forget(const struct ua *ua)
{
	struct le *le;

	for (le = ctrl.regs.head; le; le = le->next) {
		struct regstat *rs = le->data;

		if (rs->ua == ua) {
			mem_deref(rs);
			return;
		}
	}
}


static struct regstat *regstat_get(const struct ua *ua)
{
	struct regstat *rs;
	struct le *le;

	for (le = ctrl.regs.head; le; le = le->next) {
		rs = le->data;

		/* an address reused by a new UA is a new account */
		if (rs->ua == ua) {
			if (0 == str_cmp(rs->aor, ua_aor(ua)))
				return rs;
			mem_deref(rs);
			break;
		}
	}

	rs = mem_zalloc(sizeof(*rs), regstat_destructor);
	if (!rs)
		return NULL;

	if (str_dup(&rs->aor, nz(ua_aor(ua)))) {
		mem_deref(rs);
		return NULL;
	}

	rs->ua = ua;
	rs->since = time(NULL);
	if (!account_regint(ua_account(ua)))
		rs->state = "off";
	else if (ua_isregistered(ua))
		rs->state = "registered";
	else
		rs->state = "registering";

	list_append(&ctrl.regs, &rs->le, rs);

	return rs;
}


static void reg_event(struct ua *ua, enum ua_event ev, const char *prm)
{
	struct regstat *rs = regstat_get(ua);
	struct odict *od = NULL;
	const char *state;
	bool changed = false;

	if (!rs)
		return;

	switch (ev) {

	case UA_EVENT_REGISTERING:
		state = "registering";
		break;

	case UA_EVENT_REGISTER_OK:
		state = "registered";
		if (rs->attempts)
			changed = true;
		rs->attempts = 0;
		break;

	case UA_EVENT_REGISTER_FAIL:
		state = "failed";
		++rs->attempts;
		changed = true;
		break;

	default:
		state = "off";
		break;
	}

	if (rs->state != state) {
		rs->state = state;
		rs->since = time(NULL);
		changed = true;
	}

	if (str_isset(prm) && str_cmp(rs->last, prm)) {
		str_ncpy(rs->last, prm, sizeof(rs->last));
		changed = true;
	}

	if (changed && 0 == odict_alloc(&od, 8)) {

		if (0 == odict_entry_add(od, "event", ODICT_STRING,
					 "register") &&
		    0 == odict_entry_add(od, "aor", ODICT_STRING, rs->aor) &&
		    0 == odict_entry_add(od, "state", ODICT_STRING,
					 rs->state) &&
		    0 == odict_entry_add(od, "last", ODICT_STRING, rs->last))
			broadcast(od, false);

		mem_deref(od);
	}

	/* a UA being destroyed says UNREGISTERING: keep nothing for it */
	if (!sipsh_ua_alive(ua))
		mem_deref(rs);
}


/* "host[:port]" of the outbound proxy if any, else of the AOR. */
static void registrar_print(char *buf, size_t sz, const struct account *acc)
{
	const char *ob = account_outbound(acc, 0);
	const struct uri *luri = account_luri(acc);
	struct uri u;
	struct pl pl;

	buf[0] = '\0';

	if (str_isset(ob)) {
		pl_set_str(&pl, ob);
		if (uri_decode(&u, &pl)) {
			str_ncpy(buf, ob, sz);
			return;
		}
	}
	else if (luri) {
		u = *luri;
	}
	else {
		return;
	}

	if (u.af == AF_INET6)
		(void)re_snprintf(buf, sz, "[%r]", &u.host);
	else
		(void)re_snprintf(buf, sz, "%r", &u.host);

	if (u.port) {
		size_t l = strlen(buf);
		(void)re_snprintf(buf + l, sz - l, ":%u", u.port);
	}
}


/*
 * SIP trace
 */

/*
 * Whether baresip was started with -s (its own SIP trace), so that turning
 * our trace off gives it back. 1.0.0's options: "46de:f:p:hu:n:vst:m:".
 */
static bool baresip_traces(void)
{
	static const char witharg[] = "efpunmt";
	char buf[4096];
	bool found = false;
	ssize_t n;
	size_t i;
	bool first = true, skipnext = false;
	int fd;

	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';

	for (i = 0; i < (size_t)n && !found; i += strlen(buf + i) + 1) {
		const char *a = buf + i;

		if (first || skipnext) {
			first = skipnext = false;
			continue;
		}
		if (0 == str_cmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue;

		for (++a; *a; ++a) {
			if (*a == 's') {
				found = true;
				break;
			}
			if (strchr(witharg, *a)) {
				skipnext = (a[1] == '\0');
				break;
			}
		}
	}

	return found;
}


static void trace_handler(bool tx, enum sip_transp tp,
			  const struct sa *src, const struct sa *dst,
			  const uint8_t *pkt, size_t len, void *arg)
{
	struct odict *od = NULL;
	char s[64], d[64];
	char *text = NULL;
	(void)arg;

	if (re_sdprintf(&text, "%b", pkt, len))
		return;
	utf8_sanitize(text);

	(void)re_snprintf(s, sizeof(s), "%J", src);
	(void)re_snprintf(d, sizeof(d), "%J", dst);

	if (odict_alloc(&od, 8))
		goto out;

	if (0 == odict_entry_add(od, "event", ODICT_STRING, "sip") &&
	    0 == odict_entry_add(od, "dir", ODICT_STRING,
				 tx ? "send" : "recv") &&
	    0 == odict_entry_add(od, "transport", ODICT_STRING,
				 sip_transp_name(tp)) &&
	    0 == odict_entry_add(od, "src", ODICT_STRING, s) &&
	    0 == odict_entry_add(od, "dst", ODICT_STRING, d) &&
	    0 == odict_entry_add(od, "text", ODICT_STRING, text))
		broadcast(od, true);

 out:
	mem_deref(od);
	mem_deref(text);
}


/* Gives the trace back to baresip: its own if it was started with -s. */
static void trace_restore(void)
{
	if (!ctrl.trace_sip)
		return;

	if (!ctrl.sip_gone && uag_sip() == ctrl.trace_sip)
		uag_enable_sip_trace(baresip_traces());

	ctrl.trace_sip = NULL;
}


/* Installs our trace handler while some client wants it. */
static void trace_update(void)
{
	bool want = false;
	struct le *le;

	for (le = ctrl.clients.head; le; le = le->next) {
		const struct client *cl = le->data;

		if (cl->trace)
			want = true;
	}

	if (want && !ctrl.trace_sip && !ctrl.sip_gone && uag_sip()) {
		ctrl.trace_sip = uag_sip();
		sip_set_trace_handler(ctrl.trace_sip, trace_handler);
	}
	else if (!want) {
		trace_restore();
	}
}


/*
 * Commands
 */

/* Seconds since this process started, from /proc/self/stat. */
static int64_t uptime(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	struct timespec now;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd, field;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fallback;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		goto fallback;
	buf[n] = '\0';

	/* the command name may hold spaces and ')': fields follow the last */
	p = strrchr(buf, ')');
	if (!p)
		goto fallback;

	/* field 3 follows ") "; starttime is field 22 */
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &now))
		goto fallback;

	start = strtoull(p + 1, NULL, 10) / (unsigned long long)hz;
	if ((unsigned long long)now.tv_sec < start)
		return 0;

	return (int64_t)((unsigned long long)now.tv_sec - start);

 fallback:
	return (int64_t)(time(NULL) - ctrl.loaded);
}


static int cmd_version(const struct req *rq, struct rep *rp)
{
	struct odict *mods = NULL;
	struct le *le;
	int err;
	(void)rq;

	err  = odict_alloc(&rp->data, 8);
	err |= odict_alloc(&mods, 32);
	if (err)
		goto out;

	for (le = list_head(mod_list()); le; le = le->next) {
		const struct mod_export *me = mod_export(le->data);

		if (me && me->name) {
			err = arr_add(mods, ODICT_STRING, me->name);
			if (err)
				goto out;
		}
	}

	err  = odict_entry_add(rp->data, "baresip", ODICT_STRING,
			       sipsh_baresip_running_version());
	err |= odict_entry_add(rp->data, "libre", ODICT_STRING,
			       nz(sys_libre_version_get()));
	err |= odict_entry_add(rp->data, "pid", ODICT_INT,
			       (int64_t)getpid());
	err |= odict_entry_add(rp->data, "uptime", ODICT_INT, uptime());
	err |= odict_entry_add(rp->data, "modules", ODICT_ARRAY, mods);

 out:
	mem_deref(mods);
	return err;
}


static int cmd_registrations(const struct req *rq, struct rep *rp)
{
	struct le *le;
	int err;
	(void)rq;

	regstat_prune();

	rp->array = true;
	err = odict_alloc(&rp->data, 8);
	if (err)
		return err;

	for (le = list_head(uag_list()); le && !err; le = le->next) {
		const struct ua *ua = le->data;
		const struct account *acc = ua_account(ua);
		const struct regstat *rs = regstat_get(ua);
		uint32_t regint = account_regint(acc);
		struct odict *o = NULL;
		char registrar[256];

		if (!rs)
			return ENOMEM;

		registrar_print(registrar, sizeof(registrar), acc);

		err = odict_alloc(&o, 16);
		if (err)
			break;

		err  = odict_entry_add(o, "aor", ODICT_STRING, rs->aor);
		err |= odict_entry_add(o, "registered", ODICT_BOOL,
				       ua_isregistered(ua));
		err |= odict_entry_add(o, "state", ODICT_STRING,
				       regint ? rs->state : "off");
		err |= odict_entry_add(o, "registrar", ODICT_STRING,
				       registrar);
		err |= odict_entry_add(o, "expires", ODICT_INT,
				       (int64_t)regint);
		err |= odict_entry_add(o, "last", ODICT_STRING, rs->last);
		err |= odict_entry_add(o, "attempts", ODICT_INT,
				       (int64_t)rs->attempts);
		err |= odict_entry_add(o, "since", ODICT_INT,
				       (int64_t)rs->since);
		if (!err)
			err = arr_add(rp->data, ODICT_OBJECT, o);

		mem_deref(o);
	}

	return err;
}


static const char *state_name(enum call_state st)
{
	switch (st) {

	case CALL_STATE_IDLE:        return "idle";
	case CALL_STATE_INCOMING:    return "incoming";
	case CALL_STATE_OUTGOING:    return "outgoing";
	case CALL_STATE_RINGING:     return "ringing";
	case CALL_STATE_EARLY:       return "early";
	case CALL_STATE_ESTABLISHED: return "established";
	case CALL_STATE_TERMINATED:  return "terminated";
	default:                     return "unknown";
	}
}


static int cmd_calls(const struct req *rq, struct rep *rp)
{
	struct le *le, *lc;
	int err;
	(void)rq;

	rp->array = true;
	err = odict_alloc(&rp->data, 8);

	for (le = list_head(uag_list()); le && !err; le = le->next) {
		const struct ua *ua = le->data;

		for (lc = list_head(ua_calls(ua)); lc && !err; lc = lc->next) {
			const struct call *call = lc->data;
			struct odict *o = NULL;

			err = odict_alloc(&o, 8);
			if (err)
				break;

			err  = odict_entry_add(o, "id", ODICT_STRING,
					       nz(call_id(call)));
			err |= odict_entry_add(o, "aor", ODICT_STRING,
					       nz(ua_aor(ua)));
			err |= odict_entry_add(o, "direction", ODICT_STRING,
					       call_is_outgoing(call) ?
					       "out" : "in");
			err |= odict_entry_add(o, "peer", ODICT_STRING,
					       nz(call_peeruri(call)));
			err |= odict_entry_add(o, "state", ODICT_STRING,
					       state_name(call_state(call)));
			err |= odict_entry_add(o, "duration", ODICT_INT,
					       (int64_t)call_duration(call));
			err |= odict_entry_add(o, "held", ODICT_BOOL,
					       call_is_onhold(call));
			if (!err)
				err = arr_add(rp->data, ODICT_OBJECT, o);

			mem_deref(o);
		}
	}

	return err;
}


static int reply_id(struct rep *rp, const char *key, const char *val)
{
	int err = odict_alloc(&rp->data, 4);

	if (!err)
		err = odict_entry_add(rp->data, key, ODICT_STRING, nz(val));

	return err;
}


static int cmd_dial(const struct req *rq, struct rep *rp)
{
	const char *aor, *uri, *p;
	struct call *call = NULL;
	struct ua *ua;
	struct uri u;
	struct pl pl;
	int err;

	err = param_str(rq, rp, "aor", &aor);
	if (!err)
		err = param_str(rq, rp, "uri", &uri);
	if (!err)
		err = find_ua(rp, aor, &ua);
	if (err)
		return err;

	for (p = uri; *p; p++) {
		if ((unsigned char)*p <= ' ')
			return fail(rp, EINVAL, "bad URI '%s'", uri);
	}

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl) || !pl_isset(&u.host) ||
	    (pl_strcasecmp(&u.scheme, "sip") &&
	     pl_strcasecmp(&u.scheme, "sips")))
		return fail(rp, EINVAL, "bad URI '%s'", uri);

	err = ua_connect(ua, &call, NULL, uri, VIDMODE_OFF);
	if (err)
		return fail(rp, err, "dial failed: %m", err);

	return reply_id(rp, "id", call_id(call));
}


static int cmd_answer(const struct req *rq, struct rep *rp)
{
	struct call *call;
	struct ua *ua;
	char id[128];
	int err;

	err = find_call(rq, rp, &ua, &call);
	if (err)
		return err;

	if (call_state(call) != CALL_STATE_INCOMING &&
	    !(call_state(call) == CALL_STATE_EARLY &&
	      !call_is_outgoing(call)))
		return fail(rp, EINVAL, "call '%s' is %s, not incoming",
			    call_id(call), state_name(call_state(call)));

	str_ncpy(id, nz(call_id(call)), sizeof(id));

	err = ua_answer(ua, call, VIDMODE_OFF);
	if (err)
		return fail(rp, err, "answer failed: %m", err);

	return reply_id(rp, "id", id);
}


static int cmd_hangup(const struct req *rq, struct rep *rp)
{
	struct call *call;
	struct ua *ua;
	char id[128];
	int err;

	err = find_call(rq, rp, &ua, &call);
	if (err)
		return err;

	/* ua_hangup() frees the call */
	str_ncpy(id, nz(call_id(call)), sizeof(id));

	ua_hangup(ua, call, 0, NULL);

	return reply_id(rp, "id", id);
}


static int hold(const struct req *rq, struct rep *rp, bool on)
{
	struct call *call;
	struct ua *ua;
	int err;

	err = find_call(rq, rp, &ua, &call);
	if (err)
		return err;

	if (call_state(call) != CALL_STATE_ESTABLISHED)
		return fail(rp, EINVAL, "call '%s' is %s, not established",
			    call_id(call), state_name(call_state(call)));

	err = call_hold(call, on);
	if (err)
		return fail(rp, err, "%s failed: %m",
			    on ? "hold" : "resume", err);

	return reply_id(rp, "id", call_id(call));
}


static int cmd_hold(const struct req *rq, struct rep *rp)
{
	return hold(rq, rp, true);
}


static int cmd_resume(const struct req *rq, struct rep *rp)
{
	return hold(rq, rp, false);
}


static void ua_remove(struct ua *ua)
{
	struct le *le;

	/* close the calls with events, as ua_destroy() would not */
	for (le = list_head(ua_calls(ua)); le; ) {
		struct call *call = le->data;

		le = le->next;
		ua_hangup(ua, call, 0, "account deleted");
	}

	/* never leave baresip's current UA pointing at freed memory */
	if (uag_current() == ua) {
		struct ua *next = NULL;

		for (le = list_head(uag_list()); le; le = le->next) {
			if (le->data != ua) {
				next = le->data;
				break;
			}
		}

		uag_current_set(next);
	}

	regstat_forget(ua);

	/* unlinks it, raises SHUTDOWN (mwi and presence drop theirs) */
	(void)ua_destroy(ua);
}


static int cmd_ua_add(const struct req *rq, struct rep *rp)
{
	struct ua *ua = NULL;
	const char *line;
	char aor[256];
	int err;

	err = param_str(rq, rp, "line", &line);
	if (err)
		return err;

	err = ua_alloc(&ua, line);
	if (err)
		return fail(rp, err, "cannot add account: %m", err);

	str_ncpy(aor, nz(ua_aor(ua)), sizeof(aor));

	/* ua_alloc() appended it: an older UA with this AOR comes first */
	if (uag_find_aor(aor) != ua) {
		ua_remove(ua);
		return fail(rp, EEXIST, "account '%s' exists", aor);
	}

	(void)regstat_get(ua);

	if (account_regint(ua_account(ua))) {
		err = ua_register(ua);
		if (err)
			warning("ctrl: %s: register: %m\n", aor, err);
	}

	return reply_id(rp, "aor", aor);
}


static int cmd_ua_del(const struct req *rq, struct rep *rp)
{
	const char *aor;
	struct ua *ua;
	char copy[256];
	int err;

	err = param_str(rq, rp, "aor", &aor);
	if (!err)
		err = find_ua(rp, aor, &ua);
	if (err)
		return err;

	str_ncpy(copy, aor, sizeof(copy));

	ua_remove(ua);

	return reply_id(rp, "aor", copy);
}


static int cmd_trace(const struct req *rq, struct rep *rp)
{
	bool on = false;
	int err;

	err = param_bool(rq, rp, "on", &on);
	if (err)
		return err;

	if (on && (ctrl.sip_gone || !uag_sip()))
		return fail(rp, ENODEV, "the SIP stack is gone");

	rq->cl->trace = on;
	trace_update();

	err = odict_alloc(&rp->data, 4);
	if (!err)
		err = odict_entry_add(rp->data, "on", ODICT_BOOL, on);

	return err;
}


static const struct cmd {
	const char *name;
	cmd_h *h;
} cmdv[] = {
	{"answer",        cmd_answer},
	{"calls",         cmd_calls},
	{"dial",          cmd_dial},
	{"hangup",        cmd_hangup},
	{"hold",          cmd_hold},
	{"registrations", cmd_registrations},
	{"resume",        cmd_resume},
	{"trace",         cmd_trace},
	{"ua_add",        cmd_ua_add},
	{"ua_del",        cmd_ua_del},
	{"version",       cmd_version},
};


static const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdv); i++) {
		if (0 == str_cmp(cmdv[i].name, name))
			return &cmdv[i];
	}

	return NULL;
}


static void reply(struct client *cl, const struct odict_entry *id,
		  const struct rep *rp, int err)
{
	struct odict *od = NULL;
	int e;

	if (odict_alloc(&od, 8))
		return;

	if (id)
		e = odict_entry_add(od, "id", ODICT_INT, id->u.integer);
	else
		e = odict_entry_add(od, "id", ODICT_NULL);

	if (!err && rp->data) {
		e |= odict_entry_add(od, "ok", ODICT_BOOL, true);
		e |= odict_entry_add(od, "data", rp->array ?
				     ODICT_ARRAY : ODICT_OBJECT, rp->data);
	}
	else {
		char msg[300];

		if (rp->err[0])
			str_ncpy(msg, rp->err, sizeof(msg));
		else
			(void)re_snprintf(msg, sizeof(msg), "%m",
					  err ? err : ENOMEM);

		e |= odict_entry_add(od, "ok", ODICT_BOOL, false);
		e |= odict_entry_add(od, "error", ODICT_STRING, msg);
	}

	if (!e)
		send_odict(cl, od);

	mem_deref(od);
}


static void handle_line(struct client *cl, const char *p, size_t len)
{
	const struct odict_entry *id = NULL;
	struct odict *od = NULL;
	struct rep rp;
	const struct cmd *cmd;
	const char *problem, *name;
	size_t i;
	int err;

	memset(&rp, 0, sizeof(rp));

	if (len && p[len - 1] == '\r')
		--len;

	for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i == len)
		return;

	problem = json_shape(p, len);
	if (problem) {
		err = fail(&rp, EBADMSG, "malformed JSON: %s", problem);
		goto out;
	}

	err = json_decode_odict(&od, 16, p, len, JSON_DEPTH + 1);
	if (err) {
		err = fail(&rp, err, "malformed JSON: %s",
			   err == EBADMSG ? "invalid syntax" : "cannot decode");
		goto out;
	}

	id = odict_lookup(od, "id");
	if (!id) {
		err = fail(&rp, EINVAL, "missing 'id'");
		goto out;
	}
	if (id->type != ODICT_INT) {
		id = NULL;
		err = fail(&rp, EINVAL, "'id' must be an integer");
		goto out;
	}

	name = odict_string(od, "command");
	if (!name) {
		err = fail(&rp, EINVAL, "missing 'command' (a string)");
		goto out;
	}

	cmd = cmd_find(name);
	if (!cmd) {
		err = fail(&rp, ENOTSUP, "unknown command '%s'", name);
		goto out;
	}

	{
		const struct req rq = {cl, od};
		err = cmd->h(&rq, &rp);
	}

 out:
	reply(cl, id, &rp, err);
	mem_deref(rp.data);
	mem_deref(od);
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


static void accept_handler(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	for (;;) {
		struct client *cl;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		int fd, err;

		fd = accept4(ctrl.lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				warning("ctrl: accept: %m\n", errno);
			return;
		}

		if (list_count(&ctrl.clients) >= MAX_CLIENTS) {
			warning("ctrl: %u clients already: refusing one\n",
				MAX_CLIENTS);
			(void)close(fd);
			continue;
		}

		cl = mem_zalloc(sizeof(*cl), client_destructor);
		if (!cl) {
			(void)close(fd);
			continue;
		}

		cl->fd = fd;
		cl->in = mbuf_alloc(READ_CHUNK);
		cl->out = mbuf_alloc(READ_CHUNK);
		err = (cl->in && cl->out) ? 0 : ENOMEM;
		if (!err)
			err = fd_listen(fd, FD_READ, client_handler, cl);
		if (err) {
			warning("ctrl: client setup: %m\n", err);
			mem_deref(cl);
			continue;
		}

		list_append(&ctrl.clients, &cl->le, cl);

		if (0 == getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
			info("ctrl: client %d connected (uid %u, pid %d)\n",
			     fd, (unsigned)cred.uid, (int)cred.pid);
	}
}


/*
 * UA events
 */

static void call_event(struct ua *ua, const char *type, struct call *call,
		       const char *reason)
{
	struct odict *od = NULL;

	if (odict_alloc(&od, 8))
		return;

	if (0 == odict_entry_add(od, "event", ODICT_STRING, "call") &&
	    0 == odict_entry_add(od, "type", ODICT_STRING, type) &&
	    0 == odict_entry_add(od, "aor", ODICT_STRING, nz(ua_aor(ua))) &&
	    0 == odict_entry_add(od, "id", ODICT_STRING,
				 nz(call_id(call))) &&
	    0 == odict_entry_add(od, "direction", ODICT_STRING,
				 call_is_outgoing(call) ? "out" : "in") &&
	    0 == odict_entry_add(od, "peer", ODICT_STRING,
				 nz(call_peeruri(call))) &&
	    0 == odict_entry_add(od, "reason", ODICT_STRING, nz(reason)))
		broadcast(od, false);

	mem_deref(od);
}


static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)arg;

	switch (ev) {

	case UA_EVENT_REGISTERING:
	case UA_EVENT_REGISTER_OK:
	case UA_EVENT_REGISTER_FAIL:
	case UA_EVENT_UNREGISTERING:
		if (ua)
			reg_event(ua, ev, prm);
		break;

	case UA_EVENT_SHUTDOWN:
		regstat_forget(ua);
		break;

	case UA_EVENT_EXIT:
		/* the SIP stack is closing: take our trace handler out now,
		   while uag_sip() still points at it */
		trace_restore();
		ctrl.sip_gone = true;
		break;

	case UA_EVENT_CALL_INCOMING:
		call_event(ua, "incoming", call, "");
		break;

	case UA_EVENT_CALL_RINGING:
		call_event(ua, "ringing", call, "");
		break;

	case UA_EVENT_CALL_PROGRESS:
		call_event(ua, "progress", call, "");
		break;

	case UA_EVENT_CALL_ESTABLISHED:
		call_event(ua, "established", call, "");
		break;

	case UA_EVENT_CALL_CLOSED:
		call_event(ua, "closed", call, prm);
		break;

	default:
		break;
	}
}


/*
 * The socket
 */

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


static int socket_open(const char *path, mode_t mode, bool chgrp, gid_t gid)
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

	ctrl.lfd = fd;
	str_ncpy(ctrl.path, path, sizeof(ctrl.path));

	if (lstat(path, &st)) {
		err = errno;
		warning("ctrl: %s: %m\n", path, err);
		return err;
	}
	ctrl.dev = st.st_dev;
	ctrl.ino = st.st_ino;
	ctrl.bound = true;

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


static void socket_close(void)
{
	struct stat st;

	if (ctrl.lfd >= 0) {
		fd_close(ctrl.lfd);
		(void)close(ctrl.lfd);
		ctrl.lfd = -1;
	}

	/* remove the file only while it is still ours */
	if (ctrl.bound) {
		if (0 == lstat(ctrl.path, &st) && S_ISSOCK(st.st_mode) &&
		    st.st_dev == ctrl.dev && st.st_ino == ctrl.ino)
			(void)unlink(ctrl.path);
		ctrl.bound = false;
	}
}


/*
 * Configuration
 */

static int read_config(char *path, size_t pathsz, mode_t *modep,
		       bool *chgrpp, gid_t *gidp)
{
	struct conf *conf = conf_cur();
	char buf[64];
	const char *p;
	unsigned long mode = 0;

	/* one byte more than allowed: conf_get_str() silently truncates */
	if (conf_get_str(conf, "ctrl_socket", path, pathsz) || !path[0]) {
		warning("ctrl: no 'ctrl_socket PATH' in the baresip config:"
			" not loading\n");
		return EINVAL;
	}
	if (strlen(path) >= SUN_PATH_MAX) {
		warning("ctrl: ctrl_socket is longer than %zu bytes:"
			" not loading\n", SUN_PATH_MAX - 1);
		return ENAMETOOLONG;
	}

	*modep = DEFAULT_MODE;
	if (0 == conf_get_str(conf, "ctrl_socket_mode", buf, sizeof(buf))) {

		for (p = buf; *p >= '0' && *p <= '7'; p++)
			mode = mode * 8 + (unsigned long)(*p - '0');

		if (!buf[0] || *p || p - buf > 4 || mode > 0777) {
			warning("ctrl: ctrl_socket_mode '%s' is not an octal"
				" mode such as 0660: not loading\n", buf);
			return EINVAL;
		}
		*modep = (mode_t)mode;
	}

	*chgrpp = false;
	if (0 == conf_get_str(conf, "ctrl_socket_group", buf, sizeof(buf)) &&
	    buf[0]) {
		struct group grp, *res = NULL;
		char gbuf[16384];
		int err;

		if (strlen(buf) >= sizeof(buf) - 1) {
			warning("ctrl: ctrl_socket_group is too long:"
				" not loading\n");
			return EINVAL;
		}

		err = getgrnam_r(buf, &grp, gbuf, sizeof(gbuf), &res);
		if (err || !res) {
			warning("ctrl: ctrl_socket_group '%s': %s:"
				" not loading\n", buf,
				err ? "lookup failed" : "no such group");
			return err ? err : ENOENT;
		}

		*gidp = res->gr_gid;
		*chgrpp = true;
	}

	return 0;
}


/*
 * Module
 */

static int ctrl_close(void)
{
	uag_event_unregister(ua_event_handler);
	trace_restore();
	list_flush(&ctrl.clients);
	list_flush(&ctrl.regs);
	socket_close();

	return 0;
}


static int ctrl_init(void)
{
	char path[SUN_PATH_MAX + 1];
	bool chgrp;
	mode_t mode;
	gid_t gid = 0;
	int err;

	err = sipsh_mod_version_check("ctrl");
	if (err)
		return err;

	ctrl.loaded = time(NULL);
	ctrl.sip_gone = false;

	err = read_config(path, sizeof(path), &mode, &chgrp, &gid);
	if (err)
		return err;

	err = socket_open(path, mode, chgrp, gid);
	if (err)
		goto out;

	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		goto out;

	info("ctrl: listening on %s (mode 0%u%u%u)\n", path,
	     (unsigned)(mode >> 6) & 7, (unsigned)(mode >> 3) & 7,
	     (unsigned)mode & 7);

 out:
	/* libre also calls close after a failed init: it is idempotent */
	if (err)
		(void)ctrl_close();

	return err;
}


const struct mod_export DECL_EXPORTS(ctrl) = {
	"ctrl",
	"application",
	ctrl_init,
	ctrl_close
};
