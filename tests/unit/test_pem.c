/*
 * Tests of the "pem" value type (shell/conf/vtype_pem.c) and of the printer
 * 'show' uses for a trusted CA (pem_cert_print). The certificates are
 * made here with OpenSSL, so the test needs no files and no network: a
 * valid CA, a second CA, a leaf, an expired and a not-yet-valid CA, a
 * certificate without extensions and a private key. The dates of the
 * out-of-date CAs are fixed so that the warnings can be compared whole.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "vtype.h"
#include "tls_info.h"
#include "unit.h"

int test_pem(void);

enum ca_kind {
	CA_TRUE,        /* basicConstraints CA:TRUE, keyCertSign */
	CA_FALSE,       /* basicConstraints CA:FALSE: a leaf */
	CA_NONE,        /* a version 3 certificate with no extensions */
};

/* Everything the cases allocate, freed in one place whatever fails. */
struct fx {
	EVP_PKEY *key;
	char *ca1, *ca2, *utf8, *leaf, *bare, *old, *future, *keypem;
	char *canon;            /* the last parse's canonical text */
	char *in;               /* the last composed input */
	struct mbuf *mb;        /* printer output */
	struct diag dg;
};

static int bio_string(char **sp, BIO *bio)
{
	char *p, *s;
	long n = BIO_get_mem_data(bio, &p);

	if (n <= 0)
		return EINVAL;

	s = mem_alloc((size_t)n + 1, NULL);
	if (!s)
		return ENOMEM;

	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	*sp = s;

	return 0;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
	int ok;

	if (!ext)
		return EINVAL;

	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);

	return ok ? 0 : ENOMEM;
}

static int set_time(ASN1_TIME *t, const char *when, long adj)
{
	if (when)
		return ASN1_TIME_set_string_X509(t, when) ? 0 : EINVAL;

	return X509_gmtime_adj(t, adj) ? 0 : EINVAL;
}

/*
 * A self-signed certificate for 'cn' in PEM. Without fixed dates it is
 * valid from yesterday for ten years.
 */
static int make_cert(char **pemp, EVP_PKEY *key, long serial, const char *cn,
		     enum ca_kind kind, const char *nb, const char *na)
{
	X509_NAME *name;
	BIO *bio = NULL;
	X509 *x = NULL;
	int err = 0;

	x = X509_new();
	bio = BIO_new(BIO_s_mem());
	if (!x || !bio) {
		err = ENOMEM;
		goto out;
	}

	name = X509_get_subject_name(x);
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1,
					0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_set_pubkey(x, key)) {
		err = ENOMEM;
		goto out;
	}

	err = set_time(X509_getm_notBefore(x), nb, -86400L);
	if (!err)
		err = set_time(X509_getm_notAfter(x), na, 3650L * 86400L);
	if (err)
		goto out;

	switch (kind) {

	case CA_TRUE:
		err = add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
		if (!err)
			err = add_ext(x, NID_key_usage,
				      "critical,keyCertSign,cRLSign");
		break;

	case CA_FALSE:
		err = add_ext(x, NID_basic_constraints, "critical,CA:FALSE");
		if (!err)
			err = add_ext(x, NID_key_usage,
				      "critical,digitalSignature");
		break;

	case CA_NONE:
		break;
	}
	if (err)
		goto out;

	if (!X509_sign(x, key, EVP_sha256()) ||
	    !PEM_write_bio_X509(bio, x)) {
		err = EINVAL;
		goto out;
	}

	err = bio_string(pemp, bio);

 out:
	BIO_free(bio);
	X509_free(x);
	return err;
}

static int make_key_pem(char **pemp, EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int err;

	if (!bio)
		return ENOMEM;

	if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL))
		err = bio_string(pemp, bio);
	else
		err = EINVAL;

	BIO_free(bio);
	return err;
}

