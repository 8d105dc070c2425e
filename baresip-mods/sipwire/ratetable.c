/*
 * The refusal rate per source (ratetable.h). A source is looked for in
 * RATE_PROBE slots from its hash. A slot whose bucket has filled up again
 * behaves exactly like a new source, so it counts as free: entries expire
 * by themselves, RATE_BURST / RATE_PER_S seconds after their last
 * refusal. When every slot a new source may take is busy, the one used
 * longest ago is taken over; its source then starts afresh, which the
 * bucket for all sources together bounds. That bucket also bounds how
 * many slots are in use at all: only a refusal takes a token, so at most
 * RATE_ALL_BURST + RATE_ALL_PER_S * RATE_BURST / RATE_PER_S (300)
 * sources are unexpired at once, well under RATE_SLOTS.
 */
#include <string.h>
#include "ratetable.h"

static void bucket_fill(struct rate_bucket *b, uint64_t now,
			uint32_t burst, uint32_t per_s)
{
	uint64_t add, full = (uint64_t)burst * 1000;

	if (now <= b->last)
		return;

	/* per_s tokens a second are per_s thousandths a millisecond */
	add = (now - b->last) * per_s;
	b->milli = (uint32_t)(add >= full - b->milli ? full : b->milli + add);
	b->last = now;
}

static bool bucket_full(const struct rate_bucket *b, uint64_t now,
			uint32_t burst, uint32_t per_s)
{
	struct rate_bucket c = *b;

	bucket_fill(&c, now, burst, per_s);
	return c.milli >= burst * 1000u;
}

static bool source_key(const struct sa *src, uint8_t *af, uint64_t *key)
{
	const uint8_t *a;

	switch (sa_af(src)) {

	case AF_INET:
		*af = AF_INET;
		*key = ntohl(src->u.in.sin_addr.s_addr);
		return true;

	case AF_INET6:
		a = src->u.in6.sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&src->u.in6.sin6_addr)) {
			*af = AF_INET;
			*key = (uint64_t)a[12] << 24 | (uint64_t)a[13] << 16 |
				(uint64_t)a[14] << 8 | a[15];
			return true;
		}
		/* One host holds a whole /64: count it as one source. */
		*af = AF_INET6;
		*key = 0;
		for (int i = 0; i < 8; i++)
			*key = *key << 8 | a[i];
		return true;

	default:
		return false;
	}
}

static uint32_t slot_hash(uint64_t key, uint8_t af, uint32_t seed)
{
	uint64_t h = (key ^ ((uint64_t)seed << 32 | seed)) + af;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;

	return (uint32_t)h;
}

static struct rate_slot *slot_find(struct rate_table *rt, uint64_t key,
				   uint8_t af, uint64_t now)
{
	uint32_t h = slot_hash(key, af, rt->seed);
	struct rate_slot *s, *free = NULL, *oldest = NULL, *pick;

	for (unsigned i = 0; i < RATE_PROBE; i++) {
		s = &rt->slotv[(h + i) & (RATE_SLOTS - 1)];

		if (s->af == af && s->key == key)
			return s;

		if (!s->af || bucket_full(&s->b, now, RATE_BURST, RATE_PER_S)) {
			if (!free)
				free = s;
		}
		else if (!oldest || s->b.last < oldest->b.last) {
			oldest = s;
		}
	}

	/* A new source: a full bucket, as if it had always been quiet. */
	pick = free ? free : oldest;
	pick->af = af;
	pick->key = key;
	pick->b.last = now;
	pick->b.milli = RATE_BURST * 1000;
	pick->b.over = false;

	return pick;
}

void rate_init(struct rate_table *rt, uint32_t seed, uint64_t now)
{
	if (!rt)
		return;

	memset(rt, 0, sizeof(*rt));
	rt->seed = seed;
	rt->all.last = now;
	rt->all.milli = RATE_ALL_BURST * 1000;
}

/*
 * Takes a token for one refusal to src at time now (ms), from src's
 * bucket and from the one for all sources. Nothing is taken from either
 * when one of them is empty.
 */
enum rate_result rate_take(struct rate_table *rt, const struct sa *src,
			   uint64_t now)
{
	struct rate_slot *s;
	uint64_t key;
	uint8_t af;

	if (!rt || !src || !source_key(src, &af, &key))
		return RATE_OVER;

	s = slot_find(rt, key, af, now);
	bucket_fill(&s->b, now, RATE_BURST, RATE_PER_S);
	bucket_fill(&rt->all, now, RATE_ALL_BURST, RATE_ALL_PER_S);

	if (s->b.milli < 1000) {
		if (s->b.over)
			return RATE_OVER;
		s->b.over = true;
		return RATE_SOURCE_OVER_START;
	}

	if (rt->all.milli < 1000) {
		if (rt->all.over)
			return RATE_OVER;
		rt->all.over = true;
		return RATE_ALL_OVER_START;
	}

	s->b.milli -= 1000;
	s->b.over = false;
	rt->all.milli -= 1000;
	rt->all.over = false;

	return RATE_OK;
}

/* The sources still remembered at time now: slots not yet expired. */
unsigned rate_used(const struct rate_table *rt, uint64_t now)
{
	unsigned n = 0;

	if (!rt)
		return 0;

	for (unsigned i = 0; i < RATE_SLOTS; i++) {
		if (rt->slotv[i].af && !bucket_full(&rt->slotv[i].b, now,
						    RATE_BURST, RATE_PER_S))
			n++;
	}

	return n;
}
