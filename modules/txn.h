/*
 * The transaction commands (commit check and confirmed, discard,
 * rollback, history and diff) and the refusals of configure mode.
 */
#ifndef SIPSH_TXN_H
#define SIPSH_TXN_H

#include <stdbool.h>

struct session;
struct grammar;

/* Entering configure mode; refuses (message printed, EXIT_CMD) when the
 * file cannot be written or another session holds it exclusively. */
int  txn_configure(struct session *s, bool exclusive);

/* The transaction commands. */
int  txn_register(struct grammar *g);

#endif
