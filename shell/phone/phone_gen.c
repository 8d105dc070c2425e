/*
 * Generating baresip's configuration from the committed configuration,
 * in memory (phone_build): the config file with baresip's keys and our
 * modules' keys, the modules to load, and the accounts file (one account
 * line each: gen_account.c). Writing it into RUNDIR is gen_write.c.
 * Nothing generated is ever edited by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf_print.h"
#include "afile.h"
#include "phone.h"
#include "phone_env.h"
#include "roles.h"
#include "gen.h"


int phone_bind_addr(const struct cfg *c, char *addr, size_t sz)
{
	const char *ifname = cfg_str(c, SECT_SIP, 0, "bind-interface");
	struct ifaddrs *ifa, *i;
	int err = ENODEV;

	addr[0] = '\0';
	if (!ifname[0])
		return 0;

	if (getifaddrs(&ifa))
		return errno;

	/* IPv4 first; an IPv6-only interface gives its global address. */
	for (i = ifa; i && err; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) ||
		    i->ifa_addr->sa_family != AF_INET)
			continue;
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
			  addr, (socklen_t)sz);
		err = 0;
	}
	for (i = ifa; i && err; i = i->ifa_next) {
		const struct sockaddr_in6 *s6;

		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) ||
		    i->ifa_addr->sa_family != AF_INET6)
			continue;
		s6 = (const struct sockaddr_in6 *)(void *)i->ifa_addr;
		if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, (socklen_t)sz);
		err = 0;
	}

	freeifaddrs(ifa);
	return err;
}


/* A module of ours, when it is built. */
bool gen_have_module(const char *name)
{
	char path[PATH_MAX];

	re_snprintf(path, sizeof(path), "%s/%s", phone_moddir(), name);
	return access(path, R_OK) == 0;
}

/* Our phoneline module: the lines' hardware. */
bool gen_have_phoneline(void)
{
	return gen_have_module("phoneline.so");
}



/* The modules baresip loads, and where each comes from. */
size_t gen_modules_used(const struct cfg *c, struct mod_use *v, size_t max)
{
	size_t n = 0;

	/* Today every module is loaded whatever c says: each reads its
	 * own keys, and sipaddr's media NAT is named by the accounts. */
	(void)c;
	v[n++] = (struct mod_use){"g711.so", false};
	/* siptls before ctrl and regctl: its event handler puts the reason
	 * of a failed TLS handshake into the REGISTER_FAIL they see. */
	if (n < max && gen_have_module("siptls.so"))
		v[n++] = (struct mod_use){"siptls.so", true};
	if (n < max)
		v[n++] = (struct mod_use){"ctrl.so", true};
	if (n < max)
		v[n++] = (struct mod_use){"regctl.so", true};
	if (n < max && gen_have_phoneline())
		v[n++] = (struct mod_use){"phoneline.so", true};
	if (n < max && gen_have_module("sipwire.so"))
		v[n++] = (struct mod_use){"sipwire.so", true};

	/* Before account.so: its media NAT must be registered when the
	 * accounts name it. */
	if (n < max && gen_have_module("sipaddr.so"))
		v[n++] = (struct mod_use){"sipaddr.so", true};

	/* The accounts' credentials, decoded before they are used. */
	if (n < max && gen_have_module("acctauth.so"))
		v[n++] = (struct mod_use){"acctauth.so", true};

	/* Last: it reads the accounts file and creates the user agents,
	 * whose first events our modules above must already see. */
	if (n < max)
		v[n++] = (struct mod_use){"account.so", false};

	return n;
}

/*
 * The keys whose value is a setting's text as it is, written from the
 * schema's rows (their consumers marked verbatim) that begin with prefix
 * ("regctl_", "phoneline_"), so that such a key and its setting cannot
 * part: a new one is a consumer in the schema, not a line here.
 */
