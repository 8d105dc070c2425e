/*
 * Ending an account's REGISTER transaction now. libre 1.1.0 offers no
 * way to: a sipreg freed with a request in flight keeps itself alive
 * until the request ends (src/sipreg/reg.c destructor), a stateful
 * sip_request freed early only cancels, which a non-INVITE ignores
 * (src/sip/request.c), so each attempt's client transaction went on
 * retransmitting until its timer F (64*T1, 32 s), beside the attempts
 * after it, and after giving up.
 *
 * So this reaches the transaction through the private structures of
 * baresip 1.0.0 (struct ua: [magic], le, acc, regl; struct reg: le, ua,
 * sipreg) and libre 1.1.0 (struct sipreg, struct sip_request, struct
 * sip_ctrans, at tag v1.1.0), each step checked against what points back
 * at it, and fires the transaction's timer F at once: libre then ends
 * it as its own timeout would (the retransmission timer with it), and
 * the sipreg hears ETIMEDOUT. baresip's handler is swapped out for that
 * moment, so the account's failure is reported once, by regctl; and the
 * sipreg's own retry timer is stopped, since regctl times the retries.
 * The module's version check pins both versions; a layout that does not
 * check out is left alone and said so.
 */
#include <string.h>
#include "baresip.h"
#include "sipreg_end.h"

struct reg_v100 {
	struct le le;
	struct ua *ua;
	struct sipreg *sipreg;
};

struct sipreg_v110 {
	struct sip_loopstate ls;
	struct sa laddr;
	struct tmr tmr;
	struct sip *sip;
	struct sip_keepalive *ka;
	struct sip_request *req;
	struct sip_dialog *dlg;
	struct sip_auth *auth;
	struct mbuf *hdrs;
	char *cuser;
	sip_resp_h *resph;
	void *arg;
};

struct sip_request_v110 {
	struct le le;
	struct list cachel;
	struct list addrl;
	struct list srvl;
	struct sip_request **reqp;
	struct sip_ctrans *ct;
	struct dns_query *dnsq;
	struct dns_query *dnsq2;
	struct sip *sip;
};

struct sip_ctrans_v110 {
	struct le he;
	struct sa dst;
	struct tmr tmr;
	struct tmr tmre;
	struct sip *sip;
	struct mbuf *mb;
	struct mbuf *mb_ack;
	struct sip_msg *req;
	struct sip_connqent *qent;
	char *met;
	char *branch;
	sip_resp_h *resph;
	void *arg;
};

static void quiet_handler(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

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

/*
 * The client transaction of r's REGISTER in flight, checked against what
 * points back at it: 0 with *ctp NULL when none is in flight (or the
 * request is still resolving, and has sent nothing); *morep whether the
 * request has other addresses to go on to when this one fails.
 */
static int ct_of(struct reg_v100 *r, struct sip *sip,
		 struct sip_ctrans_v110 **ctp, bool *morep)
{
	struct sipreg_v110 *sr = (void *)r->sipreg;
	struct sip_request_v110 *req;
	struct sip_ctrans_v110 *ct;

	*ctp = NULL;
	*morep = false;

	if (!sr)
		return 0;
	if (sr->sip != sip || sr->arg != r || !sr->resph)
		return EPROTO;

	req = (void *)sr->req;
	if (!req)
		return 0;
	if (req->reqp != &sr->req || req->sip != sip)
		return EPROTO;

	ct = (void *)req->ct;
	if (!ct)
		return 0;
	if (ct->sip != sip || ct->arg != req || ct->tmr.arg != ct ||
	    !ct->tmr.th || !tmr_isrunning(&ct->tmr) ||
	    str_cmp(ct->met, "REGISTER"))
		return EPROTO;

	*ctp = ct;
	*morep = req->addrl.head || req->srvl.head;

	return 0;
}

/* The transaction's timer F, fired now: libre ends it as at its own
 * timeout. */
static void ct_fire(struct sip_ctrans_v110 *ct)
{
	tmr_h *th = ct->tmr.th;

	tmr_cancel(&ct->tmr);
	th(ct);
}

/* One registration's transaction, ended; 0 also when there is none. */
static int end_one(struct reg_v100 *r, struct sip *sip)
{
	struct sipreg_v110 *sr = (void *)r->sipreg;
	struct sip_ctrans_v110 *ct;
	sip_resp_h *resph;
	bool more;
	int err;

	err = ct_of(r, sip, &ct, &more);
	if (err)
		return err;
	if (!sr)
		return 0;

	if (sr->req) {
		/* A request still resolving has sent nothing; one with more
		 * addresses would go on to the next: both left to libre. */
		if (!ct || more)
			return EALREADY;

		resph = sr->resph;
		sr->resph = quiet_handler;
		ct_fire(ct);
		sr->resph = resph;

		if (sr->req)
			return EPROTO;
	}

	tmr_cancel(&sr->tmr);

	return 0;
}

/* The ua's registrations, each checked to point back at it. */
static int regl_get(struct ua *ua, struct list **reglp)
{
	struct list *regl;
	struct le *le;

	if (!ua || !uag_sip())
		return EINVAL;

	regl = regl_of(ua);
	if (!regl)
		return ENOENT;

	for (le = regl->head; le; le = le->next) {
		const struct reg_v100 *r = le->data;

		if (r->ua != ua)
			return EPROTO;
	}

	*reglp = regl;
	return 0;
}

/* The REGISTER transaction of ua's registrations in flight (toward dst,
 * when given): *ctp, and in *morep whether its request has another
 * address to try. ENOENT: none. */
static int ct_find(struct ua *ua, const struct sa *dst,
		   struct sip_ctrans_v110 **ctp, bool *morep)
{
	struct list *regl;
	struct le *le;
	int err;

	err = regl_get(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; le = le->next) {
		struct sip_ctrans_v110 *ct;
		bool more;

		err = ct_of(le->data, uag_sip(), &ct, &more);
		if (err)
			return err;
		if (!ct || (dst && !sa_cmp(&ct->dst, dst, SA_ALL)))
			continue;

		*ctp = ct;
		*morep = more;
		return 0;
	}

	return ENOENT;
}

int sipreg_dst(struct ua *ua, struct sa *dst, bool *morep)
{
	struct sip_ctrans_v110 *ct;
	int err;

	if (!dst || !morep)
		return EINVAL;

	err = ct_find(ua, NULL, &ct, morep);
	if (!err)
		*dst = ct->dst;

	return err;
}

int sipreg_next(struct ua *ua, const struct sa *dst)
{
	struct sip_ctrans_v110 *ct;
	bool more;
	int err;

	if (!dst)
		return EINVAL;

	err = ct_find(ua, dst, &ct, &more);
	if (err)
		return err;
	if (!more)
		return ENOENT;

	ct_fire(ct);
	return 0;
}

int sipreg_end(struct ua *ua)
{
	struct list *regl;
	struct le *le;
	int err, e;

	err = regl_get(ua, &regl);
	if (err)
		return err;

	for (le = regl->head; le; le = le->next) {
		e = end_one(le->data, uag_sip());
		if (e && !err)
			err = e;
	}

	return err;
}
