/*
 * The Realm setting. baresip 1.0.0 answers every digest challenge with
 * the account's credentials whatever its realm (account_auth() ignores
 * the realm it is given), and its auth handlers are private. Every
 * challenge reaches those handlers through libre's
 * sip_auth_authenticate(), which libre's REGISTER client and SIP
 * sessions (INVITE and in-dialog requests) and baresip's own requests
 * call through their PLT: with a realm configured, those calls come
 * here first (got_hook.c; objects loaded later keep theirs, and none of
 * the modules sipsh has baresip load after us calls it). A 401 or 407
 * with a challenge of another realm is refused as a whole with EAUTH,
 * libre's own "no credentials" answer: the REGISTER or INVITE then
 * fails with that response and nothing is sent again. Challenges of the
 * configured realm go on to libre unchanged.
 *
 * What was refused is kept for ctrl: per account for its REGISTER
 * (until it registers), and per Call-ID for the last few other
 * requests, and served as the ctrl command "auth_info"
 * (common/ctrl_ext.h):
 *
 *   auth_info {"aor":AOR} or {"call":CALLID}
 *     -> {"realm_asked":"testbed.local", "realm":"other.example",
 *         "auth_refused":"realm \"testbed.local\" asked, ..."} or {}
 */
#include <string.h>
#include "baresip.h"
#include "ctrl_ext.h"
#include "got_hook.h"
#include "realm.h"

enum {
	REALM_MAX = 128,        /* the schema's bound for a realm */
	CALLS_KEPT = 8,
};

/* One refused challenge. */
struct refusal {
	struct le le;
	const struct ua *ua;    /* identity only, never dereferenced */
	char callid[128];       /* "": the account's REGISTER */
	char asked[REALM_MAX + 1];
};

static struct {
	char realm[REALM_MAX + 1];
	struct got_hook *hook;
	struct list refusals;
	bool cmds;
} rm;

/* The first challenge of another realm, in a response. */
struct look {
	struct pl asked;
	bool foreign;
};

static bool chall_handler(const struct sip_hdr *hdr,
			  const struct sip_msg *msg, void *arg)
{
	struct httpauth_digest_chall ch;
	struct look *lk = arg;

	(void)msg;

	/* libre refuses what it cannot decode: nothing to add. */
	if (httpauth_digest_challenge_decode(&ch, &hdr->val))
		return false;

	if (!pl_strcasecmp(&ch.realm, rm.realm))
		return false;

	lk->asked = ch.realm;
	lk->foreign = true;
	return true;
}

static struct ua *ua_of(const struct sip_msg *msg)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		struct ua *ua = le->data;

		if (!pl_strcasecmp(&msg->from.auri, ua_aor(ua)))
			return ua;
	}

	return NULL;
}

static int reason_print(struct re_printf *pf, const struct refusal *r)
{
	return re_hprintf(pf, "realm \"%s\" asked, \"%s\" configured",
			  r->asked, rm.realm);
}

static void refusal_destructor(void *arg)
{
	struct refusal *r = arg;

	list_unlink(&r->le);
}

static struct refusal *refusal_find(const struct ua *ua, const char *callid)
{
	struct le *le;

	for (le = rm.refusals.head; le; le = le->next) {
		struct refusal *r = le->data;

		if (callid ? !str_cmp(r->callid, callid) :
		    (r->ua == ua && !r->callid[0]))
			return r;
	}

	return NULL;
}

/* The realm as it can be shown and logged: it came from the network, so
 * a control byte in it becomes '?'. */
static void realm_copy(char *buf, size_t sz, const struct pl *realm)
{
	size_t i;

	if (pl_strcpy(realm, buf, sz))
		buf[0] = '\0';

	for (i = 0; buf[i]; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	}
}

static void refusal_keep(const struct ua *ua, const struct sip_msg *msg,
			 const char *asked)
{
	bool reg = !pl_strcmp(&msg->cseq.met, "REGISTER");
	struct refusal *r;
	char callid[128];
	unsigned n = 0;
	struct le *le;

	if (pl_strcpy(&msg->callid, callid, sizeof(callid)))
		callid[0] = '\0';

	r = refusal_find(ua, reg ? NULL : callid);
	if (!r) {
		if (!ua && reg)
			return;

		r = mem_zalloc(sizeof(*r), refusal_destructor);
		if (!r)
			return;
		r->ua = ua;
		if (!reg)
			str_ncpy(r->callid, callid, sizeof(r->callid));
		list_append(&rm.refusals, &r->le, r);
	}

	str_ncpy(r->asked, asked, sizeof(r->asked));

	/* Only the last few calls: the oldest goes first. */
	for (le = rm.refusals.tail; le; ) {
		struct refusal *x = le->data;

		le = le->prev;
		if (x->callid[0] && ++n > CALLS_KEPT)
			mem_deref(x);
	}
}

