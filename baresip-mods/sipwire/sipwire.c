/*
 * sipwire: three Advanced SIP settings that act on libre's SIP stack
 * itself, which baresip 1.0.0 and libre 1.1.0 offer no setting or API for.
 *
 *  SIP DiffServ  libre has no TOS option for its SIP sockets. The sockets
 *                are found by their local address: the transports'
 *                addresses (sip_transp_laddr) matched against getsockname()
 *                of every socket in /proc/self/fd, and given IP_TOS (and
 *                IPV6_TCLASS on IPv6). A rescan every second catches new
 *                TCP/TLS connections and transports rebuilt after a
 *                network change; a socket already looked at is known by
 *                its inode and costs one fstat() per scan. Connections
 *                accepted on a marked listener inherit its TOS (Linux
 *                copies it to the accepted socket). Outgoing TCP/TLS
 *                connections and new listeners are marked before their
 *                first packet, from libre's calls to connect() and
 *                listen() (tos_hooks.c).
 *  User Agent    baresip passes its software string to sip_alloc(), which
 *                keeps a copy in the private struct sip (char *software)
 *                with no setter; every request's User-Agent and every
 *                reply's Server header print it. The pointer is swapped
 *                for ours only after the layout is proven (libre 1.1.0,
 *                our own listener found at the expected place in the
 *                struct, the stack's DNS client where baresip put it) and
 *                the pointer is read, without trusting it, and found to
 *                be exactly the "baresip v1.0.0 (...)" string that the
 *                running baresip passed. Otherwise nothing is written and
 *                a warning says why. The original is put back when the
 *                stack shuts down or the module is unloaded.
 *  SIP proxies   An INVITE that opens a dialog (no To-tag) from an address
 *                that is not one of the allowed proxies' is answered 403
 *                and never reaches baresip; in-dialog requests and every
 *                other request pass. With no proxy configured everyone is
 *                allowed. sip_listen() appends and baresip's own INVITE
 *                listener claims every INVITE, so our listener is moved to
 *                the head of the list (a libre 1.1.0 struct sip_lsnr
 *                starts with its struct le, checked before it is moved).
 *                The 403 is stateless and keeps nothing; a source gets
 *                RATE_BURST of them at once and RATE_PER_S a second, all
 *                refused sources together RATE_ALL_PER_S a second
 *                (ratetable.h); INVITEs above that are dropped unanswered.
 *                An allowed source is never counted.
 *  DNS Manager   Proxy names are resolved (A and AAAA) with baresip's DNS
 *                client at load and, when sipwire_dns_refresh is above 0,
 *                again every that many seconds, so a changed address is
 *                followed without a restart. An answer replaces the
 *                addresses of its family (no such name: none); a lookup
 *                that fails or times out keeps the last ones.
 *
 * Sample config (written by sipsh from the sip section; a value cannot
 * hold blanks, so the user agent is %-encoded):
 *
 *   module                 sipwire.so
 *   sipwire_tos            96                  # TOS byte: DSCP cs3 << 2
 *   sipwire_user_agent     Acme%20Gateway/2.1  # "Acme Gateway/2.1"
 *   sipwire_dns_refresh    300                 # s; 0: resolve once
 *   sipwire_proxy          sip.provider.example
 *   sipwire_proxy          192.0.2.10
 *
 * sipwire_tos, sipwire_user_agent and sipwire_dns_refresh are required
 * (sipsh's generator writes them; their defaults live in its schema): the
 * module refuses to load without one and its log line names it.
 * sipwire_proxy may be absent: then every caller is allowed. Every key
 * but dns_server (baresip's own) is taken again while baresip runs, by
 * conf_reload (reload.c, common/conf_reload.h).
 */
#include <ctype.h>
#include <string.h>
#include "conf_need.h"
#include "lsnr_first.h"
#include "version_check.h"
#include "sipwire.h"

struct sipwire sw;

/* Undoes everything that touches the SIP stack; safe to call twice. */
static void sip_release(void)
{
	ua_restore();
	sw.filtering = false;
	sw.lsnr = mem_deref(sw.lsnr);
	tmr_cancel(&sw.tmr_scan);
	tmr_cancel(&sw.tmr_dns);
	sw.sip = NULL;
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)ua;
	(void)call;
	(void)prm;
	(void)arg;

	/* The SIP stack is closing: give it back while it still exists. */
	if (ev == UA_EVENT_EXIT)
		sip_release();
}

