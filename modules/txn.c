/*
 * The transaction commands: 'configure exclusive', 'commit check',
 * 'commit confirmed' and 'commit confirm', 'discard', 'rollback', and
 * the commands that list saved versions and show differences. The
 * mechanisms are the core's (lock.h, confirm.h, store.h, commit.h); this
 * file gives them a session's words.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "modules.h"
#include "conf_print.h"
#include "store.h"
#include "sidefile.h"
#include "lock.h"
#include "confirm.h"
#include "commit.h"
#include "roles.h"
#include "txn.h"

/* The exclusive lock's refusals, in a session's words. */
static int refuse_unwritable(struct session *s, const char *what)
{
	char user[64], why[512], *bad = NULL;
	int err;

	err = lock_writable(s->path, &bad);
	if (!err) {
		err = side_check(s->path, why, sizeof(why));
		if (!err)
			return 0;
		sess_error(s, NOCOL, "%s refused: %s; show commands still work",
			   what, why);
		return EXIT_CMD;
	}

	side_user(user, sizeof(user), getuid());
	sess_error(s, NOCOL, "%s refused: %s is not writable by user %s (%m)"
		   "; show commands still work", what, bad ? bad : s->path,
		   user, err);
	mem_deref(bad);

	return EXIT_CMD;
}

static int refuse_locked(struct session *s)
{
	char who[LOCK_WHO_SZ];
	bool held;
	int err;

	err = lock_excl_other(s->path, &held, who, sizeof(who));
	if (err) {
		sess_error(s, NOCOL, "Configure refused: cannot tell whether "
			   "another session holds the configuration "
			   "exclusively: %m", err);
		return EXIT_CMD;
	}
	if (!held)
		return 0;

	sess_error(s, NOCOL, "Configure refused: the configuration is locked "
		   "exclusively by %s", who);

	return EXIT_CMD;
}

static int excl_take(struct session *s)
{
	char who[LOCK_WHO_SZ];
	int err;

	err = lock_excl_take(s->path, who, sizeof(who));
	if (err == EWOULDBLOCK) {
		sess_error(s, NOCOL, "Configure refused: the configuration is "
			   "locked exclusively by %s", who);
		return EXIT_CMD;
	}
	if (err) {
		sess_error(s, NOCOL, "Configure refused: cannot lock %s: %m",
			   s->path, err);
		return EXIT_CMD;
	}

	return 0;
}

int txn_configure(struct session *s, bool exclusive)
{
	char msg[160];
	int err;

	if (!s)
		return EXIT_CMD;

	if (roles_refuse_config(msg, sizeof(msg))) {
		sess_error(s, NOCOL, "%s", msg);
		return EXIT_CMD;
	}

	err = refuse_unwritable(s, "Configure");
	if (err)
		return err;

	if (exclusive)
		return excl_take(s);

	return refuse_locked(s);
}

/* --- Commands -------------------------------------------------------- */

/* A new candidate: the section mode stays if its instance is still there. */
static void cand_replace(struct session *s, struct cfg *cf)
{
	mem_deref(s->cand);
	s->cand = cf;

	if (s->mode >= MODE_SECT && !sess_inst(s))
		s->mode = MODE_CONFIG;
}

static int h_configure_exclusive(struct session *s, const struct cmdctx *c)
{
	int err;

	(void)c;

	err = txn_configure(s, true);
	if (err)
		return err;

	if (s->cand)
		return 0;

	err = sess_configure(s);
	if (err) {
		lock_excl_release();
		sess_error(s, NOCOL, "Cannot enter configure mode: %m", err);
		return EXIT_CMD;
	}

	return 0;
}

static int h_commit_check(struct session *s, const struct cmdctx *c)
{
	struct store_id cur;
	int err;

	(void)c;

	err = sess_commit_check(s, true);
	if (err)
		return err;

	/* Valid, but a commit would still be refused: say so now. */
	if (!store_id_current(s->path, &cur) &&
	    !store_id_equal(&cur, &s->base))
		sess_warn(s, NOCOL, "%s was changed by another session since "
			  "this one read it; 'commit' would be refused "
			  "('discard' re-reads it)", s->path);

	return 0;
}

