/*
 * The help window ('?' or F1): everything the schema row says about the
 * field under the cursor (its help, its type and range, its default,
 * what it does, how a change takes effect), and the keys.
 */
#include <string.h>
#include "re_base.h"
#include "setup.h"

void help_show(const struct setting *s)
{
	const struct page *pg;
	char text[2048];
	int n, k;

	if (!s) {
		help_keys();
		return;
	}

	pg = &pages[page_of_setting(s)];
	n = re_snprintf(text, sizeof(text),
			"%s\n\n"
			"Type:     %s %H\n"
			"Default:  %s\n"
			"Effect:   %s\n"
			"Setting:  %s %s%s\n\n"
			"%s\n",
			s->help, s->type->name, s->type->syntax, s,
			s->def ? s->def : "(unset)",
			pg->effect,
			section_get(s->sect)->name, s->key,
			setting_islist(s) ? " (a list: one value per line)" :
			"",
			s->doc ? s->doc : "");

	if (s->enums && setting_enum_help(s) && n > 0) {
		for (k = 0; s->enums[k] && (size_t)n < sizeof(text); k++) {
			int r = re_snprintf(text + n, sizeof(text) - (size_t)n,
					    "%s  %-14s %s",
					    k ? "\n" : "\nValues:\n",
					    s->enums[k], setting_enum_help(s)[k]);
			if (r < 0)
				break;
			n += r;
		}
	}

	dlg_message(s->label, text);
}

void help_keys(void)
{
	dlg_message("Keys",
		    "Up, Down, Tab   move between fields\n"
		    "PgUp, PgDn      previous, next screen of fields\n"
		    "Enter           edit the field, or open it\n"
		    "Space           toggle a check box\n"
		    "Esc             cancel an edit or a window\n"
		    "? or F1         help for the field\n"
		    "/               search the labels\n"
		    "F2 or s         Save: check the whole configuration\n"
		    "F3 or a         Apply: save and apply to the phone\n"
		    "Esc Esc         back to the page list; there, leave\n"
		    "\n"
		    "On the Accounts and Lines pages: n adds, d deletes. "
		    "On the Trusted CA page: n adds a certificate by "
		    "pasting it, d deletes one.");
}
