/*
 * The digits a line receives during a call, each handed to the line once,
 * when it ends (pl_line_digit), whatever phoneline_dtmf_mode says, and
 * the SDP of the inband mode, which offers no telephone-event.
 *
 * RFC 4733 telephone-events. baresip 1.0.0 passes them through its
 * jitter buffer (stream.c), which gives a packet out only when a later
 * one comes in: a far end that sends no audio while a key is down
 * (linphonec, or any end with silence suppression) has its digit come
 * out when the next digit starts, and its last digit never. So the
 * events are read here, before the jitter buffer, by a libre UDP helper
 * on the call's RTP socket, and kept from baresip (the helper consumes
 * them): an event is known by its RTP timestamp, handed over at its first
 * end packet (the two resends are dropped), or when another event starts,
 * or END_LOST_MS after its last packet when every end packet was lost.
 * The helper sits at layer HELPER_LAYER, above any decryption.
 *
 * baresip 1.0.0 has no export for a stream's RTP socket. It is found in
 * the 1.0.0 struct stream, whose members include
 *     ..., struct sdp_media *sdp, struct rtp_sock *rtp, ...
 * by looking for the slot that holds stream_sdpmedia(strm); the next one
 * is taken only if its rtp_local() port is the SDP's local port.
 * Otherwise a log line says so and baresip's own events are used (the
 * digits then come as late as its jitter buffer lets them).
 *
 * SIP INFO: read by info_rx.c, which hands each digit over when its
 * INFO comes. Only when that cannot find the call's session or place its
 * listener does baresip read the INFO (application/dtmf-relay only): it
 * raises CALL_DTMF_START with the digit when the INFO comes and
 * CALL_DTMF_END with none after its Duration; the digit is remembered at
 * the start and handed over at the end.
 *
 * A far end that sends each digit both ways would have it twice: a call
 * takes its digits from the first kind that brings one (telephone-event
 * or INFO), and the other kind is then ignored for that call.
 *
 * inband: baresip 1.0.0 always adds telephone-event to the audio
 * media (audio.c add_telev_codec), with no setting to leave it out. Its
 * UA_EVENT_CALL_LOCAL_SDP comes before the first offer or answer is
 * encoded, so the format is taken out of the call's local SDP there; the
 * later offers and answers of the call (re-INVITEs, hold) are made from
 * the same formats and never have it again.
 */
#include <string.h>
#include "phoneline.h"

enum {
	HELPER_LAYER = 1000,    /* SRTP (dtls_srtp) is at 20 */
	END_LOST_MS = 300,      /* RFC 4733 packets come every 50 ms or so */
	STREAM_SLOTS = 32,      /* where in struct stream to look */
	RTP_HDR_LEN = 12,
};

static const char telev_name[] = "telephone-event";

/* The UDP socket of the call's audio RTP, and its SDP media line, or
 * ENOENT when the 1.0.0 layout does not hold. */
static int call_rtp(const struct call *call, struct udp_sock **usp,
		    struct sdp_media **mp)
{
	struct stream *strm = audio_strm(call_audio(call));
	struct sdp_media *m = stream_sdpmedia(strm);
	void *const *slot = (void *const *)(const void *)strm;
	size_t i;

	if (!strm || !m || !sa_port(sdp_media_laddr(m)))
		return ENOENT;

	for (i = 0; i + 1 < STREAM_SLOTS; i++) {
		const struct rtp_sock *rs;

		if (slot[i] != m)
			continue;
		rs = slot[i + 1];
		if (!rs || sa_port(rtp_local(rs)) !=
		    sa_port(sdp_media_laddr(m)) || !rtp_sock(rs))
			return ENOENT;
		*usp = rtp_sock(rs);
		*mp = m;
		return 0;
	}

	return ENOENT;
}

/* The first kind of digit a call brings is the one it keeps. */
bool dtmf_rx_take(struct line *ln, enum dtmf_src src)
{
	struct dtmf_rx *rx = &ln->rx;

	if (rx->src == DSRC_NONE)
		rx->src = src;
	if (rx->src == src)
		return true;

	debug("phoneline: line %u: a digit as %s ignored: this call sends "
	      "its digits as %s\n", ln->num,
	      src == DSRC_TELEV ? "telephone-event" : "SIP INFO",
	      rx->src == DSRC_TELEV ? "telephone-events" : "SIP INFO");
	return false;
}

/* The event being received is over: the line gets its digit. */
static void telev_over(struct line *ln, const char *how)
{
	struct dtmf_rx *rx = &ln->rx;

	tmr_cancel(&rx->tmr_end);
	if (!rx->active)
		return;

	rx->active = false;
	rx->done = true;
	rx->done_ts = rx->ts;
	if (dtmf_rx_take(ln, DSRC_TELEV))
		pl_line_digit(ln, rx->key, how);
}

static void end_lost(void *arg)
{
	telev_over(arg, "telephone-event, its end packets lost");
}

