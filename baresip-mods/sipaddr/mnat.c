/*
 * The media NAT "sipaddr" (an account's ;medianat=sipaddr): each media
 * socket of a call (RTP, and RTCP when not multiplexed) asks the STUN
 * server for its public address, as baresip's stun module does, but the
 * SDP is left with the local address and port. The mappings are kept by
 * local port, and rewrite.c puts them into the SDP of a message only
 * when it goes beyond localnet: the same call offers its local address
 * inside the NAT and its public one outside. The call waits for the
 * answers at most 2 s; without one, that socket stays local everywhere.
 */
#include <string.h>
#include "sipaddr.h"

struct mnat_sess {
	struct list medial;
	struct sa srv;
	struct stun_dns *dnsq;
	mnat_estab_h *estabh;
	void *arg;
	struct tmr tmr;
	bool estab;
};

struct mnat_media {
	struct le le;
	struct mnat_sess *sess;
	struct sdp_media *sdpm;
	struct stun_keepalive *skav[2];
	struct udp_sock *sockv[2];
	struct media_map *mapv[2];
	bool donev[2];
};

static struct mnat mnat_sipaddr;

const struct media_map *media_map_find(uint16_t lport)
{
	struct le *le;

	for (le = sa_st.mapl.head; lport && le; le = le->next) {
		const struct media_map *m = le->data;

		if (m->lport == lport && sa_isset(&m->mapped, SA_ALL))
			return m;
	}

	return NULL;
}

static void map_destructor(void *arg)
{
	struct media_map *m = arg;

	list_unlink(&m->le);
}

static void estab(struct mnat_sess *sess)
{
	if (sess->estab)
		return;

	sess->estab = true;
	tmr_cancel(&sess->tmr);
	sess->estabh(0, 0, NULL, sess->arg);
}

/* Every socket of every media answered (or failed): the call goes on. */
static void estab_check(struct mnat_sess *sess)
{
	struct le *le;

	for (le = sess->medial.head; le; le = le->next) {
		const struct mnat_media *m = le->data;
		int i;

		for (i = 0; i < 2; i++) {
			if (m->sockv[i] && !m->donev[i])
				return;
		}
	}

	estab(sess);
}

static void mapped(struct mnat_media *m, int i, int err, const struct sa *map)
{
	if (err) {
		warning("sipaddr: STUN binding for media: %m: the call "
			"offers its local address\n", err);
	}
	else {
		m->mapv[i]->mapped = *map;
		if (!m->mapv[i]->le.list)
			list_append(&sa_st.mapl, &m->mapv[i]->le, m->mapv[i]);
	}

	m->donev[i] = true;
	estab_check(m->sess);
}

static void mapped_handler1(int err, const struct sa *map, void *arg)
{
	mapped(arg, 0, err, map);
}

static void mapped_handler2(int err, const struct sa *map, void *arg)
{
	mapped(arg, 1, err, map);
}

static int media_start(struct mnat_sess *sess, struct mnat_media *m)
{
	stun_mapped_addr_h *hv[2] = {mapped_handler1, mapped_handler2};
	int i, err = 0;

	for (i = 0; i < 2 && !err; i++) {
		if (!m->sockv[i] || m->skav[i])
			continue;
		err = stun_keepalive_alloc(&m->skav[i], IPPROTO_UDP,
					   m->sockv[i], 0, &sess->srv, NULL,
					   hv[i], m);
		if (!err)
			stun_keepalive_enable(m->skav[i], STUN_INTERVAL);
	}

	return err;
}

static void media_destructor(void *arg)
{
	struct mnat_media *m = arg;
	int i;

	list_unlink(&m->le);
	for (i = 0; i < 2; i++) {
		mem_deref(m->skav[i]);
		mem_deref(m->sockv[i]);
		mem_deref(m->mapv[i]);
	}
	mem_deref(m->sdpm);
}

