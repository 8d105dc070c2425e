/*
 * Localnet and STUN for SIP: which destinations lie inside the NAT (the
 * localnet prefixes), the address the kernel sends from toward a
 * destination, and the public address of the SIP socket, learnt with a
 * STUN binding of its own from that very socket (libre's stun keepalive,
 * refreshed every 30 s). A message beyond localnet that would leave
 * before the first answer is held, at most 3 s, and then sent with the
 * mapped address, or the local one if none came.
 */
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "sipaddr.h"

/* A message held: over UDP from sock, or over TCP/TLS on sc. */
struct pend {
	struct le le;
	struct udp_sock *sock;
	struct sconn *sc;       /* referenced */
	struct sa dst;
	struct mbuf *mb;
};

int localnet_handler(const struct pl *pl, void *arg)
{
	struct prefix *n;
	struct pl a = *pl, bits = PL_INIT;
	const char *slash = pl_strchr(pl, '/');
	unsigned max;
	(void)arg;

	if (sa_st.netc == sa_st.netcap) {
		size_t cap = sa_st.netcap ? sa_st.netcap * 2 : 16;
		struct prefix *v = mem_reallocarray(sa_st.netv, cap,
						    sizeof(*v), NULL);

		if (!v)
			return ENOMEM;
		sa_st.netv = v;
		sa_st.netcap = cap;
	}

	n = &sa_st.netv[sa_st.netc];
	if (slash) {
		a.l = (size_t)(slash - pl->p);
		bits.p = slash + 1;
		bits.l = pl->l - a.l - 1;
	}

	if (sa_set(&n->addr, &a, 0)) {
		warning("sipaddr: sipaddr_localnet '%r' is no address or "
			"prefix: left out\n", pl);
		return 0;
	}

	max = sa_af(&n->addr) == AF_INET ? 32 : 128;
	n->bits = pl_isset(&bits) ? pl_u32(&bits) : max;
	if (n->bits > max) {
		warning("sipaddr: sipaddr_localnet '%r': /%u is too long: "
			"left out\n", pl, n->bits);
		return 0;
	}

	++sa_st.netc;
	return 0;
}

static bool prefix_has(const struct prefix *n, const struct sa *a)
{
	uint8_t x[16], y[16];
	unsigned full, rest, len;

	if (sa_af(a) != sa_af(&n->addr))
		return false;

	if (sa_af(a) == AF_INET) {
		/* sa_in() is in host order: compare from the top byte */
		uint32_t u = htonl(sa_in(a)), v = htonl(sa_in(&n->addr));

		memcpy(x, &u, 4);
		memcpy(y, &v, 4);
		len = 4;
	}
	else {
		sa_in6(a, x);
		sa_in6(&n->addr, y);
		len = 16;
	}

	full = n->bits / 8;
	rest = n->bits % 8;
	if (full > len || memcmp(x, y, full))
		return false;

	return !rest || !((x[full] ^ y[full]) & (0xff << (8 - rest)));
}

bool in_localnet(const struct sa *addr)
{
	size_t i;

	for (i = 0; i < sa_st.netc; i++) {
		if (prefix_has(&sa_st.netv[i], addr))
			return true;
	}

	return false;
}

/* The source address the kernel chooses toward dst: a UDP socket
 * connected to it, which sends nothing. */
int route_src(struct sa *src, const struct sa *dst)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sa s;
	int fd, err = 0;

	fd = socket(sa_af(dst), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	if (connect(fd, &dst->u.sa, dst->len) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len))
		err = errno;
	else
		err = sa_set_sa(&s, (struct sockaddr *)&ss);

	(void)close(fd);
	if (!err)
		*src = s;

	return err;
}


static void pend_destructor(void *arg)
{
	struct pend *p = arg;

	list_unlink(&p->le);
	mem_deref(p->mb);
	mem_deref(p->sc);
}

/* A held message over TCP or TLS goes on its connection, if that still
 * exists. */
