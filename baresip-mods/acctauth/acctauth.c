/*
 * acctauth: the accounts' digest user and password, byte for byte.
 *
 * baresip 1.0.0 reads an account's auth_user and auth_pass from its
 * account line with libre's msg_param_decode, whose value ends at a blank
 * or a ';' and is kept as it is: a password "pw;answermode=auto" would add
 * a parameter to the account, "a b" would be cut to "a". sipsh therefore
 * writes both values %-encoded (every byte outside a small safe set as
 * %XX, so the line holds no blank, ';', '<', '>', '"' or '%' of the
 * value's own) and this module puts the decoded values on each account
 * with account_set_auth_user / account_set_auth_pass before they can be
 * used. 1.0.0 reads them only when it answers a digest challenge, which
 * comes after a request went out; every request that can be challenged
 * is preceded by an event of its user agent (REGISTERING before each
 * REGISTER, CALL_LOCAL_SDP before each INVITE, call events before any
 * in-dialog request), so the first event of a user agent decodes its
 * account. A scan just after start covers the accounts of the accounts
 * file before any of them has an event.
 *
 * An account is decoded once: the module keeps a reference to each one
 * it has decoded (so that its address cannot be reused by a new account)
 * until its user agent shuts down.
 *
 * It also holds the Realm setting (realm.c): with 'acctauth_realm' set,
 * only digest challenges of that realm are answered with the accounts'
 * credentials. sipsh writes the key only when the realm is set; without
 * it every realm is answered, as baresip does.
 *
 * Sample account line (written by sipsh; the password is "a b;c%"):
 *
 *   <sip:1001@sip.example.net:5060>;auth_pass=a%20b%3Bc%25;regint=300
 *
 * Sample config (sipsh loads the module before account.so):
 *
 *   module           acctauth.so
 *   acctauth_realm   sip.example.net
 */
#include <string.h>
#include "baresip.h"
#include "conf_need.h"
#include "version_check.h"
#include "ua_alive.h"
#include "realm.h"

/* An account whose credentials are decoded, and its user agent. */
struct done {
	struct le le;
	struct account *acc;    /* referenced */
	const struct ua *ua;
};

static struct {
	struct list done;
	struct tmr scan;
	bool evreg;
} aa;

static void done_destructor(void *arg)
{
	struct done *d = arg;

	list_unlink(&d->le);
	mem_deref(d->acc);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* %XX-decode in into a new string; EBADMSG when it is not well formed. */
static int pct_decode(char **outp, const char *in)
{
	size_t i, n = 0, len = strlen(in);
	char *out;

	out = mem_alloc(len + 1, NULL);
	if (!out)
		return ENOMEM;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (in[i] != '%') {
			out[n++] = in[i];
			continue;
		}

		if (i + 2 >= len) {
			mem_deref(out);
			return EBADMSG;
		}
		hi = hexval(in[i + 1]);
		lo = hexval(in[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			mem_deref(out);
			return EBADMSG;
		}

		out[n++] = (char)(hi << 4 | lo);
		i += 2;
	}

	out[n] = '\0';
	*outp = out;
	return 0;
}

/* Decode one credential of acc with get/set; NULL or "" stays. */
static int cred_decode(struct account *acc, const char *what,
		       const char *(*get)(const struct account *),
		       int (*set)(struct account *, const char *))
{
	const char *v = get(acc);
	char *dec = NULL;
	int err;

	if (!v || !v[0] || !strchr(v, '%'))
		return 0;

	err = pct_decode(&dec, v);
	if (err) {
		warning("acctauth: %s: the %s is not %%-encoded as sipsh "
			"writes it; left as it is\n", account_aor(acc), what);
		return err;
	}

	err = set(acc, dec);
	mem_deref(dec);
	if (err)
		warning("acctauth: %s: cannot set the %s: %m\n",
			account_aor(acc), what, err);
	return err;
}

static bool is_done(const struct account *acc)
{
	struct le *le;

	for (le = aa.done.head; le; le = le->next) {
		const struct done *d = le->data;

		if (d->acc == acc)
			return true;
	}

	return false;
}

static void ua_decode(struct ua *ua)
{
	struct account *acc = ua ? ua_account(ua) : NULL;
	struct done *d;

	/* Events of a user agent being removed come after its SHUTDOWN. */
	if (!acc || is_done(acc) || !sipsh_ua_alive(ua))
		return;

	d = mem_zalloc(sizeof(*d), done_destructor);
	if (!d)
		return;   /* the next event tries again */

	d->acc = mem_ref(acc);
	d->ua = ua;
	list_append(&aa.done, &d->le, d);

	(void)cred_decode(acc, "auth user", account_auth_user,
			  account_set_auth_user);
	(void)cred_decode(acc, "password", account_auth_pass,
			  account_set_auth_pass);
}

static void ua_forget(const struct ua *ua)
{
	struct le *le = aa.done.head;

	while (le) {
		struct done *d = le->data;

		le = le->next;
		if (d->ua == ua)
			mem_deref(d);
	}
}

static void scan_handler(void *arg)
{
	struct le *le;

	(void)arg;

	for (le = list_head(uag_list()); le; le = le->next)
		ua_decode(le->data);
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)call;
	(void)prm;
	(void)arg;

	if (!ua)
		return;

	if (ev == UA_EVENT_SHUTDOWN) {
		ua_forget(ua);
		realm_forget(ua);
		return;
	}

	if (ev == UA_EVENT_REGISTER_OK)
		realm_reg_ok(ua);
	ua_decode(ua);
}

static int acctauth_close(void)
{
	tmr_cancel(&aa.scan);

	if (aa.evreg) {
		uag_event_unregister(ua_event_handler);
		aa.evreg = false;
	}

	list_flush(&aa.done);
	realm_close();
	return 0;
}

static int acctauth_init(void)
{
	char realm[129] = "";
	int err;

	err = sipsh_mod_version_check("acctauth");
	if (err)
		return err;

	/* Optional: no key is "any realm"; a realm too long is refused. */
	err = sipsh_conf_get_str(conf_cur(), "acctauth_realm", realm,
			   sizeof(realm));
	if (err == ENOENT)
		realm[0] = '\0';
	else if (err) {
		warning("acctauth: acctauth_realm: %m: not loading\n", err);
		return err;
	}

	err = realm_init(realm);
	if (err)
		return err;

	list_init(&aa.done);
	tmr_init(&aa.scan);

	err = uag_event_register(ua_event_handler, NULL);
	if (err) {
		realm_close();
		return err;
	}
	aa.evreg = true;

	/* After the modules: account.so, loaded last, adds the accounts. */
	tmr_start(&aa.scan, 0, scan_handler, NULL);

	return 0;
}

const struct mod_export DECL_EXPORTS(acctauth) = {
	"acctauth",
	"application",
	acctauth_init,
	acctauth_close
};
