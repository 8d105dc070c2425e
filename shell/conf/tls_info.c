/*
 * Certificates and TLS settings as OpenSSL sees them. 'show' prints a
 * trusted CA from here, and the whole-configuration check asks a real
 * SSL_CTX whether tls-version and tls-cipher together leave something to
 * connect with, so that a setting OpenSSL would refuse at run time is
 * refused when it is typed instead.
 */
#include "re_base.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "vtype.h"
#include "tls_info.h"

/* Declared again so that the compiler checks our own format strings. */
void diag_err(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Longest piece of a user's cipher string quoted back in a message. */
#define QUOTE_MAX 60

const char *tls_err_reason(void)
{
	unsigned long e = ERR_peek_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : "unknown error";
}

int cert_name_print(struct re_printf *pf, const struct X509_name_st *name)
{
	/* RFC 2253 escaping, but in the certificate's order, with ", "
	 * between parts and UTF-8 shown as such; control characters stay
	 * escaped so that a name cannot play tricks with the terminal. */
	const unsigned long flags = XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ &
		~ASN1_STRFLGS_ESC_MSB;
	BIO *bio = NULL;
	char *p;
	long n;
	int err = 0;

	if (!pf || !name)
		return EINVAL;

	bio = BIO_new(BIO_s_mem());
	if (!bio) {
		err = ENOMEM;
		goto out;
	}

	if (X509_NAME_print_ex(bio, name, 0, flags) < 0) {
		err = EINVAL;
		goto out;
	}

	n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		err = re_hprintf(pf, "%b", p, (size_t)n);
	else
		err = re_hprintf(pf, "(empty name)");

 out:
	BIO_free(bio);
	ERR_clear_error();
	return err;
}

int cert_time_print(struct re_printf *pf, const struct asn1_string_st *t)
{
	struct tm tm;

	if (!pf || !t)
		return EINVAL;

	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return EINVAL;
	}

	return re_hprintf(pf, "%04d-%02d-%02d %02d:%02d:%02d UTC",
			  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			  tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int fingerprint_print(struct re_printf *pf, const X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int err = 0;

	if (!X509_digest(x, EVP_sha256(), md, &n)) {
		ERR_clear_error();
		return EINVAL;
	}

	for (i = 0; i < n && !err; i++)
		err = re_hprintf(pf, "%s%02X", i ? ":" : "", md[i]);

	return err;
}

int pem_cert_print(struct re_printf *pf, const char *pem, size_t len)
{
	const ASN1_TIME *na;
	BIO *bio = NULL;
	X509 *x = NULL;
	int err = 0;

	if (!pf || !pem || !len || len > INT_MAX)
		return EINVAL;

	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio) {
		err = ENOMEM;
		goto out;
	}

	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!x) {
		err = EINVAL;
		goto out;
	}

	na = X509_get0_notAfter(x);

	err  = re_hprintf(pf, "subject: ");
	err |= cert_name_print(pf, X509_get_subject_name(x));
	err |= re_hprintf(pf, "\nissuer: ");
	err |= cert_name_print(pf, X509_get_issuer_name(x));
	err |= re_hprintf(pf, "\nexpires: ");
	err |= cert_time_print(pf, na);
	if (X509_cmp_current_time(na) < 0)
		err |= re_hprintf(pf, " (expired)");
	err |= re_hprintf(pf, "\nsha256: ");
	err |= fingerprint_print(pf, x);
	err |= re_hprintf(pf, "\n");
	if (err)
		err = EINVAL;

 out:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return err;
}

/* 'in' for a message: as it is, or cut short with "..." if too long. */
static void quote(char buf[QUOTE_MAX + 4], const char *in)
{
	const size_t sz = QUOTE_MAX + 4;
	size_t n = strlen(in);

	if (n < sz) {
		memcpy(buf, in, n + 1);
		return;
	}

	memcpy(buf, in, QUOTE_MAX);
	memcpy(buf + QUOTE_MAX, "...", 4);
}

/* How many ciphers an SSL of this context would offer with TLS 1.2. */
static int tls12_cipher_count(SSL_CTX *ctx, int *np)
{
	STACK_OF(SSL_CIPHER) *sk = NULL;
	SSL *ssl = NULL;
	int err = 0;

	ssl = SSL_new(ctx);
	if (!ssl) {
		err = ENOMEM;
		goto out;
	}

	/* Capping the version makes OpenSSL leave out the TLS 1.3 suites
	 * and whatever the security level forbids, exactly as it would
	 * when connecting. */
	if (!SSL_set_max_proto_version(ssl, TLS1_2_VERSION)) {
		err = EINVAL;
		goto out;
	}

	sk = SSL_get1_supported_ciphers(ssl);
	*np = sk ? sk_SSL_CIPHER_num(sk) : 0;

 out:
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	return err;
}

