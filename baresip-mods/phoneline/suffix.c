/*
 * The Contact line suffix (phoneline_contact_suffix yes): each account
 * that has lines registers the Contact user "<user>_<lines>", e.g.
 * 1001_01 for lines 0 and 1 (contact_user.c makes and reads it), and an
 * incoming INVITE whose Request-URI user carries a suffix rings exactly
 * the lines it names (1001_1: line 1 only; the registered 1001_01: both).
 *
 * baresip 1.0.0 builds the Contact user once ("<user>-%p", ua.c
 * ua_alloc) and has no setter. On UA_EVENT_REGISTERING, which 1.0.0
 * raises just before it sends the REGISTER with ua->cuser (and, for an
 * account that does not register, before its line dials and when an
 * INVITE for it arrives), the string is replaced in the 1.0.0 struct ua:
 *     [uint32 magic], struct le, struct account *, struct list regl,
 *     struct list calls, struct pl extensionv[8], size_t extensionc,
 *     char *cuser, ...
 * i.e. pointer slot 26, or 27 in a debug build with MAGIC. The slot is
 * used only if it holds exactly the pointer ua_cuser() returns and that
 * string starts with the account's user; otherwise nothing is changed
 * and a warning says why.
 *
 * Incoming: baresip finds the account of an INVITE by the Request-URI
 * user (uag_find: Contact user, then AOR user), so "1001_1" would be 404.
 * A SIP listener of ours, moved to the head of libre's listener list (a
 * struct sip_lsnr starts with its list element, libre 1.1.0), sees each
 * new INVITE first: it notes which lines the suffix names under the
 * Call-ID, shortens the Request-URI user to the AOR user when it is not
 * the registered Contact user, and lets baresip handle the request.
 */
#include <string.h>
#include "contact_user.h"
#include "lsnr_first.h"
#include "sipreg_leave.h"
#include "sipreg_peek.h"
#include "phoneline.h"

enum { PENDING_MAX = 16 };

struct pending {
	struct le le;
	char *callid;
	uint32_t mask;
};

static struct {
	bool enabled;
	struct sip_lsnr *lsnr;
	struct list pendl;
} sx;

static void pending_destructor(void *arg)
{
	struct pending *p = arg;

	list_unlink(&p->le);
	mem_deref(p->callid);
}

static int user_of(const struct ua *ua, struct pl *user)
{
	const struct uri *luri = account_luri(ua_account(ua));

	if (!luri || !pl_isset(&luri->user))
		return ENOENT;
	*user = luri->user;
	return 0;
}

/* The Contact user ua's lines ask for, in *wantp (a new string), and
 * its user: ENOENT when there is none to set. */
static int want_of(struct ua *ua, char **wantp, struct pl *user)
{
	if (!sx.enabled || !ua_cuser(ua) || user_of(ua, user))
		return ENOENT;

	return contact_user_make(wantp, user, pl_lines_of_ua(ua));
}

void suffix_apply(struct ua *ua)
{
	char **slotv = (char **)(void *)ua;
	const char *cur = ua_cuser(ua);
	char *want = NULL;
	struct pl user;
	size_t i;

	if (want_of(ua, &want, &user))
		return;
	if (!strcmp(cur, want))
		goto out;

	for (i = 26; i <= 27; i++) {
		if (slotv[i] != cur)
			continue;
		if (strncmp(cur, user.p, user.l)) {
			warning("phoneline: %s: Contact user '%s' does not "
				"start with '%r': not changed\n", ua_aor(ua),
				cur, &user);
			goto out;
		}
		info("phoneline: %s: Contact user %s -> %s\n", ua_aor(ua),
		     cur, want);
		slotv[i] = want;
		want = NULL;
		mem_deref((void *)cur);
		goto out;
	}

	warning("phoneline: %s: the Contact user is not where baresip "
		"1.0.0 keeps it: no line suffix\n", ua_aor(ua));
 out:
	mem_deref(want);
}

