/*
 * Guarded reads of libre 1.1.0's private SIP transport and TLS connection
 * structures (src/sip/sip.h, src/sip/transp.c, src/tls/openssl/tls_tcp.c
 * at tag v1.1.0). The module's version check pins libre 1.1.0; these
 * checks catch a build that differs all the same: every list element must
 * point back at its own list and object, every transport at its SIP
 * stack, and a TLS connection's BIOs and SSL at each other.
 */
#define USE_OPENSSL 1
#include <string.h>
#include <sys/socket.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include "baresip.h"
#include "libre_peek.h"
#include "libre_sip_layout.h"


/* struct tls_conn as built with OpenSSL >= 1.1 (TLS_BIO_OPAQUE). */
struct shadow_tls_conn {
	SSL *ssl;
	BIO_METHOD *biomet;
	BIO *sbio_out;
	BIO *sbio_in;
	struct tcp_helper *th;
	struct tcp_conn *tcp;
	bool active;
	bool up;
};

int peek_transp_tls(struct sip *sip, struct tls **tlsv, unsigned max,
		    unsigned *np)
{
	const struct sip_head_v110 *ss = (const void *)sip;
	struct sa la;
	struct le *le;
	unsigned n = 0, guard = 0, i;
	bool has_tls, found_laddr = false;

	if (!sip || !tlsv || !np)
		return EINVAL;

	/* What the API says: is there a TLS transport, and where. */
	has_tls = 0 == sip_transp_laddr(sip, &la, SIP_TRANSP_TLS, NULL);

	for (le = ss->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;

		if (++guard > 64 || le->list != &ss->transpl ||
		    (const void *)t != (const void *)le || t->sip != sip ||
		    t->tp < SIP_TRANSP_NONE || t->tp > SIP_TRANSP_WSS)
			return EPROTO;

		if (t->tp != SIP_TRANSP_TLS)
			continue;

		if (!t->tls || !tls_openssl_context(t->tls))
			return EPROTO;

		if (has_tls && sa_cmp(&t->laddr, &la, SA_ALL))
			found_laddr = true;

		for (i = 0; i < n && tlsv[i] != t->tls; i++)
			;
		if (i == n && n < max)
			tlsv[n++] = t->tls;
	}

	/* The API's TLS address must be one of the transports seen. */
	if (has_tls && !found_laddr)
		return EPROTO;
	if (!has_tls && n)
		return EPROTO;

	*np = n;
	return 0;
}

int peek_ssl_peer(const struct ssl_st *ssl, struct sa *peer)
{
	const struct shadow_tls_conn *tc;
	struct sa a, b;
	BIO *w, *r;
	int fd;

	if (!ssl || !peer)
		return EINVAL;

	w = SSL_get_wbio(ssl);
	r = SSL_get_rbio(ssl);
	tc = w ? BIO_get_data(w) : NULL;
	if (!tc || tc->ssl != ssl || tc->sbio_out != w || tc->sbio_in != r ||
	    !tc->tcp)
		return EPROTO;

	if (tcp_conn_peer_get(tc->tcp, &a))
		return EPROTO;

	/* The socket itself must say the same. */
	fd = tcp_conn_fd(tc->tcp);
	sa_init(&b, AF_UNSPEC);
	b.len = sizeof(b.u);
	if (fd < 0 || getpeername(fd, &b.u.sa, &b.len) ||
	    !sa_cmp(&a, &b, SA_ALL))
		return EPROTO;

	*peer = a;
	return 0;
}
