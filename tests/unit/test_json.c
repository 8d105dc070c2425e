/*
 * 'show running-config | json' is for scripts: it must decode as JSON
 * (checked with libre's own decoder), hold every setting, typed, and
 * never the password itself.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf.h"
#include "conf_print.h"
#include "unit.h"

int test_cfg_json(void)
{
	struct cfg *c = NULL;
	struct inst *acc;
	struct mbuf *mb = mbuf_alloc(4096);
	struct re_printf pf = {pf_mbuf_vph, mb};
	struct odict *o = NULL;
	const struct odict_entry *sip, *e, *accounts;
	uint64_t num = 0;
	bool on = true;
	int err = 0;

	TEST_TRUE(mb != NULL);
	TEST_EQ(cfg_alloc(&c), 0);
	TEST_EQ(cfg_inst_add(c, SECT_ACCOUNT, 2, &acc), 0);
	TEST_EQ(inst_set(acc, schema_find(SECT_ACCOUNT, "password"),
			 "s\"3cret"), 0);
	TEST_EQ(inst_set(cfg_inst(c, SECT_SIP, 0),
			 schema_find(SECT_SIP, "dns-manager"), "yes"), 0);

	TEST_EQ(cfg_json(&pf, c, NULL), 0);
	TEST_TRUE(memmem(mb->buf, mb->end, "3cret", 5) == NULL);
	TEST_EQ(json_decode_odict(&o, 32, (const char *)mb->buf, mb->end, 8),
		0);

	sip = odict_lookup(o, "sip");
	TEST_TRUE(sip && sip->type == ODICT_OBJECT);
	TEST_EQ(odict_count(sip->u.odict, false), 25);
	TEST_TRUE(odict_get_number(sip->u.odict, &num, "bind-port"));
	TEST_EQ(num, 5060);
	TEST_TRUE(odict_get_boolean(sip->u.odict, &on, "dns-manager"));
	TEST_TRUE(on);
	e = odict_lookup(sip->u.odict, "localnet");
	TEST_TRUE(e && e->type == ODICT_ARRAY);
	TEST_EQ(odict_count(e->u.odict, false), 3);

	accounts = odict_lookup(o, "account");
	TEST_TRUE(accounts && accounts->type == ODICT_OBJECT);
	e = odict_lookup(accounts->u.odict, "2");
	TEST_TRUE(e && e->type == ODICT_OBJECT);
	TEST_STR(odict_string(e->u.odict, "password"), SECRET_MASK);

	mem_deref(o);
	mem_deref(c);
	mem_deref(mb);
	return err;
}
