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

/* One registration's transaction, ended; 0 also when there is none. */
static int end_one(struct reg_v100 *r, struct sip *sip)
{
	struct sipreg_v110 *sr = (void *)r->sipreg;
	struct sip_request_v110 *req;
	struct sip_ctrans_v110 *ct;
	sip_resp_h *resph;
	tmr_h *th;

	if (!sr)
		return 0;
	if (sr->sip != sip || sr->arg != r || !sr->resph)
		return EPROTO;

	req = (void *)sr->req;
	if (req) {
		if (req->reqp != &sr->req || req->sip != sip)
			return EPROTO;

		/* A request still resolving has sent nothing; one with more
		 * addresses would go on to the next: both left to libre. */
		ct = (void *)req->ct;
		if (!ct || req->addrl.head || req->srvl.head)
			return EALREADY;
		if (ct->sip != sip || ct->arg != req || ct->tmr.arg != ct ||
		    !ct->tmr.th || !tmr_isrunning(&ct->tmr) ||
		    str_cmp(ct->met, "REGISTER"))
			return EPROTO;

		th = ct->tmr.th;
		resph = sr->resph;
		sr->resph = quiet_handler;
		tmr_cancel(&ct->tmr);
		th(ct);
		sr->resph = resph;

		if (sr->req)
			return EPROTO;
	}

	tmr_cancel(&sr->tmr);

	return 0;
}

int sipreg_end(struct ua *ua)
{
	struct sip *sip = uag_sip();
	struct list *regl;
	struct le *le;
	int err = 0, e;

	if (!ua || !sip)
		return EINVAL;

	regl = regl_of(ua);
	if (!regl)
		return ENOENT;

	for (le = regl->head; le; le = le->next) {
		struct reg_v100 *r = le->data;

		if (r->ua != ua)
			return EPROTO;
		e = end_one(r, sip);
		if (e && !err)
			err = e;
	}

	return err;
}
