/*
 * Transactions around the configuration file: who may configure and
 * commit (exclusive configure locks, lost-update refusal), commit
 * confirmed with its automatic rollback, rollback to saved versions,
 * and the commands that show history and differences.
 */
#ifndef SIPSH_TXN_H
#define SIPSH_TXN_H

#include <stdbool.h>

struct session;
struct grammar;

/* Entering configure mode; refuses (message printed, EXIT_CMD) when the
 * file cannot be written or another session holds it exclusively. */
int  txn_configure(struct session *s, bool exclusive);

/* Leaving configure mode (or the session ending): locks are released. */
void txn_leave(struct session *s);

/* Just before a commit saves: 0, or a refusal already printed. */
int  txn_may_commit(struct session *s);

/* Just after a commit saved the file. */
void txn_committed(struct session *s);

/* The transaction commands. */
int  txn_register(struct grammar *g);

#endif