static void sess_destructor(void *arg)
{
	struct mnat_sess *sess = arg;

	tmr_cancel(&sess->tmr);
	list_flush(&sess->medial);
	mem_deref(sess->dnsq);
}

static void wait_handler(void *arg)
{
	struct mnat_sess *sess = arg;

	warning("sipaddr: no STUN answer for the call's media within %d ms: "
		"it offers its local address\n", MNAT_WAIT_MS);
	estab(sess);
}

static void dns_handler(int err, const struct sa *srv, void *arg)
{
	struct mnat_sess *sess = arg;
	struct le *le;

	/* sess->dnsq is freed with the session, not from its handler */
	if (err) {
		warning("sipaddr: STUN server for media: %m\n", err);
		estab(sess);
		return;
	}

	sess->srv = *srv;
	for (le = sess->medial.head; le && !err; le = le->next)
		err = media_start(sess, le->data);
	if (err) {
		warning("sipaddr: STUN for media: %m\n", err);
		estab(sess);
	}
}

static int sess_alloc(struct mnat_sess **sessp, const struct mnat *mnat,
		      struct dnsc *dnsc, int af, const struct stun_uri *srv,
		      const char *user, const char *pass,
		      struct sdp_session *ss, bool offerer,
		      mnat_estab_h *estabh, void *arg)
{
	struct mnat_sess *sess;
	int err;
	(void)mnat;
	(void)user;
	(void)pass;
	(void)ss;
	(void)offerer;

	if (!sessp || !dnsc || !srv || !srv->host || !estabh)
		return EINVAL;

	sess = mem_zalloc(sizeof(*sess), sess_destructor);
	if (!sess)
		return ENOMEM;

	tmr_init(&sess->tmr);
	sess->estabh = estabh;
	sess->arg = arg;
	tmr_start(&sess->tmr, MNAT_WAIT_MS, wait_handler, sess);

	err = stun_server_discover(&sess->dnsq, dnsc, stun_usage_binding,
				   stun_proto_udp, af, srv->host, srv->port,
				   dns_handler, sess);
	if (err)
		mem_deref(sess);
	else
		*sessp = sess;

	return err;
}

static int media_alloc(struct mnat_media **mp, struct mnat_sess *sess,
		       struct udp_sock *sock1, struct udp_sock *sock2,
		       struct sdp_media *sdpm, mnat_connected_h *connh,
		       void *arg)
{
	struct udp_sock *sv[2] = {sock1, sock2};
	struct mnat_media *m;
	int i, err = 0;
	(void)connh;
	(void)arg;

	if (!mp || !sess || !sdpm)
		return EINVAL;

	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return ENOMEM;

	list_append(&sess->medial, &m->le, m);
	m->sess = sess;
	m->sdpm = mem_ref(sdpm);

	for (i = 0; i < 2 && !err; i++) {
		struct sa la;

		if (!sv[i])
			continue;
		m->sockv[i] = mem_ref(sv[i]);
		m->mapv[i] = mem_zalloc(sizeof(*m->mapv[i]), map_destructor);
		if (!m->mapv[i]) {
			err = ENOMEM;
			break;
		}
		if (!udp_local_get(sv[i], &la))
			m->mapv[i]->lport = sa_port(&la);
	}

	if (!err && sa_isset(&sess->srv, SA_ALL))
		err = media_start(sess, m);

	if (err)
		mem_deref(m);
	else
		*mp = m;

	return err;
}

void mnat_init(void)
{
	memset(&mnat_sipaddr, 0, sizeof(mnat_sipaddr));
	mnat_sipaddr.id = "sipaddr";
	mnat_sipaddr.sessh = sess_alloc;
	mnat_sipaddr.mediah = media_alloc;
	mnat_register(baresip_mnatl(), &mnat_sipaddr);
	sa_st.mnat_on = true;
}

void mnat_close(void)
{
	if (!sa_st.mnat_on)
		return;

	mnat_unregister(&mnat_sipaddr);
	sa_st.mnat_on = false;
}