static int keys_print(struct re_printf *pf, const struct cfg *c,
		      const char *prefix)
{
	size_t i, plen = strlen(prefix);
	int err = 0;

	for (i = 0; i < schema_n && !err; i++) {
		const struct setting *st = &schema[i];
		const struct section *sec = section_get(st->sect);
		const struct consumer *u;

		if (!sec->singleton || !st->uses)
			continue;

		for (u = st->uses; u->kind != CK_END && !err; u++) {
			const struct val *v;

			if (!u->verbatim || strncmp(u->key, prefix, plen))
				continue;

			v = inst_val(cfg_inst(c, st->sect, 0), st);
			err = re_hprintf(pf, "%s\t%s\n", u->key,
					 v && v->n ? v->v[0] : "");
		}
	}

	return err;
}

/* The phoneline module's keys: the lines, and the sip settings it acts on. */
static int phoneline_print(struct re_printf *pf, const struct cfg *c,
			   const char *run)
{
	int l, err;

	err = re_hprintf(pf,
			 "phoneline_backend\tsim\n"
			 "phoneline_sim_dir\t%s/lines\n", run);
	if (!err)
		err = keys_print(pf, c, "phoneline_");

	/* A line in service, on an account in service: "N,AOR". */
	for (l = 0; l < INST_MAX && !err; l++) {
		const char *a = cfg_str(c, SECT_LINE, l, "account");
		char *aor = NULL;

		if (!cfg_inst(c, SECT_LINE, l) || !a[0] ||
		    cfg_bool(c, SECT_LINE, l, "shutdown") ||
		    !cfg_inst(c, SECT_ACCOUNT, atoi(a)) ||
		    cfg_bool(c, SECT_ACCOUNT, atoi(a), "shutdown"))
			continue;

		err = phone_account_aor(&aor, c, atoi(a));
		if (!err)
			err = re_hprintf(pf, "phoneline_line\t\t%d,%s\n", l,
					 aor);
		mem_deref(aor);
	}

	return err;
}

/* Config values cannot hold blanks: the user agent is %-encoded. */
static int pct_print(struct re_printf *pf, const char *text)
{
	int err = 0;

	for (; *text && !err; text++) {
		unsigned char ch = (unsigned char)*text;

		if (ch <= ' ' || ch == '%' || ch == '#' || ch >= 0x7f)
			err = re_hprintf(pf, "%%%02X", ch);
		else
			err = re_hprintf(pf, "%c", ch);
	}

	return err;
}

/* The sipwire module's keys: SIP's DSCP, the User-Agent, the proxies
 * allowed to call in and their DNS refresh. */
static int sipwire_print(struct re_printf *pf, const struct cfg *c)
{
	const struct setting *st = schema_find(SECT_SIP, "proxy");
	const struct val *v = inst_val(cfg_inst(c, SECT_SIP, 0), st);
	const char *ua = cfg_str(c, SECT_SIP, 0, "user-agent");
	int dscp = dscp_value(cfg_str(c, SECT_SIP, 0, "diffserv sip"));
	size_t i;
	int err;

	err = re_hprintf(pf, "sipwire_tos\t\t%d\n"
			 "sipwire_user_agent\t",
			 dscp < 0 ? 0 : dscp << 2);
	if (!err && ua[0])
		err = pct_print(pf, ua);
	else if (!err)
		err = re_hprintf(pf, "sipsh/%s", SIPSH_VERSION);
	if (!err)
		err = re_hprintf(pf, "\nsipwire_dns_refresh\t%ld\n",
				 cfg_bool(c, SECT_SIP, 0, "dns-manager") ?
				 cfg_int(c, SECT_SIP, 0, "dns-manager-refresh") :
				 0L);

	for (i = 0; i < v->n && !err; i++)
		err = re_hprintf(pf, "sipwire_proxy\t\t%s\n", v->v[i]);

	return err;
}

/* The sipaddr module's keys (it takes the port from sip_listen): SIP on
 * every address when no bind interface is set, the STUN server ("none": off) and the
 * localnet prefixes, which decide per destination whether SIP and SDP
 * carry the local or the STUN-mapped address. */
