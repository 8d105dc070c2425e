/*
 * Every SIP message the stack sends over UDP, seen by our send helper on
 * its socket and sent again in the form its destination needs: a request
 * from the socket bound to the address the kernel routes toward the
 * destination, a response from the socket its request came in on;
 * with that address (toward localnet) or the STUN-mapped one (beyond it)
 * in the top Via of a request and in the Contact; and in the SDP, the
 * local address, or beyond localnet each media socket's STUN-mapped
 * address and port. libre prints the one address of the first transport
 * of the family into Via and Contact (and the receiving transport's into
 * a reply's Contact), and baresip one address into every SDP, so only
 * those texts are replaced. Retransmissions pass here again and get the
 * same result. The rewrite itself (msg_rewrite) serves SIP over TCP and
 * TLS too (stream.c).
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include "sipaddr.h"

/* A SIP message: a start line "METHOD URI SIP/2.0" or "SIP/2.0 CODE";
 * STUN, keepalive CRLFs and whatever else shares a TCP stack are not. */
bool is_sip_msg(const struct mbuf *mb)
{
	const char *p = (const char *)mbuf_buf(mb);
	size_t n = mbuf_get_left(mb);
	const char *eol;

	if (!p || n < 12)
		return false;
	if (!strncmp(p, "SIP/2.0 ", 8))
		return true;
	if (p[0] < 'A' || p[0] > 'Z')
		return false;

	eol = memchr(p, '\r', n);
	return eol && eol - p >= 8 && !memcmp(eol - 8, " SIP/2.0", 8);
}

static bool name_is(const char *p, size_t n, const char *a, const char *b)
{
	return (strlen(a) == n && !strncasecmp(p, a, n)) ||
		(b && strlen(b) == n && !strncasecmp(p, b, n));
}

static bool addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F') || c == '.' || c == ':' || c == ']';
}

/* Writes p[0..n) with each whole occurrence of from1 or from2 (an
 * address text not part of a longer one) replaced by to. */
static int put_replaced(struct mbuf *out, const char *p, size_t n,
			const char *from1, const char *from2, const char *to)
{
	size_t i = 0;
	int err = 0;

	while (i < n && !err) {
		const char *fv[2] = {from1, from2};
		size_t k, fl = 0;

		for (k = 0; k < 2 && !fl; k++) {
			size_t l = fv[k] ? strlen(fv[k]) : 0;

			if (!l || i + l > n || memcmp(p + i, fv[k], l))
				continue;
			if (i > 0 && addr_char(p[i - 1]) && p[i - 1] != ':')
				continue;
			if (i + l < n && addr_char(p[i + l]) &&
			    p[i + l] != ':' && p[i + l] != ']')
				continue;
			fl = l;
		}

		if (fl) {
			err = mbuf_write_str(out, to);
			i += fl;
		}
		else {
			err = mbuf_write_u8(out, (uint8_t)p[i++]);
		}
	}

	return err;
}

static int port_print(struct mbuf *out, const char *p, size_t n,
		      bool outside)
{
	struct pl pl = {p, n};
	uint32_t port = pl_u32(&pl);
	const struct media_map *m = outside && port ? media_map_find(
		(uint16_t)port) : NULL;

	if (!m)
		return mbuf_write_mem(out, (const uint8_t *)p, n);

	return mbuf_printf(out, "%u", sa_port(&m->mapped));
}

/* One SDP line, rewritten: c=, o=, m= and a=rtcp:. */
static int sdp_line(struct mbuf *out, const char *p, size_t n,
		    const struct sdp_plan *pl)
{
	const char *fam = sa_af(&pl->addr) == AF_INET6 ? "IN IP6 " :
		"IN IP4 ";
	const char *in = NULL;
	size_t i;
	int err = 0;

	if (n > 2 && (!strncmp(p, "c=", 2) || !strncmp(p, "o=", 2))) {
		for (i = 0; i + 7 <= n && !in; i++) {
			if (!memcmp(p + i, fam, 7))
				in = p + i + 7;
		}
		if (!in)
			return mbuf_write_mem(out, (const uint8_t *)p, n);

		err = mbuf_write_mem(out, (const uint8_t *)p,
				     (size_t)(in - p));
		return err ? err : mbuf_printf(out, "%j", &pl->addr);
	}

	if (n > 8 && !strncmp(p, "m=", 2)) {
		const char *sp = memchr(p, ' ', n), *e;

		if (!sp)
			return mbuf_write_mem(out, (const uint8_t *)p, n);
		++sp;
		for (e = sp; e < p + n && *e >= '0' && *e <= '9'; e++)
			;
		err = mbuf_write_mem(out, (const uint8_t *)p,
				     (size_t)(sp - p));
		if (!err)
			err = port_print(out, sp, (size_t)(e - sp),
					 pl->outside);
		if (!err)
			err = mbuf_write_mem(out, (const uint8_t *)e,
					     (size_t)(p + n - e));
		return err;
	}

	if (n > 7 && !strncmp(p, "a=rtcp:", 7)) {
		const char *e;

		for (e = p + 7; e < p + n && *e >= '0' && *e <= '9'; e++)
			;
		err = mbuf_write_mem(out, (const uint8_t *)p, 7);
		if (!err)
			err = port_print(out, p + 7, (size_t)(e - p - 7),
					 pl->outside);
		if (!err && e < p + n && (size_t)(p + n - e) > 8 &&
		    !memcmp(e, " ", 1) && !memcmp(e + 1, fam, 7))
			err = mbuf_printf(out, " %s%j", fam, &pl->addr);
		else if (!err)
			err = mbuf_write_mem(out, (const uint8_t *)e,
					     (size_t)(p + n - e));
		return err;
	}

	return mbuf_write_mem(out, (const uint8_t *)p, n);
}

