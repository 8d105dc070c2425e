/*
 * The "pem" value type: CA certificates pasted as PEM text, the Trusted
 * CA field of the router's view. OpenSSL reads and decodes every block;
 * this file only decides what is acceptable (certificates, and CA ones)
 * and keeps the canonical form: each certificate re-encoded by OpenSSL,
 * in the order pasted, once.
 */
#include "re_base.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "vtype.h"
#include "tls_info.h"

/* Declared again so that the compiler checks our own format strings. */
void diag_err(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define PEM_END "-----END CERTIFICATE-----"

/* Room for a subject, a date or a quoted line inside a one-line message. */
#define CLIP_SZ 96

/*
 * A printer into a fixed buffer that cuts what does not fit and ends it
 * with "...": a certificate's subject may be longer than a message.
 */
struct clip {
	char buf[CLIP_SZ];
	size_t n;
	bool cut;
};

static int clip_h(const char *p, size_t size, void *arg)
{
	struct clip *c = arg;
	size_t room = sizeof(c->buf) - 1 - c->n;

	if (size > room) {
		size = room;
		c->cut = true;
	}

	memcpy(c->buf + c->n, p, size);
	c->n += size;
	c->buf[c->n] = '\0';

	return 0;
}

static void clip_init(struct clip *c, struct re_printf *pf)
{
	c->buf[0] = '\0';
	c->n = 0;
	c->cut = false;
	pf->vph = clip_h;
	pf->arg = c;
}

static const char *clip_end(struct clip *c)
{
	if (c->cut)
		memcpy(c->buf + sizeof(c->buf) - 4, "...", 4);

	return c->buf;
}

static const char *subject_of(struct clip *c, const X509 *x)
{
	struct re_printf pf;

	clip_init(c, &pf);
	(void)cert_name_print(&pf, X509_get_subject_name(x));

	return clip_end(c);
}

static const char *time_of(struct clip *c, const ASN1_TIME *t)
{
	struct re_printf pf;

	clip_init(c, &pf);
	if (cert_time_print(&pf, t))
		(void)re_hprintf(&pf, "an unreadable date");

	return clip_end(c);
}

/* A line of the user's text for a message; control bytes shown as '?'. */
static const char *line_of(struct clip *c, const char *line, size_t len)
{
	struct re_printf pf;
	size_t i;

	clip_init(c, &pf);
	(void)re_hprintf(&pf, "%b", line, len);
	for (i = 0; i < c->n; i++) {
		if ((unsigned char)c->buf[i] < 0x20 || c->buf[i] == 0x7f)
			c->buf[i] = '?';
	}

	return clip_end(c);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
		ch == '\f';
}

/*
 * The pasted text with each line's leading and trailing blanks (and CR)
 * removed: OpenSSL wants "-----BEGIN" at the start of a line. Lines are
 * kept, one for one, so that a line number means the user's line.
 */
static int normalise(char **bufp, size_t *lenp, const char *in)
{
	size_t inlen = strlen(in), n = 0;
	const char *p = in, *end = in + inlen;
	char *buf;

	buf = mem_alloc(inlen + 2, NULL);
	if (!buf)
		return ENOMEM;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *a = p, *b = eol ? eol : end;

		while (a < b && is_blank(*a))
			++a;
		while (b > a && is_blank(b[-1]))
			--b;

		memcpy(buf + n, a, (size_t)(b - a));
		n += (size_t)(b - a);
		buf[n++] = '\n';

		p = eol ? eol + 1 : end;
	}
	buf[n] = '\0';

	*bufp = buf;
	*lenp = n;

	return 0;
}

/* Does the line at 'line' say exactly "-----BEGIN <name>-----"? */
static bool is_begin_line(const char *line, size_t len, const char *name)
{
	static const char pre[] = "-----BEGIN ", post[] = "-----";
	const size_t lpre = sizeof(pre) - 1, lpost = sizeof(post) - 1;
	size_t lname = strlen(name);

	return len == lpre + lname + lpost &&
		!memcmp(line, pre, lpre) &&
		!memcmp(line + lpre, name, lname) &&
		!memcmp(line + lpre + lname, post, lpost);
}

static bool is_cert_name(const char *name)
{
	return !strcmp(name, PEM_STRING_X509) ||
		!strcmp(name, PEM_STRING_X509_OLD);
}

