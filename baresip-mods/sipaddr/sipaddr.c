/*
 * sipaddr: the addresses the phone shows in SIP and SDP, which baresip
 * 1.0.0 and libre 1.1.0 choose once for every destination. Three
 * Advanced SIP settings act here.
 *
 *  Bind Interface unset  baresip listens only on the default route's
 *                source address (no default route: nowhere, and every
 *                request fails "Protocol not supported"). This module adds
 *                SIP over UDP and TCP on the SIP port, and TLS on the next
 *                one, on every other address of every interface, IPv4 and
 *                IPv6 (not IPv6 link-local), checked every second, so
 *                also after baresip rebuilds its transports. TLS takes
 *                baresip's own context from its TLS transport (the one
 *                siptls configures); when baresip made none (no default
 *                route), a context of our own that siptls configures
 *                too, and that refuses every handshake until it has.
 *  Localnet, STUN server  A SIP request over UDP leaves from the socket
 *                bound to the address the kernel routes toward its
 *                destination (a response from the socket its request
 *                came in on), and its top Via (requests), Contact and SDP
 *                carry that address; toward a destination outside every
 *                localnet prefix that is reached from the same socket as
 *                the STUN server, with a STUN server set, they carry the
 *                public address instead: the SIP socket's own STUN
 *                mapping in Via and Contact, each media socket's mapping
 *                (our media NAT, ;medianat=sipaddr) in SDP c=, o=, m=
 *                and a=rtcp. Over TCP and TLS the same holds per
 *                connection: its local address with the port of our
 *                listener of that kind there, or beyond localnet the SIP
 *                socket's mapped address with that listening port (a TCP
 *                mapping's port is only that connection's), and the
 *                media mappings in SDP.
 *  Bind Interface set  libre connects over TCP and TLS from any address;
 *                this module binds each connection to the interface's
 *                (but a DNS server's port 53), where SIP listens.
 *
 * libre writes Via and Contact from the first transport of the family
 * and sends from its socket; our send helper on every SIP/UDP socket
 * sends the rewritten message from the right socket instead, with the
 * DiffServ class of the socket libre chose; our helper on every TCP
 * connection, above TLS, sends it rewritten on that connection
 * (stream.c). The sockets are found in libre 1.1.0's private transport
 * list, read only after its layout is proven on the live objects
 * (transp.c), the connections where libre makes and accepts them;
 * otherwise nothing is rewritten and a warning says so.
 *
 * Sample config (written by sipsh from the sip section):
 *
 *   module                 sipaddr.so
 *   sip_listen             0.0.0.0:5060    # baresip's: the port
 *   sipaddr_listen_all     yes             # bind-interface unset
 *   sipaddr_stun           stun.example.net:3478   # none: no STUN
 *   sipaddr_localnet       10.0.0.0/8
 *   sipaddr_localnet       192.168.0.0/16
 *
 * sipaddr_listen_all and sipaddr_stun are required (sipsh's
 * generator writes them; their defaults live in its schema); with no
 * sipaddr_localnet every destination is beyond the NAT.
 */
#include <stdlib.h>
#include <string.h>
#include "conf_need.h"
#include "version_check.h"
#include "sipaddr.h"

struct sipaddr sa_st;

static void check_handler(void *arg)
{
	(void)arg;

	transp_check();
	stream_prune();
	nat_restart();
	tmr_start(&sa_st.tmr_check, CHECK_MS, check_handler, NULL);
}

/* Undoes everything that touches the SIP stack; safe to call twice. */
static void sip_release(void)
{
	nat_close();
	stream_close();
	transp_close();
	tlsctx_close();
	sa_st.sip = NULL;
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)ua;
	(void)call;
	(void)prm;
	(void)arg;

	if (ev == UA_EVENT_EXIT) {
		sip_release();
	}
	else if (ev == UA_EVENT_REGISTERING && sa_st.sip) {
		/* Raised just before the REGISTER is sent, also when baresip
		 * has just rebuilt its transports after a network change:
		 * ours are added and hooked again first. */
		transp_check();
		nat_restart();
	}
}

