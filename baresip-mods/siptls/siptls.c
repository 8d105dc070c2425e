/*
 * siptls: the TLS settings of the Advanced SIP view (TLS/SSL Version,
 * Cipher string, Trusted CA) on baresip 1.0.0's SIP/TLS transport, and a
 * check of every TLS server's name.
 *
 * libre 1.1.0's SIP over TLS verifies nothing: baresip allocates one
 * 'struct tls' whose SSL_CTX checks no server certificate and sends no
 * SNI, and the transport starts each client connection itself, so no
 * per-connection call (tls_set_verify_server) can be made on it. This
 * module configures that very context instead of replacing it: baresip
 * keeps it for the life of the process and gives it again to the TLS
 * transport it adds when the network changes (uag_reset_transp), so
 * there is no moment at which a TLS transport without verification
 * exists, and no re-hook to wait for. The context gets
 *
 *   - the lowest TLS version accepted (SSL_CTX_set_min_proto_version),
 *   - the TLS 1.2 cipher list (SSL_CTX_set_cipher_list; TLS 1.3 suites
 *     stay OpenSSL's defaults); one that leaves an anonymous or NULL
 *     suite in is not applied,
 *   - a certificate store of only the CA certificates the server must
 *     chain to, or the system store (SSL_CTX_set_default_verify_paths);
 *     the system store is about 2 MiB and 20 ms of parsing, so it is
 *     loaded only once a TLS host is configured (at start, or when the
 *     file is read again for an account added live) and in any case at
 *     the start of a TLS handshake, before any certificate is checked,
 *   - SSL_VERIFY_PEER with our verify callback: a handshake fails unless
 *     the server's certificate chains to one of them AND matches the name
 *     of every configured TLS host ('siptls_host', one per host a TLS
 *     account connects to) whose addresses the connection goes to; a
 *     connection to an address that belongs to no configured host fails.
 *     The connection's address is read from libre's TLS connection
 *     (libre_peek.c), the hosts' addresses are resolved with the SIP
 *     stack's own DNS client (tlshosts.c); the hosts are read again from
 *     the configuration file when it changed, since sipsh adds accounts
 *     to the running phone after rewriting it,
 *   - SNI: the host's name, when it is a name (RFC 6066), set at the
 *     start of each handshake.
 *
 * A host given by name is known by its addresses only once its DNS
 * answers are in (asked at start, when the file changes, at REGISTERING
 * and at most every 5 s): a handshake that starts before fails, closed,
 * and the next attempt succeeds. With no TLS host at all, every TLS
 * connection the phone opens fails; connections it accepts are not
 * checked against any name.
 *
 * When the settings cannot be applied (a missing CA file, a cipher list
 * OpenSSL refuses) the module fails closed: the context is left with no
 * TLS version it may use and a verify callback that refuses, so no TLS
 * connection is made at all. If libre's transport list does not look
 * like 1.1.0's, baresip's context cannot be found: the TLS transports are
 * then removed, and removed again whenever they come back.
 *
 * A handshake failure surfaces in libre as a bare EPROTO ("Protocol
 * error"). The module records why (the certificate verification error,
 * the host name mismatch, the OpenSSL reason, the alert) and puts it into
 * the text of the REGISTER_FAIL event that follows: 1.0.0's ua_event()
 * hands every handler the same 256-byte buffer, in the order they
 * registered, and this module is loaded before ctrl and regctl, which
 * then see the reason.
 *
 * Sample config (written by sipsh from the sip and account sections):
 *
 *   module                 siptls.so
 *   siptls_min_version     1.2
 *   siptls_ciphers         ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
 *   siptls_cafile          /run/sipsh/baresip/trusted-ca.pem
 *   siptls_host            sip.example.net:5061
 *   siptls_host            [2001:db8::10]:5061
 *   siptls_host            voip.example.org
 *
 * siptls_min_version is required (its default lives in sipsh's schema;
 * without it the module says so and keeps TLS closed); the other keys
 * are absent when their setting is empty: the cipher list is OpenSSL's,
 * the CAs the system's, and with no siptls_host every TLS connection
 * the phone opens fails.
 *
 * The optional baresip key 'sip_certificate' (a client certificate and
 * key in one PEM file) is loaded by baresip into the same context.
 */
