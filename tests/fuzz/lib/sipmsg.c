/*
 * Fuzz bytes as a SIP message decoded by libre (sip_msg_decode), the way
 * a module's SIP listener receives it, and as the numbers and addresses
 * that steer a run. Shared by the targets of our modules' SIP code.
 */
#include <string.h>
#include "re_base.h"
#include "sipmsg.h"

/* The next byte, 0 once they are used up. */
uint8_t fuzz_byte(struct fuzz_in *in)
{
	uint8_t b;

	if (!in->n)
		return 0;
	b = *in->p++;
	--in->n;
	return b;
}

/* An address: a byte choosing IPv4 or IPv6, then its bytes and a port. */
void fuzz_sa(struct fuzz_in *in, struct sa *sa)
{
	uint8_t a[16];
	uint16_t port;
	size_t i;
	bool v6 = fuzz_byte(in) & 1;

	for (i = 0; i < (v6 ? 16u : 4u); i++)
		a[i] = fuzz_byte(in);
	port = (uint16_t)(fuzz_byte(in) << 8 | fuzz_byte(in));

	if (v6)
		sa_set_in6(sa, a, port);
	else
		sa_set_in(sa, (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
			  (uint32_t)a[2] << 8 | a[3], port);
}

/* The bytes as a received SIP message; 0 or libre's refusal. */
int fuzz_sip_msg(struct sip_msg **msgp, const uint8_t *p, size_t n)
{
	struct mbuf *mb = mbuf_alloc(n + 1);
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_write_mem(mb, p, n);
	if (!err) {
		mb->pos = 0;
		err = sip_msg_decode(msgp, mb);
	}

	mem_deref(mb);
	return err;
}
