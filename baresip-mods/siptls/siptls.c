/*
 * siptls: the TLS settings of the Advanced SIP view (TLS/SSL Version,
 * Cipher string, Trusted CA) on baresip 1.0.0's SIP/TLS transport.
 *
 * libre 1.1.0's SIP over TLS verifies nothing: baresip allocates one
 * 'struct tls' whose SSL_CTX checks no server certificate, and the
 * transport starts each client connection itself, so no per-connection
 * call (tls_set_verify_server) can be made on it. This module builds its
 * own libre tls context, with
 *
 *   - the lowest TLS version accepted (SSL_CTX_set_min_proto_version),
 *   - the TLS 1.2 cipher list (SSL_CTX_set_cipher_list; TLS 1.3 suites
 *     stay OpenSSL's defaults),
 *   - the CA certificates the server must chain to (tls_add_ca), or the
 *     system store (SSL_CTX_set_default_verify_paths),
 *   - SSL_VERIFY_PEER on the context: every handshake fails unless the
 *     server's certificate chains to one of them,
 *   - optionally one host name or IP address the server certificate must
 *     match, and then also sent as SNI (a name, not an address), for all
 *     TLS connections: the context has no per-connection hook in libre
 *     1.1.0, so a per-destination name is impossible here; sipsh writes
 *     the key only when every TLS account goes to the same host,
 *
 * and then replaces baresip's TLS transport with one using it:
 * libre 1.1.0 can only flush all transports (sip_transp_flush), so the
 * UDP and TCP transports are added again on the addresses they had.
 * baresip flushes and re-adds its transports, with its own context, when
 * the network changes (uag_reset_transp, from a 60 s poll) and then
 * re-registers: the module notices that the TLS listening socket is no
 * longer its own (its inode, found through /proc/self/fd) at the
 * REGISTERING event that follows and on a 5 s timer, and replaces it
 * again before the REGISTER goes out.
 *
 * When the settings cannot be applied (a missing CA file, a cipher list
 * OpenSSL refuses) the module fails closed: it removes the TLS transport,
 * so no TLS connection is made unverified.
 *
 * A handshake failure surfaces in libre as a bare EPROTO ("Protocol
 * error"). The module records why (the certificate verification error,
 * the OpenSSL reason, the alert) and puts it into the text of the
 * REGISTER_FAIL event that follows: 1.0.0's ua_event() hands every
 * handler the same 256-byte buffer, in the order they registered, and
 * this module is loaded before ctrl and regctl, which then see the
 * reason.
 *
 * Sample config (written by sipsh from the sip section):
 *
 *   module                 siptls.so
 *   siptls_min_version     1.2
 *   siptls_ciphers         ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
 *   siptls_cafile          /run/sipsh/baresip/trusted-ca.pem
 *   siptls_verify_host     sip.example.net
 *
 * siptls_min_version is required (its default lives in sipsh's schema;
 * the module refuses to load without it and says so); the other keys
 * are absent when their setting is empty: the cipher list is OpenSSL's,
 * the CAs the system's, and no host name is checked.
 *
 * The optional baresip key 'sip_certificate' (a client certificate and
 * key in one PEM file) is honoured as baresip does.
 */
#define USE_OPENSSL 1
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "baresip.h"
#include "conf_need.h"
#include "version_check.h"

enum {
	CHECK_INTERVAL = 5000,    /* ms between checks for a reset */
	FAIL_KEEP      = 3000,    /* ms a handshake failure is reported for */
	UA_EVENT_BUFSZ = 256,     /* ua_event()'s buffer in baresip 1.0.0 */
};

/* The addresses of one address family's transports. */
struct transp_addrs {
	struct sa udp, tcp, tls;
	bool has_udp, has_tcp, has_tls;
};

static struct {
	struct tls *tls;          /* ours; NULL: the settings failed */
	int min_version;          /* TLS1_2_VERSION or TLS1_3_VERSION */
	char ciphers[1024];
	char cafile[512];
	char host[256];           /* certificate must match it; "" if none */
	bool host_is_ip;
	struct sa tls_laddr;      /* our TLS listener */
	ino_t tls_ino;            /* its socket's inode; 0 if none */
	bool replaced;            /* the transports are ours */
	struct tmr tmr;
	bool evreg;