static int sipaddr_print(struct re_printf *pf, const struct cfg *c)
{
	const struct setting *st = schema_find(SECT_SIP, "localnet");
	const struct val *v = inst_val(cfg_inst(c, SECT_SIP, 0), st);
	const char *stun = cfg_str(c, SECT_SIP, 0, "stun-server");
	size_t i;
	int err;

	err = re_hprintf(pf, "sipaddr_listen_all\t%s\n"
			 "sipaddr_stun\t\t%s\n",
			 cfg_str(c, SECT_SIP, 0, "bind-interface")[0] ?
			 "no" : "yes", stun[0] ? stun : "none");

	for (i = 0; v && i < v->n && !err; i++)
		err = re_hprintf(pf, "sipaddr_localnet\t%s\n", v->v[i]);

	return err;
}

/* One dns_server line per system dns-server entry. baresip reads each
 * with sa_decode, which wants a port: 53 is added where none is given,
 * and a bare IPv6 address gets its brackets for it. */
static int dns_servers_print(struct re_printf *pf, const struct cfg *c)
{
	const struct setting *st = schema_find(SECT_SYSTEM, "dns-server");
	const struct val *v = inst_val(cfg_inst(c, SECT_SYSTEM, 0), st);
	size_t i;
	int err = 0;

	for (i = 0; v && i < v->n && !err; i++) {
		const char *a = v->v[i], *colon = strchr(a, ':');

		if (a[0] == '[' && strstr(a, "]:"))
			err = re_hprintf(pf, "dns_server\t\t%s\n", a);
		else if (a[0] == '[')
			err = re_hprintf(pf, "dns_server\t\t%s:53\n", a);
		else if (colon && strchr(colon + 1, ':'))
			err = re_hprintf(pf, "dns_server\t\t[%s]:53\n", a);
		else if (colon)
			err = re_hprintf(pf, "dns_server\t\t%s\n", a);
		else
			err = re_hprintf(pf, "dns_server\t\t%s:53\n", a);
	}

	return err;
}

/* Host part of a registrar or proxy "host[:port]", "[v6][:port]", "v6". */
static void tls_host(char *out, size_t sz, const char *hp)
{
	const char *end;

	if (hp[0] == '[') {
		end = strchr(hp, ']');
		re_snprintf(out, sz, "%b", hp + 1,
			    end ? (size_t)(end - hp - 1) : strlen(hp + 1));
		return;
	}

	end = strchr(hp, ':');
	if (end && end == strrchr(hp, ':'))
		re_snprintf(out, sz, "%b", hp, (size_t)(end - hp));
	else
		re_snprintf(out, sz, "%s", hp);
}

static int pem_append(const char *pem, size_t len, void *arg)
{
	struct mbuf *mb = arg;
	int err = mbuf_write_mem(mb, (const uint8_t *)pem, len);

	if (!err && len && pem[len - 1] != '\n')
		err = mbuf_write_u8(mb, '\n');
	return err;
}

/* The siptls module's keys: the lowest TLS version, the TLS 1.2 cipher
 * list, the trusted CAs (written to trusted-ca.pem; none: the system's
 * store) and every host a TLS account connects to (its outbound proxy,
 * else its registrar), as "siptls_host NAME[:PORT]" (an IPv6 address in
 * brackets; no port: SRV lookup picks it), once each. The module checks
 * every TLS connection's certificate against the hosts whose addresses
 * it goes to and sends the name as SNI. */