#define USE_OPENSSL 1
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "baresip.h"
#include "conf_need.h"
#include "version_check.h"
#include "libre_peek.h"
#include "tlshosts.h"

enum {
	CHECK_INTERVAL = 5000,    /* ms between checks of the transports */
	FAIL_KEEP      = 3000,    /* ms a handshake failure is reported for */
	UA_EVENT_BUFSZ = 256,     /* ua_event()'s buffer in baresip 1.0.0 */
};

/* The addresses of one address family's transports. */
struct transp_addrs {
	struct sa udp, tcp;
	bool has_udp, has_tcp, has_tls;
};

static struct {
	bool ok;                  /* the settings are applied */
	char why[256];            /* if not, why */
	int min_version;          /* TLS1_2_VERSION or TLS1_3_VERSION */
	char ciphers[1024];
	char cafile[512];
	SSL_CTX *ctxv[PEEK_TLS_MAX];  /* configured (referenced) */
	unsigned ctxc;
	bool sys_store;           /* the system CA store is wanted (loaded
				     in every context in ctxv) */
	bool layout_bad;          /* baresip's context cannot be found */
	struct tmr tmr;
	bool evreg;

	/* The last handshake: why it failed and when, what it verified. */
	char verify_err[256];
	char alert[128];
	char fail[384];
	char verified[300];
	uint64_t fail_at;
} st;


static void fail_closed(const char *fmt, ...)
{
	va_list ap;

	if (!st.ok)
		return;   /* the first reason is kept */

	va_start(ap, fmt);
	(void)re_vsnprintf(st.why, sizeof(st.why), fmt, ap);
	va_end(ap);

	ERR_clear_error();
	warning("siptls: %s: SIP over TLS is disabled\n", st.why);
	st.ok = false;
}


/* The flaw of a suite that authenticates no server or encrypts nothing. */
static const char *suite_flaw(const SSL_CIPHER *c)
{
	if (SSL_CIPHER_get_auth_nid(c) == NID_auth_null)
		return "anonymous";
	if (SSL_CIPHER_get_cipher_nid(c) == NID_undef)
		return "NULL";
	return NULL;
}


/* OpenSSL callbacks: check the server's names, record why a handshake
 * failed, set SNI, log the outcome. */

static void verify_fail(X509_STORE_CTX *xctx, int verr, const char *fmt,
			...)
{
	va_list ap;

	X509_STORE_CTX_set_error(xctx, verr);
	if (st.verify_err[0])
		return;

	va_start(ap, fmt);
	(void)re_vsnprintf(st.verify_err, sizeof(st.verify_err), fmt, ap);
	va_end(ap);
}


/* The certificate (depth 0, chain verified) against the hosts of peer. */
static int names_check(SSL *ssl, X509 *cert, X509_STORE_CTX *xctx)
{
	const char *namev[TLSHOSTS_MATCH_MAX];
	bool is_ipv[TLSHOSTS_MATCH_MAX];
	struct sa peer;
	size_t i, n;
	int err;

	err = peek_ssl_peer(ssl, &peer);
	if (err) {
		verify_fail(xctx, X509_V_ERR_APPLICATION_VERIFICATION,
			    "cannot tell which host the connection goes to "
			    "(libre's TLS connection is not laid out as in "
			    "1.1.0)");
		return 0;
	}

	n = tlshosts_match(&peer, namev, is_ipv, TLSHOSTS_MATCH_MAX);
	if (!n) {
		verify_fail(xctx, X509_V_ERR_APPLICATION_VERIFICATION,
			    "the connection goes to %J, which is not an "
			    "address of any TLS host of the configuration "
			    "(or its name is not resolved yet)", &peer);
		return 0;
	}

	st.verified[0] = '\0';
	for (i = 0; i < n; i++) {
		int m = is_ipv[i] ?
			X509_check_ip_asc(cert, namev[i], 0) :
			X509_check_host(cert, namev[i], 0,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
					NULL);
		char subj[160] = "";

		if (m == 1) {
			size_t l = strlen(st.verified);

			re_snprintf(st.verified + l, sizeof(st.verified) - l,
				    "%s%s", l ? ", " : "", namev[i]);
			continue;
		}

		(void)X509_NAME_oneline(X509_get_subject_name(cert), subj,
					sizeof(subj));
		verify_fail(xctx, is_ipv[i] ? X509_V_ERR_IP_ADDRESS_MISMATCH :
			    X509_V_ERR_HOSTNAME_MISMATCH,
			    "certificate verification failed: the server "
			    "certificate (%s) is not for %s %s (the host at "
			    "%J)", subj, is_ipv[i] ? "address" : "host",
			    namev[i], &peer);
		return 0;
	}

	return 1;
}


