/*
 * Finding and checking an account's registrations in the private
 * structures of baresip 1.0.0 and libre 1.1.0: see sipreg_peek.h.
 */
#include "baresip.h"
#include "sipreg_peek.h"

/* The ua's list of registrations: after the list element and the
 * account pointer, behind a magic number in a debug build. */
static struct list *regl_of(struct ua *ua)
{
	static const size_t offv[] = {
		sizeof(struct le) + sizeof(void *),
		sizeof(void *) + sizeof(struct le) + sizeof(void *),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(offv); i++) {
		struct list *l = (void *)((char *)ua + offv[i]);
		const struct reg_v100 *r;

		if (!l->head || l->head->list != l)
			continue;
		r = l->head->data;
		if (r && (const void *)&r->le == (const void *)l->head &&
		    r->ua == ua)
			return l;
	}

	return NULL;
}

int sipreg_peek_regl(struct ua *ua, struct list **reglp)
{
	struct list *regl;
	struct le *le;

	if (!ua || !reglp || !uag_sip())
		return EINVAL;

	regl = regl_of(ua);
	if (!regl)
		return ENOENT;

	for (le = regl->head; le; le = le->next) {
		const struct reg_v100 *r = le->data;

		if (r->ua != ua ||
		    (r->sipreg && sipreg_peek_check((void *)r->sipreg, r)))
			return EPROTO;
	}

	*reglp = regl;
	return 0;
}

int sipreg_peek_each(struct ua *ua, sipreg_peek_h *h, void *arg)
{
	struct list *regl;
	struct le *le;
	int err;

	err = sipreg_peek_regl(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; ) {
		struct reg_v100 *r = le->data;

		le = le->next;
		if (!r->sipreg)
			continue;
		err = h(r, (void *)r->sipreg, arg);
		if (err)
			return err;
	}

	return 0;
}

static int any_h(struct reg_v100 *r, struct sipreg_v110 *sr, void *arg)
{
	(void)r;
	(void)sr;
	(void)arg;

	return EEXIST;  /* one is enough: the walk ends */
}

bool sipreg_peek_started(struct ua *ua)
{
	/* EEXIST: one has; any other error: not known, so true */
	return sipreg_peek_each(ua, any_h, NULL) != 0;
}

int sipreg_peek_check(struct sipreg_v110 *sr, const void *arg)
{
	const struct sipreg *reg = (void *)sr;
	uint32_t failc;

	if (!sr || sr->sip != uag_sip() || sr->arg != arg || !sr->resph)
		return EPROTO;

	/* libre's accessors read the same fields; sipreg_incfailc()
	 * writes the one the rest follows, and it is put back. */
	if (sipreg_laddr(reg) != &sr->laddr ||
	    sipreg_proxy_expires(reg) != sr->pexpires ||
	    sipreg_registered(reg) != sr->registered ||
	    sipreg_failed(reg) != (sr->failc > 0))
		return EPROTO;

	failc = sr->failc;
	sipreg_incfailc((struct sipreg *)reg);
	if (sr->failc != failc + 1)
		return EPROTO;
	sr->failc = failc;

	return 0;
}

int sipreg_peek_ct(struct sipreg_v110 *sr, struct sip_ctrans_v110 **ctp,
		   bool *morep)
{
	struct sip_request_v110 *req;
	struct sip_ctrans_v110 *ct;

	*ctp = NULL;
	*morep = false;

	req = (void *)sr->req;
	if (!req)
		return 0;
	if (req->reqp != &sr->req || req->sip != sr->sip)
		return EPROTO;

	ct = (void *)req->ct;
	if (!ct)
		return 0;
	if (ct->sip != sr->sip || ct->arg != req || ct->tmr.arg != ct ||
	    !ct->tmr.th || !tmr_isrunning(&ct->tmr) ||
	    str_cmp(ct->met, "REGISTER"))
		return EPROTO;

	*ctp = ct;
	*morep = req->addrl.head || req->srvl.head;

	return 0;
}

void sipreg_peek_fire(struct sip_ctrans_v110 *ct)
{
	tmr_h *th = ct->tmr.th;

	tmr_cancel(&ct->tmr);
	th(ct);
}

static void quiet_handler(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

int sipreg_peek_end(struct sipreg_v110 *sr)
{
	struct sip_ctrans_v110 *ct;
	sip_resp_h *resph;
	bool more;
	int err;

	err = sipreg_peek_ct(sr, &ct, &more);
	if (err)
		return err;
	if (!sr->req)
		return 0;
	if (!ct)
		return EALREADY;

	resph = sr->resph;
	sr->resph = quiet_handler;
	sipreg_peek_fire(ct);
	sr->resph = resph;

	return sr->req ? EPROTO : 0;
}
