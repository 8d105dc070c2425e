/*
 * The commands that add and delete accounts at run time: ua_add, ua_del.
 * A deleted account's binding is taken back first (common/
 * sipreg_leave.h), within the register timeout, and an added account of
 * the same address of record registers only after that.
 */
#include <string.h>
#include "ctrl.h"
#include "sipreg_leave.h"

static void ua_remove(struct ua *ua)
{
	struct le *le;
	int err;

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

	err = sipreg_leave(ua);
	if (err)
		warning("ctrl: %s: its registration is not where baresip "
			"1.0.0 and libre 1.1.0 keep it (%m): un-registered "
			"unbounded\n", ua_aor(ua), err);

	/* unlinks it, raises SHUTDOWN (mwi and presence drop theirs) */
	(void)ua_destroy(ua);
}


int cmd_ua_add(const struct req *rq, struct rep *rp)
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
		return rep_fail(rp, err, "cannot add account: %m", err);

	str_ncpy(aor, nz(ua_aor(ua)), sizeof(aor));

	/* ua_alloc() appended it: an older UA with this AOR comes first */
	if (uag_find_aor(aor) != ua) {
		ua_remove(ua);
		return rep_fail(rp, EEXIST, "account '%s' exists", aor);
	}

	(void)regstat_get(ua);

	if (account_regint(ua_account(ua))) {
		err = sipreg_register_after(ua);
		if (err)
			warning("ctrl: %s: register: %m\n", aor, err);
	}

	return reply_id(rp, "aor", aor);
}


int cmd_ua_del(const struct req *rq, struct rep *rp)
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
