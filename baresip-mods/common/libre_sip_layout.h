/*
 * libre 1.1.0's private SIP transport layout (src/sip/sip.h and
 * src/sip/transp.c at tag v1.1.0), as far as our modules read it: struct
 * sip starts with its list of transports, and each transport's head.
 * Declared once for every module that reads it (siptls/libre_peek.c,
 * sipaddr), with the head of a TCP helper (sipaddr); each reads it only
 * after checking it on the live objects (every element pointing back at
 * its list, every transport at its SIP stack), and the modules' version
 * check pins libre 1.1.0.
 */
#ifndef SIPSH_LIBRE_SIP_LAYOUT_H
#define SIPSH_LIBRE_SIP_LAYOUT_H

#include "re_base.h"

struct sip_head_v110 {
	struct list transpl;
};

struct sip_transport_v110 {
	struct le le;
	struct sa laddr;
	struct sip *sip;
	struct tls *tls;
	void *sock;
	enum sip_transp tp;
};

/*
 * libre 1.1.0's struct tcp_helper (src/tcp/tcp.c) starts with its element
 * in the connection's list of helpers; list_flush() clears the element's
 * list pointer when the connection is freed. A helper kept alive by a
 * reference of our own thus tells whether its connection still exists
 * (sipaddr/stream.c), checked right after registering it.
 */
struct tcp_helper_head_v110 {
	struct le le;
};

#endif