/* In place of sip_auth_authenticate() for every caller but us. */
static int authenticate(struct sip_auth *auth, const struct sip_msg *msg)
{
	char asked[REALM_MAX + 1];
	struct look lk;
	struct ua *ua;

	memset(&lk, 0, sizeof(lk));

	if (msg) {
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_WWW_AUTHENTICATE,
					chall_handler, &lk);
		if (!lk.foreign)
			(void)sip_msg_hdr_apply(msg, true,
						SIP_HDR_PROXY_AUTHENTICATE,
						chall_handler, &lk);
	}

	if (!lk.foreign)
		return sip_auth_authenticate(auth, msg);

	ua = ua_of(msg);
	realm_copy(asked, sizeof(asked), &lk.asked);
	warning("acctauth: %s: %r challenged by realm \"%s\", \"%s\" "
		"configured: no credentials sent\n",
		ua ? ua_aor(ua) : "(no account)", &msg->cseq.met, asked,
		rm.realm);
	refusal_keep(ua, msg, asked);

	return EAUTH;
}

void realm_reg_ok(const struct ua *ua)
{
	mem_deref(refusal_find(ua, NULL));
}

void realm_forget(const struct ua *ua)
{
	struct le *le = rm.refusals.head;

	while (le) {
		struct refusal *r = le->data;

		le = le->next;
		if (r->ua == ua)
			mem_deref(r);
	}
}

static int cmd_auth_info(struct re_printf *pf, void *arg)
{
	struct ctrl_ext *x = ctrl_ext_of(arg);
	const struct refusal *r = NULL;
	const char *aor, *callid;
	struct le *le;
	char why[REALM_MAX * 2 + 32];
	int err;

	if (!x)
		return re_hprintf(pf, "auth_info: for the ctrl socket only\n");

	aor = odict_string(x->params, "aor");
	callid = odict_string(x->params, "call");

	/* A call is named by its Call-ID alone: its account's REGISTER is
	 * another matter. */
	if (str_isset(callid))
		r = refusal_find(NULL, callid);
	for (le = callid ? NULL : list_head(uag_list());
	     le && !r && str_isset(aor); le = le->next) {
		const struct ua *ua = le->data;

		if (!str_casecmp(ua_aor(ua), aor))
			r = refusal_find(ua, NULL);
	}

	err = odict_alloc(&x->data, 4);
	if (err || !r)
		return err;

	re_snprintf(why, sizeof(why), "%H", reason_print, r);
	err  = odict_entry_add(x->data, "realm_asked", ODICT_STRING,
			       r->asked);
	err |= odict_entry_add(x->data, "realm", ODICT_STRING, rm.realm);
	err |= odict_entry_add(x->data, "auth_refused", ODICT_STRING, why);

	return err;
}

static const struct cmd cmdv[] = {
	{CTRL_EXT_AUTH_INFO, 0, CTRL_EXT_CMD,
	 "Digest challenges refused for their realm (ctrl)", cmd_auth_info},
};

int realm_init(const char *realm)
{
	size_t n = 0;
	int err;

	list_init(&rm.refusals);
	rm.realm[0] = '\0';
	if (!str_isset(realm))
		return 0;

	str_ncpy(rm.realm, realm, sizeof(rm.realm));

	/* Our own reference to the function is the address the dynamic
	 * linker bound every other object's slot to. */
	err = got_hook_alloc(&rm.hook, "sip_auth_authenticate",
			     (void *)authenticate,
			     (void *)sip_auth_authenticate,
			     (const void *)authenticate, &n);
	if (err) {
		warning("acctauth: realm %s: cannot see the digest "
			"challenges of this libre (%m): not loading\n",
			rm.realm, err);
		return err;
	}

	err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
	if (err) {
		warning("acctauth: cannot register its ctrl command: %m\n",
			err);
		realm_close();
		return err;
	}
	rm.cmds = true;

	info("acctauth: only digest challenges of realm \"%s\" are answered "
	     "(%zu PLT slots redirected)\n", rm.realm, n);

	return 0;
}

void realm_close(void)
{
	if (rm.cmds) {
		cmd_unregister(baresip_commands(), cmdv);
		rm.cmds = false;
	}

	rm.hook = mem_deref(rm.hook);
	list_flush(&rm.refusals);
}
