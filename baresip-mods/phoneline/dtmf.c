/*
 * Sending the digits pressed during a call, as phoneline_dtmf_mode says:
 *
 *   rfc2833        RFC 4733 telephone-events (call_send_digit), 100 ms
 *   sip-info       SIP INFO, application/dtmf-relay "Signal=5\r\n
 *                  Duration=160\r\n" (info_body.c), on the call's own
 *                  session
 *   inband         the digit's two frequencies in the audio, nothing else
 *   compatibility  like inband, but telephone-event is still offered:
 *                  digits the far end sends as telephone-events or INFO
 *                  are played (dtmf_rx.c)
 *
 * baresip 1.0.0 offers no way to send INFO on a call: it keeps the
 * call's struct sipsess private. It is found here in the 1.0.0 struct
 * call, whose first members are (MAGIC only in debug builds):
 *     [uint32 magic], struct le le, struct ua *ua, struct account *acc,
 *     struct sipsess *sess, ...
 * The pointer-sized slot that holds call_get_ua(call) is looked for where
 * the layout puts it, the next one must hold the account (ua_account),
 * and the session after it is used only if its dialog's Call-ID (libre's
 * sip_dialog_callid) is call_id(call). Otherwise the INFO is refused with
 * a log line; versions are pinned at load (version_check.c).
 *
 * inband: baresip sends telephone-events only when call_send_digit is
 * called (audio.c telev_send), never on its own, so not calling it is
 * enough; dtmf_rx.c takes telephone-event out of the call's SDP, so the
 * far end sends its digits inband (or as INFO) too. Receiving, in every
 * mode, is dtmf_rx.c's.
 */
#include <string.h>
#include "info_body.h"
#include "phoneline.h"

enum {
	RFC2833_MS = 100,       /* key down time of a telephone-event */
	INBAND_ON_MS = 100,     /* ITU-T Q.24: at least 40 ms on, 40 ms off */
	INBAND_OFF_MS = 60,
	INFO_MS = 160,          /* the Duration our SIP INFO says */
};

static const char *const modev[] = {
	[DTMF_RFC2833] = "rfc2833",
	[DTMF_SIPINFO] = "sip-info",
	[DTMF_INBAND]  = "inband",
	[DTMF_COMPAT]  = "compatibility",
};

int dtmf_mode_parse(const char *s, enum dtmf_mode *mp)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(modev); i++) {
		if (!strcmp(s, modev[i])) {
			*mp = (enum dtmf_mode)i;
			return 0;
		}
	}

	/* The name the Advanced SIP page uses for sip-info. */
	if (s && !strcmp(s, "info")) {
		*mp = DTMF_SIPINFO;
		return 0;
	}

	return EINVAL;
}

const char *dtmf_mode_name(enum dtmf_mode m)
{
	return (unsigned)m < ARRAY_SIZE(modev) ? modev[m] : "?";
}

/* The call's sipsess, or NULL when the 1.0.0 layout does not hold. */
struct sipsess *dtmf_call_sess(const struct call *call)
{
	void *const *slot = (void *const *)(const void *)call;
	const struct ua *ua = call_get_ua(call);
	const char *id = call_id(call);
	size_t i;

	if (!ua || !id)
		return NULL;

	/* le is four pointers; with MAGIC the ua is one slot further. */
	for (i = 4; i <= 5; i++) {
		struct sipsess *sess;
		const char *cid;

		if (slot[i] != ua || slot[i + 1] != ua_account(ua))
			continue;
		sess = slot[i + 2];
		if (!sess)
			return NULL;
		cid = sip_dialog_callid(sipsess_dialog(sess));
		if (cid && !strcmp(cid, id))
			return sess;
	}

	return NULL;
}

static void info_resp(int err, const struct sip_msg *msg, void *arg)
{
	unsigned num = (unsigned)(uintptr_t)arg;

	if (err)
		warning("phoneline: line %u: INFO: %m\n", num, err);
	else if (msg && msg->scode >= 300)
		warning("phoneline: line %u: INFO: %u %r\n", num, msg->scode,
			&msg->reason);
}

static void send_info(struct line *ln, char key)
{
	const struct info_dtmf d = {INFO_DTMF_RELAY, key, INFO_MS};
	struct sipsess *sess = dtmf_call_sess(ln->call);
	struct mbuf *mb;
	int err;

	if (!sess) {
		warning("phoneline: line %u: cannot send SIP INFO: this "
			"baresip's struct call is not the 1.0.0 layout "
			"(session not found); digit '%c' not sent\n", ln->num,
			key);
		return;
	}

	mb = mbuf_alloc(64);
	if (!mb)
		return;
	err = mbuf_printf(mb, "%H", info_body_print, &d);
	mb->pos = 0;
	if (!err)
		err = sipsess_info(sess, info_kind_ctype(d.kind), mb,
				   info_resp, (void *)(uintptr_t)ln->num);
	if (err)
		warning("phoneline: line %u: INFO: %m\n", ln->num, err);
	else
		info("phoneline: line %u: sent DTMF '%c' as SIP INFO\n",
		     ln->num, key);
	mem_deref(mb);
}

static void release(void *arg)
{
	struct line *ln = arg;

	if (ln->call)
		(void)call_send_digit(ln->call, KEYCODE_REL);
}

void dtmf_send(struct line *ln, char key)
{
	if (!ln->call)
		return;

	switch (pl_dtmf_mode(ln)) {

	case DTMF_RFC2833:
		/* A key still down is released first. */
		if (tmr_isrunning(&ln->tmr_rel)) {
			tmr_cancel(&ln->tmr_rel);
			(void)call_send_digit(ln->call, KEYCODE_REL);
		}
		if (!call_send_digit(ln->call, key))
			tmr_start(&ln->tmr_rel, RFC2833_MS, release, ln);
		break;

	case DTMF_SIPINFO:
		send_info(ln, key);
		break;

	case DTMF_INBAND:
	case DTMF_COMPAT:
		pl_lock();
		if (ln->dtmfqc < DTMFQ_MAX)
			ln->dtmfq[ln->dtmfqc++] = key;
		pl_unlock();
		break;
	}
}

/* The audio thread, under pl_lock(): the queued digits into the mic. */
void dtmf_mix_inband(struct line *ln, int16_t *mic)
{
	if (!ln->mic_dtmf.on && ln->dtmfqc) {
		struct tone_def def;

		if (!tone_dtmf(&def, ln->dtmfq[0], INBAND_ON_MS,
			       INBAND_OFF_MS))
			tone_start(&ln->mic_dtmf, &def);
		memmove(ln->dtmfq, ln->dtmfq + 1, --ln->dtmfqc);
	}

	if (ln->mic_dtmf.on)
		(void)tone_mix(&ln->mic_dtmf, mic, PL_FRAME_SAMPS);
}