	/* The last handshake failure and when it happened. */
	char verify_err[256];
	char alert[128];
	char fail[384];
	uint64_t fail_at;
} st;


/* The inode of the TCP listening socket bound to laddr, 0 if none. */
static ino_t listener_ino(const struct sa *laddr)
{
	struct dirent *de;
	ino_t ino = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return 0;

	while (!ino && (de = readdir(d)) != NULL) {
		struct stat sb;
		struct sa a;
		int fd, acc = 0;
		socklen_t len = sizeof(acc);
		char *end;

		fd = (int)strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd == dirfd(d))
			continue;
		if (fstat(fd, &sb) || !S_ISSOCK(sb.st_mode))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) ||
		    !acc)
			continue;

		sa_init(&a, AF_UNSPEC);
		a.len = sizeof(a.u);
		if (getsockname(fd, &a.u.sa, &a.len))
			continue;

		if (sa_cmp(&a, laddr, SA_ALL))
			ino = sb.st_ino;
	}

	(void)closedir(d);
	return ino;
}


static void addrs_get(struct sip *sip, int af, struct transp_addrs *ta)
{
	struct sa dst;

	sa_init(&dst, af);
	ta->has_udp = !sip_transp_laddr(sip, &ta->udp, SIP_TRANSP_UDP, &dst);
	ta->has_tcp = !sip_transp_laddr(sip, &ta->tcp, SIP_TRANSP_TCP, &dst);
	ta->has_tls = !sip_transp_laddr(sip, &ta->tls, SIP_TRANSP_TLS, &dst);
}


/*
 * Flush baresip's transports and add them again, the TLS ones with our
 * context (or none when our context could not be built).
 */
static int transp_replace(void)
{
	static const int afv[2] = {AF_INET, AF_INET6};
	struct transp_addrs ta[2];
	struct sip *sip = uag_sip();
	bool any_tls = false;
	int i, err = 0;

	if (!sip)
		return ENODEV;

	for (i = 0; i < 2; i++) {
		addrs_get(sip, afv[i], &ta[i]);
		any_tls |= ta[i].has_tls;
	}

	if (!any_tls) {
		info("siptls: baresip has no SIP/TLS transport: nothing to "
		     "replace\n");
		st.replaced = false;
		return 0;
	}

	sip_transp_flush(sip);
	st.tls_ino = 0;

	for (i = 0; i < 2; i++) {
		int e = 0;

		if (ta[i].has_udp)
			e |= sip_transp_add(sip, SIP_TRANSP_UDP, &ta[i].udp);
		if (ta[i].has_tcp)
			e |= sip_transp_add(sip, SIP_TRANSP_TCP, &ta[i].tcp);
		if (e) {
			warning("siptls: could not add the UDP/TCP transports "
				"again on %j\n", &ta[i].udp);
			err = e;
		}

		if (!ta[i].has_tls)
			continue;

		if (!st.tls) {
			warning("siptls: SIP/TLS on %J disabled: the TLS "
				"settings could not be applied\n",
				&ta[i].tls);
			continue;
		}

		e = sip_transp_add(sip, SIP_TRANSP_TLS, &ta[i].tls, st.tls);
		if (e) {
			warning("siptls: SIP/TLS transport on %J: %m\n",
				&ta[i].tls, e);
			err = e;
			continue;
		}

		if (!st.tls_ino) {
			st.tls_laddr = ta[i].tls;
			st.tls_ino = listener_ino(&ta[i].tls);
		}

		info("siptls: SIP/TLS transport on %J now verifies the "
		     "server\n", &ta[i].tls);
	}

	if (st.tls && any_tls && !st.tls_ino)
		warning("siptls: our TLS listener is not in /proc/self/fd: "
			"a reset by baresip will not be noticed\n");

	st.replaced = true;
	return err;
}


