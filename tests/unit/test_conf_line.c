/*
 * Tests of conf_line_get() (baresip-mods/common/conf_line.c, built into
 * this test as it is into every module): on configs made to trip a line
 * reader (a key without a value, a key that is the prefix of another,
 * blank lines, CRs, tabs, a key on the first line, one at the end with
 * no newline, a commented key), it finds what libre's own conf_get()
 * finds, the same bytes of the same buffer, or nothing when it does.
 */
#include "re_base.h"
#include "../../baresip-mods/common/conf_line.c"
#include "unit.h"

int test_conf_line(void);

int test_conf_line(void)
{
	static const char *const texts[] = {
		"\nkey value\n", "key value\n", "\n\tkey\tvalue  x\n",
		"\nkey\n key v2\n", "\nkeyx v\nkey w\n", "\n  \n  key  v3",
		"\r\nkey v4\r\n", "\nkey \nkey v5\n", "\n#key v\nkey v6\n",
		"\nxkey v\n", "\nkey", "\nkey ", "\nkey  \t\n\n key\tz",
		"\n k ey v\n key v7", "\nkey\tv8\tmore\n", "", "\n",
		"\n\n\nkey\t\t\tv9", "\n\t \t key v10\n", "\rkey v11",
		"# head\nmodule_path /m\nkey v12\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct conf *conf = NULL;
		struct pl a = PL_INIT, b = PL_INIT;
		int ea, eb;

		if (conf_alloc_buf(&conf, (const uint8_t *)texts[i],
				   strlen(texts[i])))
			TEST_ERR("conf_alloc_buf of text %zu", i);

		ea = conf_get(conf, "key", &a);
		eb = line_get(((const struct conf_v110 *)conf)->mb, "key",
			      &b);
		mem_deref(conf);

		if (ea != eb || (!ea && (a.p != b.p || a.l != b.l)))
			TEST_ERR("text %zu: conf_get %d '%.*s', line_get %d "
				 "'%.*s'", i, ea, (int)a.l, a.p ? a.p : "",
				 eb, (int)b.l, b.p ? b.p : "");
	}

	/* Through the checked entry point, on a config with module_path. */
	{
		static const char text[] = "# head\nmodule_path /m\nkey v\n";
		struct conf *conf = NULL;
		struct pl pl;

		TEST_EQ(conf_alloc_buf(&conf, (const uint8_t *)text,
				       strlen(text)), 0);
		TEST_EQ(conf_line_get(conf, "key", &pl), 0);
		TEST_TRUE(!pl_strcmp(&pl, "v"));
		TEST_EQ(conf_line_get(conf, "nokey", &pl), ENOENT);
		mem_deref(conf);
	}

	return 0;
}
