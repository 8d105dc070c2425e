/*
 * What siptls needs from libre 1.1.0 that its API does not give: the TLS
 * contexts of the SIP stack's TLS transports (baresip's own, which every
 * transport rebuild reuses) and the peer address of a TLS connection.
 * Both read private structures, so every pointer is checked against what
 * the public API says before it is used; a mismatch is reported, never
 * guessed through.
 */
#ifndef SIPTLS_LIBRE_PEEK_H
#define SIPTLS_LIBRE_PEEK_H

struct sip;
struct tls;
struct sa;
struct ssl_st;

enum { PEEK_TLS_MAX = 4 };

/*
 * The struct tls of each TLS transport of sip (up to max, duplicates
 * once) in tlsv, their count in *np. EPROTO when the transport list does
 * not look like libre 1.1.0's.
 */
int peek_transp_tls(struct sip *sip, struct tls **tlsv, unsigned max,
		    unsigned *np);

/* The peer address of the TCP connection under ssl, a libre TLS
 * connection. EPROTO when ssl is not laid out as libre 1.1.0 does. */
int peek_ssl_peer(const struct ssl_st *ssl, struct sa *peer);

#endif
