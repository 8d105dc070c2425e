/*
 * An account's registrations as baresip 1.0.0 and libre 1.1.0 keep them,
 * for what neither offers: ending a REGISTER transaction now
 * (regctl/sipreg_end.c), re-registering without taking back the binding
 * the new REGISTER replaces (sipreg_forget.c), and taking an account's
 * binding back before its successor registers (sipreg_leave.c).
 *
 * The structures are the private ones of baresip 1.0.0 (struct ua:
 * [magic], le, acc, regl; struct reg: le, ua, sipreg) and libre 1.1.0
 * (struct sipreg, struct sip_request, struct sip_ctrans, at tag v1.1.0).
 * Each is read only after it checks out on the live objects: what points
 * back at it, and for a sipreg libre's own accessors (sipreg_laddr,
 * sipreg_proxy_expires, sipreg_registered, sipreg_failed) reading the
 * same fields. The modules' version check pins both versions; a layout
 * that does not check out is left alone (EPROTO) and the caller says so.
 */
#ifndef SIPSH_SIPREG_PEEK_H
#define SIPSH_SIPREG_PEEK_H

#include <stdbool.h>
#include "re_base.h"

struct ua;

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
	uint32_t expires;
	uint32_t pexpires;
	uint32_t failc;
	uint32_t rwait;
	uint32_t wait;
	uint32_t fbregint;
	enum sip_transp tp;
	bool registered;
	bool terminated;
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

/* The ua's list of registrations (struct reg_v100 each), every one
 * checked to point back at it and its sipreg, if any, to check out
 * (sipreg_peek_check): ENOENT, EPROTO when one does not. */
int sipreg_peek_regl(struct ua *ua, struct list **reglp);

/*
 * h(r, sr, arg) for each of ua's registrations that has a libre
 * registration, once sipreg_peek_regl has checked them all; a non-zero
 * return from h ends the walk and is returned.
 */
typedef int (sipreg_peek_h)(struct reg_v100 *r, struct sipreg_v110 *sr,
			    void *arg);
int sipreg_peek_each(struct ua *ua, sipreg_peek_h *h, void *arg);

/* Whether any of ua's registrations has a libre registration: it has
 * registered or tried since it was added (true also when the structures
 * do not check out, so that a caller does what it did before). */
bool sipreg_peek_started(struct ua *ua);

/* Whether sr's fields are where libre 1.1.0 keeps them: 0 or EPROTO.
 * Its handler argument must be arg and its SIP stack baresip's. */
int sipreg_peek_check(struct sipreg_v110 *sr, const void *arg);

/*
 * The client transaction of sr's REGISTER in flight, checked against
 * what points back at it: 0 with *ctp NULL when none is in flight (or
 * the request is still resolving, and has sent nothing); *morep whether
 * the request has other addresses to go on to when this one fails.
 */
int sipreg_peek_ct(struct sipreg_v110 *sr, struct sip_ctrans_v110 **ctp,
		   bool *morep);

/* The transaction's timer F, fired now: libre ends it as at its own
 * timeout, and the sipreg hears ETIMEDOUT. */
void sipreg_peek_fire(struct sip_ctrans_v110 *ct);

/* sr's REGISTER in flight ended now as at its timeout, with its handler
 * swapped out meanwhile, so that nobody hears of it; 0 also when none is
 * in flight, EALREADY when it is still resolving (it has sent nothing),
 * EPROTO when the transaction does not check out. */
int sipreg_peek_end(struct sipreg_v110 *sr);

#endif
