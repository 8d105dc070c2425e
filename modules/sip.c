/*
 * The sip module's exec commands: what the 'sip' section holds that the
 * configuration printer cannot say, such as the trusted CA certificates
 * by subject, expiry and fingerprint.
 */
#include <string.h>
#include "re_base.h"
#include "session.h"
#include "modules.h"
#include "tls_info.h"

struct ca_show {
	struct session *s;
	unsigned n;
};

static int ca_one(const char *pem, size_t len, void *arg)
{
	struct ca_show *cs = arg;
	struct pem_text pt = {pem, len};
	unsigned n = ++cs->n;

	return sess_printf(cs->s, "%sCA %u\n%H", n > 1 ? "\n" : "", n,
			   pem_cert_print_h, &pt);
}

static int h_show_ca(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = schema_find(SECT_SIP, "trusted-ca");
	const struct val *v = inst_val(cfg_inst(s->running, SECT_SIP, 0), st);
	struct ca_show cs = {s, 0};
	size_t i;
	int err = 0;

	(void)c;

	if (!v->n)
		return sess_note(s, "No trusted CA configured: servers are "
				   "verified against the system's CA "
				   "store\n") ? EXIT_CMD : 0;

	for (i = 0; i < v->n && !err; i++)
		err = pem_foreach(v->v[i], ca_one, &cs);

	return err ? EXIT_CMD : 0;
}

static const struct cmd_def sip_cmds[] = {
	{MODE_BIT(MODE_EXEC), "show trusted-ca",
	 {"Show running system information",
	  "The trusted CA certificates: subject, expiry, fingerprint"},
	 h_show_ca, NULL, CF_OUTPUT},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int sip_register(struct grammar *g)
{
	return grammar_add_table(g, sip_cmds);
}