/* Has baresip put its own transports back? Then replace them again. */
static void transp_check(void)
{
	struct sip *sip = uag_sip();
	struct sa la;

	if (!sip || !st.replaced)
		return;

	if (sip_transp_laddr(sip, &la, SIP_TRANSP_TLS, NULL)) {
		/* No TLS transport: ours is disabled, or baresip's
		 * reset re-added only UDP/TCP. When ours is disabled
		 * that is expected; otherwise nothing to do either. */
		return;
	}

	if (st.tls && !st.tls_ino)
		return;   /* cannot tell ours from baresip's: said at start */

	if (st.tls_ino && sa_cmp(&la, &st.tls_laddr, SA_ALL) &&
	    listener_ino(&la) == st.tls_ino)
		return;

	info("siptls: baresip reset its SIP transports: replacing the TLS "
	     "transport again\n");
	(void)transp_replace();
}


static void tmr_handler(void *arg)
{
	(void)arg;

	tmr_start(&st.tmr, CHECK_INTERVAL, tmr_handler, NULL);
	transp_check();
}


/* OpenSSL callbacks: record why a handshake failed, log its outcome. */

static int verify_cb(int ok, X509_STORE_CTX *xctx)
{
	int verr;
	char subj[160] = "";
	X509 *cert;

	if (ok)
		return ok;

	verr = X509_STORE_CTX_get_error(xctx);
	cert = X509_STORE_CTX_get_current_cert(xctx);
	if (cert)
		(void)X509_NAME_oneline(X509_get_subject_name(cert), subj,
					sizeof(subj));

	if (!st.verify_err[0])
		re_snprintf(st.verify_err, sizeof(st.verify_err),
			    "certificate verification failed: %s "
			    "(depth %d, %s)",
			    X509_verify_cert_error_string(verr),
			    X509_STORE_CTX_get_error_depth(xctx), subj);

	return ok;
}


static void handshake_failed(const SSL *ssl)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	(void)ssl;

	if (st.verify_err[0])
		re_snprintf(st.fail, sizeof(st.fail), "%s", st.verify_err);
	else
		re_snprintf(st.fail, sizeof(st.fail), "%s%s%s",
			    reason ? reason : "handshake failed",
			    st.alert[0] ? "; " : "", st.alert);

	st.fail_at = tmr_jiffies();
	warning("siptls: TLS handshake failed: %s\n", st.fail);
}