int tls_check(const char *min_version, const char *cipher, struct diag *dg)
{
	char q[QUOTE_MAX + 4];
	SSL_CTX *ctx = NULL;
	bool has_cipher;
	int version, n = 0, err = 0;

	if (!min_version || !dg)
		return EINVAL;

	has_cipher = cipher && cipher[0];

	if (!strcmp(min_version, "1.2")) {
		version = TLS1_2_VERSION;
	}
	else if (!strcmp(min_version, "1.3")) {
		version = TLS1_3_VERSION;
	}
	else {
		quote(q, min_version);
		diag_err(dg, "tls-version '%s': must be 1.2 or 1.3", q);
		return EINVAL;
	}

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		diag_err(dg, "tls: OpenSSL cannot make a TLS context: %s",
			 tls_err_reason());
		err = ENOMEM;
		goto out;
	}

	if (!SSL_CTX_set_min_proto_version(ctx, version)) {
		diag_err(dg, "tls-version '%s': OpenSSL refuses it: %s",
			 min_version, tls_err_reason());
		err = EINVAL;
		goto out;
	}

	if (has_cipher) {
		quote(q, cipher);

		if (!SSL_CTX_set_cipher_list(ctx, cipher)) {
			diag_err(dg, "tls-cipher '%s': OpenSSL refuses it: %s",
				 q, tls_err_reason());
			err = EINVAL;
			goto out;
		}
	}

	if (version == TLS1_3_VERSION) {
		if (has_cipher) {
			diag_warn(dg, "tls-cipher '%s' has no effect with "
				  "tls-version 1.3: TLS 1.3 uses its own "
				  "cipher suites", q);
		}
		goto out;
	}

	err = tls12_cipher_count(ctx, &n);
	if (err) {
		diag_err(dg, "tls: OpenSSL cannot list its ciphers: %s",
			 tls_err_reason());
		goto out;
	}

	if (n == 0) {
		if (has_cipher) {
			diag_err(dg, "tls-cipher '%s': OpenSSL selects no "
				 "cipher usable with TLS 1.2 from it", q);
		}
		else {
			diag_err(dg, "tls-cipher: OpenSSL's default list has "
				 "no cipher usable with TLS 1.2");
		}
		err = EINVAL;
	}

 out:
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return err;
}

/* A suite that authenticates no server, or encrypts nothing. */
static const char *suite_flaw(const SSL_CIPHER *c)
{
	if (SSL_CIPHER_get_auth_nid(c) == NID_auth_null)
		return "anonymous (it authenticates no server)";
	if (SSL_CIPHER_get_cipher_nid(c) == NID_undef)
		return "NULL (it encrypts nothing)";
	return NULL;
}

/* The first anonymous or NULL suite of sk, with its flaw, or NULL. */
static const SSL_CIPHER *flawed_suite(const STACK_OF(SSL_CIPHER) *sk,
				      const char **flawp)
{
	int i;

	for (i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		const char *flaw = suite_flaw(c);

		if (flaw) {
			*flawp = flaw;
			return c;
		}
	}

	return NULL;
}

int tls_cipher_safe(const char *cipher, struct diag *dg)
{
	STACK_OF(SSL_CIPHER) *sup = NULL;
	const SSL_CIPHER *bad;
	const char *flaw = NULL;
	char q[QUOTE_MAX + 4];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	size_t blank;
	int err = 0;

	if (!dg)
		return EINVAL;
	if (!cipher || !cipher[0])
		return 0;

	quote(q, cipher);

	/* OpenSSL reads a blank as a separator, baresip's configuration
	 * reader ends the value there: what was checked would not be what
	 * runs. */
	blank = strcspn(cipher, " \t");
	if (cipher[blank]) {
		diag_err(dg, "tls-cipher '%s' has a blank at position %zu: "
			 "the phone would use only '%.*s'; separate the "
			 "entries with ':'", q, blank + 1,
			 (int)(blank < QUOTE_MAX ? blank : QUOTE_MAX), cipher);
		return EINVAL;
	}

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || !SSL_CTX_set_cipher_list(ctx, cipher)) {
		/* tls_check says why OpenSSL refuses it. */
		goto out;
	}

	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_max_proto_version(ssl, TLS1_2_VERSION)) {
		diag_err(dg, "tls: OpenSSL cannot list its ciphers: %s",
			 tls_err_reason());
		err = ENOMEM;
		goto out;
	}

	/* What the phone would offer, after the security level (which the
	 * string itself may lower with @SECLEVEL). */
	sup = SSL_get1_supported_ciphers(ssl);
	bad = flawed_suite(sup, &flaw);
	if (bad) {
		diag_err(dg, "tls-cipher '%s' allows the suite %s, which is "
			 "%s: exclude it (e.g. append :!aNULL:!eNULL)", q,
			 SSL_CIPHER_get_name(bad), flaw);
		err = EINVAL;
		goto out;
	}

	/* Nothing usable, but what it asks for is anonymous or NULL. */
	if (!sup || !sk_SSL_CIPHER_num(sup)) {
		bad = flawed_suite(SSL_CTX_get_ciphers(ctx), &flaw);
		if (bad) {
			diag_err(dg, "tls-cipher '%s' asks for suites such as "
				 "%s, which is %s", q,
				 SSL_CIPHER_get_name(bad), flaw);
			err = EINVAL;
		}
	}

 out:
	sk_SSL_CIPHER_free(sup);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return err;
}

int pem_cert_print_h(struct re_printf *pf, void *arg)
{
	const struct pem_text *pt = arg;

	return pem_cert_print(pf, pt->pem, pt->len);
}
