/*
 * The help window ('?' or F1): everything the schema row says about the
 * field under the cursor (its help, its type and range, its default,
 * what it does, how a change takes effect), and the keys.
 */
#include <string.h>
#include "re_base.h"
#include "setup.h"

/* How a change takes effect, from the row's consumers (the most
 * disruptive first), and what reads it. */
static int effect_print(struct re_printf *pf, void *arg)
{
	static const struct {
		unsigned cls;
		const char *text;
	} classes[] = {
		{AC_RESTART, "the phone restarts"},
		{AC_ACCOUNT, "the account registers again"},
		{AC_LINE, "the line is bound again"},
		{AC_LIVE, "the running phone takes it live"},
		{AC_SHELL, "the shell reads it; the phone is not touched"},
	};
	const struct setting *s = arg;
	const struct consumer *u;
	unsigned cls = setting_classes(s);
	size_t k;
	int err = 0, n = 0;

	if (!s->uses || (s->flags & SF_NO_EFFECT))
		return re_hprintf(pf, "nothing reads it yet: stored only");

	err = re_hprintf(pf, "on Apply, ");
	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
		if (cls & classes[k].cls)
			err |= re_hprintf(pf, "%s%s", n++ ? "; or " : "",
					  classes[k].text);
	}

	err |= re_hprintf(pf, "\nRead by:  ");
	for (n = 0, u = s->uses; u->kind != CK_END; u++)
		err |= re_hprintf(pf, "%s%s %s%s%s", n++ ? ", " : "",
				  consumer_kind_name(u->kind), u->key,
				  u->when ? " when " : "",
				  u->when ? u->when : "");

	return err;
}

void help_show(const struct setting *s)
{
	char text[2048];
	int n, k;

	if (!s) {
		help_keys();
		return;
	}

	n = re_snprintf(text, sizeof(text),
			"%s\n\n"
			"Type:     %s %H\n"
			"Default:  %s\n"
			"Effect:   %H\n"
			"Setting:  %s %s%s\n\n"
			"%s\n",
			s->help, s->type->name, s->type->syntax, s,
			s->def ? s->def : "(unset)",
			effect_print, s,
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