static void info_cb(const SSL *ssl, int where, int ret)
{
	if (SSL_is_server(ssl))
		return;

	if (where & SSL_CB_HANDSHAKE_START) {
		st.verify_err[0] = '\0';
		st.alert[0] = '\0';

		/* SNI: a host name, never an address (RFC 6066). */
		if (st.host[0] && !st.host_is_ip &&
		    !SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
			(void)SSL_set_tlsext_host_name((SSL *)ssl, st.host);
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
		handshake_failed(ssl);
	}
	else if (where & SSL_CB_HANDSHAKE_DONE) {
		info("siptls: TLS handshake done: %s, cipher %s, server "
		     "certificate verified%s%s\n", SSL_get_version(ssl),
		     SSL_get_cipher_name(ssl), st.host[0] ? " for " : "",
		     st.host);
	}
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
	struct sa sa;
	char v[8];
	int err;

	/* The lowest version comes from sipsh's generator, always; the
	 * other keys are absent when their setting is empty. */
	err = sipsh_conf_str("siptls", "siptls_min_version", v, sizeof(v));
	if (err)
		return err;
	if (!strcmp(v, "1.2")) {
		st.min_version = TLS1_2_VERSION;
	}
	else if (!strcmp(v, "1.3")) {
		st.min_version = TLS1_3_VERSION;
	}
	else {
		warning("siptls: siptls_min_version '%s': not 1.2 or 1.3\n",
			v);
		return EINVAL;
	}

	(void)conf_get_str(conf, "siptls_ciphers", st.ciphers,
			   sizeof(st.ciphers));
	(void)conf_get_str(conf, "siptls_cafile", st.cafile,
			   sizeof(st.cafile));
	(void)conf_get_str(conf, "siptls_verify_host", st.host,
			   sizeof(st.host));
	st.host_is_ip = st.host[0] && 0 == sa_set_str(&sa, st.host, 0);

	return 0;
}


static int context_build(void)
{
	char cert[512] = "";
	SSL_CTX *ctx;
	int err;

	(void)conf_get_str(conf_cur(), "sip_certificate", cert,
			   sizeof(cert));

	err = tls_alloc(&st.tls, TLS_METHOD_SSLV23, cert[0] ? cert : NULL,
			NULL);
	if (err) {
		warning("siptls: tls_alloc: %m\n", err);
		return err;
	}

	ctx = tls_openssl_context(st.tls);
	if (!ctx)
		return ENOSYS;

	if (!SSL_CTX_set_min_proto_version(ctx, st.min_version)) {
		warning("siptls: cannot set the lowest TLS version\n");
		return EINVAL;
	}

	if (st.ciphers[0] && !SSL_CTX_set_cipher_list(ctx, st.ciphers)) {
		ERR_clear_error();
		warning("siptls: OpenSSL accepts no cipher of '%s'\n",
			st.ciphers);
		return EINVAL;
	}

	if (st.cafile[0]) {
		err = tls_add_ca(st.tls, st.cafile);
		if (err) {
			ERR_clear_error();
			warning("siptls: cannot load trusted CAs from %s: "
				"%m\n", st.cafile, err);
			return err;
		}
	}
	else if (!SSL_CTX_set_default_verify_paths(ctx)) {
		ERR_clear_error();
		warning("siptls: cannot load the system CA store\n");
		return ENOENT;
	}

	if (st.host[0]) {
		X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
		int ok;

		X509_VERIFY_PARAM_set_hostflags(param,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = st.host_is_ip ?
			X509_VERIFY_PARAM_set1_ip_asc(param, st.host) :
			X509_VERIFY_PARAM_set1_host(param, st.host, 0);
		if (!ok) {
			ERR_clear_error();
			warning("siptls: bad verify host '%s'\n", st.host);
			return EINVAL;
		}
	}

	/* libre limits the chain to one CA; real chains have more. */
	SSL_CTX_set_verify_depth(ctx, 8);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_info_callback(ctx, info_cb);

	return 0;
}


static int siptls_close(void)
{
	tmr_cancel(&st.tmr);

	if (st.evreg) {
		uag_event_unregister(ua_event_handler);
		st.evreg = false;
	}

	/* Our transports hold references to the context; they stay until
	 * baresip flushes them. */
	st.tls = mem_deref(st.tls);
	st.replaced = false;

	return 0;
}


static int siptls_init(void)
{
	int err;

	err = sipsh_mod_version_check("siptls");
	if (err)
		return err;

	memset(&st, 0, sizeof(st));
	tmr_init(&st.tmr);

	err = settings_read();
	if (!err)
		err = context_build();
	if (err) {
		st.tls = mem_deref(st.tls);
		warning("siptls: the TLS settings cannot be applied (%m): "
			"SIP over TLS is disabled\n", err);
	}
	else {
		info("siptls: TLS %s or later, ciphers %s, trusted CAs %s%s%s"
		     "\n", st.min_version == TLS1_3_VERSION ? "1.3" : "1.2",
		     st.ciphers[0] ? st.ciphers : "(OpenSSL default)",
		     st.cafile[0] ? st.cafile : "(system store)",
		     st.host[0] ? ", server name " : "", st.host);
	}

	err = uag_event_register(ua_event_handler, NULL);
	if (err) {
		(void)siptls_close();
		return err;
	}
	st.evreg = true;

	err = transp_replace();
	if (err)
		warning("siptls: replacing the transports: %m\n", err);

	tmr_start(&st.tmr, CHECK_INTERVAL, tmr_handler, NULL);

	return 0;
}


const struct mod_export DECL_EXPORTS(siptls) = {
	"siptls",
	"application",
	siptls_init,
	siptls_close
};
