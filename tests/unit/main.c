/*
 * Runs every unit test (or those named on the command line) and prints
 * one line each, then a count. Exit status 0 only if all passed.
 */
#include "unit.h"
#include "modules.h"

struct unit_test {
	const char *name;
	int (*fn)(void);
};

#define UNIT_ROW(name) {#name, name},
static const struct unit_test tests[] = {
	UNIT_TESTS(UNIT_ROW)
};

static int wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], name))
			return 1;
	}

	return 0;
}

int main(int argc, char **argv)
{
	size_t i, pass = 0, fail = 0;

	grammar_modules_set(sipsh_modules);

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int err;

		if (!wanted(tests[i].name, argc, argv))
			continue;

		if (!tests[i].fn) {
			printf("FAIL %s (not linked in)\n", tests[i].name);
			++fail;
			continue;
		}

		err = tests[i].fn();
		printf("%s %s\n", err ? "FAIL" : "ok  ", tests[i].name);
		if (err)
			++fail;
		else
			++pass;
	}

	printf("unit: %zu passed, %zu failed\n", pass, fail);
	return fail ? 1 : 0;
}
