/*
 * A TLS context of our own for SIP over TLS on every address, for when
 * baresip has none: baresip 1.0.0 makes its context only with its first
 * TLS transport, on the default route's address, so with no default
 * route (a host with only lo, say) it has neither and TLS accounts could
 * not connect at all. Ours is made as baresip makes its own (the
 * sip_certificate and sip_cafile keys) and refuses every handshake (no
 * TLS version left to speak) until siptls, which configures every TLS
 * transport's context it finds (at each REGISTERING, before the
 * REGISTER leaves, and every few seconds), has given it the settings
 * and the server check: there is no moment at which a connection on it
 * goes unverified. baresip's own context is preferred once it exists.
 */
#define USE_OPENSSL 1
#include <openssl/ssl.h>
#include "sipaddr.h"

struct tls *tlsctx_own(void)
{
	char cert[512] = "", ca[512] = "";
	struct tls *tls = NULL;
	SSL_CTX *ctx;
	int err;

	if (sa_st.own_tls)
		return sa_st.own_tls;
	if (sa_st.own_tls_failed)
		return NULL;

	(void)conf_get_str(conf_cur(), "sip_certificate", cert, sizeof(cert));
	(void)conf_get_str(conf_cur(), "sip_cafile", ca, sizeof(ca));

	err = tls_alloc(&tls, TLS_METHOD_SSLV23, cert[0] ? cert : NULL, NULL);
	if (!err && ca[0])
		err = tls_add_ca(tls, ca);
	ctx = err ? NULL : tls_openssl_context(tls);
	if (!ctx ||
	    !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION)) {
		warning("sipaddr: no TLS context of our own (%m): SIP over TLS "
			"waits for baresip's\n", err ? err : EPROTO);
		mem_deref(tls);
		sa_st.own_tls_failed = true;
		return NULL;
	}

	info("sipaddr: baresip has no SIP/TLS context: SIP over TLS on a "
	     "context of our own, for siptls to configure\n");
	sa_st.own_tls = tls;

	return tls;
}

void tlsctx_close(void)
{
	sa_st.own_tls = mem_deref(sa_st.own_tls);
	sa_st.own_tls_failed = false;
}