static int fx_init(struct fx *fx)
{
	int err;

	memset(fx, 0, sizeof(*fx));

	fx->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	fx->mb = mbuf_alloc(1024);
	if (!fx->key || !fx->mb)
		return ENOMEM;

	err  = make_cert(&fx->ca1, fx->key, 1, "Test Root CA", CA_TRUE,
			 NULL, NULL);
	err |= make_cert(&fx->ca2, fx->key, 2, "Second Test CA", CA_TRUE,
			 NULL, NULL);
	err |= make_cert(&fx->utf8, fx->key, 3, "Z\xc3\xbcrich Test CA",
			 CA_TRUE, NULL, NULL);
	err |= make_cert(&fx->leaf, fx->key, 4, "Test Leaf", CA_FALSE,
			 NULL, NULL);
	err |= make_cert(&fx->bare, fx->key, 5, "Bare Test", CA_NONE,
			 NULL, NULL);
	err |= make_cert(&fx->old, fx->key, 6, "Old Test CA", CA_TRUE,
			 "20100101000000Z", "20200101000000Z");
	err |= make_cert(&fx->future, fx->key, 7, "Future Test CA", CA_TRUE,
			 "20990101000000Z", "21090101000000Z");
	err |= make_key_pem(&fx->keypem, fx->key);

	return err ? EINVAL : 0;
}

static void fx_close(struct fx *fx)
{
	EVP_PKEY_free(fx->key);
	mem_deref(fx->ca1);
	mem_deref(fx->ca2);
	mem_deref(fx->utf8);
	mem_deref(fx->leaf);
	mem_deref(fx->bare);
	mem_deref(fx->old);
	mem_deref(fx->future);
	mem_deref(fx->keypem);
	mem_deref(fx->canon);
	mem_deref(fx->in);
	mem_deref(fx->mb);
}

/* vt_pem.parse of 'in', its results left in fx. */
static int parse(struct fx *fx, const char *in)
{
	fx->canon = mem_deref(fx->canon);
	memset(&fx->dg, 0, sizeof(fx->dg));

	return vt_pem.parse(NULL, in, &fx->canon, &fx->dg);
}

/* The concatenation of up to three texts, kept in fx->in. */
static const char *cat(struct fx *fx, const char *a, const char *b,
		       const char *c)
{
	fx->in = mem_deref(fx->in);
	if (re_sdprintf(&fx->in, "%s%s%s", a, b ? b : "", c ? c : ""))
		return "";

	return fx->in;
}

/* 'pem' as a user may paste it: indented, blanks and CR at line ends. */
static const char *messy(struct fx *fx, const char *pem)
{
	const char *p = pem;
	int err;

	fx->in = mem_deref(fx->in);
	mbuf_rewind(fx->mb);

	err = mbuf_write_str(fx->mb, "\r\n   \n");
	while (!err && *p) {
		size_t n = strcspn(p, "\n");

		err  = mbuf_write_str(fx->mb, "\t  ");
		err |= mbuf_write_mem(fx->mb, (const uint8_t *)p, n);
		err |= mbuf_write_str(fx->mb, "  \r\n");
		p += n + (p[n] == '\n');
	}
	if (!err)
		err = mbuf_write_str(fx->mb, " \n\n");
	if (err)
		return "";

	fx->mb->pos = 0;
	if (mbuf_strdup(fx->mb, &fx->in, fx->mb->end))
		return "";

	return fx->in;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++) {
		if (*s == '\n')
			++n;
	}

	return n;
}

struct seen {
	unsigned n;
	const char *want[4];
	int ret;                /* what the handler returns */
	int bad;                /* a piece differed from want[] */
};

static int seen_h(const char *pem, size_t len, void *arg)
{
	struct seen *sn = arg;

	if (sn->n < 4 && sn->want[sn->n] &&
	    (strlen(sn->want[sn->n]) != len ||
	     memcmp(sn->want[sn->n], pem, len)))
		sn->bad = 1;

	++sn->n;
	return sn->ret;
}

