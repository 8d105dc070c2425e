/*
 * The generator's writing of RUNDIR (gen_write.c) leaves a file alone when
 * it already holds the same bytes with the same mode, and rewrites it (a
 * new inode: the atomic writer renames a fresh file over it) when its
 * bytes, its mode or its kind (a symbolic link) differ. Generated twice
 * into a scratch SIPSH_RUNDIR with our built modules, the files' inodes
 * tell which were written.
 */
#include "re_base.h"
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "conf.h"
#include "phone.h"
#include "unit.h"

int test_gen_unchanged(void);

static int set(struct cfg *c, int id, const char *key, const char *value)
{
	return inst_set(cfg_inst(c, SECT_ACCOUNT, id),
			schema_find(SECT_ACCOUNT, key), value);
}

static int gen(const struct cfg *c)
{
	char msg[256] = "";
	int err = phone_generate(c, msg, sizeof(msg));

	if (err)
		fprintf(stderr, "%s:%d: phone_generate: %s\n", __FILE__,
			__LINE__, msg);
	return err;
}

static ino_t ino(const char *dir, const char *name, mode_t *modep)
{
	char path[512];
	struct stat st;

	re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st))
		return 0;
	if (modep)
		*modep = st.st_mode;
	return st.st_ino;
}

static int check(const char *run, struct cfg *c)
{
	char path[512], target[512];
	ino_t conf, acc, svc;
	mode_t mode = 0;

	TEST_EQ(gen(c), 0);
	conf = ino(run, "baresip/config", NULL);
	acc = ino(run, "baresip/accounts", NULL);
	svc = ino(run, "sv/baresip/run", NULL);
	TEST_TRUE(conf && acc && svc);

	/* The same configuration again: nothing is written. */
	TEST_EQ(gen(c), 0);
	TEST_EQ(ino(run, "baresip/config", NULL), conf);
	TEST_EQ(ino(run, "baresip/accounts", NULL), acc);
	TEST_EQ(ino(run, "sv/baresip/run", NULL), svc);

	/* An account changed: its file is rewritten, the service is not. */
	TEST_EQ(set(c, 1, "user", "101"), 0);
	TEST_EQ(gen(c), 0);
	TEST_TRUE(ino(run, "baresip/accounts", NULL) != acc);
	TEST_EQ(ino(run, "sv/baresip/run", NULL), svc);

	/* The same bytes under another mode: rewritten with its own. */
	acc = ino(run, "baresip/accounts", NULL);
	re_snprintf(path, sizeof(path), "%s/baresip/accounts", run);
	TEST_EQ(chmod(path, 0644), 0);
	TEST_EQ(gen(c), 0);
	TEST_TRUE(ino(run, "baresip/accounts", &mode) != acc);
	TEST_EQ(mode & 07777, 0600);

	/* A symbolic link to the same bytes is not the file: replaced. */
	re_snprintf(path, sizeof(path), "%s/baresip/config", run);
	re_snprintf(target, sizeof(target), "%s/config.copy", run);
	TEST_EQ(rename(path, target), 0);
	TEST_EQ(symlink(target, path), 0);
	TEST_EQ(gen(c), 0);
	ino(run, "baresip/config", &mode);
	TEST_TRUE(S_ISREG(mode));

	return 0;
}

int test_gen_unchanged(void)
{
	char dir[] = "/tmp/sipsh-genw.XXXXXX";
	const char *mods = getenv("SIPSH_MODDIR");
	char *run_was = NULL, *mod_was = NULL;
	struct cfg *c = NULL;
	int err;

	if (!mkdtemp(dir))
		TEST_ERR("mkdtemp: %s", strerror(errno));
	if (getenv("SIPSH_RUNDIR"))
		re_sdprintf(&run_was, "%s", getenv("SIPSH_RUNDIR"));
	if (mods)
		re_sdprintf(&mod_was, "%s", mods);
	setenv("SIPSH_RUNDIR", dir, 1);
	if (!mods || !mods[0])
		setenv("SIPSH_MODDIR", "build/baresip-mods", 1);

	err = cfg_alloc(&c);
	if (!err)
		err = cfg_inst_add(c, SECT_ACCOUNT, 1, NULL);
	if (!err)
		err = set(c, 1, "user", "100");
	if (!err)
		err = set(c, 1, "registrar", "r1.example");
	if (!err)
		err = check(dir, c);

	mem_deref(c);
	unit_scratch_remove(dir);
	if (run_was)
		setenv("SIPSH_RUNDIR", run_was, 1);
	else
		unsetenv("SIPSH_RUNDIR");
	if (mod_was)
		setenv("SIPSH_MODDIR", mod_was, 1);
	else
		unsetenv("SIPSH_MODDIR");
	mem_deref(run_was);
	mem_deref(mod_was);
	return err;
}