static int h_commit_confirmed(struct session *s, const struct cmdctx *c)
{
	const char *num = ctx_value(c, 0);
	long secs = num ? atol(num) : 0;
	struct confirm_state pd;
	unsigned chain = 0;
	char when[32];
	time_t deadline;
	int err;

	if (!ctx_word(c, "seconds"))
		secs *= 60;

	if (!sess_dirty(s)) {
		sess_printf(s, "%% No changes to commit\n");
		return 0;
	}

	if (store_id_isnone(&s->base)) {
		sess_error(s, NOCOL, "Commit confirmed needs a saved "
			   "configuration to return to, and %s does not exist "
			   "yet: use 'commit' for the first save", s->path);
		return EXIT_CMD;
	}

	/* Still unconfirmed: the rollback goes back to the last good one. */
	if (!confirm_peek(s->path, &pd) && pd.alive &&
	    confirm_is(&pd, "pending"))
		chain = pd.seq;

	err = sess_commit(s, COMMIT_CONFIRMED);
	if (err)
		return err;

	err = confirm_arm(s->path, &s->base, secs, chain, &deadline);
	if (err == EALREADY) {
		sess_warn(s, NOCOL, "another session committed right after "
			  "this one; no rollback is set up");
		return 0;
	}
	if (err) {
		sess_error(s, NOCOL, "The commit is saved, but its automatic "
			   "rollback could not be set up: %m", err);
		return EXIT_CMD;
	}

	side_time(when, sizeof(when), deadline, false);
	sess_printf(s, "%% Commit confirmed: rolling back at %s unless "
		    "'commit confirm' is given\n", when);

	return 0;
}

static int h_confirm(struct session *s, const struct cmdctx *c)
{
	struct confirm_state pd;
	char when[32];
	int err;

	(void)c;

	err = confirm_stop(s->path, &pd);
	if (err == ENOENT) {
		sess_error(s, NOCOL, "No commit is waiting for confirmation");
		return EXIT_CMD;
	}
	if (err == EPERM) {
		sess_error(s, NOCOL, "Cannot confirm: the rollback guard (pid "
			   "%ld) belongs to another user", pd.pid);
		return EXIT_CMD;
	}
	if (err) {
		sess_error(s, NOCOL, "Cannot confirm: %m", err);
		return EXIT_CMD;
	}

	side_time(when, sizeof(when), pd.deadline, false);

	if (confirm_is(&pd, "pending")) {
		if (pd.alive)
			sess_printf(s, "%% Commit confirmed\n");
		else
			sess_printf(s, "%% Commit confirmed (its rollback "
				    "guard, pid %ld, had stopped without "
				    "rolling back)\n", pd.pid);
		return 0;
	}
	if (confirm_is(&pd, "superseded")) {
		sess_printf(s, "%% Nothing to confirm: a later commit had "
			    "replaced that version, so it was not rolled "
			    "back at %s\n", when);
		return 0;
	}
	if (confirm_is(&pd, "rolled-back")) {
		sess_error(s, NOCOL, "Too late: the commit was rolled back at "
			   "%s to the version saved before it", when);
		return EXIT_CMD;
	}

	sess_error(s, NOCOL, "The rollback due at %s failed; the unconfirmed "
		   "commit is still in place", when);
	return EXIT_CMD;
}

static int h_discard(struct session *s, const struct cmdctx *c)
{
	struct store_id before = s->base;
	struct cfg *cf = NULL;
	bool dirty = sess_dirty(s);
	int err;

	(void)c;

	/* From what is saved now, so a refused commit can be redone. */
	err = sess_reload(s);
	if (err)
		sess_warn(s, NOCOL, "cannot re-read %s (%m); back to the "
			  "configuration as read before", s->path, err);

	err = cfg_dup(&cf, s->running);
	if (err) {
		sess_error(s, NOCOL, "Cannot discard: %m", err);
		return EXIT_CMD;
	}

	cand_replace(s, cf);

	sess_printf(s, "%% %s\n", dirty ? "Staged changes discarded" :
		    "No staged changes");
	if (!store_id_equal(&before, &s->base))
		sess_printf(s, "%% %s was re-read: another session had "
			    "changed it\n", s->path);

	return 0;
}