static int verify_cb(int ok, X509_STORE_CTX *xctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xctx,
				      SSL_get_ex_data_X509_STORE_CTX_idx());
	X509 *cert = X509_STORE_CTX_get_current_cert(xctx);
	int verr;
	char subj[160] = "";

	/* Our listener checks client certificates as OpenSSL does. */
	if (ssl && SSL_is_server(ssl))
		return ok;

	if (!st.ok) {
		verify_fail(xctx, X509_V_ERR_APPLICATION_VERIFICATION,
			    "the TLS settings could not be applied (%s)",
			    st.why);
		return 0;
	}

	if (!ok) {
		verr = X509_STORE_CTX_get_error(xctx);
		if (cert)
			(void)X509_NAME_oneline(X509_get_subject_name(cert),
						subj, sizeof(subj));
		verify_fail(xctx, verr, "certificate verification failed: "
			    "%s (depth %d, %s)",
			    X509_verify_cert_error_string(verr),
			    X509_STORE_CTX_get_error_depth(xctx), subj);
		return 0;
	}

	if (X509_STORE_CTX_get_error_depth(xctx) != 0 || !cert)
		return ok;

	if (!ssl) {
		verify_fail(xctx, X509_V_ERR_APPLICATION_VERIFICATION,
			    "no TLS connection to check the name of");
		return 0;
	}

	return names_check(ssl, cert, xctx);
}


static void handshake_failed(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (st.verify_err[0])
		re_snprintf(st.fail, sizeof(st.fail), "%s", st.verify_err);
	else
		re_snprintf(st.fail, sizeof(st.fail), "%s%s%s",
			    reason ? reason : "handshake failed",
			    st.alert[0] ? "; " : "", st.alert);

	st.fail_at = tmr_jiffies();
	warning("siptls: TLS handshake failed: %s\n", st.fail);
}


/* SNI: the first name (not an address) of the hosts ssl goes to. */
static void sni_set(SSL *ssl)
{
	const char *namev[TLSHOSTS_MATCH_MAX];
	bool is_ipv[TLSHOSTS_MATCH_MAX];
	struct sa peer;
	size_t i, n;

	if (peek_ssl_peer(ssl, &peer))
		return;   /* the verify callback refuses it */

	n = tlshosts_match(&peer, namev, is_ipv, TLSHOSTS_MATCH_MAX);
	for (i = 0; i < n; i++) {
		if (is_ipv[i])
			continue;
		if (!SSL_set_tlsext_host_name(ssl, namev[i]))
			ERR_clear_error();
		return;
	}
}


static void sys_store_need(void);

