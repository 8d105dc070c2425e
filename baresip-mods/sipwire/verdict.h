/*
 * The INVITE filter's decision, apart from everything it acts on: given a
 * request, who is allowed, the refusal rate table and the time, whether
 * the request passes to baresip, is refused with a stateless 403, or is
 * dropped. It reads nothing else and does no I/O, so that it can be
 * tested and fuzzed without baresip (a libFuzzer target decodes bytes
 * with sip_msg_decode() and calls invite_verdict()).
 */
#ifndef SIPWIRE_VERDICT_H
#define SIPWIRE_VERDICT_H

#include "re_base.h"
#include "ratetable.h"

enum verdict {
	VERDICT_PASS,         /* not refused: baresip handles it */
	VERDICT_REFUSE,       /* answer 403 statelessly */
	VERDICT_DROP,         /* above the refusal rate: answer nothing */
	VERDICT_DROP_SOURCE,  /* the same, the first for this source */
	VERDICT_DROP_ALL,     /* the same, the first for all sources */
};

/* Whether src is one of the allowed proxies' addresses. */
typedef bool (verdict_allow_h)(const struct sa *src, void *arg);

enum verdict invite_verdict(const struct sip_msg *msg,
			    verdict_allow_h *allowh, void *arg,
			    struct rate_table *rt, uint64_t now);

#endif
