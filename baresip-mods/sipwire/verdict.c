/*
 * The INVITE filter's decision (verdict.h). Only an INVITE that opens a
 * dialog (no To-tag) is judged; in-dialog requests and other methods
 * pass. An allowed source is never counted against a rate. A refused
 * source gets stateless 403s while its bucket (and the bucket of all
 * refused sources) holds tokens, then nothing: a retransmission of a
 * refused INVITE is just another INVITE from that source.
 */
#include "allow.h"
#include "verdict.h"

enum verdict invite_verdict(const struct sip_msg *msg,
			    verdict_allow_h *allowh, void *arg,
			    struct rate_table *rt, uint64_t now)
{
	if (!allow_applies(msg))
		return VERDICT_PASS;

	/* No allow-list: nobody is refused. */
	if (!allowh || allowh(&msg->src, arg))
		return VERDICT_PASS;

	switch (rate_take(rt, &msg->src, now)) {

	case RATE_OK:                return VERDICT_REFUSE;
	case RATE_SOURCE_OVER_START: return VERDICT_DROP_SOURCE;
	case RATE_ALL_OVER_START:    return VERDICT_DROP_ALL;
	default:                     return VERDICT_DROP;
	}
}