void suffix_lines_changed(struct ua *ua)
{
	char *want = NULL;
	struct pl user;
	bool same;
	int err;

	if (!sx.enabled || !ua)
		return;

	/* An account that does not register has no REGISTERING event:
	 * its Contact user is set now, for the calls to come. */
	if (!account_regint(ua_account(ua))) {
		suffix_apply(ua);
		return;
	}

	/* Not registered nor tried yet (a new account waiting until the
	 * one it replaces has un-registered): its first REGISTER, whoever
	 * sends it, carries the new Contact user. */
	if (!sipreg_peek_started(ua))
		return;

	/* The Contact user stays as it is (no line left, or the same
	 * suffix): so does the binding. */
	if (want_of(ua, &want, &user))
		return;
	same = !strcmp(ua_cuser(ua), want);
	mem_deref(want);
	if (same)
		return;

	/* The old binding, of the old Contact, is taken back beside the
	 * new one, within the register timeout; the REGISTERING event of
	 * ua_register() sets the new Contact user (suffix_apply). */
	err = sipreg_leave(ua);
	if (err)
		warning("phoneline: %s: old registration not taken (%m): "
			"libre un-registers it\n", ua_aor(ua), err);
	err = ua_register(ua);
	if (err)
		warning("phoneline: %s: register again: %m\n", ua_aor(ua),
			err);
}

static void pending_add(const struct pl *callid, uint32_t mask)
{
	struct pending *p;

	if (list_count(&sx.pendl) >= PENDING_MAX)
		mem_deref(list_ledata(list_head(&sx.pendl)));

	p = mem_zalloc(sizeof(*p), pending_destructor);
	if (!p)
		return;
	if (pl_strdup(&p->callid, callid)) {
		mem_deref(p);
		return;
	}
	p->mask = mask;
	list_append(&sx.pendl, &p->le, p);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct pl user = msg->uri.user, base;
	struct le *le;
	uint32_t named;

	(void)arg;

	if (pl_strcmp(&msg->met, "INVITE") || pl_isset(&msg->to.tag))
		return false;

	/* An account that does not register gets its Contact user here,
	 * before baresip answers with it. */
	for (le = list_head(uag_list()); le; le = le->next) {
		struct ua *ua = le->data;
		struct pl auser;

		if (pl_lines_of_ua(ua) && !account_regint(ua_account(ua)) &&
		    !user_of(ua, &auser) && user.l >= auser.l &&
		    !memcmp(user.p, auser.p, auser.l))
			suffix_apply(ua);
	}

	if (contact_user_split(&user, &base, &named))
		return false;

	for (le = list_head(uag_list()); le; le = le->next) {
		struct ua *ua = le->data;
		uint32_t lines = pl_lines_of_ua(ua);
		struct pl auser;

		if (!lines || user_of(ua, &auser) || pl_cmp(&auser, &base) ||
		    !(named & lines))
			continue;

		pending_add(&msg->callid, named & lines);

		/* Not the registered Contact user: let baresip find the
		 * account by its AOR user. The user is a view into the
		 * received message; only its length changes. */
		if (pl_strcmp(&user, ua_cuser(ua)))
			((struct sip_msg *)(uintptr_t)msg)->uri.user.l = base.l;
		break;
	}

	return false;
}

uint32_t suffix_ring_mask(const struct call *call)
{
	const char *id = call_id(call);
	struct le *le;

	for (le = list_head(&sx.pendl); id && le; le = le->next) {
		struct pending *p = le->data;
		uint32_t mask = p->mask;

		if (strcmp(p->callid, id))
			continue;
		mem_deref(p);
		return mask;
	}

	return 0;
}

int suffix_init(bool enable)
{
	int err;

	list_init(&sx.pendl);
	sx.enabled = enable;
	if (!enable)
		return 0;

	err = sip_listen(&sx.lsnr, uag_sip(), true, request_handler, NULL);
	if (err)
		return err;

	if (sipsh_lsnr_first(sx.lsnr))
		warning("phoneline: libre's SIP listener is not the 1.1.0 "
			"layout: an INVITE to a line suffix is not "
			"routed\n");

	return 0;
}

void suffix_close(void)
{
	sipreg_leave_close();
	sx.lsnr = mem_deref(sx.lsnr);
	list_flush(&sx.pendl);
	sx.enabled = false;
}
