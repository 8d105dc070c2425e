/*
 * The SIP stack's transports as sipaddr needs them: with bind-interface
 * unset, UDP, TCP and TLS on the SIP ports of every address of every
 * interface (baresip 1.0.0 listens only on the default route's source
 * address, or nowhere when there is none); and our send helper on every
 * UDP transport socket, found in libre 1.1.0's private transport list
 * once its layout is proven on the live objects. Checked again every
 * second, since baresip flushes and rebuilds the transports when the
 * network changes.
 */
#include <ifaddrs.h>
#include <string.h>
#include <sys/socket.h>
#include "sipaddr.h"

static bool tp_valid(enum sip_transp tp)
{
	return tp == SIP_TRANSP_UDP || tp == SIP_TRANSP_TCP ||
		tp == SIP_TRANSP_TLS || tp == SIP_TRANSP_WS ||
		tp == SIP_TRANSP_WSS;
}

/*
 * Every element of the list must point back at its list and object, at
 * our stack, carry a known transport type and an address libre itself
 * reports as a local transport address; a UDP transport's socket must be
 * bound to exactly that address.
 */
bool transp_layout_ok(struct sip *sip)
{
	const struct sip_head_v110 *h = (const void *)sip;
	struct le *le;
	unsigned guard = 0;

	if (!sip)
		return false;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;
		struct sa la;

		if (++guard > 64 || !t || le->list != &h->transpl ||
		    &t->le != le || t->sip != sip || !tp_valid(t->tp) ||
		    !t->sock)
			return false;

		if (!sip_transp_isladdr(sip, t->tp, &t->laddr))
			return false;

		if (t->tp == SIP_TRANSP_UDP &&
		    (udp_local_get(t->sock, &la) ||
		     !sa_cmp(&la, &t->laddr, SA_ALL)))
			return false;
	}

	return true;
}

/* An address we listen on: not link-local IPv6, which needs a scope. */
static bool usable(const struct sa *a)
{
	if (sa_af(a) != AF_INET && sa_af(a) != AF_INET6)
		return false;
	if (sa_af(a) == AF_INET6 && sa_is_linklocal(a))
		return false;
	return sa_isset(a, SA_ADDR);
}

/*
 * The TLS context for our TLS transports: baresip's one, from a TLS
 * transport it made (siptls configures exactly that context, so a TLS
 * transport of ours that shares it is verified like baresip's own); when
 * baresip has none (no default route at start), one of our own, which
 * siptls configures as well (tlsctx.c).
 */
static struct tls *tls_for_transports(void)
{
	const struct sip_head_v110 *h = (const void *)sa_st.sip;
	struct le *le;

	if (!transp_layout_ok(sa_st.sip))
		return NULL;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;

		if (t->tp == SIP_TRANSP_TLS && t->tls &&
		    t->tls != sa_st.own_tls)
			return t->tls;
	}

	return tlsctx_own();
}

/* An address that could not be listened on is said once, and tried
 * again silently every second (a new IPv6 address cannot be bound
 * until duplicate address detection is done). */
static bool said_before(const struct sa *a)
{
	size_t i;

	for (i = 0; i < sa_st.failc; i++) {
		if (sa_cmp(&sa_st.failv[i], a, SA_ALL))
			return true;
	}

	if (sa_st.failc < FAIL_MAX)
		sa_st.failv[sa_st.failc++] = *a;

	return false;
}

/* UDP, TCP and (port + 1) TLS on every address not listened on yet. */
static void listen_all(void)
{
	struct ifaddrs *ifa, *i;
	struct tls *tls = tls_for_transports();

	if (getifaddrs(&ifa))
		return;

	for (i = ifa; i; i = i->ifa_next) {
		struct sa a;
		int err = 0;

		if (!i->ifa_addr || sa_set_sa(&a, i->ifa_addr) || !usable(&a))
			continue;
		sa_set_port(&a, sa_st.port);

		if (!sip_transp_isladdr(sa_st.sip, SIP_TRANSP_UDP, &a)) {
			err = sip_transp_add(sa_st.sip, SIP_TRANSP_UDP, &a);
			if (!err)
				info("sipaddr: SIP/UDP on %J\n", &a);
		}
		if (!err && !sip_transp_isladdr(sa_st.sip, SIP_TRANSP_TCP,
						&a)) {
			err = sip_transp_add(sa_st.sip, SIP_TRANSP_TCP, &a);
			if (!err)
				info("sipaddr: SIP/TCP on %J\n", &a);
		}
		if (!err && tls) {
			sa_set_port(&a, sa_st.port + 1);
			/* the transport takes its own reference */
			if (!sip_transp_isladdr(sa_st.sip, SIP_TRANSP_TLS,
						&a)) {
				err = sip_transp_add(sa_st.sip, SIP_TRANSP_TLS,
						     &a, tls);
				if (!err)
					info("sipaddr: SIP/TLS on %J\n", &a);
			}
		}
		if (err && !said_before(&a))
			warning("sipaddr: cannot listen on %J: %m (tried again "
				"every second)\n", &a, err);
	}

	freeifaddrs(ifa);
}

static bool hooked(const struct udp_sock *sock)
{
	size_t i;

	for (i = 0; i < sa_st.hookc; i++) {
		if (sa_st.hookv[i].sock == sock)
			return true;
	}

	return false;
}