/* Printer output of pem_cert_print, as a string in fx->mb. */
static const char *cert_text(struct fx *fx, const char *pem)
{
	struct re_printf pf = {pf_mbuf_vph, NULL};

	mbuf_rewind(fx->mb);
	pf.arg = fx->mb;

	if (pem_cert_print(&pf, pem, strlen(pem)) ||
	    mbuf_write_u8(fx->mb, 0))
		return "(print failed)";

	return (const char *)fx->mb->buf;
}

/* The SHA-256 of the certificate's DER, done apart from tls_info.c. */
static int fingerprint(char *buf, size_t sz, const char *pem)
{
	unsigned char md[32], *der = NULL;
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	int i, n, err = 0;

	n = x ? i2d_X509(x, &der) : -1;
	if (n <= 0 || !EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(),
				  NULL)) {
		err = EINVAL;
		goto out;
	}

	for (i = 0; i < 32 && 3 * (size_t)i + 3 <= sz; i++) {
		buf[3 * i] = "0123456789ABCDEF"[md[i] >> 4];
		buf[3 * i + 1] = "0123456789ABCDEF"[md[i] & 15];
		buf[3 * i + 2] = i < 31 ? ':' : '\0';
	}

 out:
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	return err;
}

static int case_valid(struct fx *fx)
{
	struct seen sn = {0, {NULL}, 0, 0};
	const char *body;

	TEST_EQ(parse(fx, fx->ca1), 0);
	TEST_STR(fx->canon, fx->ca1);
	TEST_STR(fx->dg.warn, "");

	/* Indented, with CR and blank lines around: the same certificate. */
	TEST_EQ(parse(fx, messy(fx, fx->ca1)), 0);
	TEST_STR(fx->canon, fx->ca1);
	TEST_STR(fx->dg.warn, "");

	/* Two CAs, the first pasted twice: kept once, in input order. */
	TEST_EQ(parse(fx, cat(fx, fx->ca1, fx->ca2, fx->ca1)), 0);
	TEST_STR(fx->canon, cat(fx, fx->ca1, fx->ca2, NULL));

	sn.want[0] = fx->ca1;
	sn.want[1] = fx->ca2;
	TEST_EQ(pem_foreach(fx->canon, seen_h, &sn), 0);
	TEST_EQ(sn.n, 2);
	TEST_EQ(sn.bad, 0);

	/* A handler's error stops the walk and is returned. */
	memset(&sn, 0, sizeof(sn));
	sn.ret = 42;
	TEST_EQ(pem_foreach(fx->canon, seen_h, &sn), 42);
	TEST_EQ(sn.n, 1);

	memset(&sn, 0, sizeof(sn));
	TEST_EQ(pem_foreach("", seen_h, &sn), 0);
	TEST_EQ(sn.n, 0);
	TEST_EQ(pem_foreach(NULL, seen_h, &sn), EINVAL);
	TEST_EQ(pem_foreach(fx->ca1, NULL, NULL), EINVAL);
	TEST_EQ(pem_foreach("not canonical", seen_h, &sn), EINVAL);

	/* The old "X509 CERTIFICATE" label is a certificate too. */
	body = strchr(fx->ca1, '\n') + 1;
	fx->in = mem_deref(fx->in);
	TEST_EQ(re_sdprintf(&fx->in, "-----BEGIN X509 CERTIFICATE-----\n%b"
			    "-----END X509 CERTIFICATE-----\n", body,
			    (size_t)(strstr(body, "-----END") - body)), 0);
	TEST_EQ(parse(fx, fx->in), 0);
	TEST_STR(fx->canon, fx->ca1);

	return 0;
}

