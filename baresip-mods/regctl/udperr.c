/*
 * ICMP errors for REGISTERs sent over UDP, so that an attempt to a port
 * or host that is unreachable ends at once instead of at its timeout.
 *
 * Linux reports an ICMP error to an unconnected UDP socket only when
 * the socket asked for it (IP_RECVERR, IPV6_RECVERR); the error then
 * waits in the socket's error queue, the next receive (or send) fails
 * with it once, and the socket polls readable-with-error until the
 * queue is read with MSG_ERRQUEUE. libre 1.1.0 never reads that queue
 * (src/udp/udp.c: udp_read() calls recvfrom() and hands any error but
 * EAGAIN to the socket's error handler), so its loop would spin.
 *
 * So libre's own PLT slots for recvfrom() and sendto() are pointed here
 * (common/got_hook.h); nothing else's are. A datagram that starts
 * "REGISTER " marks the socket it leaves from (the SIP stack's UDP
 * transports are the only libre sockets that send one) with RECVERR
 * before it is sent. On a marked socket, a receive or send that fails
 * reads the error queue dry, queues each ICMP error with the address
 * its datagram went to, and is tried once more: libre sees the next
 * datagram or EAGAIN, never the ICMP error, and no datagram is lost.
 * The errors are handed on from a timer, outside libre's read call.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include "baresip.h"
#include "got_hook.h"
#include "udperr.h"

enum {
	MARK_MAX  = 32,    /* SIP/UDP sockets: one per address and family */
	PEND_MAX  = 8,     /* errors waiting to be handed on */
	DRAIN_MAX = 16,    /* queue entries read per call */
};

static struct {
	struct got_hook *recv_hook;
	struct got_hook *send_hook;
	udperr_h *h;
	void *arg;
	int markv[MARK_MAX];
	size_t markc;
	struct udperr pendv[PEND_MAX];
	size_t pendc;
	size_t dropped;
	struct tmr tmr;
} ue_st;

static const char register_start[] = "REGISTER ";

static bool marked(int fd)
{
	size_t i;

	for (i = 0; i < ue_st.markc; i++) {
		if (ue_st.markv[i] == fd)
			return true;
	}

	return false;
}

/* Whether the socket behind fd still asks for its errors: an entry for
 * a socket that was closed, its number taken by another, does not. */
static bool recverr_on(int fd)
{
	int on = 0;
	socklen_t ol = sizeof(on);

	if (!getsockopt(fd, SOL_IP, IP_RECVERR, &on, &ol) && on)
		return true;

	ol = sizeof(on);
	return !getsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, &ol) && on;
}

static void mark_add(int fd)
{
	size_t i = 0;

	if (marked(fd))
		return;

	if (ue_st.markc == MARK_MAX) {
		while (i < ue_st.markc) {
			if (recverr_on(ue_st.markv[i]))
				++i;
			else
				ue_st.markv[i] = ue_st.markv[--ue_st.markc];
		}
	}

	if (ue_st.markc < MARK_MAX)
		ue_st.markv[ue_st.markc++] = fd;
}

/* The socket a REGISTER leaves from asks for its ICMP errors; set on
 * every REGISTER, since a socket number may have been reused. */
static void mark(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int on = 1;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return;

	if (ss.ss_family == AF_INET) {
		if (setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)))
			return;
	}
	else if (ss.ss_family == AF_INET6) {
		if (setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)))
			return;
		/* IPv4 sent from an IPv6 socket, where that is allowed */
		(void)setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	}
	else {
		return;
	}

	mark_add(fd);
}

/* An IPv4 address as an IPv6 socket reports it (::ffff:a.b.c.d) is
 * compared as the IPv4 address it is. */
static void sa_unmap(struct sa *sa)
{
	struct sa v4;

	if (sa_af(sa) != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&sa->u.in6.sin6_addr))
		return;

	sa_init(&v4, AF_INET);
	memcpy(&v4.u.in.sin_addr, &sa->u.in6.sin6_addr.s6_addr[12], 4);
	sa_set_port(&v4, sa_port(sa));
	*sa = v4;
}