/* The first m= line's port: its mapping gives c= beyond localnet. */
static uint16_t first_mport(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i++) {
		if ((i == 0 || p[i - 1] == '\n') && !strncmp(p + i, "m=", 2)) {
			const char *sp = memchr(p + i, ' ', n - i);
			struct pl pl;

			if (!sp)
				return 0;
			pl.p = sp + 1;
			pl.l = 0;
			while (pl.p + pl.l < p + n && pl.p[pl.l] >= '0' &&
			       pl.p[pl.l] <= '9')
				++pl.l;
			return (uint16_t)pl_u32(&pl);
		}
	}

	return 0;
}

static int sdp_rewrite(struct mbuf *out, const char *p, size_t n,
		       struct sdp_plan *pl)
{
	size_t i = 0;
	int err = 0;

	if (pl->outside) {
		const struct media_map *m = media_map_find(first_mport(p, n));

		if (m && sa_af(&m->mapped) == sa_af(&pl->addr))
			sa_cpy(&pl->addr, &m->mapped);
		else
			pl->outside = false;
	}

	while (i < n && !err) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, len = end - i;

		if (len && p[end - 1] == '\r')
			--len;
		err = sdp_line(out, p + i, len, pl);
		if (!err && end > i + len)
			err = mbuf_write_mem(out, (const uint8_t *)p + i + len,
					     end - i - len);
		if (!err && nl)
			err = mbuf_write_u8(out, '\n');
		i = nl ? end + 1 : n;
	}

	return err;
}

/*
 * The message in mb as it must go: the texts a and b (the addresses libre
 * printed) replaced by sentby in the top Via of a request and in every
 * Contact, the SDP planned by pl, and the Content-Length counted again.
 */
int msg_rewrite(struct mbuf **outp, const struct mbuf *mb,
		const char *a, const char *b, const char *sentby,
		struct sdp_plan *pl)
{
	const char *p = (const char *)mbuf_buf(mb);
	size_t n = mbuf_get_left(mb), i = 0, hend;
	struct mbuf *out = NULL, *body = NULL;
	bool request, via_done = false, sdp = false;
	int err = 0;

	if (!p || n < 8)
		return EBADMSG;
	request = strncmp(p, "SIP/2.0 ", 8) != 0;

	for (hend = 0; hend + 3 < n; hend++) {
		if (!memcmp(p + hend, "\r\n\r\n", 4))
			break;
	}
	if (hend + 3 >= n)
		return EBADMSG;

	out = mbuf_alloc(n + 256);
	body = mbuf_alloc(n - hend + 64);
	if (!out || !body) {
		err = ENOMEM;
		goto out;
	}

	/* The headers, first: is the body SDP? */
	while (i < hend) {
		const char *nl = memchr(p + i, '\n', hend + 2 - i);
		size_t end = nl ? (size_t)(nl - p) + 1 : hend + 2;
		const char *colon = memchr(p + i, ':', end - i);
		size_t nl_len = colon ? (size_t)(colon - p) - i : 0;

		while (nl_len && (p[i + nl_len - 1] == ' ' ||
				  p[i + nl_len - 1] == '\t'))
			--nl_len;
		if (colon && name_is(p + i, nl_len, "content-type", "c") &&
		    end > i && memmem(colon, end - (size_t)(colon - p),
				      "application/sdp", 15))
			sdp = true;
		i = end;
	}

	if (sdp)
		err = sdp_rewrite(body, p + hend + 4, n - hend - 4, pl);
	else
		err = mbuf_write_mem(body, (const uint8_t *)p + hend + 4,
				     n - hend - 4);
	if (err)
		goto out;