static void info_cb(const SSL *ssl, int where, int ret)
{
	/* Whatever the hosts: no certificate is checked against a store
	 * that is not loaded yet (this runs before the peer's is in). */
	if (where & SSL_CB_HANDSHAKE_START)
		sys_store_need();

	if (SSL_is_server(ssl))
		return;

	if (where & SSL_CB_HANDSHAKE_START) {
		st.verify_err[0] = '\0';
		st.alert[0] = '\0';
		st.verified[0] = '\0';

		if (!SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
			sni_set((SSL *)ssl);
	}
	else if (where & SSL_CB_ALERT) {
		if (SSL_alert_type_string(ret)[0] == 'F')
			re_snprintf(st.alert, sizeof(st.alert),
				    "%s fatal alert '%s'",
				    (where & SSL_CB_READ) ? "server sent" :
				    "we sent", SSL_alert_desc_string_long(ret));
	}
	else if ((where & SSL_CB_EXIT) && ret <= 0 &&
		 (ERR_peek_error() || st.alert[0] || st.verify_err[0])) {
		/* An error, not a wait for more data: it failed. */
		handshake_failed();
	}
	else if (where & SSL_CB_HANDSHAKE_DONE) {
		info("siptls: TLS handshake done: %s, cipher %s, server "
		     "certificate verified for %s\n", SSL_get_version(ssl),
		     SSL_get_cipher_name(ssl), st.verified);
	}
}


/* Make ctx refuse every handshake: no version is left to speak. */
static void ctx_refuse(SSL_CTX *ctx)
{
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	(void)SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_info_callback(ctx, info_cb);
	ERR_clear_error();
}


/* The settings on one of baresip's contexts. */
static void ctx_configure(SSL_CTX *ctx)
{
	STACK_OF(SSL_CIPHER) *sk, *ctx_sk;
	X509_STORE *store;
	SSL *probe;
	int i;

	if (!st.ok)
		goto out;

	/* No highest version: a context that refused until now (sipaddr's
	 * own starts so) speaks every version from the lowest up. */
	if (!SSL_CTX_set_min_proto_version(ctx, st.min_version) ||
	    !SSL_CTX_set_max_proto_version(ctx, 0)) {
		fail_closed("cannot set the lowest TLS version");
		goto out;
	}

	if (st.ciphers[0] && !SSL_CTX_set_cipher_list(ctx, st.ciphers)) {
		fail_closed("OpenSSL accepts no cipher of '%s'", st.ciphers);
		goto out;
	}

	/* What a connection would offer, after the security level (which
	 * the list may lower): the shell refuses a list that leaves an
	 * anonymous or NULL suite in, and one edited by hand is not
	 * applied either. With no list of ours the context's own list,
	 * OpenSSL's default, is checked unfiltered (a stricter test): the
	 * probe connection is made only for a configured list, since it
	 * maps about 150 KB more of libssl into every phone. */
	probe = st.ciphers[0] ? SSL_new(ctx) : NULL;
	if (probe)
		SSL_set_connect_state(probe);
	sk = probe ? SSL_get1_supported_ciphers(probe) : NULL;
	ctx_sk = probe ? NULL : SSL_CTX_get_ciphers(ctx);
	for (i = 0; i < sk_SSL_CIPHER_num(sk ? sk : ctx_sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk ? sk : ctx_sk,
							  i);

		if (suite_flaw(c)) {
			fail_closed("the cipher list allows the %s suite %s",
				    suite_flaw(c), SSL_CIPHER_get_name(c));
			break;
		}
	}
	sk_SSL_CIPHER_free(sk);
	SSL_free(probe);
	if (!st.ok)
		goto out;

	/* Only the CAs of the configuration (or the system's): a store
	 * of its own, whatever baresip put in the old one. */
	store = X509_STORE_new();
	if (!store) {
		fail_closed("cannot make a certificate store");
		goto out;
	}
	SSL_CTX_set_cert_store(ctx, store);

	if (st.cafile[0]) {
		if (!SSL_CTX_load_verify_locations(ctx, st.cafile, NULL)) {
			fail_closed("cannot load trusted CAs from %s",
				    st.cafile);
			goto out;
		}
	}
	else if (st.sys_store && !SSL_CTX_set_default_verify_paths(ctx)) {
		fail_closed("cannot load the system CA store");
		goto out;
	}

	/* libre limits the chain to one CA; real chains have more. */
	SSL_CTX_set_verify_depth(ctx, 8);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_info_callback(ctx, info_cb);

 out:
	if (!st.ok)
		ctx_refuse(ctx);
}


/*
 * The system CA store into every context, once it is needed: a TLS host
 * is configured, or a handshake starts. Contexts configured later load
 * it in ctx_configure. A store that cannot be loaded closes TLS.
 */
static void sys_store_need(void)
{
	unsigned i;

	if (st.sys_store || st.cafile[0] || !st.ok)
		return;

	st.sys_store = true;
	for (i = 0; i < st.ctxc; i++) {
		if (!SSL_CTX_set_default_verify_paths(st.ctxv[i])) {
			fail_closed("cannot load the system CA store");
			break;
		}
	}

	for (i = 0; !st.ok && i < st.ctxc; i++)
		ctx_refuse(st.ctxv[i]);

	if (st.ok)
		info("siptls: system CA store loaded\n");
}


/* The hosts read again (sipsh rewrites the file for accounts added
 * live); the system store is loaded as soon as there is one. */
static void hosts_reload(void)
{
	(void)tlshosts_reload();
	if (tlshosts_count())
		sys_store_need();
}


static bool ctx_known(const SSL_CTX *ctx)
{
	unsigned i;

	for (i = 0; i < st.ctxc; i++) {
		if (st.ctxv[i] == ctx)
			return true;
	}

	return false;
}


static void addrs_get(struct sip *sip, int af, struct transp_addrs *ta)
{
	struct sa dst, tls;

	sa_init(&dst, af);
	ta->has_udp = !sip_transp_laddr(sip, &ta->udp, SIP_TRANSP_UDP, &dst);
	ta->has_tcp = !sip_transp_laddr(sip, &ta->tcp, SIP_TRANSP_TCP, &dst);
	ta->has_tls = !sip_transp_laddr(sip, &tls, SIP_TRANSP_TLS, &dst);
}


/* The last resort when baresip's context cannot be found: flush the
 * transports and add only UDP and TCP again. */
static void tls_transports_drop(struct sip *sip)
{
	static const int afv[2] = {AF_INET, AF_INET6};
	struct transp_addrs ta[2];
	int i;

	for (i = 0; i < 2; i++)
		addrs_get(sip, afv[i], &ta[i]);

	if (!ta[0].has_tls && !ta[1].has_tls)
		return;

	sip_transp_flush(sip);
	for (i = 0; i < 2; i++) {
		int e = 0;

		if (ta[i].has_udp)
			e |= sip_transp_add(sip, SIP_TRANSP_UDP, &ta[i].udp);
		if (ta[i].has_tcp)
			e |= sip_transp_add(sip, SIP_TRANSP_TCP, &ta[i].tcp);
		if (e)
			warning("siptls: could not add the UDP/TCP transports "
				"again: %m\n", e);
	}

	warning("siptls: SIP over TLS is disabled: the TLS transports are "
		"removed\n");
}


/*
 * Every TLS transport's context configured. baresip 1.0.0 has one, made
 * at start and reused by every transport rebuild, so after the first
 * call this finds nothing new; it runs again at each REGISTERING and on a
 * timer in case that ever changes.
 */
static void transp_check(void)
{
	struct tls *tlsv[PEEK_TLS_MAX];
	struct sip *sip = uag_sip();
	unsigned i, n = 0;
	int err;

	if (!sip)
		return;

	if (st.layout_bad) {
		tls_transports_drop(sip);
		return;
	}

	err = peek_transp_tls(sip, tlsv, PEEK_TLS_MAX, &n);
	if (err) {
		warning("siptls: libre's SIP transports are not laid out as "
			"in 1.1.0: baresip's TLS context cannot be "
			"configured\n");
		st.layout_bad = true;
		tls_transports_drop(sip);
		return;
	}

	for (i = 0; i < n; i++) {
		SSL_CTX *ctx = tls_openssl_context(tlsv[i]);

		if (ctx_known(ctx))
			continue;

		if (st.ctxc == PEEK_TLS_MAX || !SSL_CTX_up_ref(ctx)) {
			ctx_refuse(ctx);
			continue;
		}

		ctx_configure(ctx);
		st.ctxv[st.ctxc++] = ctx;

		if (st.ok)
			info("siptls: baresip's SIP/TLS context now verifies "
			     "the server and its name\n");
	}

	/* A context configured before the settings failed refuses too. */
	for (i = 0; !st.ok && i < st.ctxc; i++)
		ctx_refuse(st.ctxv[i]);
}


static void tmr_handler(void *arg)
{
	(void)arg;

	tmr_start(&st.tmr, CHECK_INTERVAL, tmr_handler, NULL);
	transp_check();
	hosts_reload();
}


/*
 * baresip reports a failed TLS handshake as "Protocol error": give the
 * handlers after us (ctrl, regctl, the log) the reason instead. prm is
 * ua_event()'s own char buffer of UA_EVENT_BUFSZ bytes.
 */
static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)call;
	(void)arg;

	switch (ev) {

	case UA_EVENT_REGISTERING:
		transp_check();
		/* A TLS account added live may go to a new host. */
		hosts_reload();
		tlshosts_refresh();
		break;

	case UA_EVENT_REGISTER_FAIL:
		if (!prm || !st.fail[0] ||
		    tmr_jiffies() - st.fail_at > FAIL_KEEP)
			break;

		if (strlen(prm) < UA_EVENT_BUFSZ)
			(void)re_snprintf((char *)prm, UA_EVENT_BUFSZ,
					  "TLS: %s", st.fail);
		warning("siptls: %s: registration failed: TLS: %s\n",
			ua_aor(ua), st.fail);
		st.fail[0] = '\0';
		break;

	default:
		break;
	}
}


