/*
 * Ending an account's REGISTER transaction now. libre 1.1.0 offers no
 * way to: a sipreg freed with a request in flight keeps itself alive
 * until the request ends (src/sipreg/reg.c destructor), a stateful
 * sip_request freed early only cancels, which a non-INVITE ignores
 * (src/sip/request.c), so each attempt's client transaction went on
 * retransmitting until its timer F (64*T1, 32 s), beside the attempts
 * after it, and after giving up.
 *
 * So this reaches the transaction through the private structures
 * (common/sipreg_peek.h, each step checked) and fires its timer F at
 * once: libre then ends it as its own timeout would (the retransmission
 * timer with it), and the sipreg hears ETIMEDOUT. baresip's handler is
 * swapped out for that moment, so the account's failure is reported
 * once, by regctl; and the sipreg's own retry timer is stopped, since
 * regctl times the retries. A layout that does not check out is left
 * alone and said so.
 */
#include <string.h>
#include "baresip.h"
#include "sipreg_peek.h"
#include "sipreg_end.h"

/* One registration's transaction, ended; 0 also when there is none.
 * The first error is kept in *arg, and the walk goes on. */
static int end_one(struct reg_v100 *r, struct sipreg_v110 *sr, void *arg)
{
	struct sip_ctrans_v110 *ct;
	int *first = arg;
	bool more;
	int err;

	(void)r;

	err = sipreg_peek_ct(sr, &ct, &more);

	/* A request with more addresses would go on to the next: left to
	 * libre, as one still resolving, which has sent nothing. */
	if (!err && ct && more)
		err = EALREADY;
	if (!err)
		err = sipreg_peek_end(sr);
	if (!err)
		tmr_cancel(&sr->tmr);

	if (err && !*first)
		*first = err;
	return 0;
}

/* What ct_find looks for, and what it found. */
struct ct_want {
	const struct sa *dst;
	struct sip_ctrans_v110 *ct;
	bool more;
};

static int ct_match(struct reg_v100 *r, struct sipreg_v110 *sr, void *arg)
{
	struct ct_want *w = arg;
	int err;

	(void)r;

	err = sipreg_peek_ct(sr, &w->ct, &w->more);
	if (err)
		return err;
	if (!w->ct || (w->dst && !sa_cmp(&w->ct->dst, w->dst, SA_ALL))) {
		w->ct = NULL;
		return 0;
	}

	return EEXIST;  /* found: the walk ends */
}

/* The REGISTER transaction of ua's registrations in flight (toward dst,
 * when given): *ctp, and in *morep whether its request has another
 * address to try. ENOENT: none. */
static int ct_find(struct ua *ua, const struct sa *dst,
		   struct sip_ctrans_v110 **ctp, bool *morep)
{
	struct ct_want w = {.dst = dst};
	int err;

	err = sipreg_peek_each(ua, ct_match, &w);
	if (err != EEXIST)
		return err ? err : ENOENT;

	*ctp = w.ct;
	*morep = w.more;
	return 0;
}

int sipreg_dst(struct ua *ua, struct sa *dst, bool *morep)
{
	struct sip_ctrans_v110 *ct;
	int err;

	if (!dst || !morep)
		return EINVAL;

	err = ct_find(ua, NULL, &ct, morep);
	if (!err)
		*dst = ct->dst;

	return err;
}

int sipreg_next(struct ua *ua, const struct sa *dst)
{
	struct sip_ctrans_v110 *ct;
	bool more;
	int err;

	if (!dst)
		return EINVAL;

	err = ct_find(ua, dst, &ct, &more);
	if (err)
		return err;
	if (!more)
		return ENOENT;

	sipreg_peek_fire(ct);
	return 0;
}

int sipreg_end(struct ua *ua)
{
	int first = 0, err;

	err = sipreg_peek_each(ua, end_one, &first);

	return err ? err : first;
}
