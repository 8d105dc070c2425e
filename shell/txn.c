/*
 * Transactions (placeholder until the full implementation lands): no
 * locks, commits always allowed.
 */
#include "re_base.h"
#include "session.h"
#include "txn.h"

int txn_configure(struct session *s, bool exclusive)
{
	(void)s;
	(void)exclusive;
	return 0;
}

void txn_leave(struct session *s)
{
	(void)s;
}

int txn_may_commit(struct session *s)
{
	(void)s;
	return 0;
}

void txn_committed(struct session *s)
{
	(void)s;
}

int txn_register(struct grammar *g)
{
	(void)g;
	return 0;
}
