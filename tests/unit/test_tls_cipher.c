/*
 * Tests of the cipher-string safety check (tls_cipher_safe in
 * shell/conf/tls_info.c) against the installed OpenSSL: a string that
 * lets an anonymous or NULL suite be negotiated, or asks only for such
 * suites, is refused with the suite and the reason; so is one with a
 * blank, which baresip would cut. Usual strings pass.
 */
#include "re_base.h"
#include "vtype.h"
#include "tls_info.h"
#include "unit.h"

int test_tls_cipher(void);

static int safe(struct diag *dg, const char *cipher)
{
	memset(dg, 0, sizeof(*dg));
	return tls_cipher_safe(cipher, dg);
}

int test_tls_cipher(void)
{
	struct diag dg;

	TEST_EQ(safe(&dg, NULL), 0);
	TEST_EQ(safe(&dg, ""), 0);
	TEST_EQ(safe(&dg, "HIGH:!aNULL:!MD5"), 0);
	TEST_STR(dg.err, "");
	/* HIGH names anonymous suites, but the security level keeps them
	 * out of what is offered. */
	TEST_EQ(safe(&dg, "HIGH"), 0);
	TEST_EQ(safe(&dg, "ECDHE-ECDSA-AES256-GCM-SHA384"), 0);

	TEST_EQ(safe(&dg, "ADH-AES256-GCM-SHA384:@SECLEVEL=0"), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'ADH-AES256-GCM-SHA384:@SECLEVEL=0' "
		 "allows the suite ADH-AES256-GCM-SHA384, which is anonymous "
		 "(it authenticates no server): exclude it (e.g. append "
		 ":!aNULL:!eNULL)");

	TEST_EQ(safe(&dg, "HIGH:@SECLEVEL=0"), EINVAL);
	TEST_TRUE(strstr(dg.err, "anonymous") != NULL);

	TEST_EQ(safe(&dg, "eNULL:@SECLEVEL=0"), EINVAL);
	TEST_TRUE(strstr(dg.err, "NULL (it encrypts nothing)") != NULL);

	TEST_EQ(safe(&dg, "aNULL"), EINVAL);
	TEST_TRUE(strstr(dg.err, "tls-cipher 'aNULL' asks for suites such "
			 "as ") == dg.err);
	TEST_TRUE(strstr(dg.err, "which is anonymous") != NULL);

	TEST_EQ(safe(&dg, "eNULL"), EINVAL);
	TEST_TRUE(strstr(dg.err, "which is NULL") != NULL);

	TEST_EQ(safe(&dg, "HIGH:!aNULL ADH-AES256-GCM-SHA384"), EINVAL);
	TEST_STR(dg.err, "tls-cipher 'HIGH:!aNULL ADH-AES256-GCM-SHA384' has "
		 "a blank at position 12: the phone would use only "
		 "'HIGH:!aNULL'; separate the entries with ':'");
	TEST_EQ(safe(&dg, "HIGH\t!aNULL"), EINVAL);

	/* A string OpenSSL refuses is tls_check's to report. */
	TEST_EQ(safe(&dg, "NOTACIPHER"), 0);

	TEST_EQ(tls_cipher_safe("HIGH", NULL), EINVAL);
	return 0;
}
