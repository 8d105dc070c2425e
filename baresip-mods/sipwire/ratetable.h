/*
 * The refusal rate per source: a token bucket for each address that sent
 * an INVITE we refuse, in a table of fixed size, and one bucket for all
 * of them together. It decides whether a refusal is answered or dropped,
 * so that refusing a flood costs a bounded number of replies, no
 * allocation and no more memory than the table. Plain data and pure
 * functions of the time they are given: no libre state, no globals.
 */
#ifndef SIPWIRE_RATETABLE_H
#define SIPWIRE_RATETABLE_H

#include "re_base.h"

enum {
	RATE_SLOTS     = 1024,  /* sources remembered: a power of two */
	RATE_PROBE     = 8,     /* the slots one source may take */
	RATE_BURST     = 5,     /* refusals a new source gets at once */
	RATE_PER_S     = 1,     /* and then a second */
	RATE_ALL_BURST = 50,    /* refusals of all sources together ... */
	RATE_ALL_PER_S = 50,    /* ... at once and a second */
};

/* One token bucket; tokens counted in thousandths. */
struct rate_bucket {
	uint64_t last;          /* ms: when it was last filled up to now */
	uint32_t milli;
	bool over;              /* empty since its last refusal */
};

/* A source: an IPv4 address, or the /64 prefix of an IPv6 address. */
struct rate_slot {
	uint64_t key;
	uint8_t af;             /* 0: a free slot */
	struct rate_bucket b;
};

struct rate_table {
	struct rate_slot slotv[RATE_SLOTS];
	struct rate_bucket all;
	uint32_t seed;          /* spreads the sources over the slots */
};

enum rate_result {
	RATE_OK,                /* a token was taken: refuse with a reply */
	RATE_SOURCE_OVER_START, /* this source just ran out: drop, say so */
	RATE_ALL_OVER_START,    /* all sources just ran out: drop, say so */
	RATE_OVER,              /* still out: drop */
};

void rate_init(struct rate_table *rt, uint32_t seed, uint64_t now);
enum rate_result rate_take(struct rate_table *rt, const struct sa *src,
			   uint64_t now);
unsigned rate_used(const struct rate_table *rt, uint64_t now);

#endif
