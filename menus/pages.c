/*
 * The pages, in the order the page list shows them, and the keys every
 * page shares (help, search, Save, Apply). Every section of the schema
 * has a page, so nothing is reachable only from the shell.
 */
#include "re_base.h"
#include "setup.h"

const struct page pages[] = {
	{"Advanced SIP", page_form_run, SECT_SIP,
	 "The SIP settings shared by all accounts, as the router's view"},
	{"Accounts", page_list_run, SECT_ACCOUNT,
	 "SIP accounts: list, add, edit, delete"},
	{"Lines", page_list_run, SECT_LINE,
	 "The analog phone lines and the account each uses"},
	{"Trusted CA", page_ca_run, SECT_SIP,
	 "CA certificates SIP/TLS servers must chain to: add by pasting"},
	{"Phone lines (all)", page_form_run, SECT_PHONE,
	 "How the analog lines behave: tones, dialling"},
	{"System", page_form_run, SECT_SYSTEM,
	 "Settings of the device and its shell sessions"},
	{"Status", page_status_run, SECT_N,
	 "Registrations, lines and calls, live from the running phone"},
};

const size_t pages_n = sizeof(pages) / sizeof(pages[0]);

/* The page a setting is edited on. */
int page_of_setting(const struct setting *s)
{
	size_t k;

	if (s->type == &vt_pem)
		return 3;

	for (k = 0; k < pages_n; k++) {
		if (pages[k].sect == s->sect && pages[k].run != page_ca_run)
			return (int)k;
	}

	return 0;
}

/*
 * The keys of every page: -1 when ch is not one of them, PAGE_JUMP for a
 * search hit (a->jump, a->jump_page), else 0.
 */
int page_common_key(struct app *a, int ch, const struct setting *cur)
{
	const struct setting *hit;
	int pg;

	switch (ch) {

	case '?':
	case KEY_F(1):
		help_show(cur);
		return 0;

	case '/':
		if (search_run(a, &hit, &pg))
			return 0;
		a->jump = hit;
		a->jump_page = pg;
		return PAGE_JUMP;

	case 's':
	case 'S':
	case KEY_F(2):
		save_check(a);
		return 0;

	case 'a':
	case 'A':
	case KEY_F(3):
		save_apply(a);
		return 0;

	default:
		return -1;
	}
}
