/*
 * A libre printer (struct re_printf) that appends to an mbuf, so that
 * any %H printer's output can be collected: for files written whole,
 * filtered command output, messages built in parts.
 */
#ifndef SIPSH_PF_MBUF_H
#define SIPSH_PF_MBUF_H

struct mbuf;
struct re_printf;

int  pf_mbuf_vph(const char *p, size_t size, void *arg);
void pf_mbuf_init(struct re_printf *pf, struct mbuf *mb);

#endif
