/*
 * Tests of the configuration file on disk (shell/conf/store.c), in a scratch
 * directory: the mode of a new file, reading back, the history and its
 * pruning, the lost-update refusal, failures that must leave nothing
 * behind, the first save over an existing file, leftovers of killed
 * savers, and (as root) that a save keeps the file's owner.
 */
#include "re_base.h"
#include <dirent.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store.h"
#include "unit.h"

int test_store(void);

static int file_is(const char *path, const char *want)
{
	char *text = NULL;
	int err;

	err = store_read(path, &text, NULL);
	if (err)
		TEST_ERR("store_read(%s): %s", path, strerror(err));
	if (strcmp(text, want)) {
		fprintf(stderr, "%s:%d: %s holds \"%s\", expected \"%s\"\n",
			__FILE__, __LINE__, path, text, want);
		mem_deref(text);
		return EINVAL;
	}
	mem_deref(text);
	return 0;
}

static int version_is(const char *path, unsigned seq, const char *want)
{
	char *text = NULL;
	int err;

	err = store_version_read(path, seq, &text);
	if (err)
		TEST_ERR("version %u of %s: %s", seq, path, strerror(err));
	if (strcmp(text, want)) {
		fprintf(stderr, "%s:%d: version %u holds \"%s\", expected "
			"\"%s\"\n", __FILE__, __LINE__, seq, text, want);
		mem_deref(text);
		return EINVAL;
	}
	mem_deref(text);
	return 0;
}

/* Files in dir whose names begin with prefix. */
static int count_prefixed(const char *dir, const char *prefix, size_t *np)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno;
	while ((de = readdir(d)) != NULL) {
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			++n;
	}
	(void)closedir(d);
	*np = n;
	return 0;
}

static int save_str(const char *path, const char *text,
		    const struct store_id *base)
{
	return store_save(path, text, strlen(text), base);
}

static int check_new_file(const char *dir)
{
	char path[512], hist[512], buf[32], *text = NULL;
	struct store_id id, want;
	struct stat st;
	mode_t old_mask;
	int err;

	re_snprintf(path, sizeof(path), "%s/sipsh.conf", dir);
	re_snprintf(hist, sizeof(hist), "%s/sipsh.conf.history", dir);

	/* A zero base: the file must not exist yet. */
	memset(&id, 0, sizeof(id));
	old_mask = umask(0);
	err = save_str(path, "hostname a\n", &id);
	(void)umask(old_mask);
	TEST_EQ(err, 0);

	TEST_EQ(stat(path, &st), 0);
	TEST_EQ(st.st_mode & 07777, 0600);
	TEST_EQ(stat(hist, &st), 0);
	TEST_TRUE(S_ISDIR(st.st_mode));
	TEST_EQ(st.st_mode & 07777, 0700);

	err = store_read(path, &text, &id);
	TEST_EQ(err, 0);
	TEST_STR(text, "hostname a\n");
	TEST_EQ(store_id_calc(text, strlen(text), &want), 0);
	mem_deref(text);
	TEST_TRUE(store_id_equal(&id, &want));
	TEST_TRUE(!store_id_isnone(&id));

	TEST_EQ(store_id_current(path, &want), 0);
	TEST_TRUE(store_id_equal(&id, &want));

	/* SHA-256 of "abc", the FIPS 180-2 example, shortened. */
	TEST_EQ(store_id_calc("abc", 3, &id), 0);
	re_snprintf(buf, sizeof(buf), "%H", store_id_print, &id);
	TEST_STR(buf, "ba7816bf8f01");

	return 0;
}

static int check_history(const char *dir)
{
	char path[512], text[64], buf[32];
	struct store_ver *vers = NULL;
	struct store_id id;
	size_t i, n = 0;
	int err, k;

	re_snprintf(path, sizeof(path), "%s/sipsh.conf", dir);

	/* Each save based on the one before, as a shell would. */
	for (k = 1; k <= 12; k++) {
		TEST_EQ(store_id_current(path, &id), 0);
		re_snprintf(text, sizeof(text), "hostname v%d\n", k);
		err = save_str(path, text, &id);
		TEST_EQ(err, 0);
		TEST_EQ(file_is(path, text), 0);
	}

	err = store_history(path, &vers, &n);
	TEST_EQ(err, 0);
	if (n != STORE_KEEP) {
		mem_deref(vers);
		TEST_ERR("%zu versions kept, expected %d", n, STORE_KEEP);
	}

	/* 13 saves in all (the first in check_new_file): 13 down to 4. */
	for (i = 0; i < n; i++) {
		unsigned seq = vers[i].seq;
		size_t size = vers[i].size;

		if (seq != 13 - i) {
			mem_deref(vers);
			TEST_ERR("version %zu is %u, expected %zu", i, seq,
				 13 - i);
		}
		re_snprintf(text, sizeof(text), "hostname v%u\n", seq - 1);
		if (size != strlen(text) || version_is(path, seq, text)) {
			mem_deref(vers);
			TEST_ERR("version %u is wrong", seq);
		}
	}
	mem_deref(vers);

	/* The version files are named by their zero-padded number. */
	re_snprintf(buf, sizeof(buf), "%s/sipsh.conf.history/000013", dir);
	TEST_EQ(access(buf, F_OK), 0);
	{
		char *text3 = NULL;

		TEST_EQ(store_version_read(path, 3, &text3), ENOENT);
		TEST_TRUE(text3 == NULL);
	}

	return 0;
}