/* RFC 4733 section 2.3: event, E|R|volume, duration. */
static void telev_packet(struct line *ln, uint32_t ts, uint8_t event,
			 bool end)
{
	struct dtmf_rx *rx = &ln->rx;
	int key = telev_code2digit(event);

	if (rx->done && ts == rx->done_ts)
		return;         /* a resent end packet */
	if (rx->active && ts != rx->ts)
		telev_over(ln, "telephone-event, ended by the next one");
	if (key < 0)
		return;         /* not a DTMF digit (flash, tones) */

	if (!rx->active) {
		rx->active = true;
		rx->ts = ts;
		rx->key = (char)key;
	}

	if (end)
		telev_over(ln, "telephone-event, its end packet");
	else
		tmr_start(&rx->tmr_end, END_LOST_MS, end_lost, ln);
}

/* Every RTP packet of the call, before baresip's own handler. */
static bool rtp_recv(struct sa *src, struct mbuf *mb, void *arg)
{
	struct line *ln = arg;
	const uint8_t *p = mbuf_buf(mb);
	size_t len = mbuf_get_left(mb), hl;
	uint32_t ts;

	(void)src;

	if (!ln->rx.uh || len < RTP_HDR_LEN || (p[0] >> 6) != 2 ||
	    (p[1] & 0x7f) != ln->rx.pt)
		return false;

	hl = RTP_HDR_LEN + 4u * (p[0] & 0x0f);
	if ((p[0] & 0x10) && len >= hl + 4)
		hl += 4 + 4u * (((size_t)p[hl + 2] << 8) | p[hl + 3]);
	if (len < hl + 4)
		return true;    /* ours, but too short: dropped */

	ts = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
		(uint32_t)p[6] << 8 | p[7];
	telev_packet(ln, ts, p[hl], (p[hl + 1] & 0x80) != 0);

	return true;
}

void dtmf_rx_attach(struct line *ln)
{
	struct dtmf_rx *rx = &ln->rx;
	const struct sdp_format *fmt;
	struct udp_sock *us;
	struct sdp_media *m;
	int err;

	if (!ln->call || rx->uh || rx->callid)
		return;

	err = str_dup(&rx->callid, call_id(ln->call));
	if (err)
		return;

	if (call_rtp(ln->call, &us, &m)) {
		warning("phoneline: line %u: this baresip's struct stream is "
			"not the 1.0.0 layout (RTP socket not found): "
			"telephone-events come through its jitter buffer, "
			"late\n", ln->num);
		return;
	}

	fmt = sdp_media_format(m, true, NULL, -1, telev_name, -1, -1);
	if (!fmt)
		return;         /* none offered (inband) */

	rx->pt = fmt->pt;
	err = udp_register_helper(&rx->uh, us, HELPER_LAYER, NULL, rtp_recv,
				  ln);
	if (err)
		warning("phoneline: line %u: telephone-events: %m\n", ln->num,
			err);
}

/* Whether the call with that Call-ID still exists, and so its socket. */
static bool call_alive(const char *id)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		if (call_find_id(ua_calls(le->data), id))
			return true;
	}

	return false;
}

void dtmf_rx_detach(struct line *ln)
{
	struct dtmf_rx *rx = &ln->rx;

	/* A call that is gone took its socket and the helper with it. */
	if (rx->uh && rx->callid && call_alive(rx->callid))
		mem_deref(rx->uh);
	rx->uh = NULL;
	rx->callid = mem_deref(rx->callid);
	tmr_cancel(&rx->tmr_end);
	rx->active = false;
	rx->done = false;
	rx->info_key = '\0';
	rx->src = DSRC_NONE;
}

void dtmf_rx_baresip(struct line *ln, bool end, const char *prm)
{
	struct dtmf_rx *rx = &ln->rx;

	/* With the helper on the socket, only INFO brings these events. */
	static const char *const how[2][2] = {
		{"baresip's DTMF event, ended by the next",
		 "baresip's DTMF event, its end"},
		{"SIP INFO, ended by the next", "SIP INFO, its Duration over"},
	};

	/* A digit still pending when the next one starts (baresip keeps
	 * one end timer per call) is over now. */
	if (rx->info_key && dtmf_rx_take(ln, DSRC_INFO))
		pl_line_digit(ln, rx->info_key, how[rx->uh != NULL][end]);
	rx->info_key = end || !prm ? '\0' : prm[0];
}

void dtmf_rx_local_sdp(struct call *call)
{
	struct sdp_media *m = stream_sdpmedia(audio_strm(call_audio(call)));
	struct sdp_format *fmt;
	unsigned n = 0;

	if (pl_dtmf_mode(pl_line_of_call(call)) != DTMF_INBAND || !m)
		return;

	/* The format's destructor takes it out of the media's list. */
	while ((fmt = sdp_media_format(m, true, NULL, -1, telev_name, -1,
				       -1)) && n++ < 8)
		mem_deref(fmt);

	if (n)
		debug("phoneline: call %s: inband: no telephone-event in our "
		      "SDP\n", call_id(call));
}
