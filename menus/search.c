/*
 * '/': a search of the settings' labels (and keys) on every page. One
 * hit jumps to it; several are listed with the page each is on.
 */
#include <string.h>
#include <strings.h>
#include "re_base.h"
#include "setup.h"

#define HITS_MAX 48

static bool matches(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		if (!strncasecmp(hay, needle, n))
			return true;
	}

	return false;
}

int search_run(struct app *a, const struct setting **hitp, int *pagep)
{
	const struct setting *hits[HITS_MAX];
	const char *names[HITS_MAX + 1], *descs[HITS_MAX + 1];
	char q[64];
	size_t k, n = 0;
	int pick;

	if (dlg_input("Search", "Search the labels for:", false, NULL, q,
		      sizeof(q)) || !q[0])
		return ECANCELED;

	for (k = 0; k < schema_n && n < HITS_MAX; k++) {
		const struct setting *s = &schema[k];

		if (!matches(s->label, q) && !matches(s->key, q))
			continue;

		hits[n] = s;
		names[n] = s->label;
		descs[n] = pages[page_of_setting(s)].title;
		++n;
	}
	names[n] = descs[n] = NULL;

	if (!n) {
		app_msg(a, true, "No label contains '%s'", q);
		return ENOENT;
	}

	pick = n == 1 ? 0 : dlg_choose("Search results", names, descs, 0);
	if (pick < 0)
		return ECANCELED;

	*hitp = hits[pick];
	*pagep = page_of_setting(hits[pick]);
	return 0;
}