static void deliver(void *arg)
{
	struct udperr v[PEND_MAX];
	size_t n = ue_st.pendc, i;

	(void)arg;

	/* The handler may cause more sends and errors: take the batch. */
	memcpy(v, ue_st.pendv, n * sizeof(v[0]));
	ue_st.pendc = 0;

	if (ue_st.dropped) {
		warning("regctl: %zu ICMP errors dropped (more than %d at "
			"once)\n", ue_st.dropped, PEND_MAX);
		ue_st.dropped = 0;
	}

	for (i = 0; i < n && ue_st.h; i++)
		ue_st.h(&v[i], ue_st.arg);
}

static void pend(const struct udperr *ue)
{
	if (ue_st.pendc == PEND_MAX) {
		++ue_st.dropped;
		return;
	}

	ue_st.pendv[ue_st.pendc++] = *ue;
	if (!tmr_isrunning(&ue_st.tmr))
		tmr_start(&ue_st.tmr, 0, deliver, NULL);
}

/* One entry of the error queue: the ICMP error kept, anything else (a
 * local error, a time stamp) dropped with it. */
static void entry_take(struct msghdr *msg, const char *data, ssize_t n)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		const struct sock_extended_err *ee;
		const struct sockaddr *off;
		struct udperr ue;

		if (!((cm->cmsg_level == SOL_IP &&
		       cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == SOL_IPV6 &&
		       cm->cmsg_type == IPV6_RECVERR)))
			continue;

		ee = (const void *)CMSG_DATA(cm);
		if (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
		    ee->ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;

		memset(&ue, 0, sizeof(ue));
		ue.err = (int)ee->ee_errno;
		ue.v6 = ee->ee_origin == SO_EE_ORIGIN_ICMP6;
		ue.type = ee->ee_type;
		ue.code = ee->ee_code;
		/* ICMP 3 (but 4, fragmentation needed); ICMPv6 1 */
		ue.unreachable = ue.v6 ? ue.type == 1 :
			(ue.type == 3 && ue.code != 4);
		ue.register_req = n >= (ssize_t)strlen(register_start) &&
			!memcmp(data, register_start, strlen(register_start));

		if (sa_set_sa(&ue.dst, msg->msg_name))
			continue;
		sa_unmap(&ue.dst);

		off = (const void *)SO_EE_OFFENDER(ee);
		if (off->sa_family == AF_INET || off->sa_family == AF_INET6) {
			if (!sa_set_sa(&ue.offender, off))
				sa_unmap(&ue.offender);
		}

		pend(&ue);
	}
}

/* Reads fd's error queue dry (as far as DRAIN_MAX); how many entries. */
static size_t drain(int fd)
{
	size_t i;

	for (i = 0; i < DRAIN_MAX; i++) {
		struct sockaddr_storage name;
		char data[16];
		char ctl[512];
		struct iovec iov;
		struct msghdr msg;
		ssize_t n;

		memset(&msg, 0, sizeof(msg));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_name = &name;
		msg.msg_namelen = sizeof(name);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);

		n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			break;

		entry_take(&msg, data, n);
	}

	return i;
}

static ssize_t hook_recvfrom(int fd, void *buf, size_t len, int flags,
			     struct sockaddr *src, socklen_t *srclen)
{
	socklen_t cap = srclen ? *srclen : 0;
	ssize_t n = recvfrom(fd, buf, len, flags, src, srclen);
	int e, i;

	/* A failed read of a marked socket: its errors are taken from the
	 * queue, and it is read once more for a datagram. */
	for (i = 0; n < 0 && i < 2; i++) {
		e = errno;
		if (e == EINTR || !marked(fd) || !drain(fd)) {
			errno = e;
			return n;
		}
		if (i == 1 || e == EAGAIN || e == EWOULDBLOCK) {
			errno = EAGAIN;
			return -1;
		}
		if (srclen)
			*srclen = cap;
		n = recvfrom(fd, buf, len, flags, src, srclen);
	}

