/*
 * SIP over TCP and TLS, message by message. libre 1.1.0 prints into the
 * Via and Contact of every request over TCP or TLS the address of the
 * first transport of that kind and family, and into a response's
 * Contact the connection's own local address and port (an outgoing
 * connection's is an ephemeral one), whatever connection the message
 * leaves on. Each TCP connection libre makes (tcp_connect) or accepts
 * (tcp_accept) gets our send helper above TLS's (tls_start_tcp puts the
 * TLS layer at 0, ours is higher), so it sees every message in plain
 * text before TLS encrypts it, and sends on, through the layers below,
 * the message rewritten as rewrite.c does over UDP: in the top Via of a
 * request and in the Contact, the connection's local address with the
 * port of our listener of that kind on that address (the one a
 * registrar can reach back); toward a destination beyond localnet, left
 * by the STUN server's way, the SIP socket's STUN-mapped address with
 * that listening port (a TCP mapping's port would be only that
 * connection's), and in the SDP each media socket's mapping. With a bind
 * interface, the connections libre makes are bound to its address, as
 * SIP over UDP leaves from it.
 *
 * The connections are seen where libre makes them: its own PLT slots
 * for tcp_connect, tcp_accept and tls_start_tcp point here
 * (common/got_hook.h). libre frees a connection's helpers with it; our
 * own reference to the helper keeps its list element, which libre then
 * clears, so a connection gone is told without touching it.
 */
#include <string.h>
#include "sipaddr.h"

static bool th_head_ok(const struct tcp_helper *th)
{
	const struct tcp_helper_head_v110 *h = (const void *)th;

	return h->le.data == th && h->le.list != NULL;
}

bool sconn_live(const struct sconn *sc)
{
	const struct tcp_helper_head_v110 *h = (const void *)sc->th;

	return sc->th && h->le.list != NULL;
}

static void sconn_destructor(void *arg)
{
	struct sconn *sc = arg;

	list_unlink(&sc->le);
	if (!sc->th)
		return;

	/* The connection's own reference too, when it still exists: our
	 * helper leaves it, which goes on without us. */
	if (sconn_live(sc))
		mem_deref(sc->th);
	mem_deref(sc->th);
}

static struct sconn *sconn_find(const struct tcp_conn *tc)
{
	struct le *le;

	for (le = sa_st.sconnl.head; le; le = le->next) {
		struct sconn *sc = le->data;

		/* a connection gone may share its address with a new one */
		if (sc->tc == tc && sconn_live(sc))
			return sc;
	}

	return NULL;
}

/*
 * Sends mb on sc's connection as its destination needs it, through the
 * helpers below ours (TLS). EBADMSG: mb is no SIP message we can read,
 * and nothing was sent.
 */
int sconn_send(struct sconn *sc, const struct mbuf *mb)
{
	enum sip_transp tp = sc->tls ? SIP_TRANSP_TLS : SIP_TRANSP_TCP;
	struct sa local, peer, prim, sentby;
	char ta[64] = "", tb[64] = "", ts[64];
	struct sdp_plan plan;
	struct mbuf *out = NULL;
	uint16_t port;
	int err;

	if (tcp_conn_local_get(sc->tc, &local) ||
	    tcp_conn_peer_get(sc->tc, &peer))
		return EBADMSG;

	if (!sip_transp_laddr(sa_st.sip, &prim, tp, &peer))
		(void)re_snprintf(ta, sizeof(ta), "%J", &prim);
	else
		sa_init(&prim, AF_UNSPEC);
	(void)re_snprintf(tb, sizeof(tb), "%J", &local);

	/* Our listener of this kind on the connection's address; with
	 * none there (a bind interface, a connection from elsewhere), the
	 * address libre wrote, which is one we listen on. */
	port = transp_port_on(tp, &local);
	if (port) {
		sentby = local;
		sa_set_port(&sentby, port);
	}
	else if (sa_isset(&prim, SA_ALL)) {
		sentby = prim;
		port = sa_port(&prim);
	}
	else {
		sentby = local;
	}

	plan.outside = nat_outside(&peer, &local);
	if (plan.outside && sa_isset(&sa_st.sip_mapped, SA_ADDR) &&
	    sa_af(&sa_st.sip_mapped) == sa_af(&local) && port) {
		sentby = sa_st.sip_mapped;
		sa_set_port(&sentby, port);
	}
	(void)re_snprintf(ts, sizeof(ts), "%J", &sentby);

	sa_cpy(&plan.addr, &local);
	plan.outside = plan.outside && sa_st.mnat_on;

	err = msg_rewrite(&out, mb, ta, tb, ts, &plan);
	if (err)
		return err;

	err = tcp_send_helper(sc->tc, out, sc->th);
	mem_deref(out);

	return err;
}

