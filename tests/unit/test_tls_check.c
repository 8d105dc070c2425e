/*
 * Tests of the whole-configuration TLS check (tls_check in
 * shell/tls_info.c) against the OpenSSL that is installed: OpenSSL's
 * default list and a usual cipher string pass, a string OpenSSL refuses
 * or one that leaves nothing for TLS 1.2 is refused, and a cipher string
 * with TLS 1.3 only draws a warning. The texts are compared whole.
 */
#include "re_base.h"
#include "vtype.h"
#include "tls_info.h"
#include "unit.h"

int test_tls_check(void);

static int check(struct diag *dg, const char *version, const char *cipher)
{
	memset(dg, 0, sizeof(*dg));
	return tls_check(version, cipher, dg);
}

int test_tls_check(void)
{
	static const char long_cipher[] =
		"NOTACIPHER:NOTACIPHER:NOTACIPHER:NOTACIPHER:NOTACIPHER:"
		"NOTACIPHER:NOTACIPHER";
	struct diag dg;

	/* OpenSSL's default list, with either version. */
	TEST_EQ(check(&dg, "1.2", NULL), 0);
	TEST_STR(dg.err, "");
	TEST_STR(dg.warn, "");
	TEST_EQ(check(&dg, "1.2", ""), 0);
	TEST_STR(dg.warn, "");
	TEST_EQ(check(&dg, "1.3", NULL), 0);
	TEST_STR(dg.warn, "");
	TEST_EQ(check(&dg, "1.3", ""), 0);
	TEST_STR(dg.warn, "");

	TEST_EQ(check(&dg, "1.2", "HIGH:!aNULL"), 0);
	TEST_STR(dg.err, "");
	TEST_STR(dg.warn, "");
	TEST_EQ(check(&dg, "1.2", "ECDHE+AESGCM"), 0);
	TEST_STR(dg.warn, "");

	TEST_EQ(check(&dg, "1.2", "NOTACIPHER"), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'NOTACIPHER': OpenSSL refuses it: "
		 "no cipher match");

	/* Refused with 1.3 too: it would stop TLS once 1.2 is chosen. */
	TEST_EQ(check(&dg, "1.3", "NOTACIPHER"), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'NOTACIPHER': OpenSSL refuses it: "
		 "no cipher match");

	/* Only anonymous ciphers: known to OpenSSL, but its security
	 * level allows none of them. */
	TEST_EQ(check(&dg, "1.2", "aNULL"), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'aNULL': OpenSSL selects no cipher "
		 "usable with TLS 1.2 from it");

	TEST_EQ(check(&dg, "1.3", "HIGH:!aNULL"), 0);
	TEST_STR(dg.err, "");
	TEST_STR(dg.warn, "tls-cipher 'HIGH:!aNULL' has no effect with "
		 "tls-version 1.3: TLS 1.3 uses its own cipher suites");

	TEST_EQ(check(&dg, "1.3", "aNULL"), 0);
	TEST_STR(dg.warn, "tls-cipher 'aNULL' has no effect with "
		 "tls-version 1.3: TLS 1.3 uses its own cipher suites");

	/* A long string is quoted cut short, so the reason still fits. */
	TEST_EQ(check(&dg, "1.2", long_cipher), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'NOTACIPHER:NOTACIPHER:NOTACIPHER:"
		 "NOTACIPHER:NOTACIPHER:NOTAC...': OpenSSL refuses it: "
		 "no cipher match");

	TEST_EQ(check(&dg, "1.1", NULL), EINVAL);
	TEST_STR(dg.err, "tls-version '1.1': must be 1.2 or 1.3");

	TEST_EQ(check(&dg, NULL, NULL), EINVAL);
	TEST_EQ(tls_check("1.2", NULL, NULL), EINVAL);

	return 0;
}
