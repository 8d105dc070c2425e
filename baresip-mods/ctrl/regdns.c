/*
 * Why a registration failed when no SIP response came back: baresip
 * reports only an errno text ("Network is unreachable", "Connection timed
 * out") or regctl its timeout, which hides that the registrar's name was
 * never found. On such a failure of an account whose registrar (or
 * outbound proxy) is a name, that name is asked again of baresip's own
 * DNS client, for what libre 1.1.0 asks for it (src/sip/request.c, RFC
 * 3263): with a port, A and AAAA; without a port but with a transport,
 * the transport's SRV, then A and AAAA; with neither, NAPTR, the SRV of
 * every transport the stack has, then A and AAAA; A only where the stack
 * has an IPv4 transport, AAAA only where it has an IPv6 one. All are
 * asked at once. When none gets a record, the account's last response
 * says so, with the servers and the names asked: "DNS: no answer from
 * 127.0.0.1:5353 for _sip._udp.registrar.test SRV, registrar.test
 * A/AAAA".
 */
#include <errno.h>
#include <string.h>
#include "ctrl.h"

/* Exported by libre 1.1.0, declared only in its private src/sip/sip.h;
 * the module's version check pins that version. */
bool sip_transp_supported(struct sip *sip, enum sip_transp tp, int af);
const char *sip_transp_srvid(enum sip_transp tp);

enum { Q_MAX = 8 };

struct regdns;

/* One name and type asked. */
struct rdq {
	struct regdns *p;
	struct dns_query *q;
	char *name;
	uint16_t type;
	bool done;
	bool answered;      /* a response came, whatever its code */
	bool found;         /* with a record of the type asked */
	uint8_t rcode;
	int err;
};

/* The probe of one failure: its queries, and what they asked. */
struct regdns {
	struct regstat *rs;
	struct rdq qv[Q_MAX];
	size_t qc;
	char asked[160];
};

static void probe_destructor(void *arg)
{
	struct regdns *p = arg;
	size_t i;

	for (i = 0; i < p->qc; i++) {
		mem_deref(p->qv[i].q);
		mem_deref(p->qv[i].name);
	}
}

/* The servers baresip's DNS client asks: the config's dns_server lines,
 * or else those of /etc/resolv.conf (baresip 1.0.0's net.c does the
 * same when it makes the client). */
static int server_add(const struct pl *pl, void *arg)
{
	struct mbuf *mb = arg;

	return mbuf_printf(mb, "%s%r", mb->end ? ", " : "", pl);
}

static void servers_print(char *buf, size_t sz)
{
	struct mbuf *mb = mbuf_alloc(64);
	struct sa srvv[4];
	uint32_t n = ARRAY_SIZE(srvv), i;
	char domain[64];

	buf[0] = '\0';
	if (!mb)
		return;

	(void)conf_apply(conf_cur(), "dns_server", server_add, mb);
	if (!mb->end && 0 == dns_srv_get(domain, sizeof(domain), srvv, &n)) {
		for (i = 0; i < n; i++)
			(void)mbuf_printf(mb, "%s%J", i ? ", " : "",
					  &srvv[i]);
	}

	if (mb->end)
		re_snprintf(buf, sz, "%b", mb->buf, mb->end);
	else
		re_snprintf(buf, sz, "no server");

	mem_deref(mb);
}

static void verdict(struct regstat *rs, const char *why, const char *asked)
{
	char srv[96];

	/* The name was found: the failure was something else, and is
	 * shown as it was said. */
	if (!why) {
		if (rs->dns_failed) {
			rs->dns_failed = false;
			str_ncpy(rs->last, rs->fail, sizeof(rs->last));
			regstat_announce(rs);
		}
		return;
	}

	servers_print(srv, sizeof(srv));
	info("ctrl: %s: DNS for %s: %s\n", rs->aor, asked, why);
	re_snprintf(rs->last, sizeof(rs->last), "DNS: %s from %s for %s",
		    why, srv, asked);
	rs->dns_failed = true;
	regstat_announce(rs);
}

void regdns_stop(struct regstat *rs)
{
	tmr_cancel(&rs->dns_tmr);
	rs->dnsq = mem_deref(rs->dnsq);
	rs->dns_probing = false;
}

/* libre's client may keep retrying longer than a registration attempt
 * lasts: after PROBE_WAIT ms without an answer the servers count as
 * silent. */