/*
 * The proxy filter as sw.proxyl and sw.refresh say, at load and after a
 * reload: with no proxy our listener is not needed; with some it goes
 * first, before baresip's INVITE handler, and the names are resolved
 * (again every sw.refresh seconds).
 */
void filter_update(void)
{
	tmr_cancel(&sw.tmr_dns);
	sw.filtering = false;

	if (list_isempty(&sw.proxyl)) {
		sw.lsnr = mem_deref(sw.lsnr);
		return;
	}

	if (!sw.layout_ok || !sw.lsnr) {
		warning("sipwire: libre's listener list is not the 1.1.0 "
			"layout: incoming calls are NOT restricted to the "
			"%u allowed proxies\n", list_count(&sw.proxyl));
		return;
	}

	(void)sipsh_lsnr_first(sw.lsnr);
	sw.filtering = true;
	info("sipwire: incoming calls only from %u allowed prox%s\n",
	     list_count(&sw.proxyl),
	     list_count(&sw.proxyl) == 1 ? "y" : "ies");
	resolve_all();
	if (sw.refresh && names_count()) {
		tmr_start(&sw.tmr_dns, sw.refresh * 1000ULL, dns_tmr_handler,
			  NULL);
		info("sipwire: proxy names resolved again every %u s\n",
		     sw.refresh);
	}
	else if (names_count()) {
		info("sipwire: proxy names resolved once\n");
	}
}

static int sipwire_close(void)
{
	reload_close();
	if (sw.ev_registered) {
		uag_event_unregister(ua_event_handler);
		sw.ev_registered = false;
	}

	sip_release();
	list_flush(&sw.proxyl);
	tos_hooks_close();
	sw.tos_on = false;
	sw.seenc = 0;
	sw.nsc = 0;

	return 0;
}

static int sipwire_init(void)
{
	struct conf *conf = conf_cur();
	char ua_enc[UA_MAX * 3], ua[UA_MAX];
	uint32_t u;
	int err;

	err = sipsh_mod_version_check("sipwire");
	if (err)
		return err;

	memset(&sw, 0, sizeof(sw));
	tmr_init(&sw.tmr_scan);
	tmr_init(&sw.tmr_dns);
	list_init(&sw.proxyl);
	rate_init(&sw.rates, rand_u32(), tmr_jiffies());

	sw.sip = uag_sip();
	if (!sw.sip) {
		warning("sipwire: baresip has no SIP stack\n");
		return ENOENT;
	}

	/* Every key from sipsh's generator: defaults live in the schema. */
	err  = sipsh_conf_u32("sipwire", "sipwire_tos", &u);
	err |= sipsh_conf_u32("sipwire", "sipwire_dns_refresh", &sw.refresh);
	err |= sipsh_conf_str("sipwire", "sipwire_user_agent", ua_enc,
			      sizeof(ua_enc));
	if (err)
		return EINVAL;
	if (u > 255) {
		warning("sipwire: sipwire_tos %u is not a TOS byte (0-255)\n",
			u);
		return EINVAL;
	}
	sw.tos_on = true;
	sw.tos = (int)u;
	(void)conf_apply(conf, "dns_server", tos_ns_handler, NULL);

	err = conf_apply(conf, "sipwire_proxy", proxy_handler, NULL);
	if (err)
		goto out;

	err = sip_listen(&sw.lsnr, sw.sip, true, request_handler, NULL);
	if (err) {
		warning("sipwire: sip_listen: %m\n", err);
		goto out;
	}
	sw.layout_ok = layout_verified(sw.sip);

	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		goto out;
	sw.ev_registered = true;

	/* User Agent: a refusal is logged and leaves baresip's. */
	if (pct_decode(ua, sizeof(ua), ua_enc))
		warning("sipwire: sipwire_user_agent '%s' is not one line of "
			"text: the User-Agent is left alone\n", ua_enc);
	else
		(void)ua_swap(ua);

	/* SIP proxies */
	filter_update();

	err = reload_init();
	if (err)
		goto out;

	/* SIP DiffServ */
	if (sw.tos_on) {
		tos_hooks_init();
		tos_scan();
		tmr_start(&sw.tmr_scan, SCAN_MS, tos_scan_handler, NULL);
	}

 out:
	if (err)
		(void)sipwire_close();

	return err;
}

const struct mod_export DECL_EXPORTS(sipwire) = {
	"sipwire",
	"application",
	sipwire_init,
	sipwire_close
};