static int h_rollback(struct session *s, const struct cmdctx *c)
{
	struct store_ver *vers = NULL;
	const char *num = ctx_value(c, 0);
	unsigned long nth = num ? strtoul(num, NULL, 10) : 0;
	char *text = NULL, *name = NULL, when[32], user[64];
	struct cfg *cf = NULL;
	size_t n = 0;
	int err;

	err = store_history(s->path, &vers, &n);
	if (err) {
		sess_error(s, NOCOL, "Cannot list the saved versions of %s: "
			   "%m", s->path, err);
		err = EXIT_CMD;
		goto out;
	}
	if (nth >= n) {
		if (n)
			sess_error(s, NOCOL, "Version %lu is not kept: the "
				   "history holds rollback 0 to %zu", nth,
				   n - 1);
		else
			sess_error(s, NOCOL, "Version %lu is not kept: %s has "
				   "no saved versions yet", nth, s->path);
		err = EXIT_CMD;
		goto out;
	}

	err = store_version_read(s->path, vers[nth].seq, &text);
	if (!err)
		err = re_sdprintf(&name, "%s.history/%06u", s->path,
				  vers[nth].seq);
	if (err) {
		sess_error(s, NOCOL, "Cannot read version %lu: %m", nth, err);
		err = EXIT_CMD;
		goto out;
	}

	err = cfg_parse_text(&cf, name, text, NULL);
	if (err) {
		sess_error(s, NOCOL, "Version %lu cannot be loaded (%s does "
			   "not parse); nothing was changed", nth, name);
		err = EXIT_CMD;
		goto out;
	}

	cand_replace(s, cf);
	cf = NULL;

	side_time(when, sizeof(when), vers[nth].mtime, true);
	side_user(user, sizeof(user), vers[nth].uid);
	if (sess_dirty(s))
		sess_printf(s, "%% Version %lu (saved %s by %s) loaded; "
			    "'show configuration diff' shows the change, "
			    "'commit' applies it\n", nth, when, user);
	else
		sess_printf(s, "%% Version %lu (saved %s by %s) loaded; it is "
			    "the running configuration, nothing to commit\n",
			    nth, when, user);

 out:
	mem_deref(cf);
	mem_deref(name);
	mem_deref(text);
	mem_deref(vers);
	return err;
}

static int h_show_history(struct session *s, const struct cmdctx *c)
{
	struct store_ver *vers = NULL;
	struct store_id cur, id;
	struct confirm_state pd;
	bool marked = false;
	size_t i, n = 0;
	int err;

	(void)c;

	err = store_history(s->path, &vers, &n);
	if (err) {
		sess_error(s, NOCOL, "Cannot list the saved versions of %s: "
			   "%m", s->path, err);
		return EXIT_CMD;
	}
	if (!n) {
		sess_note(s, "%% %s has no saved versions yet\n", s->path);
		goto out;
	}
	if (store_id_current(s->path, &cur))
		memset(&cur, 0, sizeof(cur));

	sess_note(s, "Rollback  Saved                User          Bytes\n");
	/* A rollback saves an older text again: only the newest version
	 * holding what the file holds is the current one. */
	for (i = 0; i < n && !err; i++) {
		char when[32], user[64], *text = NULL;
		bool current = false;

		if (!marked &&
		    !store_version_read(s->path, vers[i].seq, &text) &&
		    !store_id_calc(text, strlen(text), &id))
			current = marked = store_id_equal(&id, &cur);
		mem_deref(text);

		side_time(when, sizeof(when), vers[i].mtime, true);
		side_user(user, sizeof(user), vers[i].uid);
		err = sess_printf(s, "%8zu  %s  %-12s %6zu%s\n", i, when,
				  user, vers[i].size,
				  current ? "  (current)" : "");
	}

	if (!err && !confirm_peek(s->path, &pd) && pd.alive &&
	    confirm_is(&pd, "pending")) {
		char when[32];

		side_time(when, sizeof(when), pd.deadline, false);
		for (i = 0; i < n && vers[i].seq != pd.seq; i++)
			;
		if (i < n)
			sess_printf(s, "%% Commit confirmed pending: rollback "
				    "%zu is restored at %s unless confirmed\n",
				    i, when);
		else
			sess_printf(s, "%% Commit confirmed pending: the "
				    "rollback is due at %s unless confirmed\n",
				    when);
	}

 out:
	mem_deref(vers);
	return err ? EXIT_CMD : 0;
}