static int check_lost_update(const char *dir)
{
	char path[512];
	struct store_ver *vers = NULL;
	struct store_id stale, none;
	size_t n = 0;
	unsigned newest;

	re_snprintf(path, sizeof(path), "%s/sipsh.conf", dir);

	TEST_EQ(store_id_calc("hostname v11\n", 13, &stale), 0);
	TEST_EQ(save_str(path, "hostname lost\n", &stale), EAGAIN);
	TEST_EQ(file_is(path, "hostname v12\n"), 0);

	/* The zero id says "there is no file", which is not so. */
	memset(&none, 0, sizeof(none));
	TEST_EQ(save_str(path, "hostname lost\n", &none), EAGAIN);
	TEST_EQ(file_is(path, "hostname v12\n"), 0);

	TEST_EQ(store_history(path, &vers, &n), 0);
	newest = n ? vers[0].seq : 0;
	mem_deref(vers);
	TEST_EQ(n, STORE_KEEP);
	TEST_EQ(newest, 13);

	return 0;
}

static int check_failures(const char *dir)
{
	char path[512], sub[512];
	size_t n = 1;

	/* A directory that does not exist. */
	re_snprintf(sub, sizeof(sub), "%s/missing", dir);
	re_snprintf(path, sizeof(path), "%s/missing/sipsh.conf", dir);
	TEST_EQ(save_str(path, "hostname x\n", NULL), ENOENT);
	TEST_EQ(access(sub, F_OK), -1);

	/* A failure after the temp file was written: the history cannot be
	 * a directory, since a plain file has its name. */
	re_snprintf(sub, sizeof(sub), "%s/h.conf.history", dir);
	re_snprintf(path, sizeof(path), "%s/h.conf", dir);
	TEST_EQ(unit_put(sub, "in the way\n"), 0);
	TEST_EQ(save_str(path, "hostname x\n", NULL), ENOTDIR);
	TEST_EQ(access(path, F_OK), -1);
	TEST_EQ(count_prefixed(dir, ".h.conf.", &n), 0);
	TEST_EQ(n, 1);   /* the lock file only */
	TEST_EQ(unlink(sub), 0);

	/* Nothing of sipsh.conf's saves was left behind either. */
	TEST_EQ(count_prefixed(dir, ".sipsh.conf.", &n), 0);
	TEST_EQ(n, 1);

	TEST_EQ(save_str(NULL, "x", NULL), EINVAL);
	TEST_EQ(save_str("", "x", NULL), EINVAL);
	re_snprintf(path, sizeof(path), "%s/", dir);
	TEST_EQ(save_str(path, "x", NULL), EINVAL);

	return 0;
}

static int check_existing(const char *dir)
{
	char path[512], edit[512];
	struct store_ver *vers = NULL;
	size_t n = 0;
	unsigned s0, s1;

	re_snprintf(path, sizeof(path), "%s/pre.conf", dir);
	TEST_EQ(unit_put(path, "hostname old\n"), 0);

	TEST_EQ(save_str(path, "hostname new\n", NULL), 0);
	TEST_EQ(store_history(path, &vers, &n), 0);
	s0 = n > 0 ? vers[0].seq : 0;
	s1 = n > 1 ? vers[1].seq : 0;
	mem_deref(vers);
	TEST_EQ(n, 2);
	TEST_EQ(s0, 2);
	TEST_EQ(s1, 1);
	TEST_EQ(version_is(path, 1, "hostname old\n"), 0);
	TEST_EQ(version_is(path, 2, "hostname new\n"), 0);

	/* A hand edit since is recorded too, before the next save. It is
	 * made the way editors and sed -i make it, by a rename: written in
	 * place, it would change the newest version, the same inode. */
	re_snprintf(edit, sizeof(edit), "%s/pre.conf.edit", dir);
	TEST_EQ(unit_put(edit, "hostname hand\n"), 0);
	TEST_EQ(rename(edit, path), 0);
	TEST_EQ(save_str(path, "hostname next\n", NULL), 0);
	TEST_EQ(version_is(path, 3, "hostname hand\n"), 0);
	TEST_EQ(version_is(path, 4, "hostname next\n"), 0);

	return 0;
}

