/*
 * What sipsh knows about certificates and TLS, asked of OpenSSL itself:
 * how a trusted CA is shown, and whether the TLS settings together make a
 * configuration OpenSSL can run. The small printers are shared with the
 * PEM value type so that a certificate is named the same way everywhere.
 */
#ifndef SIPSH_TLS_INFO_H
#define SIPSH_TLS_INFO_H

#include <stddef.h>

struct re_printf;
struct diag;
struct X509_name_st;    /* OpenSSL's X509_NAME */
struct asn1_string_st;  /* OpenSSL's ASN1_TIME */

/*
 * Print one certificate (PEM text of exactly one certificate, as
 * pem_foreach gives it) as the lines "subject: ...", "issuer: ...",
 * "expires: YYYY-MM-DD HH:MM:SS UTC" (with " (expired)" when it is) and
 * "sha256: AA:BB:..." (the fingerprint of its DER), each ending in '\n'.
 */
int pem_cert_print(struct re_printf *pf, const char *pem, size_t len);

/* The same as a %H printer. */
struct pem_text {
	const char *pem;
	size_t len;
};
int pem_cert_print_h(struct re_printf *pf, void *arg);

/*
 * Check the TLS settings together with a real OpenSSL context:
 * min_version is the canonical tls-version ("1.2" or "1.3"), cipher the
 * canonical tls-cipher, or NULL or "" for OpenSSL's default list.
 * Returns 0 (perhaps with dg->warn set) or EINVAL with dg->err set.
 */
int tls_check(const char *min_version, const char *cipher, struct diag *dg);

/*
 * Refuse a tls-cipher (canonical, or NULL/"" for none) that lets an
 * anonymous or NULL suite be negotiated (ADH-...:@SECLEVEL=0), that asks
 * only for such suites (aNULL, eNULL), or that holds a blank (baresip's
 * reader would cut the value there). 0, or EINVAL with dg->err set.
 */
int tls_cipher_safe(const char *cipher, struct diag *dg);

/* A distinguished name on one line, "C=DE, O=Example, CN=Root CA". */
int cert_name_print(struct re_printf *pf, const struct X509_name_st *name);

/* A certificate time as "YYYY-MM-DD HH:MM:SS UTC". */
int cert_time_print(struct re_printf *pf, const struct asn1_string_st *t);

/*
 * The reason of the oldest error in OpenSSL's error queue (a static
 * string, "unknown error" when the queue is empty); the queue is cleared.
 */
const char *tls_err_reason(void);

#endif