/* Prints the lines of mb, each marked '-' or '+' in front. */
static int marked_print(struct session *s, char mark, const struct mbuf *mb)
{
	const char *p = (const char *)mb->buf, *end = p + mb->end;
	int err = 0;

	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		err = sess_printf(s, "%c%s%b\n", mark,
				  n && *p == ' ' ? "" : " ", p, n);
		p += n + (nl ? 1 : 0);
	}

	return err;
}

typedef int (print_h)(struct re_printf *pf, const void *obj,
		      const void *what);

static int set_pr(struct re_printf *pf, const void *obj, const void *what)
{
	return setting_print(pf, obj, what, PR_ALL);
}

static int inst_pr(struct re_printf *pf, const void *obj, const void *what)
{
	(void)what;

	return inst_print(pf, obj, 0);
}

/* Prints through ph into a buffer, then marked. Never real secrets. */
static int mark_print(struct session *s, char mark, print_h *ph,
		      const void *obj, const void *what)
{
	struct re_printf pf;
	struct mbuf *mb = mbuf_alloc(256);
	int err;

	if (!mb)
		return ENOMEM;

	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = ph(&pf, obj, what);
	if (!err)
		err = marked_print(s, mark, mb);

	mem_deref(mb);
	return err;
}

/* The settings of one instance present on both sides that differ. */
static int inst_diff(struct session *s, const struct inst *a,
		     const struct inst *b)
{
	const struct section *sec = a->sec;
	bool head = false;
	size_t k;
	int err = 0;

	for (k = 0; k < sec->count && !err; k++) {
		const struct setting *st = &schema[sec->first + k];

		if (val_equal(&a->vals[k], &b->vals[k]))
			continue;

		if (!head) {
			head = true;
			if (sec->singleton)
				err = sess_printf(s, "%s\n", sec->name);
			else
				err = sess_printf(s, "%s %d\n", sec->name,
						  a->id);
		}

		if (!err)
			err = mark_print(s, '-', set_pr, a, st);
		if (!err)
			err = mark_print(s, '+', set_pr, b, st);
	}

	if (head && !err)
		err = sess_printf(s, "!\n");

	return err;
}

static int h_show_diff(struct session *s, const struct cmdctx *c)
{
	int sect, n, err = 0;

	(void)c;

	if (!sess_dirty(s)) {
		sess_note(s, "%% No staged changes\n");
		return 0;
	}

	for (sect = 0; sect < SECT_N && !err; sect++) {
		for (n = 0; n < INST_MAX && !err; n++) {
			const struct inst *a = s->running->inst[sect][n];
			const struct inst *b = s->cand->inst[sect][n];

			if (a && b)
				err = inst_diff(s, a, b);
			else if (a)
				err = mark_print(s, '-', inst_pr, a, NULL);
			else if (b)
				err = mark_print(s, '+', inst_pr, b, NULL);
		}
	}

	return err ? EXIT_CMD : 0;
}

static int h_show_startup(struct session *s, const struct cmdctx *c)
{
	struct cfg *cf = NULL;
	int err;

	(void)c;

	/* Read now: another session's commit shows at once. */
	err = cfg_load(&cf, s->path, NULL, NULL);
	if (err == ENOENT) {
		sess_error(s, NOCOL, "No startup configuration: %s does not "
			   "exist yet", s->path);
		return EXIT_FILE;
	}
	if (err) {
		sess_error(s, NOCOL, "Cannot load %s: %s", s->path, store_strerror(err));
		return EXIT_FILE;
	}

	err = cfg_print(s->pf, cf, 0, NULL);
	mem_deref(cf);

	return err ? EXIT_CMD : 0;
}

