/*
 * Tests that no link planted beside the configuration file redirects a
 * write of the store (shell/conf/store.c, lock.c, confirm.c,
 * commit_log.c, afile.c): a symlink or a hard link at the name of the
 * lock, the exclusive lock, the confirm state, the record of the last
 * commit, a temporary file or the history, pointing at a victim file.
 * The victim must stay as it was, and the save must either work without
 * following the link or refuse it, naming it. A directory others can
 * write is refused, sticky or not.
 *
 * Temporary files get random names; getrandom is replaced here so that
 * the test knows which names a save will try, and plants a link at the
 * first one.
 */
#include "re_base.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "store.h"
#include "sidefile.h"
#include "lock.h"
#include "confirm.h"
#include "commit_log.h"
#include "unit.h"

int test_links(void);

static const char victim_text[] = "the victim, untouched\n";

/* The byte the next getrandom() fills its buffer with, then the next;
 * -1: the kernel's. afile.c maps byte b to letter b of [a-zA-Z0-9]. */
static int rand_next = -1;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	if (rand_next < 0)
		return syscall(SYS_getrandom, buf, len, flags);

	memset(buf, rand_next++, len);
	return (ssize_t)len;
}

static int victim_ok(const char *dir)
{
	char path[512], *text = NULL;
	int err;

	re_snprintf(path, sizeof(path), "%s/victim", dir);
	err = store_read(path, &text, NULL);
	if (err)
		TEST_ERR("victim: %s", strerror(err));
	if (strcmp(text, victim_text)) {
		mem_deref(text);
		TEST_ERR("the victim was written: %s", path);
	}
	mem_deref(text);

	return 0;
}

static int is_link(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st) && S_ISLNK(st.st_mode);
}

static int plant(const char *dir, const char *name)
{
	char path[512];

	re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	return symlink("victim", path) ? errno : 0;
}

static int unplant(const char *dir, const char *name)
{
	char path[512];

	re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	return unlink(path) ? errno : 0;
}

static int save_str(const char *path, const char *text)
{
	return store_save(path, text, strlen(text), NULL);
}

/* The save refuses a symlink at the lock's and the history's names. */
static int check_save_refuses(const char *dir, const char *path)
{
	static const char *const names[] = {".s.conf.lock", "s.conf.history"};
	char why[512];
	size_t i;
	int err;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char real[512], aside[600];

		/* The real one, made by the first save, is put aside. */
		re_snprintf(real, sizeof(real), "%s/%s", dir, names[i]);
		re_snprintf(aside, sizeof(aside), "%s.aside", real);
		TEST_EQ(rename(real, aside), 0);
		TEST_EQ(plant(dir, names[i]), 0);
		err = save_str(path, "hostname no\n");
		/* O_DIRECTORY | O_NOFOLLOW on a link says ENOTDIR. */
		TEST_TRUE(err == ELOOP || err == ENOTDIR);
		TEST_EQ(victim_ok(dir), 0);
		TEST_TRUE(is_link(dir, names[i]));
		TEST_EQ(side_check(path, why, sizeof(why)), ELOOP);
		TEST_TRUE(strstr(why, names[i]) != NULL);
		TEST_EQ(unplant(dir, names[i]), 0);
		TEST_EQ(rename(aside, real), 0);
	}

	/* A hard link at the lock's name: a file that may be elsewhere. */
	{
		char lk[512], vp[512];

		re_snprintf(lk, sizeof(lk), "%s/.s.conf.lock", dir);
		re_snprintf(vp, sizeof(vp), "%s/victim", dir);
		TEST_EQ(unlink(lk), 0);
		TEST_EQ(link(vp, lk), 0);
		TEST_EQ(save_str(path, "hostname no\n"), EMLINK);
		TEST_EQ(side_check(path, why, sizeof(why)), EMLINK);
		TEST_TRUE(strstr(why, ".s.conf.lock") != NULL);
		TEST_EQ(unlink(lk), 0);
		TEST_EQ(victim_ok(dir), 0);
	}

	return 0;
}

/* A symlink at the name of a temporary: the save takes another name. */
static int check_temps(const char *dir, const char *path)
{
	char hist[512], *text = NULL;

	/* Edited by hand, so that the save records it into the history by
	 * way of a history temporary too. Its names, in the order asked
	 * for: ".s.conf.aaaaaa" (planted: next "bbbbbb"), then the
	 * history's ".tmp.cccccc" (planted: next "dddddd"). A new file:
	 * one rewritten in place would be the newest version's own link. */
	TEST_EQ(unlink(path), 0);
	TEST_EQ(unit_put(path, "hostname by-hand\n"), 0);
	re_snprintf(hist, sizeof(hist), "%s/s.conf.history", dir);
	TEST_EQ(plant(dir, ".s.conf.aaaaaa"), 0);
	{
		char hl[600];

		re_snprintf(hl, sizeof(hl), "%s/.tmp.cccccc", hist);
		TEST_EQ(symlink("../victim", hl), 0);
	}

	rand_next = 0;
	TEST_EQ(save_str(path, "hostname temps\n"), 0);
	TEST_EQ(rand_next, 4);
	rand_next = -1;

	TEST_EQ(victim_ok(dir), 0);
	TEST_EQ(store_read(path, &text, NULL), 0);
	TEST_STR(text, "hostname temps\n");
	mem_deref(text);
	TEST_TRUE(is_link(dir, ".s.conf.aaaaaa"));
	TEST_TRUE(is_link(hist, ".tmp.cccccc"));
	TEST_EQ(unplant(dir, ".s.conf.aaaaaa"), 0);
	TEST_EQ(unplant(hist, ".tmp.cccccc"), 0);

	return 0;
}