static bool is_no_start_line(unsigned long e)
{
	return ERR_GET_LIB(e) == ERR_LIB_PEM &&
		ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

static unsigned line_number(const char *buf, size_t pos)
{
	unsigned ln = 1;
	size_t i;

	for (i = 0; i < pos; i++) {
		if (buf[i] == '\n')
			++ln;
	}

	return ln;
}

static int stray_text(struct diag *dg, const char *buf, size_t pos)
{
	struct clip c;

	diag_err(dg, "line %u: not part of a PEM block: '%s'",
		 line_number(buf, pos),
		 line_of(&c, buf + pos, strcspn(buf + pos, "\n")));

	return EINVAL;
}

/* One certificate from the DER of a PEM block; no bytes may be left. */
static int decode(X509 **xp, unsigned n, const unsigned char *der,
		  long len, struct diag *dg)
{
	const unsigned char *p = der;
	X509 *x;

	/* OpenSSL's reason ("too long", "wrong tag") is about the ASN.1
	 * inside, which means nothing for text that is no certificate. */
	x = d2i_X509(NULL, &p, len);
	if (!x) {
		ERR_clear_error();
		diag_err(dg, "certificate %u: its %ld bytes are not a "
			 "certificate (not X.509 data)", n, len);
		return EINVAL;
	}

	if (p != der + len) {
		X509_free(x);
		diag_err(dg, "certificate %u: not a valid X.509 certificate: "
			 "%ld extra bytes after it", n, (long)(der + len - p));
		return EINVAL;
	}

	*xp = x;
	return 0;
}

/* Refuse what cannot be a trust anchor; note what is out of date. */
static int check_cert(X509 *x, unsigned n, struct diag *dg,
		      char *warn, size_t wsz, unsigned *nwarnp)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x);
	const ASN1_TIME *na = X509_get0_notAfter(x);
	uint32_t flags = X509_get_extension_flags(x);
	struct clip cs, ct;
	int err = 0;

	if (flags & EXFLAG_INVALID) {
		diag_err(dg, "certificate %u (%s) has malformed extensions",
			 n, subject_of(&cs, x));
		err = EINVAL;
		goto out;
	}

	if (!X509_check_ca(x) ||
	    ((flags & EXFLAG_BCONS) && !(flags & EXFLAG_CA))) {
		diag_err(dg, "certificate %u (%s) is not a CA certificate",
			 n, subject_of(&cs, x));
		err = EINVAL;
		goto out;
	}

	/* Only the first warning fits; the others are counted. */
	if (X509_cmp_current_time(na) < 0) {
		if (!(*nwarnp)++) {
			re_snprintf(warn, wsz, "certificate %u (%s) expired "
				    "on %s", n, subject_of(&cs, x),
				    time_of(&ct, na));
		}
	}
	else if (X509_cmp_current_time(nb) > 0) {
		if (!(*nwarnp)++) {
			re_snprintf(warn, wsz, "certificate %u (%s) is not "
				    "valid before %s", n, subject_of(&cs, x),
				    time_of(&ct, nb));
		}
	}

 out:
	ERR_clear_error();
	return err;
}

static bool is_duplicate(STACK_OF(X509) *certs, const X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		if (!X509_cmp(sk_X509_value(certs, i), x))
			return true;
	}

	return false;
}

static int canon_text(char **canonp, STACK_OF(X509) *certs)
{
	BIO *bio = NULL;
	char *canon, *p;
	long n;
	int i, err = 0;

	bio = BIO_new(BIO_s_mem());
	if (!bio) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < sk_X509_num(certs); i++) {
		if (!PEM_write_bio_X509(bio, sk_X509_value(certs, i))) {
			err = ENOMEM;
			goto out;
		}
	}

	n = BIO_get_mem_data(bio, &p);
	if (n <= 0) {
		err = EINVAL;
		goto out;
	}

	canon = mem_alloc((size_t)n + 1, NULL);
	if (!canon) {
		err = ENOMEM;
		goto out;
	}

	memcpy(canon, p, (size_t)n);
	canon[n] = '\0';
	*canonp = canon;

 out:
	BIO_free(bio);
	return err;
}