static int pend_send_stream(struct pend *p)
{
	int err;

	if (!sconn_live(p->sc))
		return 0;

	err = sconn_send(p->sc, p->mb);
	if (err == EBADMSG)
		err = tcp_send_helper(p->sc->tc, p->mb, p->sc->th);

	return err;
}

/* Sends what was held, now that the mapping is known or given up. */
static void pend_flush(void)
{
	struct le *le;

	tmr_cancel(&sa_st.tmr_pend);

	while ((le = list_head(&sa_st.pendl))) {
		struct pend *p = le->data;
		int err;

		list_unlink(&p->le);
		if (p->sc) {
			err = pend_send_stream(p);
			if (err)
				warning("sipaddr: sending a held message to "
					"%J: %m\n", &p->dst, err);
			mem_deref(p);
			continue;
		}
		if (!transp_sock_live(p->sock)) {
			mem_deref(p);
			continue;
		}

		err = msg_send(p->sock, &p->dst, p->mb);
		if (err == EBADMSG) {
			sa_st.in_send = true;
			err = udp_send(p->sock, &p->dst, p->mb);
			sa_st.in_send = false;
		}
		if (err)
			warning("sipaddr: sending a held message to %J: %m\n",
				&p->dst, err);
		mem_deref(p);
	}
}

static void pend_tmr_handler(void *arg)
{
	(void)arg;

	if (!sa_st.stun_done)
		warning("sipaddr: no answer from STUN server %s:%u within "
			"%d ms: SIP beyond localnet carries the local address "
			"until one comes\n", sa_st.stun_host, sa_st.stun_port,
			PEND_MS);
	sa_st.stun_done = true;
	pend_flush();
}

/*
 * Whether a message to dst beyond localnet waits for the SIP mapping
 * (then it is held, a copy); over UDP from sock, over TCP or TLS on sc.
 */
bool nat_hold(struct udp_sock *sock, struct sconn *sc, const struct sa *dst,
	      const struct mbuf *mb)
{
	struct pend *p;

	if (!sa_st.stun_host[0] || sa_st.stun_done || in_localnet(dst) ||
	    list_count(&sa_st.pendl) >= PEND_MAX)
		return false;

	p = mem_zalloc(sizeof(*p), pend_destructor);
	if (!p)
		return false;

	p->mb = mbuf_alloc(mbuf_get_left(mb));
	if (!p->mb || mbuf_write_mem(p->mb, mbuf_buf(mb),
				     mbuf_get_left(mb))) {
		mem_deref(p);
		return false;
	}
	p->mb->pos = 0;
	p->sock = sock;
	p->sc = mem_ref(sc);
	p->dst = *dst;
	list_append(&sa_st.pendl, &p->le, p);

	return true;
}

/*
 * Whether the mapping holds toward dst for a message leaving from src
 * over TCP or TLS: dst is beyond localnet and src is the address of the
 * SIP socket the binding runs on (the STUN server's way).
 */
bool nat_outside(const struct sa *dst, const struct sa *src)
{
	struct sa sl;

	if (in_localnet(dst) || !sa_st.stun_sock ||
	    !transp_sock_live(sa_st.stun_sock) ||
	    udp_local_get(sa_st.stun_sock, &sl))
		return false;

	return sa_cmp(&sl, src, SA_ADDR);
}

static void mapped_handler(int err, const struct sa *map, void *arg)
{
	(void)arg;

	if (err) {
		warning("sipaddr: STUN binding for SIP with %J: %m\n",
			&sa_st.stun_srv, err);
	}
	else if (!sa_cmp(map, &sa_st.sip_mapped, SA_ALL)) {
		info("sipaddr: SIP beyond localnet as %J (STUN %J)\n", map,
		     &sa_st.stun_srv);
		sa_st.sip_mapped = *map;
	}

	sa_st.stun_done = true;
	pend_flush();
}

/*
 * The SIP socket whose messages go the STUN server's way: the one bound
 * to the route's source address; with a bind interface set, the one
 * libre sends from toward it, as every message then does. With SIP on
 * every address and that socket not (yet) there: none, tried again.
 */
