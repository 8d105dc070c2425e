/*
 * sipreg_forget: see sipreg_forget.h.
 */
#include "baresip.h"
#include "sipreg_peek.h"
#include "sipreg_forget.h"

int sipreg_forget(struct ua *ua)
{
	struct list *regl;
	struct le *le;
	int err;

	/* every one checked before any is changed */
	err = sipreg_peek_regl(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; le = le->next) {
		const struct reg_v100 *r = le->data;
		struct sipreg_v110 *sr = (void *)r->sipreg;

		if (!sr)
			continue;

		/* A REGISTER still resolving has sent nothing yet: it is
		 * left to libre (EALREADY), the one case not mended. */
		(void)sipreg_peek_end(sr);
		tmr_cancel(&sr->tmr);
		sr->registered = false;
	}

	return 0;
}
