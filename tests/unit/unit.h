/*
 * The unit-test harness: each test is a function returning 0 or an errno
 * value, listed once in the table of main.c. TEST_* macros report the
 * file, line and both sides of a failed comparison, then fail the test.
 */
#ifndef SIPSH_UNIT_H
#define SIPSH_UNIT_H

#include <stdio.h>
#include <string.h>
#include <errno.h>

#define TEST_ERR(...) do { \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	return EINVAL; \
} while (0)

#define TEST_TRUE(c) do { if (!(c)) TEST_ERR("not true: %s", #c); } while (0)

#define TEST_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) TEST_ERR("%s == %lld, expected %lld", #a, a_, b_); \
} while (0)

#define TEST_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) \
		TEST_ERR("%s == \"%s\", expected \"%s\"", #a, \
			 a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
} while (0)

/* Removes a test's scratch directory and everything in it. */
int unit_scratch_remove(const char *dir);
/* Writes a file whole, the way something other than sipsh would. */
int unit_put(const char *path, const char *text);

/* Every test, in one list; main.c makes the table from it. */
#define UNIT_TESTS(X) \
	X(test_schema_rows) \
	X(test_schema_effect) \
	X(test_effect_generated) \
	X(test_effect_diff) \
	X(test_types) \
	X(test_pem) \
	X(test_tls_check) \
	X(test_tls_cipher) \
	X(test_conf_values) \
	X(test_conf_read) \
	X(test_conf_read_big) \
	X(test_grammar_help) \
	X(test_cfg_json) \
	X(test_store) \
	X(test_links) \
	X(test_commit) \
	X(test_paths) \
	X(test_ctrl_text) \
	X(test_got_hook) \
	X(test_conf_line) \
	X(test_invite_verdict) \
	X(test_roles) \
	X(test_config_diff) \
	X(test_gen_unchanged)

/* Weak, so that the table links while a test is being written; main()
 * counts a test that is not linked in as failed. */
#define UNIT_DECL(name) int name(void) __attribute__((weak));
UNIT_TESTS(UNIT_DECL)

#endif