static int siptls_print(struct re_printf *pf, const struct cfg *c,
			const char *run, struct mbuf *ca)
{
	const struct setting *st = schema_find(SECT_SIP, "trusted-ca");
	const struct val *v = inst_val(cfg_inst(c, SECT_SIP, 0), st);
	const char *ciphers = cfg_str(c, SECT_SIP, 0, "tls-cipher");
	bool srv = cfg_bool(c, SECT_SIP, 0, "srv-lookup");
	char seen[INST_MAX][300];
	size_t i, nseen = 0;
	int id, err;

	err = keys_print(pf, c, "siptls_");
	if (!err && ciphers[0])
		err = re_hprintf(pf, "siptls_ciphers\t\t%s\n", ciphers);

	for (i = 0; v && i < v->n && !err; i++)
		err = pem_foreach(v->v[i], pem_append, ca);
	if (!err && ca->end)
		err = re_hprintf(pf, "siptls_cafile\t\t%s/baresip/"
				 "trusted-ca.pem\n", run);

	for (id = 0; id < INST_MAX && !err; id++) {
		const char *ob, *hp, *port;
		char h[256], hostport[300];
		bool dup = false;

		if (!cfg_inst(c, SECT_ACCOUNT, id) ||
		    cfg_bool(c, SECT_ACCOUNT, id, "shutdown") ||
		    strcmp(cfg_str(c, SECT_ACCOUNT, id, "transport"), "tls"))
			continue;

		ob = cfg_str(c, SECT_ACCOUNT, id, "outbound-proxy");
		hp = ob[0] ? ob : cfg_str(c, SECT_ACCOUNT, id, "registrar");
		tls_host(h, sizeof(h), hp);

		/* The port libre connects to: the one given, else 5061
		 * unless SRV lookup chooses it. */
		port = hp[0] == '[' ? strstr(hp, "]:") : NULL;
		if (port)
			port += 2;
		else if (hp[0] != '[' && strchr(hp, ':') &&
			 strchr(hp, ':') == strrchr(hp, ':'))
			port = strchr(hp, ':') + 1;
		if (!port && !srv)
			port = "5061";

		re_snprintf(hostport, sizeof(hostport), "%s%s%s%s%s",
			    strchr(h, ':') ? "[" : "", h,
			    strchr(h, ':') ? "]" : "", port ? ":" : "",
			    port ? port : "");

		for (i = 0; i < nseen && !dup; i++)
			dup = !str_casecmp(seen[i], hostport);
		if (dup || nseen >= INST_MAX)
			continue;

		str_ncpy(seen[nseen++], hostport, sizeof(seen[0]));
		err = re_hprintf(pf, "siptls_host\t\t%s\n", hostport);
	}

	return err;
}

/* A group's id for ctrl, or "none" when there is no such group. */
static int gid_print(struct re_printf *pf, const char *name)
{
	gid_t gid;

	if (roles_gid(name, &gid))
		return re_hprintf(pf, "none");

	return re_hprintf(pf, "%u", (unsigned)gid);
}

static int config_print(struct re_printf *pf, const struct cfg *c,
			const char *addr, struct mbuf *ca)
{
	const char *run = phone_rundir();
	bool v6 = strchr(addr, ':') != NULL;
	struct mod_use mods[GEN_MODS_MAX];
	size_t i, n;
	int tos = dscp_value(cfg_str(c, SECT_SIP, 0, "diffserv audio"));
	int err;

	err = re_hprintf(pf,
			 "# baresip configuration, generated by sipsh from "
			 "the committed configuration.\n"
			 "# Rewritten on every commit: do not edit.\n"
			 "poll_method\t\tepoll\n"
			 "sip_listen\t\t%s%s%s:%ld\n",
			 v6 ? "[" : "", addr[0] ? addr : "0.0.0.0",
			 v6 ? "]" : "",
			 cfg_int(c, SECT_SIP, 0, "bind-port"));
	if (!err && addr[0])
		err = re_hprintf(pf, "net_interface\t\t%s\n", addr);
	if (!err)
		err = re_hprintf(pf,
				 "call_local_timeout\t120\n"
				 "call_max_calls\t\t8\n"
				 "rtp_tos\t\t\t%d\n"
				 "module_path\t\t%s/baresip/modules\n",
				 tos < 0 ? 0 : tos << 2, run);
	if (!err)
		err = keys_print(pf, c, "rtp_");

	n = gen_modules_used(c, mods, GEN_MODS_MAX);
	for (i = 0; i < n && !err; i++)
		err = re_hprintf(pf, "module\t\t\t%s\n", mods[i].name);

	/* Anyone may connect; ctrl authorises each request by the peer's
	 * credentials and these groups (sipsh(1) ROLES), by the ids resolved
	 * here, so that the phone's start asks the group database nothing. */
	if (!err)
		err = re_hprintf(pf,
				 "ctrl_socket\t\t%s/ctrl.sock\n"
				 "ctrl_socket_mode\t0666\n"
				 "ctrl_admin_group\t%s\n"
				 "ctrl_admin_gid\t\t%H\n"
				 "ctrl_view_group\t\t%s\n"
				 "ctrl_view_gid\t\t%H\n", run,
				 roles_admin_group(), gid_print,
				 roles_admin_group(), roles_view_group(),
				 gid_print, roles_view_group());
	if (!err)
		err = keys_print(pf, c, "regctl_");
	/* The acctauth module's realm, only when one is set: without the key
	 * it answers every realm. */
	if (!err && gen_have_module("acctauth.so") &&
	    cfg_str(c, SECT_SIP, 0, "realm")[0])
		err = re_hprintf(pf, "acctauth_realm\t\t%s\n",
				 cfg_str(c, SECT_SIP, 0, "realm"));
	if (!err && gen_have_phoneline())
		err = phoneline_print(pf, c, run);
	if (!err && gen_have_module("sipwire.so"))
		err = sipwire_print(pf, c);
	if (!err && gen_have_module("siptls.so"))
		err = siptls_print(pf, c, run, ca);
	if (!err && gen_have_module("sipaddr.so"))
		err = sipaddr_print(pf, c);
	if (!err)
		err = dns_servers_print(pf, c);

	return err;
}

