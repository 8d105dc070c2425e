/*
 * sipreg_forget: see sipreg_forget.h.
 */
#include "baresip.h"
#include "sipreg_peek.h"
#include "sipreg_forget.h"

static int forget_one(struct reg_v100 *r, struct sipreg_v110 *sr,
		      void *arg)
{
	(void)r;
	(void)arg;

	/* A REGISTER still resolving has sent nothing yet: it is left to
	 * libre (EALREADY), the one case not mended. */
	(void)sipreg_peek_end(sr);
	tmr_cancel(&sr->tmr);
	sr->registered = false;

	return 0;
}

int sipreg_forget(struct ua *ua)
{
	return sipreg_peek_each(ua, forget_one, NULL);
}
