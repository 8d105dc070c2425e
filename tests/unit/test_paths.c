/*
 * Tests of where the phone's files are (shell/phone/phone_paths.c), in a
 * scratch directory: the configuration file made absolute, the runtime
 * directory from SIPSH_RUNDIR, from the record beside the file or the
 * built-in one, the records written and removed, a stopped phone's
 * directory taken by another file, and the module check's message.
 */
#include "re_base.h"
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "phone.h"
#include "unit.h"

int test_paths(void);

static int line_is(const char *path, const char *want)
{
	char buf[PATH_MAX + 2] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		TEST_ERR("%s: %s", path, strerror(errno));
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	TEST_STR(buf, want);
	return 0;
}

static int run(const char *dir)
{
	char path[PATH_MAX], want[PATH_MAX], err[512] = "";
	int rc;

	/* The file, relative and not yet there, made absolute. */
	TEST_EQ(chdir(dir), 0);
	TEST_EQ(mkdir("a", 0700), 0);
	TEST_EQ(phone_paths_conf("a/sipsh.conf"), 0);
	re_snprintf(want, sizeof(want), "%s/a/sipsh.conf", dir);
	TEST_STR(phone_paths_conf_file(), want);

	/* No record, no variable: the built-in directory. */
	TEST_STR(phone_rundir(), SIPSH_RUNDIR);

	/* A record beside the file leads to its directory; a relative one
	 * is not trusted. */
	re_snprintf(path, sizeof(path), "%s/a/.sipsh.conf.run-dir", dir);
	TEST_EQ(unit_put(path, "relative/var\n"), 0);
	TEST_STR(phone_rundir(), SIPSH_RUNDIR);
	re_snprintf(want, sizeof(want), "%s/a/var", dir);
	TEST_EQ(unit_put(path, "/nowhere/var\n"), 0);
	TEST_STR(phone_rundir(), "/nowhere/var");

	/* SIPSH_RUNDIR overrides it, made absolute. */
	TEST_EQ(setenv("SIPSH_RUNDIR", "a/var", 1), 0);
	TEST_STR(phone_rundir(), want);

	/* The claim makes the directory and records the file in it; a
	 * start records the directory beside the file. */
	rc = phone_paths_claim(err, sizeof(err));
	if (rc)
		TEST_ERR("claim: %s", err);
	re_snprintf(path, sizeof(path), "%s/a/var/conf-file", dir);
	TEST_EQ(line_is(path, phone_paths_conf_file()), 0);
	TEST_EQ(phone_paths_started(err, sizeof(err)), 0);
	re_snprintf(path, sizeof(path), "%s/a/.sipsh.conf.run-dir", dir);
	TEST_EQ(line_is(path, want), 0);

	/* Another file takes the directory of a stopped phone. */
	TEST_EQ(phone_paths_conf("b.conf"), 0);
	TEST_EQ(phone_paths_check(err, sizeof(err)), 0);
	TEST_EQ(phone_paths_claim(err, sizeof(err)), 0);
	re_snprintf(path, sizeof(path), "%s/a/var/conf-file", dir);
	re_snprintf(want, sizeof(want), "%s/b.conf", dir);
	TEST_EQ(line_is(path, want), 0);

	/* A start in the built-in directory removes the record. */
	TEST_EQ(phone_paths_conf("a/sipsh.conf"), 0);
	TEST_EQ(setenv("SIPSH_RUNDIR", SIPSH_RUNDIR, 1), 0);
	TEST_EQ(phone_paths_started(err, sizeof(err)), 0);
	re_snprintf(path, sizeof(path), "%s/a/.sipsh.conf.run-dir", dir);
	TEST_TRUE(access(path, F_OK) && errno == ENOENT);

	/* Modules: SIPSH_MODDIR, made absolute; none there is refused,
	 * naming the modules every phone needs and the fix. */
	TEST_EQ(mkdir("mods", 0700), 0);
	TEST_EQ(setenv("SIPSH_MODDIR", "mods", 1), 0);
	re_snprintf(want, sizeof(want), "%s/mods", dir);
	TEST_STR(phone_moddir(), want);
	TEST_EQ(phone_modules_check(err, sizeof(err)), ENOENT);
	TEST_TRUE(strstr(err, "ctrl.so") && strstr(err, "regctl.so") &&
		  strstr(err, want) && strstr(err, "SIPSH_MODDIR"));

	/* Without a file, nothing is recorded or refused. */
	TEST_EQ(phone_paths_conf(NULL), 0);
	TEST_STR(phone_paths_conf_file(), "");
	TEST_EQ(phone_paths_check(err, sizeof(err)), 0);

	return 0;
}

/* The environment and directory the test changes, put back. */
static void env_restore(const char *var, const char *old)
{
	if (old)
		setenv(var, old, 1);
	else
		unsetenv(var);
}

int test_paths(void)
{
	static const char *const vars[] = {
		"SIPSH_RUNDIR", "SIPSH_MODDIR", "SIPSH_SUPERVISOR"
	};
	char tmpl[] = "/tmp/sipsh-unit-paths.XXXXXX", cwd[PATH_MAX];
	char real[PATH_MAX], *old[3];
	size_t i;
	int err;

	if (!getcwd(cwd, sizeof(cwd)) || !mkdtemp(tmpl) ||
	    !realpath(tmpl, real))
		return errno;

	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		old[i] = v ? strdup(v) : NULL;
		unsetenv(vars[i]);
	}
	/* No systemd in the test: the phone's state is runsv's. */
	setenv("SIPSH_SUPERVISOR", "runit", 1);

	err = run(real);

	phone_paths_conf(NULL);
	for (i = 0; i < 3; i++) {
		env_restore(vars[i], old[i]);
		free(old[i]);
	}
	if (chdir(cwd) && !err)
		err = errno;

	if (unit_scratch_remove(real))
		TEST_ERR("removing %s: %s", real, strerror(errno));

	return err;
}
