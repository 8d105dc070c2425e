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

/* One registration's transaction (checked by sipreg_peek_regl), ended;
 * 0 also when there is none. */
static int end_one(struct reg_v100 *r)
{
	struct sipreg_v110 *sr = (void *)r->sipreg;
	struct sip_ctrans_v110 *ct;
	bool more;
	int err;

	if (!sr)
		return 0;

	err = sipreg_peek_ct(sr, &ct, &more);
	if (err)
		return err;

	/* A request with more addresses would go on to the next: left to
	 * libre, as one still resolving, which has sent nothing. */
	if (ct && more)
		return EALREADY;

	err = sipreg_peek_end(sr);
	if (err)
		return err;

	tmr_cancel(&sr->tmr);

	return 0;
}

/* The REGISTER transaction of ua's registrations in flight (toward dst,
 * when given): *ctp, and in *morep whether its request has another
 * address to try. ENOENT: none. */
static int ct_find(struct ua *ua, const struct sa *dst,
		   struct sip_ctrans_v110 **ctp, bool *morep)
{
	struct list *regl;
	struct le *le;
	int err;

	err = sipreg_peek_regl(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; le = le->next) {
		const struct reg_v100 *r = le->data;
		struct sipreg_v110 *sr = (void *)r->sipreg;
		struct sip_ctrans_v110 *ct;
		bool more;

		if (!sr)
			continue;
		err = sipreg_peek_ct(sr, &ct, &more);
		if (err)
			return err;
		if (!ct || (dst && !sa_cmp(&ct->dst, dst, SA_ALL)))
			continue;

		*ctp = ct;
		*morep = more;
		return 0;
	}

	return ENOENT;
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
	struct list *regl;
	struct le *le;
	int err, e;

	err = sipreg_peek_regl(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; le = le->next) {
		e = end_one(le->data);
		if (e && !err)
			err = e;
	}

	return err;
}