#define PROBE_WAIT 8000

/*
 * The verdict of the queries done, the others counting as unanswered:
 * NULL when one found a record (the name resolves); else "no answer"
 * when no response came (or the error of the first), the response code
 * of the address queries when one is not OK, or else "no address".
 */
static const char *why_of(const struct regdns *p, char *buf, size_t sz)
{
	const char *why = NULL;
	bool answered = false;
	size_t i;

	for (i = 0; i < p->qc; i++) {
		const struct rdq *d = &p->qv[i];

		if (d->found)
			return NULL;
		answered |= d->answered;
	}

	if (!answered) {
		for (i = 0; i < p->qc; i++) {
			const struct rdq *d = &p->qv[i];

			if (d->done && d->err && d->err != ETIMEDOUT) {
				re_snprintf(buf, sz, "%m", d->err);
				return buf;
			}
		}
		return "no answer";
	}

	for (i = 0; i < p->qc && !why; i++) {
		const struct rdq *d = &p->qv[i];

		if (d->answered && d->rcode != DNS_RCODE_OK &&
		    (d->type == DNS_TYPE_A || d->type == DNS_TYPE_AAAA))
			why = dns_hdr_rcodename(d->rcode);
	}

	return why ? why : "no address";
}

static void probe_end(struct regstat *rs)
{
	struct regdns *p = rs->dnsq;
	char errtext[48], asked[sizeof(p->asked)];
	const char *why;

	why = why_of(p, errtext, sizeof(errtext));
	str_ncpy(asked, p->asked, sizeof(asked));

	/* The probe is freed first: the verdict may start no other. */
	regdns_stop(rs);
	verdict(rs, why, asked);
}

static void probe_timeout(void *arg)
{
	probe_end(arg);
}

static void answer_handler(int err, const struct dnshdr *hdr,
			   struct list *ansl, struct list *authl,
			   struct list *addl, void *arg)
{
	struct rdq *d = arg;
	struct regdns *p = d->p;
	size_t i;
	(void)authl;
	(void)addl;

	/* libre has cleared d->q already: the query is its own now. */
	d->done = true;
	d->err = err;
	if (!err && hdr) {
		d->answered = true;
		d->rcode = hdr->rcode;
		d->found = hdr->rcode == DNS_RCODE_OK &&
			dns_rrlist_find(ansl, NULL, d->type, DNS_CLASS_IN,
					false);
	}

	/* One record is enough; else the last answer decides. */
	if (!d->found) {
		for (i = 0; i < p->qc; i++) {
			if (!p->qv[i].done)
				return;
		}
	}

	probe_end(p->rs);
}

/* The route a REGISTER of this account takes: the first outbound
 * proxy, or the account's URI (with its ;transport=), as baresip 1.0.0
 * gives them to libre (src/ua.c, src/reg.c). */
static int route_of(struct uri *uri, const struct ua *ua)
{
	const struct account *acc = ua_account(ua);
	const char *ob = account_outbound(acc, 0);
	const struct uri *luri = account_luri(acc);
	struct pl pl;

	if (str_isset(ob)) {
		pl_set_str(&pl, ob);
		return uri_decode(uri, &pl);
	}

	if (!luri)
		return EINVAL;

	*uri = *luri;
	return 0;
}

static int ask(struct regdns *p, const char *name, uint16_t type)
{
	struct rdq *d;
	int err;

	if (p->qc == Q_MAX)
		return ENOSPC;

	d = &p->qv[p->qc];
	d->p = p;
	d->type = type;
	err = str_dup(&d->name, name);
	if (err)
		return err;
	++p->qc;

	return 0;
}