	return n;
}

static ssize_t hook_sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *dst, socklen_t dstlen)
{
	ssize_t n;
	int e;

	if (buf && len >= strlen(register_start) &&
	    !memcmp(buf, register_start, strlen(register_start)))
		mark(fd);

	n = sendto(fd, buf, len, flags, dst, dstlen);
	if (n >= 0)
		return n;

	/* A send fails with an ICMP error that no read took yet: that
	 * error is not this datagram's, which is sent again. */
	e = errno;
	if (e != EAGAIN && e != EINTR && marked(fd) && drain(fd))
		return sendto(fd, buf, len, flags, dst, dstlen);

	errno = e;
	return n;
}

int udperr_init(udperr_h *h, void *arg)
{
	int err;

	if (!h)
		return EINVAL;

	memset(&ue_st, 0, sizeof(ue_st));
	tmr_init(&ue_st.tmr);

	/* Our own references to recvfrom and sendto are the addresses the
	 * dynamic linker bound libre's slots to (BIND_NOW); udp_listen
	 * lies in libre. */
	err = got_hook_in_alloc(&ue_st.recv_hook, "recvfrom",
				(void *)hook_recvfrom, (void *)recvfrom,
				(const void *)udp_listen, NULL);
	if (!err)
		err = got_hook_in_alloc(&ue_st.send_hook, "sendto",
					(void *)hook_sendto, (void *)sendto,
					(const void *)udp_listen, NULL);
	if (err) {
		udperr_close();
		return err;
	}

	ue_st.h = h;
	ue_st.arg = arg;

	return 0;
}

/* A marked socket left as libre made it: without the read hook, an
 * error in its queue would keep libre's loop spinning. Turning RECVERR
 * off empties the queue (Linux purges it). */
static void unmark(int fd)
{
	int off = 0, type = 0;
	socklen_t ol = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) ||
	    type != SOCK_DGRAM)
		return;

	(void)setsockopt(fd, SOL_IP, IP_RECVERR, &off, sizeof(off));
	(void)setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &off, sizeof(off));
}

void udperr_close(void)
{
	size_t i;

	/* The send hook first: no socket is marked after the read hook,
	 * which keeps marked sockets from spinning, is gone. */
	ue_st.send_hook = mem_deref(ue_st.send_hook);
	for (i = 0; ue_st.recv_hook && i < ue_st.markc; i++)
		unmark(ue_st.markv[i]);
	ue_st.recv_hook = mem_deref(ue_st.recv_hook);
	tmr_cancel(&ue_st.tmr);
	ue_st.h = NULL;
	ue_st.pendc = 0;
	ue_st.markc = 0;
}

static const char *v4_name(uint8_t code)
{
	switch (code) {

	case 0: case 6: case 11: return "network unreachable";
	case 1: case 7: case 12: return "host unreachable";
	case 2:                  return "protocol unreachable";
	case 3:                  return "port unreachable";
	case 9: case 10: case 13: return "prohibited";
	default:                 return NULL;
	}
}

static const char *v6_name(uint8_t code)
{
	switch (code) {

	case 0:         return "network unreachable";
	case 1: case 5: case 6: return "prohibited";
	case 3:         return "host unreachable";
	case 4:         return "port unreachable";
	default:        return NULL;
	}
}

int udperr_print(struct re_printf *pf, const struct udperr *ue)
{
	const char *what = NULL;
	int err;

	if (!ue)
		return 0;

	if (ue->unreachable)
		what = ue->v6 ? v6_name(ue->code) : v4_name(ue->code);

	err = what ? re_hprintf(pf, "%s", what) :
		re_hprintf(pf, "%m", ue->err);

	if (!sa_isset(&ue->offender, SA_ADDR) ||
	    sa_cmp(&ue->offender, &ue->dst, SA_ADDR))
		err |= re_hprintf(pf, " from %J", &ue->dst);
	else
		err |= re_hprintf(pf, " from %j for %J", &ue->offender,
				  &ue->dst);

	return err;
}
