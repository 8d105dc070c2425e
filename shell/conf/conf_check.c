/*
 * Checks that look at the whole configuration rather than one value:
 * settings that must agree with each other, references between sections,
 * and TLS settings OpenSSL must accept. Run before every commit, so a
 * saved configuration always passes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "conf_check.h"
#include "tls_info.h"

struct checker {
	struct re_printf *pf;
	unsigned nerr, nwarn;
};

static void problem(struct checker *ck, bool warn, const char *fmt, ...)
{
	va_list ap;

	if (warn)
		++ck->nwarn;
	else
		++ck->nerr;

	if (!ck->pf)
		return;

	va_start(ap, fmt);
	re_hprintf(ck->pf, "  %s", warn ? "warning: " : "");
	re_vhprintf(fmt, ap, ck->pf->vph, ck->pf->arg);
	re_hprintf(ck->pf, "\n");
	va_end(ap);
}

static void check_required(struct checker *ck, const struct inst *i)
{
	size_t k;

	for (k = 0; k < i->sec->count; k++) {
		const struct setting *st = &schema[i->sec->first + k];

		if ((st->flags & SF_REQUIRED) && !inst_val(i, st)->n)
			problem(ck, false, "%s %d: %s is not set",
				i->sec->name, i->id, st->key);
	}
}

static void check_sip(struct checker *ck, const struct cfg *c)
{
	long port = cfg_int(c, SECT_SIP, 0, "bind-port");
	const char *range = cfg_str(c, SECT_SIP, 0, "rtp-port-range");
	long lo = strtol(range, NULL, 10);
	long hi = strtol(strchr(range, '-') ? strchr(range, '-') + 1 : "0",
			 NULL, 10);
	long attempts = cfg_int(c, SECT_SIP, 0, "register-attempts");
	long battempts = cfg_int(c, SECT_SIP, 0,
				  "register-backoff-attempts");
	long timeout = cfg_int(c, SECT_SIP, 0, "register-timeout");
	long btimeout = cfg_int(c, SECT_SIP, 0, "register-backoff-timeout");
	const char *cipher = cfg_str(c, SECT_SIP, 0, "tls-cipher");
	struct diag dg;

	if (port >= lo && port <= hi)
		problem(ck, false, "sip: rtp-port-range %s contains "
			"bind-port %ld", range, port);
	else if (port + 1 >= lo && port + 1 <= hi)
		problem(ck, false, "sip: rtp-port-range %s contains port %ld, "
			"which SIP over TLS uses (bind-port + 1)", range,
			port + 1);

	if (hi - lo < 1)
		problem(ck, false, "sip: rtp-port-range %s holds one port; "
			"RTP and RTCP need at least two", range);

	if (battempts && attempts && battempts >= attempts)
		problem(ck, false, "sip: register-backoff-attempts %ld is not "
			"below register-attempts %ld, so back-off would never "
			"start (use fewer back-off attempts, or "
			"register-attempts 0 to try forever)",
			battempts, attempts);

	if (battempts && btimeout < timeout)
		problem(ck, false, "sip: register-backoff-timeout %ld is "
			"shorter than register-timeout %ld: backing off would "
			"retry sooner, not later", btimeout, timeout);

	/* Only a cipher list of ours is tried on an OpenSSL context: making
	 * one loads OpenSSL's configuration and ciphers, half of what a
	 * commit spent, and with no list the phone uses OpenSSL's default,
	 * which sipsh cannot have made wrong (tls-version is an enum). */
	memset(&dg, 0, sizeof(dg));
	if (cipher[0] && tls_check(cfg_str(c, SECT_SIP, 0, "tls-version"),
				   cipher, &dg))
		problem(ck, false, "sip: %s", dg.err);
	else if (dg.warn[0])
		problem(ck, true, "sip: %s", dg.warn);
}

/* A setting nothing reads yet, set away from its default, would look
 * like one that works: say that it does not. */
static void check_no_effect(struct checker *ck, const struct inst *i)
{
	size_t k;

	for (k = 0; k < i->sec->count; k++) {
		const struct setting *st = &schema[i->sec->first + k];

		if (!(st->flags & SF_NO_EFFECT) || inst_isdefault(i, st))
			continue;

		if (i->sec->singleton)
			problem(ck, true, "%s: %s is stored but has no effect "
				"in this version", i->sec->name, st->key);
		else
			problem(ck, true, "%s %d: %s is stored but has no "
				"effect in this version", i->sec->name, i->id,
				st->key);
	}
}

/* Localnet only decides where the STUN-mapped address goes: changed
 * with no STUN server, it would look like a setting that works. */
static void check_localnet(struct checker *ck, const struct cfg *c)
{
	const struct inst *i = cfg_inst(c, SECT_SIP, 0);

	if (i && !inst_isdefault(i, schema_find(SECT_SIP, "localnet")) &&
	    !cfg_str(c, SECT_SIP, 0, "stun-server")[0])
		problem(ck, true, "sip: localnet has no effect without a "
			"stun-server");
}

/* baresip 1.0.0 keeps at most NET_MAX_NS (4) DNS servers and refuses to
 * start with more. */
static void check_dns_servers(struct checker *ck, const struct cfg *c)
{
	const struct val *v = inst_val(cfg_inst(c, SECT_SYSTEM, 0),
				       schema_find(SECT_SYSTEM,
						   "dns-server"));

	if (v && v->n > DNS_SERVERS_MAX)
		problem(ck, false, "system: %zu dns-server entries, at most "
			"%d", v->n, DNS_SERVERS_MAX);
}

/* A cipher string must not allow what TLS is there to prevent, and must
 * run as it was checked. */
static void check_tls_cipher(struct checker *ck, const struct cfg *c)
{
	struct diag dg;

	memset(&dg, 0, sizeof(dg));
	if (tls_cipher_safe(cfg_str(c, SECT_SIP, 0, "tls-cipher"), &dg))
		problem(ck, false, "sip: %s", dg.err);
}

static void check_line(struct checker *ck, const struct cfg *c,
		       const struct inst *i)
{
	const char *acc = cfg_str(c, SECT_LINE, i->id, "account");

	if (acc[0] && !cfg_inst(c, SECT_ACCOUNT, atoi(acc)))
		problem(ck, false, "line %d: account %s does not exist",
			i->id, acc);
}

int cfg_check(const struct cfg *c, struct re_printf *pf, unsigned *nerrp,
	       unsigned *nwarnp)
{
	struct checker ck = {pf, 0, 0};
	int s, n;

	if (!c)
		return EINVAL;

	check_sip(&ck, c);
	check_tls_cipher(&ck, c);
	check_localnet(&ck, c);
	check_dns_servers(&ck, c);

	for (s = 0; s < SECT_N; s++) {
		for (n = 0; n < INST_MAX; n++) {
			const struct inst *i = c->inst[s][n];

			if (!i)
				continue;

			check_required(&ck, i);
			check_no_effect(&ck, i);
			if (s == SECT_LINE)
				check_line(&ck, c, i);
		}
	}

	if (nerrp)
		*nerrp = ck.nerr;
	if (nwarnp)
		*nwarnp = ck.nwarn;

	return 0;
}
