/*
 * Whether a new baresip config needs a restart beyond what the running
 * phone takes live (shell/phone/config_diff.c): keys the schema marks
 * live or line-bound, comments and blank lines do not count; any other
 * line that differs, is added or is missing does, and is named.
 */
#include <string.h>
#include "re_base.h"
#include "config_diff.h"
#include "unit.h"

int test_config_diff(void);

static const struct {
	const char *old, *new;
	bool differs;
	const char *key;
} cases[] = {
	{"sip_listen\t0.0.0.0:5060\nsipwire_user_agent\ta\n",
	 "sip_listen\t0.0.0.0:5060\nsipwire_user_agent\tb\n", false, ""},
	{"# one\nsipwire_tos\t96\n\nregctl_timeout\t30\n",
	 "# two\nsipwire_tos\t184\nregctl_timeout\t2\n", false, ""},
	{"phoneline_line\t\t0,sip:a@b\nmodule\t\tg711.so\n",
	 "module\t\tg711.so\n", false, ""},
	{"sip_listen\t0.0.0.0:5060\n", "sip_listen\t0.0.0.0:5070\n", true,
	 "sip_listen"},
	{"rtp_tos\t\t184\n", "rtp_tos\t\t184\ndns_server\t127.0.0.1:53\n",
	 true, "dns_server"},
	{"module\t\tg711.so\nmodule\t\tstun.so\n", "module\t\tg711.so\n",
	 true, "module"},
	{"siptls_min_version\t1.2\n", "siptls_min_version\t1.3", true,
	 "siptls_min_version"},
};

int test_config_diff(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char key[64] = "";
		bool d = config_differs(cases[i].old, strlen(cases[i].old),
					cases[i].new, strlen(cases[i].new),
					key, sizeof(key));

		if (d != cases[i].differs)
			TEST_ERR("case %zu: differs %d, expected %d", i, d,
				 cases[i].differs);
		TEST_STR(key, cases[i].key);
	}

	/* The config the phone ran is not known: a restart. */
	TEST_TRUE(config_differs(NULL, 0, "a\tb\n", 4, NULL, 0));

	return 0;
}