/* The names and types asked, as libre asks them for this route. */
static int plan(struct regdns *p, struct sip *sip, const struct uri *uri,
		const char *host)
{
	static const enum sip_transp srvv[] = {
		SIP_TRANSP_TLS, SIP_TRANSP_TCP, SIP_TRANSP_UDP
	};
	enum sip_transp tp = SIP_TRANSP_NONE;
	bool selected = false;
	struct pl tpl;
	char name[256];
	size_t i;
	int err = 0;

	if (!msg_param_decode(&uri->params, "transport", &tpl)) {
		selected = true;
		if (!pl_strcasecmp(&tpl, "udp"))
			tp = SIP_TRANSP_UDP;
		else if (!pl_strcasecmp(&tpl, "tcp"))
			tp = SIP_TRANSP_TCP;
		else if (!pl_strcasecmp(&tpl, "tls"))
			tp = SIP_TRANSP_TLS;
		else
			return EPROTONOSUPPORT;
	}

	if (!uri->port && !selected)
		err = ask(p, host, DNS_TYPE_NAPTR);

	for (i = 0; !uri->port && !err && i < ARRAY_SIZE(srvv); i++) {
		if (selected ? srvv[i] != tp :
		    !sip_transp_supported(sip, srvv[i], AF_UNSPEC))
			continue;
		re_snprintf(name, sizeof(name), "%s.%s",
			    sip_transp_srvid(srvv[i]), host);
		err = ask(p, name, DNS_TYPE_SRV);
	}

	/* Without a transport, the addresses are the first supported
	 * one's, as libre's transp_next() picks it: UDP here. */
	if (!selected) {
		for (tp = SIP_TRANSP_UDP; tp < SIP_TRANSPC; tp++) {
			if (sip_transp_supported(sip, tp, AF_UNSPEC))
				break;
		}
	}

	if (!err && sip_transp_supported(sip, tp, AF_INET))
		err = ask(p, host, DNS_TYPE_A);
	if (!err && sip_transp_supported(sip, tp, AF_INET6))
		err = ask(p, host, DNS_TYPE_AAAA);

	return err;
}

/* "_sip._udp.registrar.test SRV, registrar.test A/AAAA": each name
 * once, with the types asked for it, in the order asked. */
static void asked_print(struct regdns *p)
{
	struct mbuf *mb = mbuf_alloc(128);
	size_t i, j;

	if (!mb)
		return;

	for (i = 0; i < p->qc; i++) {
		bool first = true;

		for (j = 0; j < i; j++) {
			if (!str_cmp(p->qv[j].name, p->qv[i].name))
				break;
		}
		if (j < i)
			continue;

		(void)mbuf_printf(mb, "%s%s ", i ? ", " : "", p->qv[i].name);
		for (j = i; j < p->qc; j++) {
			if (str_cmp(p->qv[j].name, p->qv[i].name))
				continue;
			(void)mbuf_printf(mb, "%s%s", first ? "" : "/",
					  dns_rr_typename(p->qv[j].type));
			first = false;
		}
	}

	re_snprintf(p->asked, sizeof(p->asked), "%b", mb->buf, mb->end);
	mem_deref(mb);
}

void regdns_probe(struct regstat *rs, const struct ua *ua)
{
	struct dnsc *dnsc = net_dnsc(baresip_network());
	struct sip *sip = uag_sip();
	struct regdns *p;
	struct uri uri;
	struct pl host;
	struct sa sa;
	size_t i;
	int err;

	regdns_stop(rs);
	rs->dnsname = mem_deref(rs->dnsname);

	if (!dnsc || !sip || route_of(&uri, ua))
		return;

	/* libre sends to the maddr parameter's host when there is one. */
	if (msg_param_decode(&uri.params, "maddr", &host))
		host = uri.host;

	/* An address literal asks no DNS. */
	if (!host.l || 0 == sa_set(&sa, &host, 0))
		return;

	if (pl_strdup(&rs->dnsname, &host))
		return;

	p = mem_zalloc(sizeof(*p), probe_destructor);
	if (!p)
		return;
	p->rs = rs;

	err = plan(p, sip, &uri, rs->dnsname);
	if (!err && !p->qc)
		err = EPROTONOSUPPORT;
	for (i = 0; !err && i < p->qc; i++) {
		err = dnsc_query(&p->qv[i].q, dnsc, p->qv[i].name,
				 p->qv[i].type, DNS_CLASS_IN, true,
				 answer_handler, &p->qv[i]);
	}
	if (err) {
		warning("ctrl: %s: cannot ask DNS for %s: %m\n", rs->aor,
			rs->dnsname, err);
		mem_deref(p);
		rs->dnsname = mem_deref(rs->dnsname);
		return;
	}

	asked_print(p);
	rs->dnsq = p;
	rs->dns_probing = true;
	tmr_start(&rs->dns_tmr, PROBE_WAIT, probe_timeout, rs);
	info("ctrl: %s: registration failed without a response; asking "
	     "DNS for %s\n", rs->aor, p->asked);
}