/* The side files of the lock, the guard and the commit record. */
static int check_side_files(const char *dir, const char *path)
{
	struct confirm_state cs;
	struct commit_note note;
	struct commit cm;
	char who[LOCK_WHO_SZ], why[512];
	bool held = true;

	/* The exclusive lock: refused, never created through the link. */
	TEST_EQ(plant(dir, ".s.conf.excl"), 0);
	TEST_EQ(lock_excl_take(path, who, sizeof(who)), ELOOP);
	TEST_TRUE(!lock_excl_mine());
	TEST_EQ(lock_excl_other(path, &held, who, sizeof(who)), ELOOP);
	TEST_EQ(side_check(path, why, sizeof(why)), ELOOP);
	TEST_TRUE(strstr(why, ".s.conf.excl") != NULL);
	TEST_EQ(unplant(dir, ".s.conf.excl"), 0);
	TEST_EQ(victim_ok(dir), 0);

	/* The confirm state: neither read nor stopped through the link. */
	TEST_EQ(plant(dir, ".s.conf.confirm"), 0);
	TEST_EQ(confirm_peek(path, &cs), ELOOP);
	TEST_EQ(confirm_stop(path, &cs), ELOOP);
	TEST_TRUE(is_link(dir, ".s.conf.confirm"));
	TEST_EQ(unplant(dir, ".s.conf.confirm"), 0);
	TEST_EQ(victim_ok(dir), 0);

	/* The record of the last commit: not read through the link, and
	 * written by replacing it. */
	TEST_EQ(plant(dir, ".s.conf.last-commit"), 0);
	TEST_EQ(commit_log_read(path, &note), ELOOP);
	memset(&cm, 0, sizeof(cm));
	cm.path = path;
	cm.origin = "commit";
	str_ncpy(cm.report, "Committed", sizeof(cm.report));
	TEST_EQ(commit_log_write(&cm), 0);
	TEST_TRUE(!is_link(dir, ".s.conf.last-commit"));
	TEST_EQ(commit_log_read(path, &note), 0);
	TEST_STR(note.report, "Committed");
	TEST_EQ(victim_ok(dir), 0);

	return 0;
}

/* Directories others can write: refused, sticky or not, and naming the
 * directory; a sticky one above is let through. */
static int check_dirs(const char *dir)
{
	static const mode_t modes[] = {0777, 01777, 0775, 0757};
	char sub[512], path[600], why[512];
	size_t i;

	re_snprintf(sub, sizeof(sub), "%s/open", dir);
	re_snprintf(path, sizeof(path), "%s/s.conf", sub);
	TEST_EQ(mkdir(sub, 0700), 0);

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		TEST_EQ(chmod(sub, modes[i]), 0);
		TEST_EQ(save_str(path, "hostname open\n"), EPERM);
		TEST_EQ(access(path, F_OK), -1);
		TEST_EQ(side_check(path, why, sizeof(why)), EPERM);
		TEST_TRUE(strstr(why, sub) != NULL);
		TEST_TRUE(strstr(why, "chmod go-w") != NULL);
	}

	/* Writable by its owner only, below a sticky /tmp-like directory. */
	TEST_EQ(chmod(dir, 01777), 0);
	TEST_EQ(chmod(sub, 0755), 0);
	TEST_EQ(side_check(path, why, sizeof(why)), 0);
	TEST_EQ(save_str(path, "hostname open\n"), 0);

	/* Below one that is open to all and not sticky: refused. */
	TEST_EQ(chmod(dir, 0777), 0);
	TEST_EQ(save_str(path, "hostname open2\n"), EPERM);
	TEST_EQ(side_check(path, why, sizeof(why)), EPERM);
	TEST_TRUE(strstr(why, "above") != NULL);
	TEST_EQ(chmod(dir, 0700), 0);

	/* A history others can write. */
	re_snprintf(sub, sizeof(sub), "%s/open/s.conf.history", dir);
	TEST_EQ(chmod(sub, 0777), 0);
	TEST_EQ(save_str(path, "hostname open3\n"), EPERM);
	TEST_EQ(side_check(path, why, sizeof(why)), EPERM);
	TEST_TRUE(strstr(why, "s.conf.history") != NULL);

	return 0;
}

int test_links(void)
{
	char dir[] = "/tmp/sipsh-links.XXXXXX", path[512], vp[512];
	int err;

	if (!mkdtemp(dir))
		TEST_ERR("mkdtemp: %s", strerror(errno));

	re_snprintf(path, sizeof(path), "%s/s.conf", dir);
	re_snprintf(vp, sizeof(vp), "%s/victim", dir);
	err = unit_put(vp, victim_text);
	if (!err)
		err = save_str(path, "hostname a\n");
	if (!err)
		err = check_save_refuses(dir, path);
	if (!err)
		err = check_temps(dir, path);
	if (!err)
		err = check_side_files(dir, path);
	if (!err)
		err = check_dirs(dir);

	rand_next = -1;
	(void)chmod(dir, 0700);
	if (unit_scratch_remove(dir))
		TEST_ERR("removing %s: %s", dir, strerror(errno));

	return err;
}
