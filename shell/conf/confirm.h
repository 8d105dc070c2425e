/*
 * 'commit confirmed': a guard process restores the version saved before
 * the commit unless 'commit confirm' stops it first. Its state is
 * DIR/.NAME.confirm, "PID DEADLINE SEQ STATE"; the guard holds
 * flock(LOCK_EX) on it while it runs, so a live lock proves the PID is
 * still that guard. The guard is detached (fork, setsid, fork) so it
 * outlives the session, keeps no descriptor of the shell, and rolls back
 * through the one commit path, so the rollback reaches the phone, and
 * with the confirmed version's id as base, so it never undoes a commit
 * made after that one.
 */
#ifndef SIPSH_CONFIRM_H
#define SIPSH_CONFIRM_H

#include <stdbool.h>
#include <time.h>
#include "store.h"

/* What DIR/.NAME.confirm says. */
struct confirm_state {
	long pid;
	time_t deadline;
	unsigned seq;           /* the version the guard restores */
	char state[16];         /* pending, rolled-back, superseded, failed */
	bool alive;             /* its guard still runs */
};

bool confirm_is(const struct confirm_state *cs, const char *state);

/* Reads the state without touching the guard; ENOENT when there is none. */
int confirm_peek(const char *path, struct confirm_state *cs);

/*
 * Stops the guard of a pending 'commit confirmed' and removes its state;
 * *cs says what the guard had done (it may have rolled back already) and
 * whether it was still running. ENOENT: there was none; EPERM: the guard
 * belongs to another user.
 */
int confirm_stop(const char *path, struct confirm_state *cs);

/*
 * Arms a guard for the commit just made (its content id 'committed'):
 * in secs seconds it restores the version before it, or 'chain' (the
 * version an earlier unconfirmed commit would have restored) when not 0.
 * Any earlier guard is replaced. EALREADY: the commit is no longer the
 * newest version (another session committed right after it).
 */
int confirm_arm(const char *path, const struct store_id *committed,
		long secs, unsigned chain, time_t *deadlinep);

/* The guard as an observer: a plain commit replaces the version the
 * pending rollback would undo, so it cancels that rollback. */
int confirm_commit_register(void);

#endif
