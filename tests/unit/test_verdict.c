/*
 * Tests of sipwire's INVITE filter decision (baresip-mods/sipwire/
 * verdict.c) and its refusal rate table (ratetable.c), on messages
 * decoded by libre and a clock the test sets: what is judged at all, an
 * allowed source never counted, a source's burst and refill, the cap on
 * all sources together, entries that expire, and a table that stays its
 * size whatever number of sources comes.
 */
#include "re_base.h"
#include "../../baresip-mods/sipwire/verdict.h"
#include "unit.h"

int test_invite_verdict(void);

static const struct sa *allowed_addr;

static bool allow(const struct sa *src, void *arg)
{
	(void)arg;
	return sa_cmp(src, allowed_addr, SA_ADDR);
}

/* A request decoded by libre, as if it came from src. */
static int msg_make(struct sip_msg **msgp, const char *method,
		    const char *totag, const char *src)
{
	struct mbuf *mb = mbuf_alloc(512);
	struct sip_msg *msg = NULL;
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb,
			  "%s sip:1001@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
			  "From: <sip:a@192.0.2.1>;tag=1\r\n"
			  "To: <sip:1001@127.0.0.1>%s%s\r\n"
			  "Call-ID: 1@test\r\nCSeq: 1 %s\r\n"
			  "Content-Length: 0\r\n\r\n",
			  method, totag ? ";tag=" : "", totag ? totag : "",
			  method);
	mb->pos = 0;
	if (!err)
		err = sip_msg_decode(&msg, mb);
	if (!err)
		err = sa_set_str(&msg->src, src, 5060);
	mem_deref(mb);
	if (err) {
		mem_deref(msg);
		return err;
	}

	*msgp = msg;
	return 0;
}

/* The verdict on an INVITE from src at time now. */
static enum verdict judge(struct rate_table *rt, const char *src,
			  uint64_t now)
{
	struct sip_msg *msg = NULL;
	enum verdict v;

	if (msg_make(&msg, "INVITE", NULL, src))
		return (enum verdict)-1;
	v = invite_verdict(msg, allow, NULL, rt, now);
	mem_deref(msg);

	return v;
}

static int test_not_judged(struct rate_table *rt)
{
	struct sip_msg *msg = NULL;

	/* Other methods and in-dialog INVITEs pass, whoever sends them. */
	TEST_EQ(msg_make(&msg, "OPTIONS", NULL, "192.0.2.9"), 0);
	TEST_EQ(invite_verdict(msg, allow, NULL, rt, 0), VERDICT_PASS);
	msg = mem_deref(msg);
	TEST_EQ(msg_make(&msg, "INVITE", "abc", "192.0.2.9"), 0);
	TEST_EQ(invite_verdict(msg, allow, NULL, rt, 0), VERDICT_PASS);
	msg = mem_deref(msg);

	/* No allow-list: nobody is refused. */
	TEST_EQ(msg_make(&msg, "INVITE", NULL, "192.0.2.9"), 0);
	TEST_EQ(invite_verdict(msg, NULL, NULL, rt, 0), VERDICT_PASS);
	msg = mem_deref(msg);
	TEST_EQ(invite_verdict(NULL, allow, NULL, rt, 0), VERDICT_PASS);

	return 0;
}

static int test_one_source(struct rate_table *rt)
{
	uint64_t t = 1000;
	int i;

	/* The allowed proxy: never counted, however many. */
	for (i = 0; i < 1000; i++)
		TEST_EQ(judge(rt, "127.0.0.1", t), VERDICT_PASS);

	/* A source gets its burst, then one drop said, then silence. */
	for (i = 0; i < RATE_BURST; i++)
		TEST_EQ(judge(rt, "192.0.2.7", t), VERDICT_REFUSE);
	TEST_EQ(judge(rt, "192.0.2.7", t), VERDICT_DROP_SOURCE);
	for (i = 0; i < 100; i++)
		TEST_EQ(judge(rt, "192.0.2.7", t + 999), VERDICT_DROP);

	/* Another source is not affected; the port does not matter. */
	TEST_EQ(judge(rt, "192.0.2.8", t), VERDICT_REFUSE);

	/* A second later, one token: one refusal, then drops again. */
	TEST_EQ(judge(rt, "192.0.2.7", t + 1000), VERDICT_REFUSE);
	TEST_EQ(judge(rt, "192.0.2.7", t + 1000), VERDICT_DROP_SOURCE);

	/* An IPv6 /64 is one source; an IPv4-mapped address is IPv4. */
	for (i = 0; i < RATE_BURST; i++) {
		char a[64];

		(void)re_snprintf(a, sizeof(a), "2001:db8:0:1::%x", i + 1);
		TEST_EQ(judge(rt, a, t), VERDICT_REFUSE);
	}
	TEST_EQ(judge(rt, "2001:db8:0:1:ffff::1", t), VERDICT_DROP_SOURCE);
	TEST_EQ(judge(rt, "2001:db8:0:2::1", t), VERDICT_REFUSE);
	TEST_EQ(judge(rt, "::ffff:192.0.2.7", t + 1000), VERDICT_DROP);

	/* Quiet for the time a bucket takes to fill: a fresh burst, and the
	 * entry no longer counts as used. */
	t += 1000 + 1000 * RATE_BURST / RATE_PER_S;
	TEST_EQ(rate_used(rt, t), 0);
	for (i = 0; i < RATE_BURST; i++)
		TEST_EQ(judge(rt, "192.0.2.7", t), VERDICT_REFUSE);
	TEST_EQ(judge(rt, "192.0.2.7", t), VERDICT_DROP_SOURCE);

	return 0;
}

static int test_many_sources(struct rate_table *rt)
{
	uint64_t t = 100000;
	unsigned refused = 0, i;

	/* 4000 sources in one millisecond: the cap on all of them holds. */
	for (i = 0; i < 4000; i++) {
		char a[32];
		enum verdict v;

		(void)re_snprintf(a, sizeof(a), "10.%u.%u.1", i / 256, i % 256);
		v = judge(rt, a, t);
		TEST_TRUE(v != VERDICT_PASS);
		if (v == VERDICT_REFUSE)
			++refused;
	}
	TEST_EQ(refused, RATE_ALL_BURST);
	/* Only a refusal takes a token: dropped sources hold no entry. */
	TEST_EQ(rate_used(rt, t), RATE_ALL_BURST);

	/* A second later: RATE_ALL_PER_S more, across new sources. */
	refused = 0;
	for (i = 0; i < 1000; i++) {
		char a[32];

		(void)re_snprintf(a, sizeof(a), "10.200.%u.%u", i / 256,
				  i % 256);
		if (judge(rt, a, t + 1000) == VERDICT_REFUSE)
			++refused;
	}
	TEST_EQ(refused, RATE_ALL_PER_S);

	return 0;
}

int test_invite_verdict(void)
{
	static struct rate_table rt;
	struct sa ok;
	int err;

	TEST_EQ(sa_set_str(&ok, "127.0.0.1", 0), 0);
	allowed_addr = &ok;

	rate_init(&rt, 12345, 0);
	err = test_not_judged(&rt);
	if (err)
		return err;

	rate_init(&rt, 12345, 0);
	err = test_one_source(&rt);
	if (err)
		return err;

	rate_init(&rt, 99, 0);
	return test_many_sources(&rt);
}
