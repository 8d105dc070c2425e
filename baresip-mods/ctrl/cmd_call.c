/*
 * The commands that act on calls, each named by its Call-ID: dial,
 * answer, hangup, hold and resume.
 */
#include <string.h>
#include "ctrl.h"


int find_ua(struct rep *rp, const char *aor, struct ua **uap)
{
	struct ua *ua = uag_find_aor(aor);

	/* uag_find_aor("") would return the first UA: aor is never empty */
	if (!str_isset(aor) || !ua)
		return rep_fail(rp, ENOENT, "unknown AOR '%s'", nz(aor));

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


/* A call found by its id, with a copy of the id that outlives it. */
struct callref {
	struct ua *ua;
	struct call *call;
	char id[128];
};


/* The call named by "call", narrowed to one account by an optional "aor". */
static int find_call(const struct req *rq, struct rep *rp,
		     struct callref *cr)
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
			return rep_fail(rp, EINVAL, "'aor' must be a string");

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
		return rep_fail(rp, ENOENT, "no call with id '%s'", id);
	if (n > 1)
		return rep_fail(rp, EINVAL, "call id '%s' is ambiguous (a"
				" call between two local accounts): give"
				" 'aor'", id);

	cr->ua = ua;
	cr->call = call;
	str_ncpy(cr->id, nz(call_id(call)), sizeof(cr->id));

	return 0;
}


int cmd_dial(const struct req *rq, struct rep *rp)
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
			return rep_fail(rp, EINVAL, "bad URI '%s'", uri);
	}

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl) || !pl_isset(&u.host) ||
	    (pl_strcasecmp(&u.scheme, "sip") &&
	     pl_strcasecmp(&u.scheme, "sips")))
		return rep_fail(rp, EINVAL, "bad URI '%s'", uri);

	err = ua_connect(ua, &call, NULL, uri, VIDMODE_OFF);
	if (err)
		return rep_fail(rp, err, "dial failed: %m", err);

	return reply_id(rp, "id", call_id(call));
}


int cmd_answer(const struct req *rq, struct rep *rp)
{
	struct callref cr;
	enum call_state st;
	int err;

	err = find_call(rq, rp, &cr);
	if (err)
		return err;

	st = call_state(cr.call);
	if (st != CALL_STATE_INCOMING &&
	    !(st == CALL_STATE_EARLY && !call_is_outgoing(cr.call)))
		return rep_fail(rp, EINVAL, "call '%s' is %s, not incoming",
				cr.id, call_state_name(st));

	err = ua_answer(cr.ua, cr.call, VIDMODE_OFF);
	if (err)
		return rep_fail(rp, err, "answer failed: %m", err);

	return reply_id(rp, "id", cr.id);
}


int cmd_hangup(const struct req *rq, struct rep *rp)
{
	struct callref cr;
	int err;

	err = find_call(rq, rp, &cr);
	if (err)
		return err;

	/* ua_hangup() frees the call: the reply names it by the copy */
	ua_hangup(cr.ua, cr.call, 0, NULL);

	return reply_id(rp, "id", cr.id);
}


static int hold(const struct req *rq, struct rep *rp, bool on)
{
	struct callref cr;
	int err;

	err = find_call(rq, rp, &cr);
	if (err)
		return err;

	if (call_state(cr.call) != CALL_STATE_ESTABLISHED)
		return rep_fail(rp, EINVAL, "call '%s' is %s, not"
				" established", cr.id,
				call_state_name(call_state(cr.call)));

	err = call_hold(cr.call, on);
	if (err)
		return rep_fail(rp, err, "%s failed: %m",
				on ? "hold" : "resume", err);

	return reply_id(rp, "id", cr.id);
}


int cmd_hold(const struct req *rq, struct rep *rp)
{
	return hold(rq, rp, true);
}


int cmd_resume(const struct req *rq, struct rep *rp)
{
	return hold(rq, rp, false);
}