static int settings_read(void)
{
	struct conf *conf = conf_cur();
	char path[512];
	char v[8];
	int err;

	/* The lowest version comes from sipsh's generator, always; the
	 * other keys are absent when their setting is empty. Without it
	 * the module still loads, to keep TLS closed. */
	st.min_version = TLS1_2_VERSION;
	err = sipsh_conf_str("siptls", "siptls_min_version", v, sizeof(v));
	if (err) {
		fail_closed("no siptls_min_version in the config");
		return err;
	}
	if (!strcmp(v, "1.2")) {
		st.min_version = TLS1_2_VERSION;
	}
	else if (!strcmp(v, "1.3")) {
		st.min_version = TLS1_3_VERSION;
	}
	else {
		fail_closed("siptls_min_version '%s' is not 1.2 or 1.3", v);
		return EINVAL;
	}

	(void)sipsh_conf_get_str(conf, "siptls_ciphers", st.ciphers,
			   sizeof(st.ciphers));
	(void)sipsh_conf_get_str(conf, "siptls_cafile", st.cafile,
			   sizeof(st.cafile));

	err = conf_path_get(path, sizeof(path));
	if (!err) {
		str_ncpy(path + strlen(path), "/config",
			 sizeof(path) - strlen(path));
		err = tlshosts_init(path);
	}
	if (err)
		fail_closed("the siptls_host lines cannot be read (%m)", err);

	return err;
}


