/*
 * Whether a received request is refused as not from an allowed proxy:
 * only a new INVITE (no To-tag) is filtered, and it passes when its
 * source address is one of the proxies' (any port). No state and no
 * baresip: proxies.c answers what this decides, and the fuzzer calls it
 * directly (tests/fuzz/fuzz_invite.c).
 */
#include <string.h>
#include "sipwire.h"
#include "allow.h"

/* The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) holds,
 * as a dual-stack socket reports an IPv4 peer; other addresses as they
 * are. */
static void unmapped(struct sa *out, const struct sa *in)
{
	*out = *in;

	if (sa_af(in) == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&in->u.in6.sin6_addr)) {
		const uint8_t *b = in->u.in6.sin6_addr.s6_addr;

		sa_set_in(out, (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
			  (uint32_t)b[14] << 8 | b[15], sa_port(in));
	}
}

/* Whether the filter looks at this request at all: a new INVITE. */
bool allow_applies(const struct sip_msg *msg)
{
	return msg && msg->req && !pl_strcmp(&msg->met, "INVITE") &&
		!pl_isset(&msg->to.tag);
}

/* Whether src is an address of one of the proxies; with none, anyone. */
bool allow_src(const struct list *proxyl, const struct sa *src)
{
	struct sa s;
	struct le *le;

	if (list_isempty(proxyl))
		return true;
	if (!src)
		return false;

	unmapped(&s, src);

	for (le = list_head(proxyl); le; le = le->next) {
		const struct proxy *p = le->data;
		unsigned f, i;

		for (f = 0; f < 2; f++) {
			for (i = 0; i < p->addrc[f] && i < ADDR_MAX; i++) {
				struct sa a;

				unmapped(&a, &p->addrv[f][i]);
				if (sa_cmp(&a, &s, SA_ADDR))
					return true;
			}
		}
	}

	return false;
}

/* The decision: refuse this request (403) as not from a proxy. */
bool allow_refuse(const struct list *proxyl, const struct sip_msg *msg)
{
	return allow_applies(msg) && !allow_src(proxyl, &msg->src);
}