static int accounts_print(struct re_printf *pf, const struct cfg *c,
			  int *badp)
{
	int id, err;

	err = re_hprintf(pf, "# baresip accounts, generated by sipsh: do "
			 "not edit.\n");

	for (id = 0; id < INST_MAX && !err; id++) {
		char *line = NULL;

		if (!cfg_inst(c, SECT_ACCOUNT, id) ||
		    cfg_bool(c, SECT_ACCOUNT, id, "shutdown"))
			continue;

		err = phone_account_line(&line, c, id);
		if (err)
			*badp = id;
		if (!err)
			err = re_hprintf(pf, "%s\n", line);
		mem_deref(line);
	}

	return err;
}


static void gen_destructor(void *arg)
{
	struct phone_gen *g = arg;

	mem_deref(g->cfg);
	mem_deref(g->config);
	mem_deref(g->accounts);
	mem_deref(g->ca);
}

int phone_build(struct phone_gen **gp, const struct cfg *c, char *errbuf,
		size_t errsz)
{
	struct phone_gen *g;
	struct re_printf pf;
	char addr[64];
	int bad = -1, err;

	if (!gp || !c)
		return EINVAL;

	/* Before any value of the environment is written anywhere. */
	err = phone_env_check(errbuf, errsz);
	if (err)
		return err;

	err = phone_bind_addr(c, addr, sizeof(addr));
	if (err) {
		re_snprintf(errbuf, errsz, "bind-interface %s: %s",
			    cfg_str(c, SECT_SIP, 0, "bind-interface"),
			    err == ENODEV ? "no such interface, or it has no "
			    "address" : strerror(err));
		return err;
	}

	g = mem_zalloc(sizeof(*g), gen_destructor);
	if (!g)
		return ENOMEM;

	g->config = mbuf_alloc(2048);
	g->accounts = mbuf_alloc(512);
	g->ca = mbuf_alloc(64);
	err = g->config && g->accounts && g->ca ? 0 : ENOMEM;
	if (!err)
		err = cfg_dup(&g->cfg, c);
	if (err)
		goto out;

	pf.vph = pf_mbuf_vph;
	pf.arg = g->config;
	err = config_print(&pf, c, addr, g->ca);
	pf.arg = g->accounts;
	if (!err)
		err = accounts_print(&pf, c, &bad);
	if (err == E2BIG && bad >= 0)
		re_snprintf(errbuf, errsz, "account %d: its values make an "
			    "account line longer than the %d bytes baresip "
			    "reads", bad, ACCOUNT_LINE_MAX);
	else if (err)
		re_snprintf(errbuf, errsz, "cannot generate the phone's "
			    "configuration: %m", err);

 out:
	if (err)
		mem_deref(g);
	else
		*gp = g;

	return err;
}
