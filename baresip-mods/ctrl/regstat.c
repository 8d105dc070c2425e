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


void reg_event(struct ua *ua, enum ua_event ev, const char *prm)
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
			client_broadcast(od, false);

		mem_deref(od);
	}

	/* a UA being destroyed says UNREGISTERING: keep nothing for it */
	if (!sipsh_ua_alive(ua))
		mem_deref(rs);
}


void regstat_flush(void)
{
	list_flush(&regs);
}