	for (i = 0; i < hend + 2 && !err; ) {
		const char *nl = memchr(p + i, '\n', hend + 2 - i);
		size_t end = nl ? (size_t)(nl - p) + 1 : hend + 2;
		const char *colon = i ? memchr(p + i, ':', end - i) : NULL;
		size_t nl_len = colon ? (size_t)(colon - p) - i : 0;

		while (nl_len && (p[i + nl_len - 1] == ' ' ||
				  p[i + nl_len - 1] == '\t'))
			--nl_len;

		if (colon && name_is(p + i, nl_len, "content-length", "l")) {
			err = mbuf_printf(out, "%b: %zu\r\n", p + i, nl_len,
					  body->end);
		}
		else if (colon && name_is(p + i, nl_len, "contact", "m")) {
			err = put_replaced(out, p + i, end - i, a, b, sentby);
		}
		else if (colon && request && !via_done &&
			 name_is(p + i, nl_len, "via", "v")) {
			err = put_replaced(out, p + i, end - i, a, b, sentby);
			via_done = true;
		}
		else {
			err = mbuf_write_mem(out, (const uint8_t *)p + i,
					     end - i);
		}
		i = end;
	}

	if (!err)
		err = mbuf_write_str(out, "\r\n");
	if (!err)
		err = mbuf_write_mem(out, body->buf, body->end);
	if (err)
		goto out;

	out->pos = 0;

 out:
	mem_deref(body);
	if (err)
		mem_deref(out);
	else
		*outp = out;

	return err;
}

/*
 * A message sent from another socket than the one libre chose keeps the
 * DiffServ class that socket carries (sipwire marks the sockets libre
 * reports for each family, which are the ones libre chooses).
 */
static void tos_follow(struct udp_sock *from, struct udp_sock *to, int af)
{
	int lvl = af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = af == AF_INET6 ? IPV6_TCLASS : IP_TOS;
	int ffd = udp_sock_fd(from, af), tfd = udp_sock_fd(to, af);
	int a = 0, b = 0;
	socklen_t la = sizeof(a), lb = sizeof(b);

	if (ffd < 0 || tfd < 0 ||
	    getsockopt(ffd, lvl, opt, &a, &la) ||
	    getsockopt(tfd, lvl, opt, &b, &lb) || a == b)
		return;

	(void)setsockopt(tfd, lvl, opt, &a, sizeof(a));
}

/*
 * Sends mb to dst as the destination needs it; sock is the socket libre
 * chose, kept for responses and when no socket of ours is bound to the
 * route's source.
 * EBADMSG: mb is no SIP message we can read, and nothing was sent.
 */
int msg_send(struct udp_sock *sock, const struct sa *dst,
	     const struct mbuf *mb)
{
	struct udp_sock *target = NULL;
	struct sa src, own, tladdr, prim, sentby;
	char ta[64] = "", tb[64] = "", ts[64];
	struct sdp_plan plan;
	struct mbuf *out = NULL;
	bool outside;
	int err;

	if (udp_local_get(sock, &own))
		sa_init(&own, AF_UNSPEC);

	/* A response leaves from where its request came in (RFC 3261
	 * 18.2.2: a NAT in front of the caller lets only that through); a
	 * request from the socket on the route toward its destination. */
	if (strncmp((const char *)mbuf_buf(mb), "SIP/2.0 ", 8) &&
	    !route_src(&src, dst))
		target = transp_udp_for(&src, &tladdr);
	if (!target) {
		target = sock;
		tladdr = own;
		sa_cpy(&src, &own);
	}

	/* The mappings hold for what leaves by the STUN server's way: the
	 * SIP socket the binding ran on, and the media sockets (bound to
	 * every address) toward destinations reached from it. */
	outside = !in_localnet(dst) && target == sa_st.stun_sock;
	sentby = tladdr;
	if (outside && sa_isset(&sa_st.sip_mapped, SA_ALL))
		sentby = sa_st.sip_mapped;

	if (!sip_transp_laddr(sa_st.sip, &prim, SIP_TRANSP_UDP, dst))
		(void)re_snprintf(ta, sizeof(ta), "%J", &prim);
	if (sa_isset(&own, SA_ALL))
		(void)re_snprintf(tb, sizeof(tb), "%J", &own);
	(void)re_snprintf(ts, sizeof(ts), "%J", &sentby);

	sa_cpy(&plan.addr, &src);
	plan.outside = outside && sa_st.mnat_on;

	/* Not a message we can read (EBADMSG): the caller sends it as
	 * libre made it. */
	err = msg_rewrite(&out, mb, ta, tb, ts, &plan);
	if (err)
		return err;

	if (target != sock)
		tos_follow(sock, target, sa_af(dst));

	sa_st.in_send = true;
	err = udp_send(target, dst, out);
	sa_st.in_send = false;

	mem_deref(out);
	return err;
}

bool send_helper(int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
	struct udp_sock *sock = arg;

	if (sa_st.in_send || !sa_st.layout_ok || !is_sip_msg(mb))
		return false;

	if (nat_hold(sock, NULL, dst, mb)) {
		*err = 0;
		return true;
	}

	*err = msg_send(sock, dst, mb);
	if (*err == EBADMSG) {
		*err = 0;
		return false;
	}

	return true;
}
