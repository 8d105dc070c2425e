/*
 * The configuration core: instances start at the defaults, lists add
 * idempotently and remove by value, copies compare equal, and a
 * configuration printed, parsed and printed again gives the same bytes.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf.h"
#include "conf_print.h"
#include "conf_read.h"
#include "unit.h"

static int printed(char **textp, const struct cfg *c, unsigned flags)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;

	err = cfg_print(&pf, c, flags, NULL);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(textp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

int test_conf_values(void)
{
	const struct setting *proxy = schema_find(SECT_SIP, "proxy");
	const struct setting *localnet = schema_find(SECT_SIP, "localnet");
	const struct setting *port = schema_find(SECT_SIP, "bind-port");
	const struct setting *hold = schema_find(SECT_SIP, "remote-hold");
	struct cfg *c = NULL, *d = NULL, *e = NULL;
	struct inst *sip, *acc;
	char *t1 = NULL, *t2 = NULL;
	int err = 0;

	TEST_EQ(cfg_alloc(&c), 0);
	sip = cfg_inst(c, SECT_SIP, 0);
	TEST_TRUE(sip != NULL);
	TEST_TRUE(cfg_inst(c, SECT_ACCOUNT, 1) == NULL);
	TEST_STR(cfg_str(c, SECT_SIP, 0, "bind-port"), "5060");
	TEST_EQ(cfg_int(c, SECT_SIP, 0, "register-backoff-timeout"), 512);
	TEST_TRUE(cfg_bool(c, SECT_SIP, 0, "remote-hold"));
	TEST_EQ(inst_val(sip, localnet)->n, 3);

	/* Lists: adding twice keeps one; removing an absent value fails. */
	TEST_EQ(inst_add(sip, proxy, "a.example"), 0);
	TEST_EQ(inst_add(sip, proxy, "b.example"), 0);
	TEST_EQ(inst_add(sip, proxy, "a.example"), 0);
	TEST_EQ(inst_val(sip, proxy)->n, 2);
	TEST_EQ(inst_remove(sip, proxy, "c.example"), ENOENT);
	TEST_EQ(inst_remove(sip, proxy, "a.example"), 0);
	TEST_STR(inst_val(sip, proxy)->v[0], "b.example");

	/* A list with a non-empty default, changed, then emptied. */
	TEST_EQ(inst_remove(sip, localnet, "10.0.0.0/8"), 0);
	TEST_EQ(inst_add(sip, localnet, "100.64.0.0/10"), 0);
	TEST_EQ(inst_set(sip, port, "5070"), 0);
	TEST_EQ(inst_set(sip, hold, "no"), 0);
	TEST_TRUE(!inst_isdefault(sip, port));

	TEST_EQ(cfg_inst_add(c, SECT_ACCOUNT, 3, &acc), 0);
	TEST_EQ(cfg_inst_add(c, SECT_ACCOUNT, 9, NULL), ERANGE);
	TEST_EQ(inst_set(acc, schema_find(SECT_ACCOUNT, "user"), "100"), 0);
	TEST_EQ(cfg_inst_add(c, SECT_LINE, 0, &acc), 0);
	TEST_EQ(inst_set(acc, schema_find(SECT_LINE, "name"),
			 "a \"quoted\" \\ name"), 0);

	TEST_EQ(cfg_dup(&d, c), 0);
	TEST_TRUE(cfg_equal(c, d));
	inst_clear(cfg_inst(d, SECT_SIP, 0), localnet);
	TEST_TRUE(!cfg_equal(c, d));

	/* Print, parse, print: the same bytes, for both. */
	TEST_EQ(printed(&t1, c, PR_SECRETS), 0);
	err = cfg_parse_text(&e, "t1", t1, NULL);
	if (err)
		TEST_ERR("re-parse failed:\n%s", t1);
	TEST_TRUE(cfg_equal(c, e));
	TEST_EQ(printed(&t2, e, PR_SECRETS), 0);
	TEST_STR(t2, t1);
	t1 = mem_deref(t1);
	t2 = mem_deref(t2);
	e = mem_deref(e);

	TEST_EQ(printed(&t1, d, PR_SECRETS), 0);
	TEST_TRUE(strstr(t1, " no localnet\n") != NULL);
	TEST_EQ(cfg_parse_text(&e, "t1", t1, NULL), 0);
	TEST_TRUE(cfg_equal(d, e));
	t1 = mem_deref(t1);
	e = mem_deref(e);

	/* 'all' prints every setting, and reads back to the same. */
	TEST_EQ(printed(&t1, c, PR_ALL | PR_SECRETS), 0);
	TEST_TRUE(strstr(t1, " diffserv audio ef\n") != NULL);
	TEST_EQ(cfg_parse_text(&e, "t1", t1, NULL), 0);
	TEST_TRUE(cfg_equal(c, e));

	t1 = mem_deref(t1);
	e = mem_deref(e);
	mem_deref(c);
	mem_deref(d);

	return err;
}