static int case_refused(struct fx *fx)
{
	char want[DIAG_SZ];

	TEST_EQ(parse(fx, fx->leaf), EINVAL);
	TEST_STR(fx->dg.err,
		 "certificate 1 (CN=Test Leaf) is not a CA certificate");
	TEST_TRUE(fx->canon == NULL);

	TEST_EQ(parse(fx, cat(fx, fx->ca1, fx->leaf, NULL)), EINVAL);
	TEST_STR(fx->dg.err,
		 "certificate 2 (CN=Test Leaf) is not a CA certificate");

	TEST_EQ(parse(fx, fx->bare), EINVAL);
	TEST_STR(fx->dg.err,
		 "certificate 1 (CN=Bare Test) is not a CA certificate");

	TEST_EQ(parse(fx, fx->keypem), EINVAL);
	TEST_STR(fx->dg.err, "block 1 is a PRIVATE KEY, not a CERTIFICATE");

	TEST_EQ(parse(fx, cat(fx, fx->ca1, fx->keypem, fx->ca2)), EINVAL);
	TEST_STR(fx->dg.err, "block 2 is a PRIVATE KEY, not a CERTIFICATE");

	TEST_EQ(parse(fx, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
		      "-----END ENCRYPTED PRIVATE KEY-----\n"), EINVAL);
	TEST_STR(fx->dg.err, "block 1 is an ENCRYPTED PRIVATE KEY, not a "
		 "CERTIFICATE");

	TEST_EQ(parse(fx, "hello world\n"), EINVAL);
	TEST_STR(fx->dg.err, "line 1: not part of a PEM block: 'hello world'");

	/* Stray text after a certificate is not dropped silently. */
	TEST_EQ(parse(fx, cat(fx, fx->ca1, "  junk\r\n", NULL)), EINVAL);
	re_snprintf(want, sizeof(want),
		    "line %u: not part of a PEM block: 'junk'",
		    count_lines(fx->ca1) + 1);
	TEST_STR(fx->dg.err, want);

	/* A mangled BEGIN line would make OpenSSL skip the certificate. */
	TEST_EQ(parse(fx, fx->ca1 + 1), EINVAL);
	TEST_STR(fx->dg.err, "line 1: not part of a PEM block: "
		 "'----BEGIN CERTIFICATE-----'");

	TEST_EQ(parse(fx, cat(fx, "-----BEGIN CERTIFICATE\n",
			      strchr(fx->ca1, '\n') + 1, fx->ca2)), EINVAL);
	TEST_STR(fx->dg.err, "line 1: not part of a PEM block: "
		 "'-----BEGIN CERTIFICATE'");

	TEST_EQ(parse(fx, cat(fx, "-----BEGIN CERTIFICATE\n",
			      strchr(fx->ca1, '\n') + 1, NULL)), EINVAL);
	TEST_STR(fx->dg.err, "line 1: not part of a PEM block: "
		 "'-----BEGIN CERTIFICATE'");

	/* A block cut short: OpenSSL's reason follows our words. */
	TEST_EQ(parse(fx, cat(fx, fx->ca2, "-----BEGIN CERTIFICATE-----\n"
			      "MIIBfzCCASWgAwIBAgIBATAKBggqhkjOPQQDAjAXMRUwEwYD\n",
			      NULL)), EINVAL);
	TEST_TRUE(!strncmp(fx->dg.err, "certificate 2: not valid PEM: ", 30));
	TEST_TRUE(strlen(fx->dg.err) > 30);

	/* Good PEM armour around bytes that are no certificate. */
	TEST_EQ(parse(fx, "-----BEGIN CERTIFICATE-----\nAAAA\n"
		      "-----END CERTIFICATE-----\n"), EINVAL);
	TEST_TRUE(!strcmp(fx->dg.err, "certificate 1: its 3 bytes are not a "
			  "certificate (not X.509 data)"));

	TEST_EQ(parse(fx, ""), EINVAL);
	TEST_STR(fx->dg.err, "no certificate: paste one or more blocks "
		 "starting with -----BEGIN CERTIFICATE-----");

	TEST_EQ(parse(fx, " \r\n\t\n"), EINVAL);
	TEST_STR(fx->dg.err, "no certificate: paste one or more blocks "
		 "starting with -----BEGIN CERTIFICATE-----");

	TEST_EQ(vt_pem.parse(NULL, NULL, &fx->canon, &fx->dg), EINVAL);
	TEST_EQ(vt_pem.parse(NULL, fx->ca1, NULL, &fx->dg), EINVAL);
	TEST_EQ(vt_pem.parse(NULL, fx->ca1, &fx->canon, NULL), EINVAL);

	return 0;
}