/*
 * Whether k's socket is still a transport of the stack and our helper is
 * still linked to it: a flush frees the socket and unlinks its helpers,
 * and a new socket may come back at the same address.
 */
static bool hook_live(const struct hook *k)
{
	const struct sip_head_v110 *h = (const void *)sa_st.sip;
	struct le *le;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;

		if (t->tp == SIP_TRANSP_UDP && t->sock == k->sock &&
		    sa_cmp(&t->laddr, &k->laddr, SA_ALL))
			return udp_helper_find(k->sock, HELPER_LAYER) == k->uh;
	}

	return false;
}

/* Forget the hooks of sockets no longer in the transport list. */
static void hooks_prune(void)
{
	size_t i = 0;

	while (i < sa_st.hookc) {
		struct hook *k = &sa_st.hookv[i];

		if (hook_live(k)) {
			++i;
			continue;
		}

		nat_stun_sock_gone(k->sock);
		mem_deref(k->uh);
		*k = sa_st.hookv[--sa_st.hookc];
	}
}

static void hooks_add(void)
{
	const struct sip_head_v110 *h = (const void *)sa_st.sip;
	struct le *le;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;
		struct hook *k;
		int err;

		if (t->tp != SIP_TRANSP_UDP || hooked(t->sock))
			continue;
		if (sa_st.hookc >= HOOK_MAX) {
			warning("sipaddr: more than %d SIP/UDP sockets: %J is "
				"left as libre sends from it\n", HOOK_MAX,
				&t->laddr);
			continue;
		}

		k = &sa_st.hookv[sa_st.hookc];
		err = udp_register_helper(&k->uh, t->sock, HELPER_LAYER,
					  send_helper, NULL, t->sock);
		if (err) {
			warning("sipaddr: cannot hook SIP/UDP %J: %m\n",
				&t->laddr, err);
			continue;
		}

		/* Our reference keeps the helper's memory when libre frees
		 * the socket (and its helpers) in a transport flush. */
		mem_ref(k->uh);
		k->sock = t->sock;
		k->laddr = t->laddr;
		++sa_st.hookc;
	}
}

void transp_check(void)
{
	if (!sa_st.sip)
		return;

	/* First the hooks of sockets a flush took: the STUN binding on
	 * such a socket still holds it, and its port, open. */
	if (sa_st.layout_ok && transp_layout_ok(sa_st.sip))
		hooks_prune();

	if (sa_st.listen_all)
		listen_all();

	if (!transp_layout_ok(sa_st.sip)) {
		if (sa_st.layout_ok)
			warning("sipaddr: libre's SIP transport list is not "
				"the 1.1.0 layout: Contact, Via and SDP are "
				"left as libre writes them\n");
		sa_st.layout_ok = false;
		return;
	}

	sa_st.layout_ok = true;
	hooks_prune();
	hooks_add();
}

/*
 * The SIP/UDP socket bound to src's address (on the SIP port, or any
 * port when several), straight from the live transport list.
 */
struct udp_sock *transp_udp_for(const struct sa *src, struct sa *laddr)
{
	const struct sip_head_v110 *h = (const void *)sa_st.sip;
	struct le *le;

	if (!sa_st.layout_ok || !transp_layout_ok(sa_st.sip))
		return NULL;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;

		if (t->tp != SIP_TRANSP_UDP ||
		    !sa_cmp(&t->laddr, src, SA_ADDR))
			continue;

		if (laddr)
			*laddr = t->laddr;
		return t->sock;
	}

	return NULL;
}

/* The port of our transport of kind tp on addr's address, or 0. */
uint16_t transp_port_on(enum sip_transp tp, const struct sa *addr)
{
	const struct sip_head_v110 *h = (const void *)sa_st.sip;
	struct le *le;

	if (!sa_st.layout_ok || !transp_layout_ok(sa_st.sip))
		return 0;

	for (le = h->transpl.head; le; le = le->next) {
		const struct sip_transport_v110 *t = le->data;

		if (t->tp == tp && sa_cmp(&t->laddr, addr, SA_ADDR))
			return sa_port(&t->laddr);
	}

	return 0;
}

/* Whether sock is one of the SIP stack's UDP sockets we hook. */
bool transp_sock_live(const struct udp_sock *sock)
{
	size_t i;

	if (!sa_st.layout_ok || !transp_layout_ok(sa_st.sip))
		return false;

	for (i = 0; i < sa_st.hookc; i++) {
		if (sa_st.hookv[i].sock == sock)
			return hook_live(&sa_st.hookv[i]);
	}

	return false;
}

void transp_close(void)
{
	bool ok = sa_st.sip && sa_st.layout_ok &&
		transp_layout_ok(sa_st.sip);
	size_t i;

	tmr_cancel(&sa_st.tmr_check);

	if (ok)
		hooks_prune();

	/* A hook still linked holds two references: the socket's and
	 * ours. Without a proven list, only ours is given back. */
	for (i = 0; i < sa_st.hookc; i++) {
		if (ok)
			mem_deref(sa_st.hookv[i].uh);
		mem_deref(sa_st.hookv[i].uh);
	}
	sa_st.hookc = 0;
}
