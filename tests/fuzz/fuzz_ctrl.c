/*
 * libFuzzer target: a request line of the ctrl socket, through the
 * module's own request path (baresip-mods/ctrl/request.c and
 * req_parse.c): the line is taken apart, its command run and answered.
 * The command table and the client are stand-ins here (below): a command
 * reads its arguments with the module's param_str() and param_bool(), as
 * dial, hangup, ua_add and trace do, and the reply is kept.
 *
 * Checked, whatever the bytes: a blank line has no reply, any other line
 * exactly one, which is one JSON object with "ok" and the request's
 * integer id (or null when it had none); a string argument read is not
 * empty; a request req_parse() accepts, encoded again by libre, is
 * accepted again with the same id, command and entries (one without a
 * number with a fraction: libre encodes a huge one as "inf" and reads
 * them back a little off, and the protocol has none). The line is run
 * as an admin's, then as a viewer's and as a peer's with no role (roles
 * as stand-ins: a command's role is ctrl's rule, "version", "calls" and
 * "registrations" for viewers): each gets exactly one reply too, and a
 * refused one says why.
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "ctrl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	unsigned n;          /* replies sent for this line */
	char *text;          /* the last one */
} out;

/* The client: what the module would send is kept. */
void client_send_odict(struct client *cl, const struct odict *od)
{
	(void)cl;

	++out.n;
	out.text = mem_deref(out.text);
	if (re_sdprintf(&out.text, "%H", json_encode_odict, od))
		abort();
}

/* Who may do what: as auth.c and commands.c decide it. */
bool auth_permits(const struct peer *p, enum role need, char *why,
		  size_t whysz)
{
	if (p->role >= need)
		return true;

	re_snprintf(why, whysz, "permission denied");
	return false;
}

const char *role_name(enum role r)
{
	return r == ROLE_ADMIN ? "admin" : r == ROLE_VIEW ? "view" : "none";
}

int command_role(const char *name, enum role *rolep)
{
	*rolep = (!strcmp(name, "version") || !strcmp(name, "calls") ||
		  !strcmp(name, "registrations")) ? ROLE_VIEW : ROLE_ADMIN;
	return 0;
}

void client_drop(struct client *cl, const char *why)
{
	(void)cl;
	(void)why;
}

void info(const char *fmt, ...)
{
	(void)fmt;
}

/* The command table: every command reads its arguments as the module's
 * commands do; "version" answers with data, the others with their
 * error or a data object. */
int command_run(const char *name, const struct req *rq, struct rep *rp)
{
	static const char *const strv[] = {"aor", "uri", "call", "line"};
	const char *v;
	size_t i;
	bool on;
	int err = 0;

	if (!strcmp(name, "version"))
		return reply_id(rp, "baresip", "1.0.0");

	for (i = 0; i < ARRAY_SIZE(strv) && !err; i++) {
		err = param_str(rq, rp, strv[i], &v);
		if (!err && !v[0])
			abort();
	}
	if (err && !rp->err[0])
		abort();

	if (!err)
		err = param_bool(rq, rp, "on", &on);
	if (!err)
		err = reply_id(rp, "call", v);

	return err;
}

/* The same entries in the same order, of the same types and values;
 * requests with numbers that have a fraction are not compared (see
 * has_double()). */
static bool same(const struct odict *a, const struct odict *b)
{
	const struct le *x, *y;

	for (x = a->lst.head, y = b->lst.head; x && y;
	     x = x->next, y = y->next) {
		const struct odict_entry *e = x->data, *f = y->data;

		if (strcmp(e->key, f->key) || e->type != f->type)
			return false;

		switch (e->type) {

		case ODICT_OBJECT:
		case ODICT_ARRAY:
			if (!same(e->u.odict, f->u.odict))
				return false;
			break;

		case ODICT_STRING:
			if (strcmp(e->u.str, f->u.str))
				return false;
			break;

		case ODICT_INT:
			if (e->u.integer != f->u.integer)
				return false;
			break;

		case ODICT_BOOL:
			if (e->u.boolean != f->u.boolean)
				return false;
			break;

		default:
			break;
		}
	}

	return !x && !y;
}

/* Whether a number with a fraction is anywhere in od: libre encodes a
 * huge one as "inf", which is no JSON. */
static bool has_double(const struct odict *od)
{
	const struct le *le;

	for (le = od->lst.head; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type == ODICT_DOUBLE ||
		    ((e->type == ODICT_OBJECT || e->type == ODICT_ARRAY) &&
		     has_double(e->u.odict)))
			return true;
	}

	return false;
}

static char *encode(const struct odict *od)
{
	char *s = NULL;

	if (re_sdprintf(&s, "%H", json_encode_odict, od))
		return NULL;
	return s;
}

/* The reply to a line: one object, with "ok" and the right id. */
static void reply_check(const struct req_line *rl)
{
	struct req_line r;
	const struct odict_entry *id, *ok;
	char why[256];

	if (out.n != 1 || !out.text)
		abort();

	/* A reply is no request (it has no "command"), but is one object. */
	if (json_shape(out.text, strlen(out.text)))
		abort();
	if (req_parse(&r, why, sizeof(why), out.text, strlen(out.text)) !=
	    EINVAL || !r.od)
		abort();

	id = odict_lookup(r.od, "id");
	ok = odict_lookup(r.od, "ok");
	if (!id || !ok || ok->type != ODICT_BOOL)
		abort();
	if (rl->id ? id->type != ODICT_INT ||
	    id->u.integer != rl->id->u.integer : id->type != ODICT_NULL)
		abort();

	mem_deref(r.od);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client cl;
	struct req_line a, b;
	char why[256], *ta = NULL;
	unsigned view_n;
	int err;

	/* A line is at most 64 KiB (client.c drops longer ones). */
	if (size > 65536)
		return 0;

	memset(&cl, 0, sizeof(cl));
	cl.fd = -1;

	/* A viewer and a peer with no role: one reply each, or none for a
	 * blank line, as for an admin below. */
	cl.peer.role = ROLE_VIEW;
	out.n = 0;
	handle_line(&cl, (const char *)data, size);
	view_n = out.n;
	cl.peer.role = ROLE_NONE;
	out.n = 0;
	handle_line(&cl, (const char *)data, size);
	if (out.n != view_n || out.n > 1)
		abort();

	cl.peer.role = ROLE_ADMIN;
	out.n = 0;
	handle_line(&cl, (const char *)data, size);
	if (out.n != view_n)
		abort();

	err = req_parse(&a, why, sizeof(why), (const char *)data, size);
	if (err == ENODATA) {
		if (out.n)
			abort();
		goto out;
	}
	reply_check(&a);
	if (err) {
		if (!why[0])
			abort();        /* a refusal always says why */
		goto out;
	}

	if (!a.id || a.id->type != ODICT_INT || !a.command)
		abort();
	if (has_double(a.od))
		goto out;       /* no request of the protocol has one */

	ta = encode(a.od);
	if (!ta)
		goto out;

	if (req_parse(&b, why, sizeof(why), ta, strlen(ta)))
		abort();
	if (b.id->u.integer != a.id->u.integer || strcmp(b.command, a.command))
		abort();

	if (!same(a.od, b.od))
		abort();
	mem_deref(b.od);

 out:
	out.text = mem_deref(out.text);
	mem_deref(ta);
	mem_deref(a.od);
	return 0;
}