/*
 * 'write memory', 'wr', 'copy running-config startup-config': here every
 * commit is saved at once, so there is nothing left to write; the answer
 * says so, and what to do with staged changes.
 */
static int h_write(struct session *s, const struct cmdctx *c)
{
	(void)c;

	if (sess_dirty(s))
		return sess_printf(s, "%% Not needed here: a commit saves. The "
				   "staged changes are not saved yet: "
				   "'commit' checks, saves and applies "
				   "them\n") ? EXIT_CMD : 0;

	return sess_printf(s, "%% Not needed here: every commit is saved at "
			   "once, so the running configuration is the startup "
			   "configuration\n") ? EXIT_CMD : 0;
}

static const char h_show[] = "Show running system information";
static const char h_conf[] = "The configuration's transactions";
static const char h_commit[] = "Check, save and apply the staged changes";
static const char h_confd[] = "Roll back automatically unless confirmed";
static const char h_time[] = "Time to confirm (minutes unless 'seconds')";
static const char h_configure[] = "Enter configure mode";
static const char h_write_help[] = "Save the configuration (a commit "
	"already does)";
static const char h_confirm_help[] = "Keep the last 'commit confirmed' and "
	"cancel its rollback";

static const struct cmd_def txn_cmds[] = {
	{MODE_BIT(MODE_EXEC), "configure exclusive",
	 {h_configure, "Lock out other sessions' configure and commit until "
	  "this one leaves configure mode"},
	 h_configure_exclusive, NULL, 0},
	{MODES_CONFIG, "commit check",
	 {h_commit, "Only run the checks; save nothing"},
	 h_commit_check, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440>",
	 {h_commit, h_confd, h_time},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440> minutes",
	 {h_commit, h_confd, h_time, "The time is in minutes"},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirmed <1-1440> seconds",
	 {h_commit, h_confd, h_time, "The time is in seconds"},
	 h_commit_confirmed, NULL, 0},
	{MODES_CONFIG, "commit confirm",
	 {h_commit, h_confirm_help}, h_confirm, NULL, 0},
	{MODES_CONFIG, "confirm",
	 {h_confirm_help}, h_confirm, NULL, 0},
	{MODE_BIT(MODE_EXEC), "configure confirm",
	 {h_configure, h_confirm_help}, h_confirm, NULL, 0},
	{MODES_CONFIG, "discard",
	 {"Drop the staged changes (and re-read the saved configuration)"},
	 h_discard, NULL, 0},
	{MODES_CONFIG, "rollback <0-9>",
	 {"Stage a saved version of the configuration",
	  "Which: 0 the current one, 1 the one before, ..."},
	 h_rollback, NULL, 0},
	{MODE_BIT(MODE_EXEC), "show configuration history",
	 {h_show, h_conf, "The saved versions, newest first"},
	 h_show_history, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "show configuration diff",
	 {h_show, h_conf, "The staged changes against the running "
	  "configuration"},
	 h_show_diff, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "show startup-config",
	 {h_show, "The configuration file as saved now"},
	 h_show_startup, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC) | MODES_CONFIG, "write",
	 {h_write_help}, h_write, NULL, 0},
	{MODE_BIT(MODE_EXEC) | MODES_CONFIG, "write memory",
	 {h_write_help, "To the startup configuration"}, h_write, NULL, 0},
	{MODE_BIT(MODE_EXEC) | MODES_CONFIG,
	 "copy running-config startup-config",
	 {h_write_help, "From the configuration in effect",
	  "To the saved one"}, h_write, NULL, 0},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int txn_register(struct grammar *g)
{
	if (!g)
		return EINVAL;

	return grammar_add_table(g, txn_cmds);
}
