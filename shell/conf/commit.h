/*
 * The one commit path. Every front-end (the shell's 'commit', a batch,
 * 'rollback', the commit-confirmed guard, the setup menu) commits through
 * commit_run(), which does, in this order:
 *
 *   check     the whole configuration (cfg_check); problems refuse
 *   prepare   every observer: the phone side generates its files in
 *             memory (so a configuration it cannot run is refused before
 *             it is saved), the lock refuses when another session holds
 *             the file, the phone lists the calls the change would end
 *             (and asks through the front-end's ask handler)
 *   save      atomically, conditional on the base the front-end read
 *   apply     every observer, in registration order: the phone writes
 *             its files and takes the change (live, re-register, restart)
 *   report    one line: "Committed: account 1 re-registered"
 *
 * With COMMIT_CHECK it stops after prepare: 'commit check' and 'sipsh -n'
 * refuse exactly what 'commit' would. Observers are registered at start
 * (commit_observe); the core knows none of them by name.
 *
 * Messages (the check's problems and warnings, refusals) go to the
 * printer given, one line each, without a "% " prefix. Functions return
 * 0 or an errno value; commit_run's are listed at the function.
 */
#ifndef SIPSH_COMMIT_H
#define SIPSH_COMMIT_H

#include <stdbool.h>
#include "conf.h"
#include "store.h"

struct re_printf;

enum commit_flags {
	COMMIT_CHECK   = 1 << 0,   /* check and prepare; save nothing */
	COMMIT_NOAPPLY = 1 << 1,   /* save; leave the running phone alone */
	COMMIT_FORCE   = 1 << 2,   /* end calls in progress without asking */
	COMMIT_CONFIRMED = 1 << 3, /* 'commit confirmed': a rollback follows */
	COMMIT_AUTO    = 1 << 4,   /* made by sipsh itself, not a user (the
				    * rollback of an unconfirmed commit):
				    * what keeps users apart lets it by */
};

/*
 * Asked when the commit would end calls: list is one line per call.
 * Return 0 to go on, ECANCELED to stop (nothing is saved). A commit
 * with no ask handler and no COMMIT_FORCE is refused when calls would
 * end.
 */
typedef int (commit_ask_h)(unsigned ncalls, const char *list, void *arg);

#define COMMIT_REPORT_SZ 512

struct commit {
	/* Given by the front-end. */
	const char *path;               /* the configuration file */
	const struct cfg *cfg;          /* the configuration to commit */
	const struct store_id *base;    /* the file as read; NULL: any */
	unsigned flags;
	const char *origin;             /* "commit", "rollback", "menu", ... */
	commit_ask_h *askh;
	void *arg;
	struct re_printf *checkpf;      /* the check's lines; NULL: to pf */

	/* Filled in by commit_run. */
	struct store_id id;             /* of the text committed: the file's
					 * content once saved */
	unsigned nerr, nwarn;           /* of the check */
	bool saved;                     /* the file holds cfg now */
	bool applied;                   /* every observer took it */
	char report[COMMIT_REPORT_SZ];  /* "Committed: ..." (or why not) */
};

/*
 * An observer of the commit path. Each hook may be NULL.
 *
 * prepare: before saving (and for COMMIT_CHECK). *statep may be set to a
 *          mem object handed to apply and then dereferenced. Return 0, or
 *          an errno value with the reason printed to pf: the commit is
 *          refused (EPERM: not allowed now, EACCES: the file cannot be
 *          written by this user, EINVAL: cannot be run, EBUSY: it would
 *          end calls and nobody could be asked, ECANCELED: the user said
 *          no).
 * apply:   after the file was saved. Brings what the observer runs to
 *          cm->cfg and prints what it did, as a short phrase ("account 1
 *          re-registered"), to report; problems to pf. An error here does
 *          not unsave: the report says what did not take effect.
 */
struct commit_obs {
	const char *name;
	int (*prepare)(struct commit *cm, void **statep, struct re_printf *pf,
		       void *arg);
	int (*apply)(struct commit *cm, void *state, struct re_printf *report,
		     struct re_printf *pf, void *arg);
	void *arg;
};

/* Adds an observer (kept by pointer: give it static storage). */
int commit_observe(const struct commit_obs *obs);
void commit_observers_clear(void);

/*
 * Runs the commit. Returns 0 (saved, or checked with COMMIT_CHECK; also
 * when nothing changed, with cm->saved false), or:
 *   EINVAL     the check or an observer's prepare refused (nerr > 0 for
 *              the check); nothing saved
 *   EPERM, EACCES, EBUSY, ECANCELED   an observer refused (see
 *              struct commit_obs); nothing saved
 *   EAGAIN     the file changed since base was read; nothing saved
 *   other      saving failed; cm->saved says whether the new content is
 *              in place all the same (a failed directory fsync)
 * Apply problems do not change the return value: see cm->applied and
 * cm->report.
 */
int commit_run(struct commit *cm, struct re_printf *pf);

#endif