static int case_dates(struct fx *fx)
{
	TEST_EQ(parse(fx, fx->old), 0);
	TEST_STR(fx->canon, fx->old);
	TEST_STR(fx->dg.err, "");
	TEST_STR(fx->dg.warn, "certificate 1 (CN=Old Test CA) expired on "
		 "2020-01-01 00:00:00 UTC");

	TEST_EQ(parse(fx, cat(fx, fx->ca1, fx->future, NULL)), 0);
	TEST_STR(fx->dg.warn, "certificate 2 (CN=Future Test CA) is not "
		 "valid before 2099-01-01 00:00:00 UTC");

	TEST_EQ(parse(fx, cat(fx, fx->old, fx->ca1, fx->future)), 0);
	TEST_STR(fx->dg.warn, "certificate 1 (CN=Old Test CA) expired on "
		 "2020-01-01 00:00:00 UTC (and 1 more out of date)");

	return 0;
}

static int case_print(struct fx *fx)
{
	static const char old_head[] =
		"subject: CN=Old Test CA\n"
		"issuer: CN=Old Test CA\n"
		"expires: 2020-01-01 00:00:00 UTC (expired)\n"
		"sha256: ";
	static const char utf8_head[] =
		"subject: CN=Z\xc3\xbcrich Test CA\n"
		"issuer: CN=Z\xc3\xbcrich Test CA\n"
		"expires: 2";
	struct re_printf pf = {pf_mbuf_vph, NULL};
	const char *text, *sha;
	char fp[96];

	TEST_EQ(fingerprint(fp, sizeof(fp), fx->old), 0);
	text = cert_text(fx, fx->old);
	TEST_TRUE(!strncmp(text, old_head, sizeof(old_head) - 1));
	sha = text + sizeof(old_head) - 1;
	TEST_EQ(strlen(sha), 96);
	TEST_EQ(sha[95], '\n');
	TEST_TRUE(!strncmp(sha, fp, 95));

	/* A UTF-8 name is shown as such; a valid CA is not "(expired)". */
	TEST_EQ(fingerprint(fp, sizeof(fp), fx->utf8), 0);
	text = cert_text(fx, fx->utf8);
	TEST_TRUE(!strncmp(text, utf8_head, sizeof(utf8_head) - 1));
	TEST_TRUE(strstr(text, " UTC\nsha256: ") != NULL);
	TEST_TRUE(strstr(text, "(expired)") == NULL);
	sha = strstr(text, "sha256: ") + 8;
	TEST_EQ(strcspn(sha, "\n"), 95);
	TEST_TRUE(!strncmp(sha, fp, 95));

	mbuf_rewind(fx->mb);
	pf.arg = fx->mb;
	TEST_EQ(pem_cert_print(&pf, "junk", 4), EINVAL);
	TEST_EQ(pem_cert_print(&pf, NULL, 4), EINVAL);
	TEST_EQ(pem_cert_print(NULL, fx->ca1, strlen(fx->ca1)), EINVAL);

	TEST_EQ(vt_pem.syntax(&pf, NULL), 0);
	TEST_EQ(mbuf_write_u8(fx->mb, 0), 0);
	TEST_STR((const char *)fx->mb->buf, "PEM");
	TEST_EQ(vt_pem.kind, VK_BLOCK);
	TEST_STR(vt_pem.name, "pem");

	return 0;
}

int test_pem(void)
{
	struct fx fx;
	int err;

	err = fx_init(&fx);
	if (err) {
		fprintf(stderr, "%s:%d: cannot make the test certificates\n",
			__FILE__, __LINE__);
		goto out;
	}

	err = case_valid(&fx);
	if (!err)
		err = case_refused(&fx);
	if (!err)
		err = case_dates(&fx);
	if (!err)
		err = case_print(&fx);

 out:
	fx_close(&fx);
	return err;
}
