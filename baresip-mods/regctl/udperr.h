/*
 * ICMP errors for the REGISTERs the SIP stack sends over UDP (udperr.c):
 * the socket a REGISTER leaves from asks the kernel for them, and each
 * one is handed over from the socket's error queue, outside libre's read
 * call, while libre itself sees none.
 */
#ifndef REGCTL_UDPERR_H
#define REGCTL_UDPERR_H

/* One ICMP (or ICMPv6) error for a datagram a SIP socket sent. */
struct udperr {
	int err;             /* errno as the kernel words it */
	bool v6;             /* ICMPv6 */
	uint8_t type;
	uint8_t code;
	bool unreachable;    /* destination unreachable, not a PMTU error */
	bool register_req;   /* the datagram was a REGISTER */
	struct sa dst;       /* where that datagram was sent */
	struct sa offender;  /* who sent the error; unset when unknown */
};

typedef void (udperr_h)(const struct udperr *ue, void *arg);

/*
 * Redirects libre's recvfrom() and sendto() (common/got_hook.h); h gets
 * every ICMP error of a socket that has sent a REGISTER. ENOENT, EPROTO
 * and the like when libre's imports are not as expected: nothing is
 * changed then.
 */
int  udperr_init(udperr_h *h, void *arg);
void udperr_close(void);

/* "port unreachable from 127.0.0.1:5999" (the sender named when it is
 * not the destination's host: "host unreachable from 10.0.0.1 for
 * 192.0.2.7:5060"). */
int  udperr_print(struct re_printf *pf, const struct udperr *ue);

#endif
