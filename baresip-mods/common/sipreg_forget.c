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

	(void)sipreg_peek_end(sr);

	/* Still resolving (EALREADY), or gone on to the request's next
	 * address: once the sipreg is freed, it would register and then
	 * un-REGISTER the binding the new REGISTER makes. Let go instead
	 * (libre's early release of a request, src/sip/request.c): it
	 * sends, once resolved, a REGISTER without a Contact, which binds
	 * nothing, or its own to the next address, the same Contact; nobody
	 * hears the answer. */
	if (sr->req)
		sr->req = mem_deref(sr->req);
	tmr_cancel(&sr->tmr);
	sr->registered = false;

	return 0;
}

int sipreg_forget(struct ua *ua)
{
	return sipreg_peek_each(ua, forget_one, NULL);
}
