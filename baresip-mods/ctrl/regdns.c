/*
 * Why a registration failed when no SIP response came back: baresip
 * reports only an errno text ("Network is unreachable", "Connection timed
 * out") or regctl its timeout, which hides that the registrar's name was
 * never found. On such a failure of an account whose registrar (or
 * outbound proxy) is a name, the name is asked again (A) of baresip's own
 * DNS client; when that gets no answer, an error code or no address, the
 * account's last response says so, with the servers asked and the name:
 * "DNS: no answer from 127.0.0.1:5353 for registrar.test".
 */
#include <errno.h>
#include <string.h>
#include "ctrl.h"

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

static void verdict(struct regstat *rs, const char *why)
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
	info("ctrl: %s: DNS for %s: %s\n", rs->aor, rs->dnsname, why);
	re_snprintf(rs->last, sizeof(rs->last), "DNS: %s from %s for %s",
		    why, srv, rs->dnsname);
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

static void probe_timeout(void *arg)
{
	struct regstat *rs = arg;

	regdns_stop(rs);
	verdict(rs, "no answer");
}

static void answer_handler(int err, const struct dnshdr *hdr,
			   struct list *ansl, struct list *authl,
			   struct list *addl, void *arg)
{
	struct regstat *rs = arg;
	char errtext[48];
	const char *why = NULL;
	(void)authl;
	(void)addl;

	tmr_cancel(&rs->dns_tmr);
	rs->dns_probing = false;
	if (err == ETIMEDOUT)
		why = "no answer";
	else if (err) {
		re_snprintf(errtext, sizeof(errtext), "%m", err);
		why = errtext;
	}
	else if (hdr && hdr->rcode != DNS_RCODE_OK)
		why = dns_hdr_rcodename(hdr->rcode);
	else if (!dns_rrlist_find(ansl, NULL, DNS_TYPE_A, DNS_CLASS_IN,
				  false))
		why = "no address";

	verdict(rs, why);
}

/* The host a REGISTER of this account is sent to: the first outbound
 * proxy's, or the address of record's. */
static int target_host(struct pl *host, const struct ua *ua)
{
	const char *ob = account_outbound(ua_account(ua), 0);
	const char *s = str_isset(ob) ? ob : ua_aor(ua);
	struct pl pl;
	struct uri uri;

	if (!str_isset(s))
		return EINVAL;

	pl_set_str(&pl, s);
	if (uri_decode(&uri, &pl))
		return EINVAL;

	*host = uri.host;
	return 0;
}

void regdns_probe(struct regstat *rs, const struct ua *ua)
{
	struct dnsc *dnsc = net_dnsc(baresip_network());
	struct pl host;
	struct sa sa;
	int err;

	regdns_stop(rs);
	rs->dnsname = mem_deref(rs->dnsname);

	if (!dnsc || target_host(&host, ua) || !host.l)
		return;

	/* An address literal asks no DNS. */
	if (0 == sa_set(&sa, &host, 0))
		return;

	if (pl_strdup(&rs->dnsname, &host))
		return;

	err = dnsc_query(&rs->dnsq, dnsc, rs->dnsname, DNS_TYPE_A,
			 DNS_CLASS_IN, true, answer_handler, rs);
	if (err) {
		warning("ctrl: %s: cannot ask DNS for %s: %m\n", rs->aor,
			rs->dnsname, err);
		rs->dnsname = mem_deref(rs->dnsname);
		return;
	}

	rs->dns_probing = true;
	tmr_start(&rs->dns_tmr, PROBE_WAIT, probe_timeout, rs);
	info("ctrl: %s: registration failed without a response; asking "
	     "DNS for %s\n", rs->aor, rs->dnsname);
}