/* What a saver killed between recording its version and the rename
 * leaves: a temp file, hard-linked into the history as the newest. */
static int check_leftovers(const char *dir)
{
	char path[512], tmp[512], ver[512], htmp[512];
	struct store_ver *vers = NULL;
	size_t n = 0;
	unsigned newest;

	re_snprintf(path, sizeof(path), "%s/sipsh.conf", dir);
	re_snprintf(tmp, sizeof(tmp), "%s/.sipsh.conf.Ab3xYz", dir);
	re_snprintf(ver, sizeof(ver), "%s/sipsh.conf.history/000014", dir);
	re_snprintf(htmp, sizeof(htmp), "%s/sipsh.conf.history/.tmp.q1W2e3",
		    dir);

	TEST_EQ(unit_put(tmp, "hostname killed\n"), 0);
	TEST_EQ(link(tmp, ver), 0);
	TEST_EQ(unit_put(htmp, "hostname half"), 0);

	TEST_EQ(save_str(path, "hostname v13\n", NULL), 0);
	TEST_EQ(access(tmp, F_OK), -1);
	TEST_EQ(access(htmp, F_OK), -1);

	TEST_EQ(store_history(path, &vers, &n), 0);
	newest = n ? vers[0].seq : 0;
	mem_deref(vers);
	TEST_EQ(n, STORE_KEEP);
	TEST_EQ(newest, 14);
	/* The killed save's number is free again: it never was current. */
	TEST_EQ(version_is(path, 14, "hostname v13\n"), 0);

	return 0;
}

/* A history longer than it should be (kept by an older sipsh, or put
 * there by hand) is cut to the newest at the next save. */
static int check_long_history(const char *dir)
{
	char path[512], name[512];
	struct store_ver *vers = NULL;
	size_t n = 0;
	unsigned seq, s0, s9;

	re_snprintf(path, sizeof(path), "%s/long.conf", dir);
	re_snprintf(name, sizeof(name), "%s/long.conf.history", dir);
	TEST_EQ(mkdir(name, 0700), 0);
	for (seq = 100; seq < 140; seq++) {
		re_snprintf(name, sizeof(name), "%s/long.conf.history/%06u",
			    dir, seq);
		TEST_EQ(unit_put(name, "hostname old\n"), 0);
	}
	TEST_EQ(unit_put(path, "hostname old\n"), 0);

	TEST_EQ(save_str(path, "hostname new\n", NULL), 0);
	TEST_EQ(store_history(path, &vers, &n), 0);
	s0 = n ? vers[0].seq : 0;
	s9 = n == STORE_KEEP ? vers[STORE_KEEP - 1].seq : 0;
	mem_deref(vers);
	TEST_EQ(n, STORE_KEEP);
	TEST_EQ(s0, 140);
	TEST_EQ(s9, 131);

	return 0;
}

static int check_owner(const char *dir)
{
	char path[512];
	struct store_ver *vers = NULL;
	struct stat st;
	size_t n = 0;
	uid_t vuid;

	if (geteuid() != 0)
		return 0;

	re_snprintf(path, sizeof(path), "%s/own.conf", dir);
	TEST_EQ(unit_put(path, "hostname theirs\n"), 0);
	TEST_EQ(chown(path, 1, 1), 0);

	TEST_EQ(save_str(path, "hostname root\n", NULL), 0);
	TEST_EQ(stat(path, &st), 0);
	TEST_EQ(st.st_uid, 1);
	TEST_EQ(st.st_gid, 1);
	TEST_EQ(st.st_mode & 07777, 0600);

	TEST_EQ(store_history(path, &vers, &n), 0);
	vuid = n ? vers[0].uid : 0;
	mem_deref(vers);
	TEST_EQ(n, 2);
	TEST_EQ(vuid, 1);

	return 0;
}

int test_store(void)
{
	char dir[] = "/tmp/sipsh-store.XXXXXX";
	int err;

	if (!mkdtemp(dir))
		TEST_ERR("mkdtemp: %s", strerror(errno));

	err = check_new_file(dir);
	if (!err)
		err = check_history(dir);
	if (!err)
		err = check_lost_update(dir);
	if (!err)
		err = check_failures(dir);
	if (!err)
		err = check_existing(dir);
	if (!err)
		err = check_leftovers(dir);
	if (!err)
		err = check_long_history(dir);
	if (!err)
		err = check_owner(dir);

	if (unit_scratch_remove(dir))
		TEST_ERR("removing %s: %s", dir, strerror(errno));

	return err;
}
