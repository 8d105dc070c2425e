/*
 * Each account's registration state as the UA events tell it, kept for
 * the registrations command and sent as "register" events when it
 * changes.
 */
#include <string.h>
#include "ua_alive.h"
#include "ctrl.h"

static struct list regs;        /* struct regstat */


static void regstat_destructor(void *arg)
{
	struct regstat *rs = arg;

	list_unlink(&rs->le);
	mem_deref(rs->aor);
	tmr_cancel(&rs->dns_tmr);
	mem_deref(rs->dnsq);
	mem_deref(rs->dnsname);
}


/* Forgets accounts that no longer exist. */
void regstat_prune(void)
{
	struct le *le;

	for (le = regs.head; le; ) {
		struct regstat *rs = le->data;

		le = le->next;
		if (!sipsh_ua_alive(rs->ua))
			mem_deref(rs);
	}
}


void regstat_forget(const struct ua *ua)
{
	struct le *le;

	for (le = regs.head; le; le = le->next) {
		struct regstat *rs = le->data;

		if (rs->ua == ua) {
			mem_deref(rs);
			return;
		}
	}
}


struct regstat *regstat_get(const struct ua *ua)
{
	struct regstat *rs;
	struct le *le;

	for (le = regs.head; le; le = le->next) {
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

	list_append(&regs, &rs->le, rs);

	return rs;
}


/* The account's state to every client that follows the events. */
void regstat_announce(const struct regstat *rs)
{
	struct odict *od = NULL;

	if (odict_alloc(&od, 8))
		return;

	if (0 == odict_entry_add(od, "event", ODICT_STRING, "register") &&
	    0 == odict_entry_add(od, "aor", ODICT_STRING, rs->aor) &&
	    0 == odict_entry_add(od, "state", ODICT_STRING, rs->state) &&
	    0 == odict_entry_add(od, "last", ODICT_STRING, rs->last))
		client_broadcast(od, false);

	mem_deref(od);
}

/* A failure without a SIP response (an errno text, regctl's timeout):
 * the ones a name not found can cause. */
static bool no_response(const char *prm)
{
	return str_isset(prm) && !(prm[0] >= '1' && prm[0] <= '6' &&
				   prm[1] >= '0' && prm[1] <= '9');
}

void reg_event(struct ua *ua, enum ua_event ev, const char *prm)
{
	struct regstat *rs = regstat_get(ua);
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
		rs->confirmed = time(NULL);
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

	/* A failure without a response while the name is known not to
	 * resolve keeps saying so; the name is asked again unless a probe
	 * is under way (baresip's and regctl's failures of one attempt
	 * come in turn and must not restart it). A SIP response ends it. */
	if (ev == UA_EVENT_REGISTER_FAIL) {
		str_ncpy(rs->fail, nz(prm), sizeof(rs->fail));
		if (!no_response(prm)) {
			rs->dns_failed = false;
			regdns_stop(rs);
		}
		else {
			if (rs->dns_failed)
				prm = NULL;
			if (!rs->dns_probing)
				regdns_probe(rs, ua);
		}
	}
	else if (ev == UA_EVENT_REGISTER_OK) {
		rs->fail[0] = '\0';
		rs->dns_failed = false;
		regdns_stop(rs);
	}

	if (str_isset(prm) && str_cmp(rs->last, prm)) {
		str_ncpy(rs->last, prm, sizeof(rs->last));
		changed = true;
	}

	if (changed)
		regstat_announce(rs);

	/* a UA being destroyed says UNREGISTERING: keep nothing for it */
	if (!sipsh_ua_alive(ua))
		mem_deref(rs);
}


void regstat_flush(void)
{
	list_flush(&regs);
}
