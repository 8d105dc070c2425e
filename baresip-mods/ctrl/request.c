/*
 * One request line: taken apart (req_parse.c), authorised by the
 * client's role and the command's, dispatched by its "command" and
 * answered with exactly one reply; and the helpers the commands use to
 * read their parameters and build their replies.
 */
#include <errno.h>
#include <string.h>
#include "ctrl.h"


/* Sets the reply's one-line reason; returns err. */
int rep_fail(struct rep *rp, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(rp->err, sizeof(rp->err), fmt, ap);
	va_end(ap);

	return err;
}


/* Appends a container or string to an odict array under the next index. */
int rep_arr_add(struct odict *arr, int type, const void *val)
{
	char key[16];

	if (re_snprintf(key, sizeof(key), "%zu", odict_count(arr, false)) < 0)
		return ENOMEM;

	return odict_entry_add(arr, key, type, val);
}


int param_str(const struct req *rq, struct rep *rp, const char *key,
	      const char **valp)
{
	const struct odict_entry *e = odict_lookup(rq->od, key);

	if (!e)
		return rep_fail(rp, EINVAL, "missing '%s'", key);

	if (e->type != ODICT_STRING || !str_isset(e->u.str))
		return rep_fail(rp, EINVAL, "'%s' must be a non-empty string",
				key);

	*valp = e->u.str;

	return 0;
}


int param_bool(const struct req *rq, struct rep *rp, const char *key,
	       bool *valp)
{
	const struct odict_entry *e = odict_lookup(rq->od, key);

	if (!e)
		return rep_fail(rp, EINVAL, "missing '%s'", key);

	if (e->type != ODICT_BOOL)
		return rep_fail(rp, EINVAL, "'%s' must be true or false", key);

	*valp = e->u.boolean;

	return 0;
}


int reply_id(struct rep *rp, const char *key, const char *val)
{
	int err = odict_alloc(&rp->data, 4);

	if (!err)
		err = odict_entry_add(rp->data, key, ODICT_STRING, nz(val));

	return err;
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
		client_send_odict(cl, od);

	mem_deref(od);
}


/* Whether the client's role may run the command: a peer with no role
 * learns nothing, not even which commands exist; a known command beyond
 * the peer's role is refused by name of the group it needs. */
static int permitted(struct client *cl, const char *name, struct rep *rp)
{
	enum role need = ROLE_ADMIN;

	if (cl->peer.role == ROLE_NONE) {
		(void)auth_permits(&cl->peer, ROLE_VIEW, rp->err,
				   sizeof(rp->err));
		return EACCES;
	}
	if (0 == command_role(name, &need) &&
	    !auth_permits(&cl->peer, need, rp->err, sizeof(rp->err))) {
		info("ctrl: client %d (uid %u, %s): '%s' refused\n", cl->fd,
		     (unsigned)cl->peer.uid, role_name(cl->peer.role), name);
		return EACCES;
	}

	return 0;
}

void handle_line(struct client *cl, const char *p, size_t len)
{
	struct req_line rl;
	struct rep rp;
	int err;

	memset(&rp, 0, sizeof(rp));

	err = req_parse(&rl, rp.err, sizeof(rp.err), p, len);
	if (err == ENODATA)
		goto out;

	if (!err)
		err = permitted(cl, rl.command, &rp);
	if (!err) {
		const struct req rq = {cl, rl.od};
		err = command_run(rl.command, &rq, &rp);
	}

	reply(cl, rl.id, &rp, err);
 out:
	mem_deref(rp.data);
	mem_deref(rl.od);

	/* Answered once, then gone: it holds no connection. */
	if (cl->peer.role == ROLE_NONE)
		client_drop(cl, "no role");
}