static int siptls_close(void)
{
	unsigned i;

	tmr_cancel(&st.tmr);

	if (st.evreg) {
		uag_event_unregister(ua_event_handler);
		st.evreg = false;
	}

	/* The contexts are baresip's: they stay configured (and refuse
	 * once our hosts are gone, since nothing matches). */
	for (i = 0; i < st.ctxc; i++)
		SSL_CTX_free(st.ctxv[i]);
	st.ctxc = 0;

	tlshosts_close();
	return 0;
}


static int siptls_init(void)
{
	int err;

	err = sipsh_mod_version_check("siptls");
	if (err)
		return err;

	memset(&st, 0, sizeof(st));
	st.ok = true;
	tmr_init(&st.tmr);

	(void)settings_read();

	/* Loaded with the contexts (transp_check) when a host needs it. */
	st.sys_store = !st.cafile[0] && tlshosts_count() > 0;

	if (st.ok)
		info("siptls: TLS %s or later, ciphers %s, trusted CAs %s, "
		     "%zu TLS host(s)\n",
		     st.min_version == TLS1_3_VERSION ? "1.3" : "1.2",
		     st.ciphers[0] ? st.ciphers : "(OpenSSL default)",
		     st.cafile[0] ? st.cafile : st.sys_store ?
		     "(system store)" : "(system store, loaded at the first "
		     "TLS host or handshake)", tlshosts_count());

	err = uag_event_register(ua_event_handler, NULL);
	if (err) {
		(void)siptls_close();
		return err;
	}
	st.evreg = true;

	transp_check();

	tmr_start(&st.tmr, CHECK_INTERVAL, tmr_handler, NULL);

	return 0;
}


const struct mod_export DECL_EXPORTS(siptls) = {
	"siptls",
	"application",
	siptls_init,
	siptls_close
};