static bool send_handler(int *err, struct mbuf *mb, void *arg)
{
	struct sconn *sc = arg;
	struct sa peer;
	int e;

	if (!sa_st.layout_ok || !is_sip_msg(mb) ||
	    tcp_conn_peer_get(sc->tc, &peer))
		return false;

	if (nat_hold(NULL, sc, &peer, mb)) {
		*err = 0;
		return true;
	}

	e = sconn_send(sc, mb);
	if (e == EBADMSG)
		return false;

	*err = e;
	return true;
}

/* Our helper on a connection libre just made or accepted. */
static void sconn_add(struct tcp_conn *tc)
{
	struct sconn *sc;
	int err;

	if (!sa_st.sip || !tc)
		return;

	sc = mem_zalloc(sizeof(*sc), sconn_destructor);
	if (!sc)
		goto fail;

	err = tcp_register_helper(&sc->th, tc, TCP_LAYER, NULL, send_handler,
				  NULL, sc);
	if (err)
		goto fail;

	if (!th_head_ok(sc->th)) {
		warning("sipaddr: libre's TCP helper is not the 1.1.0 layout: "
			"Via and Contact over TCP and TLS are left as libre "
			"writes them\n");
		sc->th = mem_deref(sc->th);   /* the connection's, unlinked */
		goto fail;
	}

	mem_ref(sc->th);
	sc->tc = tc;
	list_append(&sa_st.sconnl, &sc->le, sc);
	return;

 fail:
	mem_deref(sc);
}

/*
 * With a bind interface, SIP over UDP leaves from the bound socket; a
 * connection libre makes is bound to that address too (not one to a DNS
 * server's port 53), so that it leaves from where SIP listens.
 */
static int hook_tcp_connect(struct tcp_conn **tcp, const struct sa *peer,
			    tcp_estab_h *eh, tcp_recv_h *rh, tcp_close_h *ch,
			    void *arg)
{
	struct sa local;
	int err;

	if (!sa_st.listen_all && sa_st.sip && peer && sa_port(peer) != 53 &&
	    !sip_transp_laddr(sa_st.sip, &local, SIP_TRANSP_TCP, peer)) {
		sa_set_port(&local, 0);
		err = tcp_connect_bind(tcp, peer, eh, rh, ch, &local, arg);
	}
	else {
		err = tcp_connect(tcp, peer, eh, rh, ch, arg);
	}

	if (!err)
		sconn_add(*tcp);

	return err;
}

static int hook_tcp_accept(struct tcp_conn **tcp, struct tcp_sock *ts,
			   tcp_estab_h *eh, tcp_recv_h *rh, tcp_close_h *ch,
			   void *arg)
{
	int err = tcp_accept(tcp, ts, eh, rh, ch, arg);

	if (!err)
		sconn_add(*tcp);

	return err;
}

static int hook_tls_start_tcp(struct tls_conn **ptc, struct tls *tls,
			      struct tcp_conn *tcp, int layer)
{
	int err = tls_start_tcp(ptc, tls, tcp, layer);
	struct sconn *sc;

	if (!err && (sc = sconn_find(tcp)))
		sc->tls = true;

	return err;
}

/*
 * libre's own calls, nobody else's; the real functions are what our
 * references resolve to (BIND_NOW), tcp_conn_alloc lies in libre.
 */
void stream_init(void)
{
	const void *libre = (const void *)tcp_conn_alloc;
	int err;

	list_init(&sa_st.sconnl);

	err  = got_hook_in_alloc(&sa_st.hook_connect, "tcp_connect",
				 (void *)hook_tcp_connect, (void *)tcp_connect,
				 libre, NULL);
	if (!err)
		err = got_hook_in_alloc(&sa_st.hook_accept, "tcp_accept",
					(void *)hook_tcp_accept,
					(void *)tcp_accept, libre, NULL);
	if (!err)
		err = got_hook_in_alloc(&sa_st.hook_tls, "tls_start_tcp",
					(void *)hook_tls_start_tcp,
					(void *)tls_start_tcp, libre, NULL);
	if (err) {
		warning("sipaddr: cannot see libre's TCP connections (%m): Via "
			"and Contact over TCP and TLS are left as libre writes "
			"them\n", err);
		stream_close();
	}
}

/* Forget the connections libre has freed. */
void stream_prune(void)
{
	struct le *le = sa_st.sconnl.head;

	while (le) {
		struct sconn *sc = le->data;

		le = le->next;
		if (sconn_live(sc))
			continue;

		/* a held message may still hold it */
		list_unlink(&sc->le);
		mem_deref(sc);
	}
}

void stream_close(void)
{
	sa_st.hook_tls = mem_deref(sa_st.hook_tls);
	sa_st.hook_accept = mem_deref(sa_st.hook_accept);
	sa_st.hook_connect = mem_deref(sa_st.hook_connect);
	list_flush(&sa_st.sconnl);
}
