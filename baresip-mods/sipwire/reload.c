/*
 * sipwire's part of conf_reload (common/conf_reload.h): every key the
 * module reads at load is read again from the new config and checked,
 * and only when all of conf_reload accepts are they taken: the
 * User-Agent of the next message, the TOS on every SIP socket at once,
 * the allowed proxies for the next INVITE (calls up are not touched)
 * and the DNS manager's period from now. dns_server is baresip's and
 * needs a restart.
 */
#include <string.h>
#include "conf_need.h"
#include "conf_reload.h"
#include "sipwire.h"

/* What a check kept for the swap. */
static struct {
	bool kept;
	int tos;
	uint32_t refresh;
	char *ua;                 /* decoded; NULL: as before */
	struct list proxyl;
} next;

static void next_drop(void)
{
	next.ua = mem_deref(next.ua);
	list_flush(&next.proxyl);
	next.kept = false;
}

static int check(const struct conf *conf, char *why, size_t whysz)
{
	static const char mod[] = "sipwire";
	char ua_enc[UA_MAX * 3], ua[UA_MAX];
	uint32_t tos;
	int err;

	next_drop();

	err = sipsh_conf_u32_of(conf, mod, "sipwire_tos", &tos, why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "sipwire_dns_refresh",
					&next.refresh, why, whysz);
	if (!err)
		err = sipsh_conf_str_of(conf, mod, "sipwire_user_agent",
					ua_enc, sizeof(ua_enc), why, whysz);
	if (err)
		return err;

	if (tos > 255) {
		re_snprintf(why, whysz, "sipwire: sipwire_tos %u is not a "
			    "TOS byte (0-255)", tos);
		return EINVAL;
	}
	next.tos = (int)tos;

	if (pct_decode(ua, sizeof(ua), ua_enc)) {
		re_snprintf(why, whysz, "sipwire: sipwire_user_agent '%s' "
			    "is not one line of text", ua_enc);
		return EINVAL;
	}
	if (!sw.ua_ours || strcmp(sw.ua_ours, ua)) {
		err = str_dup(&next.ua, ua);
		if (err)
			goto out;
	}

	err = conf_apply(conf, "sipwire_proxy", proxy_handler,
			 &next.proxyl);
	if (err) {
		re_snprintf(why, whysz, "sipwire: sipwire_proxy: %m", err);
		goto out;
	}

	/* The listener the filter needs, before anything is taken. */
	if (!list_isempty(&next.proxyl) && !sw.lsnr && sw.layout_ok) {
		err = sip_listen(&sw.lsnr, sw.sip, true, request_handler,
				 NULL);
		if (err) {
			re_snprintf(why, whysz, "sipwire: sip_listen: %m",
				    err);
			goto out;
		}
	}

	next.kept = true;

 out:
	if (err)
		next_drop();

	return err;
}

static void swap(char *what, size_t whatsz)
{
	struct mbuf *mb = mbuf_alloc(128);
	bool proxies;

	if (!next.kept)
		return;

	if (next.ua) {
		if (mb)
			(void)mbuf_printf(mb, "%suser agent '%s'",
					  mb->end ? ", " : "", next.ua);
		(void)ua_take(next.ua);
		next.ua = NULL;
	}

	if (next.tos != sw.tos) {
		tos_take(next.tos);
		if (mb)
			(void)mbuf_printf(mb, "%sSIP TOS %d",
					  mb->end ? ", " : "", next.tos);
	}

	proxies = !proxies_same(&next.proxyl, &sw.proxyl);
	if (proxies || next.refresh != sw.refresh) {
		if (mb && proxies)
			(void)mbuf_printf(mb, "%s%u allowed prox%s",
					  mb->end ? ", " : "",
					  list_count(&next.proxyl),
					  list_count(&next.proxyl) == 1 ?
					  "y" : "ies");
		if (mb && next.refresh != sw.refresh)
			(void)mbuf_printf(mb, "%sDNS refresh %u s",
					  mb->end ? ", " : "", next.refresh);
		proxies_take(&next.proxyl);
		sw.refresh = next.refresh;
		filter_update();
	}

	if (mb)
		(void)re_snprintf(what, whatsz, "%b", mb->buf, mb->end);

	mem_deref(mb);
	next_drop();
}

static int reload_h(struct re_printf *pf, void *arg)
{
	struct sipsh_reload *r = sipsh_reload_of(arg);

	(void)pf;

	if (!r)
		return EINVAL;

	if (!sw.sip) {
		str_ncpy(r->err, "sipwire: the SIP stack is gone",
			 sizeof(r->err));
		return ENOENT;
	}

	switch (r->phase) {

	case RELOAD_CHECK:
		return check(r->conf, r->err, sizeof(r->err));

	case RELOAD_SWAP:
		swap(r->what, sizeof(r->what));
		return 0;

	default:
		next_drop();
		return 0;
	}
}

static const struct cmd cmdv[] = {
	{"sipwire" SIPSH_RELOAD_SUFFIX, 0, SIPSH_RELOAD_CMD,
	 "sipwire: take the config file again (conf_reload)", reload_h},
};

static bool registered;

int reload_init(void)
{
	int err;

	list_init(&next.proxyl);

	err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
	if (err) {
		warning("sipwire: cannot offer conf_reload: %m\n", err);
		return err;
	}
	registered = true;

	return 0;
}

void reload_close(void)
{
	if (registered) {
		cmd_unregister(baresip_commands(), cmdv);
		registered = false;
	}

	next_drop();
}