static struct udp_sock *stun_sock_for(const struct sa *srv)
{
	struct udp_sock *sock = NULL;
	struct sa src, prim;

	if (!route_src(&src, srv))
		sock = transp_udp_for(&src, NULL);
	if (!sock && !sa_st.listen_all &&
	    !sip_transp_laddr(sa_st.sip, &prim, SIP_TRANSP_UDP, srv))
		sock = transp_udp_for(&prim, NULL);

	return sock;
}

static void stun_dns_handler(int err, const struct sa *srv, void *arg)
{
	struct udp_sock *sock;
	(void)arg;

	/* sa_st.dnsq is freed at close, not from its own handler */
	sa_st.stun_resolving = false;
	if (err) {
		warning("sipaddr: STUN server %s: %m\n", sa_st.stun_host, err);
		goto fail;
	}

	sa_st.stun_srv = *srv;
	sock = stun_sock_for(srv);
	if (!sock) {
		warning("sipaddr: no SIP/UDP socket on the way to STUN "
			"server %J\n", srv);
		goto fail;
	}

	sa_st.stun_sock = sock;
	err = stun_keepalive_alloc(&sa_st.ska, IPPROTO_UDP, sock, 0, srv,
				   NULL, mapped_handler, NULL);
	if (err) {
		warning("sipaddr: STUN keepalive: %m\n", err);
		sa_st.stun_sock = NULL;
		goto fail;
	}
	stun_keepalive_enable(sa_st.ska, STUN_INTERVAL);
	return;

 fail:
	sa_st.stun_done = true;
	pend_flush();
}

int nat_start(void)
{
	struct sa lit;
	int err;

	if (!sa_st.stun_host[0])
		return 0;

	tmr_start(&sa_st.tmr_pend, PEND_MS, pend_tmr_handler, NULL);

	sa_st.stun_resolving = true;
	err = stun_server_discover(&sa_st.dnsq, net_dnsc(baresip_network()),
				   stun_usage_binding, stun_proto_udp,
				   sa_set_str(&lit, sa_st.stun_host, 0) ?
				   AF_INET : sa_af(&lit),
				   sa_st.stun_host, sa_st.stun_port,
				   stun_dns_handler, NULL);
	if (err) {
		warning("sipaddr: STUN server %s: %m\n", sa_st.stun_host, err);
		sa_st.stun_resolving = false;
		sa_st.stun_done = true;
	}

	return 0;
}

/* The SIP socket the binding runs on went away with a transport flush. */
void nat_stun_sock_gone(struct udp_sock *sock)
{
	if (!sock || sock != sa_st.stun_sock)
		return;

	sa_st.ska = mem_deref(sa_st.ska);
	sa_st.stun_sock = NULL;
	sa_init(&sa_st.sip_mapped, AF_UNSPEC);

	/* Until the binding on the new socket answers (at most 3 s), SIP
	 * beyond localnet waits again. */
	sa_st.stun_done = false;
	tmr_start(&sa_st.tmr_pend, PEND_MS, pend_tmr_handler, NULL);
}

/* After a flush: the binding again on the new socket. */
void nat_restart(void)
{
	struct udp_sock *sock;

	if (!sa_st.stun_host[0] || sa_st.stun_sock || sa_st.stun_resolving ||
	    !sa_isset(&sa_st.stun_srv, SA_ALL))
		return;

	sock = stun_sock_for(&sa_st.stun_srv);
	if (!sock)
		return;

	if (stun_keepalive_alloc(&sa_st.ska, IPPROTO_UDP, sock, 0,
				 &sa_st.stun_srv, NULL, mapped_handler, NULL))
		return;
	sa_st.stun_sock = sock;
	stun_keepalive_enable(sa_st.ska, STUN_INTERVAL);
}

void nat_close(void)
{
	tmr_cancel(&sa_st.tmr_pend);
	list_flush(&sa_st.pendl);
	sa_st.dnsq = mem_deref(sa_st.dnsq);
	sa_st.ska = mem_deref(sa_st.ska);
	sa_st.stun_sock = NULL;
}
