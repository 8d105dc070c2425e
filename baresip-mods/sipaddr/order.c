/*
 * The order of libre's TCP and TLS transports. libre 1.1.0 writes the
 * address of the first transport of a kind and family into the Via and
 * Contact of every request over TCP or TLS, whatever address the
 * connection leaves from; with SIP on every address, the first one is
 * made the one toward the registrar (or outbound proxy) of the first TCP
 * or TLS account, when that is given as an address. The list is libre's
 * private one, moved only after transp_layout_ok() has proven it.
 */
#include <string.h>
#include "sipaddr.h"

/*
 * Where an account's SIP over TCP or TLS goes, when the account uses
 * either and that place is an address: its outbound proxy, else its
 * registrar (the AOR's host).
 */
static bool stream_dst(const struct ua *ua, struct sa *dst, bool *tls)
{
	const struct account *acc = ua_account(ua);
	const char *ob = acc ? account_outbound(acc, 0) : NULL;
	struct uri ouri, *u = acc ? account_luri(acc) : NULL;
	struct pl tp = PL_INIT, pl;
	uint16_t port;

	if (!u)
		return false;

	if (ob && ob[0]) {
		pl_set_str(&pl, ob);
		if (uri_decode(&ouri, &pl))
			return false;
		u = &ouri;
	}

	if (msg_param_decode(&u->params, "transport", &tp))
		return false;
	if (!pl_strcasecmp(&tp, "tls"))
		*tls = true;
	else if (!pl_strcasecmp(&tp, "tcp"))
		*tls = false;
	else
		return false;

	port = u->port ? u->port : (*tls ? 5061 : 5060);
	return 0 == sa_set(dst, &u->host, port);
}

/*
 * libre writes one address per family into Via and Contact over TCP and
 * TLS: the first transport's of that kind. The transports bound to the
 * address toward the first TCP or TLS account's registrar (or outbound
 * proxy) are put first, so that the phone's registration shows the
 * address its connection comes from. Runs at each REGISTERING and every
 * second (libre's refreshes raise no event).
 */
void transp_order(void)
{
	struct sip_head_v110 *h = (void *)sa_st.sip;
	struct sa dst, src;
	struct le *le;
	bool tls = false, found = false;

	if (!sa_st.layout_ok || !transp_layout_ok(sa_st.sip))
		return;

	for (le = list_head(uag_list()); le && !found; le = le->next)
		found = stream_dst(le->data, &dst, &tls);
	if (!found || route_src(&src, &dst))
		return;

	le = h->transpl.head;
	while (le) {
		struct sip_transport_v110 *t = le->data;
		struct le *next = le->next, *f;
		bool first = true;

		le = next;
		if ((t->tp != SIP_TRANSP_TCP && t->tp != SIP_TRANSP_TLS) ||
		    !sa_cmp(&t->laddr, &src, SA_ADDR))
			continue;

		/* already the first of its kind and family? */
		for (f = h->transpl.head; f != &t->le; f = f->next) {
			const struct sip_transport_v110 *o = f->data;

			if (o->tp == t->tp &&
			    sa_af(&o->laddr) == sa_af(&t->laddr))
				first = false;
		}
		if (first)
			continue;

		list_unlink(&t->le);
		list_prepend(&h->transpl, &t->le, t);
		debug("sipaddr: SIP/%s toward %J from %J first\n",
		      sip_transp_name(t->tp), &dst, &t->laddr);
	}
}