static int stun_parse(const char *v)
{
	struct sa lit;
	const char *colon;

	sa_st.stun_host[0] = '\0';
	sa_st.stun_port = 3478;
	if (!strcmp(v, "none"))
		return 0;

	/* "host", "host:port", "[v6]:port", "v6" */
	if (v[0] == '[') {
		const char *end = strchr(v, ']');

		if (!end)
			return EINVAL;
		(void)re_snprintf(sa_st.stun_host, sizeof(sa_st.stun_host),
				  "%b", v + 1, (size_t)(end - v - 1));
		if (end[1] == ':')
			sa_st.stun_port = (uint16_t)atoi(end + 2);
	}
	else if (!sa_set_str(&lit, v, 0) ||
		 !(colon = strchr(v, ':')) || colon != strrchr(v, ':')) {
		str_ncpy(sa_st.stun_host, v, sizeof(sa_st.stun_host));
	}
	else {
		(void)re_snprintf(sa_st.stun_host, sizeof(sa_st.stun_host),
				  "%b", v, (size_t)(colon - v));
		sa_st.stun_port = (uint16_t)atoi(colon + 1);
	}

	return sa_st.stun_host[0] && sa_st.stun_port ? 0 : EINVAL;
}

static int sipaddr_close(void)
{
	uag_event_unregister(ua_event_handler);
	sip_release();
	mnat_close();
	/* The mappings belong to the calls' media, which free them. */
	list_clear(&sa_st.mapl);
	sa_st.netv = mem_deref(sa_st.netv);
	sa_st.netc = sa_st.netcap = 0;

	return 0;
}

static int sipaddr_init(void)
{
	char stun[300], listen[80];
	struct sa la;
	int err;

	err = sipsh_mod_version_check("sipaddr");
	if (err)
		return err;

	memset(&sa_st, 0, sizeof(sa_st));
	tmr_init(&sa_st.tmr_check);
	tmr_init(&sa_st.tmr_pend);
	list_init(&sa_st.pendl);
	list_init(&sa_st.mapl);

	sa_st.sip = uag_sip();
	if (!sa_st.sip) {
		warning("sipaddr: baresip has no SIP stack\n");
		return ENOENT;
	}

	err  = sipsh_conf_bool("sipaddr", "sipaddr_listen_all",
			       &sa_st.listen_all);
	err |= sipsh_conf_str("sipaddr", "sip_listen", listen,
			      sizeof(listen));
	err |= sipsh_conf_str("sipaddr", "sipaddr_stun", stun, sizeof(stun));
	if (err)
		return EINVAL;
	if (sa_decode(&la, listen, strlen(listen)) || !sa_port(&la)) {
		warning("sipaddr: sip_listen '%s' is not ADDRESS:PORT\n",
			listen);
		return EINVAL;
	}
	sa_st.port = sa_port(&la);
	if (stun_parse(stun)) {
		warning("sipaddr: sipaddr_stun '%s' is not HOST[:PORT]\n",
			stun);
		return EINVAL;
	}
	(void)conf_apply(conf_cur(), "sipaddr_localnet", localnet_handler,
			 NULL);

	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		return err;

	transp_check();
	if (!sa_st.layout_ok)
		warning("sipaddr: libre's SIP transport list is not the 1.1.0 "
			"layout: Contact, Via and SDP are left as libre "
			"writes them\n");

	stream_init();
	if (sa_st.stun_host[0])
		mnat_init();
	(void)nat_start();

	info("sipaddr: %s, %zu localnet prefix%s, STUN %s\n",
	     sa_st.listen_all ? "SIP on every address" :
	     "SIP on the bind interface", sa_st.netc,
	     sa_st.netc == 1 ? "" : "es", stun);

	tmr_start(&sa_st.tmr_check, CHECK_MS, check_handler, NULL);

	return 0;
}

const struct mod_export DECL_EXPORTS(sipaddr) = {
	"sipaddr",
	"application",
	sipaddr_init,
	sipaddr_close
};
