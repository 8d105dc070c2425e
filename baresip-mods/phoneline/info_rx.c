/*
 * DTMF that a line's far end sends in SIP INFO requests, read by us
 * (info_body.c) instead of by baresip 1.0.0, which knows only
 * application/dtmf-relay, takes "Signal=16" (a hook flash) for the digit
 * 1, refuses a body without Duration, answers application/dtmf 488 and
 * answers every INFO statelessly, so a retransmitted one over UDP would
 * bring its digit twice.
 *
 * A SIP listener of ours, moved ahead of baresip's in libre's listener
 * list but behind libre's server transactions (common/lsnr_first.c), sees
 * each INFO first, and a retransmission of one it answered never. One that belongs to the dialog
 * of a line's call (libre's sip_dialog_cmp on the call's session, found
 * as dtmf.c finds it) and carries DTMF is answered here, through a
 * server transaction that absorbs its retransmissions: 200 and the digit
 * handed to the line at once (a hook flash: 200, no digit), or 400 for a
 * body that says nothing clear. Every other request goes on to baresip
 * as before, and so does every INFO when the call's session cannot be
 * found (baresip's own DTMF events then bring the digit, dtmf_rx.c).
 */
#include <string.h>
#include "info_body.h"
#include "lsnr_first.h"
#include "phoneline.h"

static struct sip_lsnr *lsnr;

/* The line whose call this in-dialog request belongs to, and its dialog. */
static struct line *line_of_dialog(const struct sip_msg *msg,
				   struct sip_dialog **dlgp)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		struct le *cle;

		for (cle = list_head(ua_calls(le->data)); cle;
		     cle = cle->next) {
			struct call *call = cle->data;
			struct sipsess *sess;
			struct line *ln;

			if (pl_strcmp(&msg->callid, call_id(call)))
				continue;
			ln = pl_line_of_call(call);
			sess = ln ? dtmf_call_sess(call) : NULL;
			if (!sess || !sip_dialog_cmp(sipsess_dialog(sess), msg))
				continue;
			*dlgp = sipsess_dialog(sess);
			return ln;
		}
	}

	return NULL;
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct sip_dialog *dlg = NULL;
	struct info_dtmf d;
	struct line *ln;
	struct pl body;
	char how[64];
	int err;

	(void)arg;

	if (pl_strcmp(&msg->met, "INFO") || !pl_isset(&msg->to.tag))
		return false;

	ln = line_of_dialog(msg, &dlg);
	if (!ln)
		return false;

	pl_set_mbuf(&body, msg->mb);
	err = info_body_parse(&d, &msg->ctyp, &body);
	if (err == ENOTSUP)
		return false;           /* not DTMF: baresip's */

	/* As libre's session would: an old CSeq is refused. */
	if (!sip_dialog_rseq_valid(dlg, msg)) {
		(void)sip_treply(NULL, uag_sip(), msg, 500,
				 "Server Internal Error");
		return true;
	}

	if (err == EBADMSG) {
		warning("phoneline: line %u: SIP INFO %r: unreadable DTMF "
			"body: 400\n", ln->num, &msg->ctyp.subtype);
		(void)sip_treply(NULL, uag_sip(), msg, 400, "Bad DTMF Body");
		return true;
	}

	(void)sip_treply(NULL, uag_sip(), msg, 200, "OK");
	if (err)
		return true;            /* a hook flash: no digit */

	if (d.duration)
		(void)re_snprintf(how, sizeof(how), "SIP INFO (%s, %u ms)",
				  info_kind_ctype(d.kind), d.duration);
	else
		(void)re_snprintf(how, sizeof(how), "SIP INFO (%s)",
				  info_kind_ctype(d.kind));
	if (dtmf_rx_take(ln, DSRC_INFO))
		pl_line_digit(ln, d.key, how);

	return true;
}

int info_rx_init(void)
{
	int err = sip_listen(&lsnr, uag_sip(), true, request_handler, NULL);

	if (err)
		return err;

	if (sipsh_lsnr_after_libre(lsnr, uag_sip()))
		warning("phoneline: libre's SIP listeners are not the 1.1.0 "
			"layout: DTMF in SIP INFO is left to baresip\n");

	return 0;
}

void info_rx_close(void)
{
	lsnr = mem_deref(lsnr);
}
