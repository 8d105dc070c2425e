/*
 * The mbuf printer: see pf_mbuf.h.
 */
#include "re_base.h"
#include "pf_mbuf.h"

int pf_mbuf_vph(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}

void pf_mbuf_init(struct re_printf *pf, struct mbuf *mb)
{
	pf->vph = pf_mbuf_vph;
	pf->arg = mb;
}
