/*
 * The commands that report: version, registrations and calls.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctrl_ext.h"
#include "file_read.h"
#include "version_check.h"
#include "ctrl.h"

static time_t loaded;          /* when the module was loaded */


/* Seconds since this process started, from /proc/self/stat. */
static int64_t uptime(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	struct timespec now;
	long hz = sysconf(_SC_CLK_TCK);
	size_t n;
	int field;

	if (sipsh_file_read("/proc/self/stat", buf, sizeof(buf), &n))
		goto fallback;

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
	return (int64_t)(time(NULL) - loaded);
}


int cmd_version(const struct req *rq, struct rep *rp)
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
			err = rep_arr_add(mods, ODICT_STRING, me->name);
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
 * A binding whose expiry has passed since the registrar last confirmed it
 * is not registered as far as the phone can know, whatever libre still
 * believes: its refresh went unanswered (over UDP libre waits 64*T1, 32 s,
 * before it says so). The account is then shown registering, as it is.
 */
static bool binding_expired(const struct regstat *rs, uint32_t regint,
			    time_t now)
{
	return !strcmp(rs->state, "registered") && rs->confirmed && regint &&
		now >= rs->confirmed + (time_t)regint;
}


int cmd_registrations(const struct req *rq, struct rep *rp)
{
	const struct cmd *hook = ext_find(CTRL_EXT_AUTH_INFO);
	time_t now = time(NULL);
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
		bool expired;

		if (!rs)
			return ENOMEM;

		registrar_print(registrar, sizeof(registrar), acc);

		err = odict_alloc(&o, 16);
		if (err)
			break;

		err  = odict_entry_add(o, "aor", ODICT_STRING, rs->aor);
		expired = binding_expired(rs, regint, now);
		err |= odict_entry_add(o, "registered", ODICT_BOOL,
				       ua_isregistered(ua) && !expired);
		err |= odict_entry_add(o, "state", ODICT_STRING,
				       !regint ? "off" :
				       expired ? "registering" : rs->state);
		err |= odict_entry_add(o, "registrar", ODICT_STRING,
				       registrar);
		err |= odict_entry_add(o, "expires", ODICT_INT,
				       (int64_t)regint);
		err |= odict_entry_add(o, "last", ODICT_STRING, rs->last);
		err |= odict_entry_add(o, "attempts", ODICT_INT,
				       (int64_t)rs->attempts);
		err |= odict_entry_add(o, "since", ODICT_INT,
				       (int64_t)rs->since);
		err |= odict_entry_add(o, "confirmed", ODICT_INT,
				       (int64_t)rs->confirmed);
		/* A REGISTER refused for its realm: which asked (acctauth). */
		if (!err)
			err = ext_info_add(hook, o, NULL, rs->aor);
		if (!err)
			err = rep_arr_add(rp->data, ODICT_OBJECT, o);

		mem_deref(o);
	}

	return err;
}


const char *call_state_name(enum call_state st)
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


/* Adds to an entry what a hook (common/ctrl_ext.h) says of a call
 * (id set) or an account, if a module registered it. Its failure adds
 * nothing. */
int ext_info_add(const struct cmd *hook, struct odict *o, const char *id,
		 const char *aor)
{
	struct odict *prm = NULL, *data = NULL;
	char why[64];
	struct le *le;
	int err;

	if (!hook)
		return 0;

	err  = odict_alloc(&prm, 4);
	if (err)
		return err;
	if (id)
		err = odict_entry_add(prm, "call", ODICT_STRING, id);
	err |= odict_entry_add(prm, "aor", ODICT_STRING, aor);
	if (!err && ext_call(hook, prm, &data, why, sizeof(why)))
		data = NULL;

	for (le = data ? data->lst.head : NULL; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;

		if (odict_lookup(o, e->key))
			continue;        /* ctrl's own members stay */

		switch (e->type) {

		case ODICT_INT:
			err = odict_entry_add(o, e->key, e->type,
					      e->u.integer);
			break;

		case ODICT_STRING:
			err = odict_entry_add(o, e->key, e->type, e->u.str);
			break;

		case ODICT_BOOL:
			err = odict_entry_add(o, e->key, e->type,
					      e->u.boolean);
			break;

		default:
			break;
		}
	}

	mem_deref(data);
	mem_deref(prm);

	return err;
}


int cmd_calls(const struct req *rq, struct rep *rp)
{
	const struct cmd *hook = ext_find(CTRL_EXT_CALL_INFO);
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
					       call_state_name(
						       call_state(call)));
			err |= odict_entry_add(o, "duration", ODICT_INT,
					       (int64_t)call_duration(call));
			err |= odict_entry_add(o, "held", ODICT_BOOL,
					       call_is_onhold(call));
			if (!err)
				err = ext_info_add(hook, o, nz(call_id(call)),
						   nz(ua_aor(ua)));
			if (!err)
				err = rep_arr_add(rp->data, ODICT_OBJECT, o);

			mem_deref(o);
		}
	}

	return err;
}


void status_init(void)
{
	loaded = time(NULL);
}