static int pem_parse(const struct setting *s, const char *in, char **canonp,
		     struct diag *dg)
{
	STACK_OF(X509) *certs = NULL;
	char warn[DIAG_SZ] = "";
	unsigned n = 0, nwarn = 0;
	char *buf = NULL;
	BIO *bio = NULL;
	size_t len, pos = 0;
	int err = 0;

	(void)s;    /* every trusted-ca value is checked alike */

	if (!in || !canonp || !dg)
		return EINVAL;

	err = normalise(&buf, &len, in);
	if (err)
		goto out;

	if (len > INT_MAX) {
		diag_err(dg, "the pasted text is too long");
		err = EINVAL;
		goto out;
	}

	bio = BIO_new_mem_buf(buf, (int)len);
	certs = sk_X509_new_null();
	if (!bio || !certs) {
		err = ENOMEM;
		goto out;
	}

	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *data = NULL;
		size_t start = pos + strspn(buf + pos, "\n");
		long dlen = 0;
		X509 *x = NULL;
		int ok;

		if (start == len)
			break;

		++n;

		/* OpenSSL skips text it cannot use, a mangled BEGIN line
		 * included, and would drop that certificate without a
		 * word: anything but a block here is refused. */
		if (strncmp(buf + start, "-----BEGIN ", 11)) {
			err = stray_text(dg, buf, start);
			goto out;
		}

		ok = PEM_read_bio(bio, &name, &header, &data, &dlen);
		pos = len - (size_t)BIO_pending(bio);

		if (!ok && is_no_start_line(ERR_peek_error())) {
			/* A line that only looks like a BEGIN line. */
			err = stray_text(dg, buf, start);
		}
		else if (!ok) {
			diag_err(dg, "certificate %u: not valid PEM: %s", n,
				 tls_err_reason());
			err = EINVAL;
		}
		else if (!is_begin_line(buf + start,
					strcspn(buf + start, "\n"), name)) {
			err = stray_text(dg, buf, start);
		}
		else if (!is_cert_name(name)) {
			struct clip c;

			diag_err(dg, "block %u is %s %s, not a CERTIFICATE", n,
				 name[0] && strchr("AEIOU", name[0]) ?
				 "an" : "a",
				 line_of(&c, name, strlen(name)));
			err = EINVAL;
		}
		else {
			err = decode(&x, n, data, dlen, dg);
		}

		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		if (err)
			goto out;

		if (is_duplicate(certs, x)) {
			X509_free(x);
			continue;
		}

		err = check_cert(x, n, dg, warn, sizeof(warn), &nwarn);
		if (err) {
			X509_free(x);
			goto out;
		}

		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			err = ENOMEM;
			goto out;
		}
	}

	if (!sk_X509_num(certs)) {
		diag_err(dg, "no certificate: paste one or more blocks "
			 "starting with -----BEGIN CERTIFICATE-----");
		err = EINVAL;
		goto out;
	}

	err = canon_text(canonp, certs);
	if (err)
		goto out;

	if (nwarn > 1)
		diag_warn(dg, "%s (and %u more out of date)", warn, nwarn - 1);
	else if (nwarn)
		diag_warn(dg, "%s", warn);

 out:
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	mem_deref(buf);
	ERR_clear_error();
	return err;
}

static int pem_syntax(struct re_printf *pf, const struct setting *s)
{
	(void)s;

	if (!pf)
		return EINVAL;

	return re_hprintf(pf, "PEM");
}

const struct vtype vt_pem = {
	.name = "pem",
	.kind = VK_BLOCK,
	.parse = pem_parse,
	.syntax = pem_syntax,
};

int pem_foreach(const char *canon,
		int (*h)(const char *pem, size_t len, void *arg), void *arg)
{
	const size_t lend = sizeof(PEM_END) - 1;
	const char *p;

	if (!canon || !h)
		return EINVAL;

	/* The canonical text is OpenSSL's own output: each certificate
	 * ends with its END line, nothing lies between them. */
	for (p = canon; *p; ) {
		const char *e = strstr(p, PEM_END);
		int err;

		if (!e)
			return EINVAL;

		e += lend;
		if (*e == '\n')
			++e;

		err = h(p, (size_t)(e - p), arg);
		if (err)
			return err;

		p = e;
	}

	return 0;
}
