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

	err = sipreg_peek_regl(ua, &regl);
	if (err)
		return err;

	/* every one checked before any is changed */
	for (le = regl->head; le; le = le->next) {
		struct sipreg_v110 *sr;

		err = sipreg_peek_of(le->data, &sr);
		if (err)
			return err;
	}

	for (le = regl->head; le; le = le->next) {
		struct sipreg_v110 *sr;

		(void)sipreg_peek_of(le->data, &sr);
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
