/*
 * libFuzzer target: sipwire's allowed-proxies decision (allow.c). The
 * first bytes make up to three proxies with one or two addresses each and
 * the source address; the rest is the received message, decoded by
 * libre. Checked: nothing but a new INVITE is ever refused; with no proxy
 * nothing is; a source that is one of the proxies' addresses is never
 * refused; the decision ignores the source port and is the same for an
 * IPv4 source seen as IPv4-mapped IPv6 (a dual-stack socket).
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "sipwire.h"
#include "allow.h"
#include "sipmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mapped(struct sa *out, const struct sa *v4)
{
	uint8_t a[16] = {0};
	uint32_t ip = sa_in(v4);

	a[10] = a[11] = 0xff;
	a[12] = (uint8_t)(ip >> 24);
	a[13] = (uint8_t)(ip >> 16);
	a[14] = (uint8_t)(ip >> 8);
	a[15] = (uint8_t)ip;
	sa_set_in6(out, a, sa_port(v4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct proxy pv[3];
	struct list proxyl = LIST_INIT, none = LIST_INIT;
	struct sip_msg *msg = NULL;
	struct sa src, other;
	unsigned n, i, j;
	bool refuse;

	if (size > 16384)
		return 0;

	memset(pv, 0, sizeof(pv));
	n = fuzz_byte(&in) % 4;
	for (i = 0; i < n; i++) {
		unsigned c = 1 + fuzz_byte(&in) % 2;

		for (j = 0; j < c; j++) {
			struct sa a;
			unsigned f;

			fuzz_sa(&in, &a);
			f = sa_af(&a) == AF_INET6;
			pv[i].addrv[f][pv[i].addrc[f]++] = a;
		}
		list_append(&proxyl, &pv[i].le, &pv[i]);
	}

	fuzz_sa(&in, &src);

	if (fuzz_sip_msg(&msg, in.p, in.n))
		return 0;
	msg->src = src;

	refuse = allow_refuse(&proxyl, msg);

	if (refuse && !allow_applies(msg))
		abort();
	if (allow_refuse(&none, msg))
		abort();
	if (pl_strcmp(&msg->met, "INVITE") || pl_isset(&msg->to.tag))
		if (refuse)
			abort();

	/* Another port, the same decision. */
	other = msg->src;
	sa_set_port(&other, (uint16_t)(sa_port(&msg->src) + 1));
	if (allow_src(&proxyl, &other) != allow_src(&proxyl, &msg->src))
		abort();

	/* The same IPv4 source through a dual-stack socket. */
	if (sa_af(&msg->src) == AF_INET) {
		mapped(&other, &msg->src);
		if (allow_src(&proxyl, &other) != allow_src(&proxyl, &msg->src))
			abort();
	}

	/* Every proxy address is allowed, from any port. */
	for (i = 0; i < n; i++) {
		unsigned f;

		for (f = 0; f < 2; f++) {
			for (j = 0; j < pv[i].addrc[f]; j++) {
				other = pv[i].addrv[f][j];
				sa_set_port(&other, 5060);
				if (!allow_src(&proxyl, &other))
					abort();
			}
		}
	}

	mem_deref(msg);
	return 0;
}
