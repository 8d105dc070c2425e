/*
 * The DNS manager: the allowed proxies' names resolved (A and AAAA) with
 * baresip's DNS client at load and again every sipwire_dns_refresh
 * seconds; a failed lookup keeps the last addresses. A reload that
 * changes the proxies or the period resolves them all at once and starts
 * the period again (filter_update in sipwire.c).
 */
#include <string.h>
#include "sipwire.h"

static void dns_answer(struct proxy *p, unsigned f, int err,
		       const struct dnshdr *hdr, struct list *ansl)
{
	const uint16_t type = f ? DNS_TYPE_AAAA : DNS_TYPE_A;
	struct sa v[ADDR_MAX];
	unsigned n = 0, i;
	bool same;
	struct le *le;

	if (err || !hdr || (hdr->rcode != DNS_RCODE_OK &&
			    hdr->rcode != DNS_RCODE_NAME_ERR)) {
		warning("sipwire: proxy %s: %s lookup failed (%s); keeping "
			"%H\n", p->name, f ? "AAAA" : "A",
			err ? "no answer" : dns_hdr_rcodename(hdr->rcode),
			addrs_print, p);
		return;
	}

	for (le = list_head(ansl); le && n < ADDR_MAX; le = le->next) {
		const struct dnsrr *rr = le->data;

		if (rr->type != type || rr->dnsclass != DNS_CLASS_IN)
			continue;
		if (f)
			sa_set_in6(&v[n++], rr->rdata.aaaa.addr, 0);
		else
			sa_set_in(&v[n++], rr->rdata.a.addr, 0);
	}

	same = n == p->addrc[f];
	for (i = 0; same && i < n; i++)
		same = sa_cmp(&v[i], &p->addrv[f][i], SA_ADDR);
	if (same)
		return;

	memcpy(p->addrv[f], v, n * sizeof(v[0]));
	p->addrc[f] = n;

	info("sipwire: proxy %s is now %H\n", p->name, addrs_print, p);
}

static void a_handler(int err, const struct dnshdr *hdr, struct list *ansl,
		      struct list *authl, struct list *addl, void *arg)
{
	(void)authl;
	(void)addl;
	dns_answer(arg, 0, err, hdr, ansl);
}

static void aaaa_handler(int err, const struct dnshdr *hdr,
			 struct list *ansl, struct list *authl,
			 struct list *addl, void *arg)
{
	(void)authl;
	(void)addl;
	dns_answer(arg, 1, err, hdr, ansl);
}

static void proxy_resolve(struct proxy *p)
{
	struct dnsc *dnsc = net_dnsc(baresip_network());
	int err;

	if (p->literal)
		return;

	if (!dnsc) {
		warning("sipwire: no DNS client: proxy %s unresolved\n",
			p->name);
		return;
	}

	/* A query still out from the last round is dropped for the new. */
	p->qv[0] = mem_deref(p->qv[0]);
	p->qv[1] = mem_deref(p->qv[1]);

	err = dnsc_query(&p->qv[0], dnsc, p->name, DNS_TYPE_A,
			 DNS_CLASS_IN, true, a_handler, p);
	if (err)
		warning("sipwire: proxy %s: A query: %m\n", p->name, err);

	err = dnsc_query(&p->qv[1], dnsc, p->name, DNS_TYPE_AAAA,
			 DNS_CLASS_IN, true, aaaa_handler, p);
	if (err)
		warning("sipwire: proxy %s: AAAA query: %m\n", p->name, err);
}

void resolve_all(void)
{
	struct le *le;

	for (le = list_head(&sw.proxyl); le; le = le->next)
		proxy_resolve(le->data);
}

unsigned names_count(void)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(&sw.proxyl); le; le = le->next) {
		const struct proxy *p = le->data;

		n += !p->literal;
	}

	return n;
}

void dns_tmr_handler(void *arg)
{
	(void)arg;

	resolve_all();
	tmr_start(&sw.tmr_dns, sw.refresh * 1000ULL, dns_tmr_handler, NULL);
}
