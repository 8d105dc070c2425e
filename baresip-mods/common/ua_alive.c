/*
 * sipsh_ua_alive: see ua_alive.h.
 */
#include "baresip.h"
#include "ua_alive.h"

bool sipsh_ua_alive(const struct ua *ua)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		if (le->data == ua)
			return true;
	}

	return false;
}
