/*
 * Tests of the one commit path (shell/conf/commit.c) with observers of
 * the test's own, in a scratch directory: the order of the steps, a
 * check problem or an observer's refusal saving nothing and telling no
 * observer to apply, a save based on a stale read refused, every observer
 * told after a save even when one fails, the one-line report, and
 * COMMIT_CHECK saving nothing.
 */
#include "re_base.h"
#include <stdlib.h>
#include <unistd.h>
#include "conf.h"
#include "store.h"
#include "commit.h"
#include "unit.h"

int test_commit(void);

struct probe {
	char calls[128];        /* "p1 p2 a1 a2": prepares, then applies */
	int refuse;             /* observer 1's prepare returns this */
	int fail_apply;         /* observer 1's apply returns this */
	bool file_at_apply;     /* the file was saved when apply ran */
};

static struct probe pr;
static const char *probe_path;

static void note(const char *what)
{
	size_t n = strlen(pr.calls);

	(void)re_snprintf(pr.calls + n, sizeof(pr.calls) - n, "%s%s",
			  n ? " " : "", what);
}

static int prep1(struct commit *cm, void **statep, struct re_printf *pf,
		 void *arg)
{
	(void)cm;
	(void)arg;
	note("p1");
	if (pr.refuse)
		re_hprintf(pf, "observer 1 refuses\n");
	else
		*statep = mem_zalloc(8, NULL);
	return pr.refuse;
}

static int apply1(struct commit *cm, void *state, struct re_printf *report,
		  struct re_printf *pf, void *arg)
{
	(void)cm;
	(void)pf;
	(void)arg;
	note(state ? "a1" : "a1-nostate");
	pr.file_at_apply = access(probe_path, F_OK) == 0;
	re_hprintf(report, "one did");
	return pr.fail_apply;
}

static int prep2(struct commit *cm, void **statep, struct re_printf *pf,
		 void *arg)
{
	(void)cm;
	(void)statep;
	(void)pf;
	(void)arg;
	note("p2");
	return 0;
}

static int apply2(struct commit *cm, void *state, struct re_printf *report,
		  struct re_printf *pf, void *arg)
{
	(void)cm;
	(void)state;
	(void)pf;
	(void)arg;
	note("a2");
	re_hprintf(report, "two did");
	return 0;
}

static const struct commit_obs obs1 = {"one", prep1, apply1, NULL};
static const struct commit_obs obs2 = {"two", prep2, apply2, NULL};

static int quiet_vph(const char *p, size_t size, void *arg)
{
	(void)p;
	(void)size;
	(void)arg;
	return 0;
}

static int run(const char *path, struct cfg *c, const struct store_id *base,
	       unsigned flags, struct commit *cm)
{
	struct re_printf pf = {quiet_vph, NULL};

	memset(&pr.calls, 0, sizeof(pr.calls));
	memset(cm, 0, sizeof(*cm));
	cm->path = path;
	cm->cfg = c;
	cm->base = base;
	cm->flags = flags;
	cm->origin = "test";

	return commit_run(cm, &pf);
}

static int check_path(const char *dir)
{
	char path[128];
	struct store_id stale;
	struct commit cm;
	struct cfg *c = NULL;
	struct inst *in = NULL;

	(void)re_snprintf(path, sizeof(path), "%s/sipsh.conf", dir);
	probe_path = path;

	commit_observers_clear();
	TEST_EQ(commit_observe(&obs1), 0);
	TEST_EQ(commit_observe(&obs2), 0);
	TEST_EQ(commit_observe(&obs2), 0);     /* once only */

	TEST_EQ(cfg_alloc(&c), 0);

	/* COMMIT_CHECK: every prepare, no save, no apply. */
	TEST_EQ(run(path, c, NULL, COMMIT_CHECK, &cm), 0);
	TEST_STR(pr.calls, "p1 p2");
	TEST_TRUE(!cm.saved && access(path, F_OK) != 0);

	/* A commit: prepares, save, then applies, the report joined. */
	TEST_EQ(run(path, c, NULL, 0, &cm), 0);
	TEST_STR(pr.calls, "p1 p2 a1 a2");
	TEST_TRUE(cm.saved && cm.applied && pr.file_at_apply);
	TEST_STR(cm.report, "Committed: one did; two did");

	/* An observer refuses: nothing saved, nobody applies. */
	TEST_EQ(cfg_inst_add(c, SECT_ACCOUNT, 1, &in), 0);
	TEST_EQ(inst_set(in, schema_find(SECT_ACCOUNT, "user"), "100"), 0);
	TEST_EQ(inst_set(in, schema_find(SECT_ACCOUNT, "registrar"),
			 "127.0.0.1"), 0);
	pr.refuse = EPERM;
	TEST_EQ(run(path, c, NULL, 0, &cm), EPERM);
	TEST_STR(pr.calls, "p1");
	TEST_TRUE(!cm.saved);
	pr.refuse = 0;

	/* A stale base: refused with EAGAIN after the prepares. */
	memset(&stale, 0, sizeof(stale));
	stale.b[0] = 1;
	TEST_EQ(run(path, c, &stale, 0, &cm), EAGAIN);
	TEST_STR(pr.calls, "p1 p2");
	TEST_TRUE(!cm.saved);

	/* One apply fails: the other is still told; the report says so. */
	pr.fail_apply = EIO;
	TEST_EQ(run(path, c, NULL, 0, &cm), 0);
	TEST_STR(pr.calls, "p1 p2 a1 a2");
	TEST_TRUE(cm.saved && !cm.applied);
	pr.fail_apply = 0;

	/* A check problem (a line on an account that does not exist). */
	TEST_EQ(cfg_inst_add(c, SECT_LINE, 3, &in), 0);
	TEST_EQ(inst_set(in, schema_find(SECT_LINE, "account"), "9"), 0);
	TEST_EQ(run(path, c, NULL, 0, &cm), EINVAL);
	TEST_TRUE(cm.nerr > 0 && !cm.saved);
	TEST_STR(pr.calls, "");

	commit_observers_clear();
	mem_deref(c);
	return 0;
}

int test_commit(void)
{
	char dir[] = "/tmp/sipsh-unit-commit.XXXXXX";
	int err;

	if (!mkdtemp(dir))
		TEST_ERR("mkdtemp: %s", strerror(errno));

	err = check_path(dir);
	commit_observers_clear();

	if (unit_scratch_remove(dir))
		TEST_ERR("removing %s: %s", dir, strerror(errno));

	return err;
}
