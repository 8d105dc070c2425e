/*
 * Tests of the PLT slot redirection acctauth uses to see digest
 * challenges (baresip-mods/common/got_hook.c, built into this test as
 * it is into the module). libre's own mbuf_write_str() calls
 * mbuf_write_mem() through libre's PLT, just as its REGISTER client and
 * sessions call sip_auth_authenticate(): redirected, the call comes to
 * the test's counter; freed, it goes back to libre; a slot that does not
 * hold the function it is said to hold, or a function its own library
 * does not call, changes nothing. Hooked in libre alone (as sipwire
 * hooks libre's connect()), libre's sa_set_str() reaches the test's
 * inet_pton() counter while the test's own inet_pton() calls do not.
 */
#include <arpa/inet.h>
#include <sys/stat.h>
#include "re_base.h"
#include "../../baresip-mods/common/got_hook.c"
#include "unit.h"

int test_got_hook(void);

static unsigned calls;

static unsigned ptons;

static int counting_pton(int af, const char *src, void *dst)
{
	++ptons;
	return inet_pton(af, src, dst);
}

/* Only libre's own slot for a libc function. */
static int test_in_libre(void)
{
	struct got_hook *h = NULL;
	struct in_addr ia;
	struct sa sa;
	size_t n = 0;
	bool ok;
	int err;

	err = got_hook_in_alloc(&h, "inet_pton", (void *)counting_pton,
				(void *)inet_pton, (const void *)sa_set_str,
				&n);
	if (err)
		TEST_ERR("got_hook_in_alloc: %d", err);
	ok = n == 1 && !sa_set_str(&sa, "192.0.2.1", 5060) && ptons == 1 &&
		inet_pton(AF_INET, "192.0.2.2", &ia) == 1 && ptons == 1;
	h = mem_deref(h);
	if (!ok)
		TEST_ERR("in libre: %zu slots, %u calls", n, ptons);

	if (sa_set_str(&sa, "192.0.2.3", 5060) || ptons != 1)
		TEST_ERR("put back: %u calls", ptons);

	/* libre imports no mkfifo; a wrong 'real' changes nothing. */
	TEST_EQ(got_hook_in_alloc(&h, "mkfifo", (void *)counting_pton,
				  (void *)mkfifo, (const void *)sa_set_str,
				  NULL), ENOENT);
	TEST_EQ(got_hook_in_alloc(&h, "inet_pton", (void *)counting_pton,
				  (void *)inet_ntop, (const void *)sa_set_str,
				  NULL), EPROTO);
	TEST_EQ(got_hook_in_alloc(&h, "inet_pton", (void *)counting_pton,
				  (void *)inet_pton, NULL, NULL), EINVAL);
	TEST_TRUE(h == NULL);
	if (sa_set_str(&sa, "192.0.2.4", 5060) || ptons != 1)
		TEST_ERR("refused hooks changed a slot: %u calls", ptons);

	return 0;
}

static int counting_write(struct mbuf *mb, const uint8_t *buf, size_t size)
{
	++calls;
	return mbuf_write_mem(mb, buf, size);
}

int test_got_hook(void)
{
	struct got_hook *h = NULL;
	struct mbuf *mb = mbuf_alloc(64);
	size_t n = 0;
	int err = 0;

	if (!mb)
		return ENOMEM;

	/* The object holding counting_write (this test) keeps its own
	 * slots: its call above still reaches libre. */
	err = got_hook_alloc(&h, "mbuf_write_mem", (void *)counting_write,
			     (void *)mbuf_write_mem, (void *)counting_write,
			     &n);
	if (err) {
		fprintf(stderr, "%s:%d: got_hook_alloc: %d\n", __FILE__,
			__LINE__, err);
		goto out;
	}
	if (n < 1 || mbuf_write_str(mb, "ab") || calls != 1 ||
	    mb->end != 2 || memcmp(mb->buf, "ab", 2)) {
		fprintf(stderr, "%s:%d: redirected: %zu slots, %u calls, %zu "
			"bytes\n", __FILE__, __LINE__, n, calls, mb->end);
		err = EINVAL;
		goto out;
	}

	h = mem_deref(h);
	if (mbuf_write_str(mb, "c") || calls != 1 || mb->end != 3) {
		fprintf(stderr, "%s:%d: put back: %u calls, %zu bytes\n",
			__FILE__, __LINE__, calls, mb->end);
		err = EINVAL;
		goto out;
	}

	/* The slots hold mbuf_write_mem, not mbuf_write_u8. */
	TEST_EQ(got_hook_alloc(&h, "mbuf_write_mem", (void *)counting_write,
			       (void *)mbuf_write_u8, (void *)counting_write,
			       NULL), EPROTO);
	TEST_TRUE(h == NULL);
	/* Nobody imports a name that does not exist. */
	TEST_EQ(got_hook_alloc(&h, "sipsh_no_such_function",
			       (void *)counting_write, (void *)mbuf_write_mem,
			       (void *)counting_write, NULL), ENOENT);
	TEST_TRUE(h == NULL);
	TEST_EQ(got_hook_alloc(NULL, "mbuf_write_mem", (void *)counting_write,
			       (void *)mbuf_write_mem, NULL, NULL), EINVAL);

	if (mbuf_write_str(mb, "d") || calls != 1 || mb->end != 4)
		TEST_ERR("refused hooks changed a slot: %u calls", calls);

	err = test_in_libre();

 out:
	mem_deref(h);
	mem_deref(mb);
	return err;
}
