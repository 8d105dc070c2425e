/*
 * phoneline: the gateway's analog phone lines inside baresip. Each line
 * is a telephone on hardware reached through a driver backend
 * (driver.h; 'sim' = sim.c, sockets for the sipsh-phone tool); the module
 * is the lines' audio source and player (audev.c) and turns hook and digit
 * events into calls on the line's account:
 *
 *   off hook           dial tone; digits are collected until '#' or
 *                      phoneline_digit_timeout seconds without a digit,
 *                      then sip:DIGITS@<the account's domain> is called
 *   180 / 183          ringback tone / the far end's early media
 *   answered           connected; digits go out as phoneline_dtmf_mode
 *                      says (dtmf.c); each digit received is played
 *                      once: a telephone-event when it ends (dtmf_rx.c),
 *                      a SIP INFO when it comes (info_rx.c)
 *   far end hangs up   busy tone (also for 486 / 600 busy answers)
 *   call fails         phoneline_congestion_tone: the congestion tone, or
 *                      the special information tone ('info')
 *   incoming call      (accounts with answermode=manual) rings the idle
 *                      lines of the account, with caller number and name;
 *                      the first line off hook answers, the others stop
 *   hook flash         hold / resume: phoneline_remote_hold yes sends a
 *                      sendonly re-INVITE (call_hold), no mutes both ways
 *                      locally
 *   on hook            ends the call
 * Tones follow phoneline_tone_plan (tones.c). With phoneline_contact_suffix
 * the Contact user carries the account's line numbers (suffix.c).
 *
 * Sample config (written by sipsh's generator, shell/phone/phone_gen.c):
 *
 *   module                     phoneline.so
 *   phoneline_backend          sim
 *   phoneline_sim_dir          /run/sipsh/lines
 *   phoneline_tone_plan        itu           # itu us gb de fr
 *   phoneline_digit_timeout    4             # seconds
 *   phoneline_dtmf_mode        rfc2833       # sip-info inband compatibility
 *   phoneline_remote_hold      yes
 *   phoneline_congestion_tone  congestion    # or info
 *   phoneline_contact_suffix   yes
 *   phoneline_line             0,sip:1001@example.net
 *   phoneline_line             1,sip:1002@example.net
 *
 * Every key but phoneline_line is required: the defaults live in sipsh's
 * schema and its generator writes them all, so the module refuses to load
 * without one, and its log line names the key. Lines may also be added,
 * moved and removed while the phone runs (line_set, line_del on the ctrl
 * socket: linecmd.c). phoneline_tone_plan (the next tone),
 * phoneline_digit_timeout (the next digit), phoneline_dtmf_mode (the next
 * call), phoneline_remote_hold and phoneline_congestion_tone are taken
 * again while the phone runs (conf_reload, common/conf_reload.h); the
 * other keys need a restart.
 *
 * and in the accounts file, so that the calls use the lines' audio:
 *
 *   <sip:1001@example.net>;answermode=manual;audio_source=phoneline,1;
 *       audio_player=phoneline,1
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "conf_need.h"
#include "conf_reload.h"
#include "phoneline.h"
#include "version_check.h"

/* Sets of lines are bit masks (pl_lines_of_ua, the suffix). */
_Static_assert(PL_LINES_MAX <= 32, "line masks are 32 bits");

static const struct pl_drv_ops *const drv_table[] = {
	&pl_drv_sim,
};

static const char *const state_namev[] = {
	[LS_IDLE]      = "idle",
	[LS_DIALING]   = "dialing",
	[LS_CALLING]   = "calling",
	[LS_RINGBACK]  = "ringback",
	[LS_CONNECTED] = "connected",
	[LS_HELD]      = "held",
	[LS_BUSY]      = "busy",
	[LS_FAILED]    = "failed",
	[LS_RINGING]   = "idle",        /* the bell says the rest */
};

/* The settings taken again at run time (live_read). */
struct live {
	char plan[16];
	uint32_t digit_timeout;
	enum dtmf_mode dtmf;
	bool remote_hold;
	enum pl_tone fail_tone;
};

static struct {
	/* configuration */
	char backend[32];
	char sim_dir[256];
	struct live live;          /* what conf_reload may change */
	struct live next;          /* what a reload's check kept */
	bool next_kept;
	bool suffix;
	bool reload_registered;

	struct line linev[PL_LINES_MAX];   /* by number; 'used': it exists */
	pthread_mutex_t lock;
	bool lock_ok;
	struct pl_drv *drv;
	const struct pl_drv_ops *ops;
	bool ev_registered;
} pl;

void pl_lock(void)
{
	pthread_mutex_lock(&pl.lock);
}

void pl_unlock(void)
{
	pthread_mutex_unlock(&pl.lock);
}

/* A call keeps the mode it was set up with (its SDP says it); the next
 * call takes the one configured then. */
enum dtmf_mode pl_dtmf_mode(const struct line *ln)
{
	return ln && ln->call ? ln->dtmf : pl.live.dtmf;
}

static void line_take_call(struct line *ln, struct call *call)
{
	ln->call = call;
	ln->dtmf = pl.live.dtmf;
}

static struct line *line_by_num(unsigned num)
{
	return num < PL_LINES_MAX && pl.linev[num].used ?
		&pl.linev[num] : NULL;
}

/* The lines that exist, in number order, from number 'from' on:
 *   for (ln = line_from(0); ln; ln = line_from(ln->num + 1)) */
static struct line *line_from(unsigned from)
{
	unsigned n;

	for (n = from; n < PL_LINES_MAX; n++) {
		if (pl.linev[n].used)
			return &pl.linev[n];
	}

	return NULL;
}

struct line *pl_line_of_call(const struct call *call)
{
	struct line *ln;

	for (ln = line_from(0); call && ln; ln = line_from(ln->num + 1)) {
		if (ln->call == call)
			return ln;
	}

	return NULL;
}

/* AORs compare up to their parameters, scheme and host case-blind. */
static bool aor_eq(const char *a, const char *b)
{
	size_t la = strcspn(a, ";>"), lb = strcspn(b, ";>");

	return la == lb && !strncasecmp(a, b, la);
}

/*
 * The lowest line that holds (or rings with) the call of that Call-ID on
 * the account of that AOR: both legs of a call between two accounts of
 * this phone have the same Call-ID.
 */
/* The first line from number 'from' on that holds call id of aor: a call
 * ringing several lines is held by each of them. */
const struct line *pl_line_of_call_id(const char *id, const char *aor,
				      unsigned from)
{
	struct line *ln;

	for (ln = line_from(from); id && aor && ln; ln = line_from(ln->num + 1)) {
		const char *a;

		if (!ln->call || str_cmp(call_id(ln->call), id))
			continue;
		a = ua_aor(call_get_ua(ln->call));
		if (a && aor_eq(a, aor))
			return ln;
	}

	return NULL;
}

struct line *pl_line_of_audio(const struct audio *a)
{
	struct line *ln;

	for (ln = line_from(0); a && ln; ln = line_from(ln->num + 1)) {
		if (ln->call && ln->state != LS_RINGING &&
		    call_audio(ln->call) == a)
			return ln;
	}

	return NULL;
}

/* The line whose call's struct audio contains p (see audev.c). */
struct line *pl_line_near_audio(const void *p)
{
	const uintptr_t limit = 64 * 1024;   /* struct audio is ~2 KiB */
	struct line *best = NULL, *ln;
	uintptr_t bestd = limit;

	for (ln = line_from(0); p && ln; ln = line_from(ln->num + 1)) {
		uintptr_t a, d;

		if (!ln->call || ln->state == LS_RINGING)
			continue;
		a = (uintptr_t)call_audio(ln->call);
		if (!a || (uintptr_t)p < a)
			continue;
		d = (uintptr_t)p - a;
		if (d < bestd) {
			bestd = d;
			best = ln;
		}
	}

	return best;
}

static struct ua *line_ua(const struct line *ln)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		struct ua *ua = le->data;
		const char *aor = account_aor(ua_account(ua));

		if (aor && aor_eq(aor, ln->aor))
			return ua;
	}

	return NULL;
}

uint32_t pl_lines_of_ua(const struct ua *ua)
{
	const struct line *ln;
	uint32_t mask = 0;

	for (ln = line_from(0); ua && ln; ln = line_from(ln->num + 1)) {
		if (line_ua(ln) == ua)
			mask |= 1u << ln->num;
	}

	return mask;
}


/*
 * What the telephone hears and is told.
 */

static void set_tone(struct line *ln, enum pl_tone tone)
{
	pl_lock();
	if (tone == TONE_NONE)
		tone_stop(&ln->ear_tone);
	else if (tone != ln->tone || !ln->ear_tone.on)
		tone_start(&ln->ear_tone, tone_find(pl.live.plan, tone));
	pl_unlock();

	if (tone != ln->tone)
		(void)pl.ops->notify(pl.drv, ln->num, "tone", tone_name(tone));
	ln->tone = tone;
}

static void set_state(struct line *ln, enum line_state st)
{
	bool changed = strcmp(state_namev[st], state_namev[ln->state]) != 0;

	if (st != ln->state)
		debug("phoneline: line %u: %s -> %s\n", ln->num,
		      state_namev[ln->state], state_namev[st]);
	ln->state = st;
	if (changed)
		(void)pl.ops->notify(pl.drv, ln->num, "state",
				     state_namev[st]);
}

static void ring(struct line *ln, bool on, const struct call *call)
{
	char cid[64] = "-";
	struct sip_addr addr;
	struct pl pl_uri;

	if (on && call && call_peeruri(call)) {
		pl_set_str(&pl_uri, call_peeruri(call));
		if (!sip_addr_decode(&addr, &pl_uri) &&
		    pl_isset(&addr.uri.user))
			(void)pl_strcpy(&addr.uri.user, cid, sizeof(cid));
		else if (!re_regex(pl_uri.p, pl_uri.l, "sip[s]*:[^@]+@",
				   NULL, &addr.uri.user))
			(void)pl_strcpy(&addr.uri.user, cid, sizeof(cid));
	}

	(void)pl.ops->ring(pl.drv, ln->num, on, cid,
			   on && call ? call_peername(call) : NULL);
}

/* Back to idle: no call, no tone, nothing pending. */
static void line_reset(struct line *ln)
{
	tmr_cancel(&ln->tmr_digit);
	tmr_cancel(&ln->tmr_rel);
	dtmf_rx_detach(ln);
	ln->call = NULL;
	ln->digitc = 0;
	ln->digits[0] = '\0';
	pl_lock();
	ln->local_hold = false;
	ln->dtmfqc = 0;
	tone_stop(&ln->ear_dtmf);
	tone_stop(&ln->mic_dtmf);
	pl_unlock();
	set_tone(ln, TONE_NONE);
	set_state(ln, LS_IDLE);
}

static void call_failed(struct line *ln, const char *why)
{
	info("phoneline: line %u: call failed: %s\n", ln->num, why);
	dtmf_rx_detach(ln);
	ln->call = NULL;
	set_state(ln, LS_FAILED);
	set_tone(ln, pl.live.fail_tone);
}


/*
 * Calls out.
 */

static void dial(struct line *ln)
{
	struct ua *ua = line_ua(ln);
	const struct uri *luri;
	struct call *call = NULL;
	char *uri = NULL;
	bool v6;
	int err;

	tmr_cancel(&ln->tmr_digit);

	if (!ln->digitc) {
		call_failed(ln, "no digits");
		return;
	}
	if (!ua) {
		call_failed(ln, "the line's account does not exist");
		return;
	}

	luri = account_luri(ua_account(ua));
	if (!luri) {
		call_failed(ln, "the account has no URI");
		return;
	}

	v6 = luri->af == AF_INET6;
	err = re_sdprintf(&uri, "sip:%s@%s%r%s", ln->digits, v6 ? "[" : "",
			  &luri->host, v6 ? "]" : "");
	if (!err && luri->port)
		err = re_sdprintf(&uri, "%s:%u", uri, luri->port);
	if (!err && pl_isset(&luri->params)) {
		char *u2 = NULL;

		err = re_sdprintf(&u2, "%s%r", uri, &luri->params);
		mem_deref(uri);
		uri = u2;
	}
	if (err)
		goto out;

	info("phoneline: line %u: calling %s on %s\n", ln->num, uri,
	     ua_aor(ua));
	set_tone(ln, TONE_NONE);
	set_state(ln, LS_CALLING);

	/* The line suffix, for an account that never registers. */
	suffix_apply(ua);

	err = ua_connect(ua, &call, NULL, uri, VIDMODE_OFF);
	if (err)
		goto out;
	line_take_call(ln, call);

 out:
	if (err)
		call_failed(ln, "cannot place the call");
	mem_deref(uri);
}

static void digit_timeout(void *arg)
{
	struct line *ln = arg;

	if (ln->state == LS_DIALING)
		dial(ln);
}


/*
 * Events from the telephones.
 */

static void answer(struct line *ln)
{
	struct call *call = ln->call;
	struct ua *ua = call_get_ua(call);
	struct line *o;
	int err;

	/* The first line off hook takes the call; the others stop. */
	for (o = line_from(0); o; o = line_from(o->num + 1)) {
		if (o->state != LS_RINGING || o->call != call)
			continue;
		ring(o, false, NULL);
		if (o != ln)
			line_reset(o);
	}

	/* Out of LS_RINGING before ua_answer: its audio binds (audev.c). */
	set_state(ln, LS_CONNECTED);
	set_tone(ln, TONE_NONE);

	err = ua_answer(ua, call, VIDMODE_OFF);
	if (err)
		call_failed(ln, "cannot answer");
	else
		info("phoneline: line %u: answered %s\n", ln->num,
		     call_peeruri(call));
}

static void hold(struct line *ln, bool on)
{
	int err = 0;

	if (pl.live.remote_hold) {
		err = call_hold(ln->call, on);
	}
	else {
		audio_mute(call_audio(ln->call), on);
		pl_lock();
		ln->local_hold = on;
		pl_unlock();
	}

	if (err) {
		warning("phoneline: line %u: %s: %m\n", ln->num,
			on ? "hold" : "resume", err);
		return;
	}

	info("phoneline: line %u: %s (%s)\n", ln->num,
	     on ? "held" : "resumed", pl.live.remote_hold ? "remote" : "local");
	set_state(ln, on ? LS_HELD : LS_CONNECTED);
}

static void event_handler(unsigned num, enum pl_drv_ev ev, char digit,
			  void *arg)
{
	struct line *ln = line_by_num(num);
	struct call *call;

	(void)arg;
	if (!ln)
		return;

	switch (ev) {

	case PL_EV_PLUGGED:
		(void)pl.ops->notify(pl.drv, num, "state",
				     state_namev[ln->state]);
		(void)pl.ops->notify(pl.drv, num, "tone", tone_name(ln->tone));
		if (ln->state == LS_RINGING)
			ring(ln, true, ln->call);
		break;

	case PL_EV_HOOK_OFF:
		ln->offhook = true;
		if (ln->state == LS_RINGING && ln->call) {
			answer(ln);
		}
		else if (ln->state == LS_IDLE) {
			ln->digitc = 0;
			ln->digits[0] = '\0';
			set_state(ln, LS_DIALING);
			set_tone(ln, TONE_DIAL);
		}
		break;

	case PL_EV_HOOK_ON:
		ln->offhook = false;
		call = ln->call;
		if (ln->state == LS_RINGING)
			break;
		line_reset(ln);
		if (call) {
			info("phoneline: line %u: on hook, hanging up\n", num);
			ua_hangup(call_get_ua(call), call, 0, NULL);
		}
		break;

	case PL_EV_FLASH:
		if (ln->state == LS_CONNECTED && ln->call)
			hold(ln, true);
		else if (ln->state == LS_HELD && ln->call)
			hold(ln, false);
		break;

	case PL_EV_DIGIT:
		if (ln->state == LS_DIALING) {
			set_tone(ln, TONE_NONE);
			if (digit == '#') {
				dial(ln);
				break;
			}
			if (ln->digitc < DIGITS_MAX) {
				ln->digits[ln->digitc++] = digit;
				ln->digits[ln->digitc] = '\0';
			}
			tmr_start(&ln->tmr_digit,
				  pl.live.digit_timeout * 1000ULL,
				  digit_timeout, ln);
		}
		else if (ln->state == LS_CONNECTED && ln->call) {
			dtmf_send(ln, digit);
		}
		break;
	}
}


/*
 * The audio clock of the driver: every 20 ms, each line, any thread.
 */

static void audio_handler(unsigned num, const int16_t *mic, int16_t *ear,
			  void *arg)
{
	struct line *ln;
	int16_t buf[PL_FRAME_SAMPS];

	(void)arg;

	/* Lines come and go on the main thread, under the lock. */
	pl_lock();
	ln = line_by_num(num);
	if (!ln) {
		pl_unlock();
		return;
	}

	if (ln->play) {
		audev_play_read(ln->play, ear);
		if (ln->local_hold)
			memset(ear, 0, PL_FRAME_SAMPS * sizeof(*ear));
	}
	if (ln->ear_tone.on)
		(void)tone_mix(&ln->ear_tone, ear, PL_FRAME_SAMPS);
	if (ln->ear_dtmf.on)
		(void)tone_mix(&ln->ear_dtmf, ear, PL_FRAME_SAMPS);

	if (ln->src) {
		memcpy(buf, mic, sizeof(buf));
		dtmf_mix_inband(ln, buf);
		if (ln->local_hold)
			memset(buf, 0, sizeof(buf));
		audev_src_write(ln->src, buf);
	}

	pl_unlock();
}

static void tick_handler(void *arg)
{
	(void)arg;

	pl_lock();
	audev_tick();
	pl_unlock();
}


/*
 * Events from baresip.
 */

static void incoming(struct ua *ua, struct call *call)
{
	uint32_t lines = pl_lines_of_ua(ua), want, rung = 0;
	struct line *ln;

	if (!lines)
		return;      /* not ours: the shell answers it */

	want = pl.suffix ? suffix_ring_mask(call) : 0;
	if (want)
		lines &= want;

	for (ln = line_from(0); ln; ln = line_from(ln->num + 1)) {
		if (!(lines & (1u << ln->num)) ||
		    ln->state != LS_IDLE || ln->offhook)
			continue;
		line_take_call(ln, call);
		set_state(ln, LS_RINGING);
		ring(ln, true, call);
		rung |= 1u << ln->num;
	}

	if (rung) {
		info("phoneline: %s: call from %s rings lines 0x%x\n",
		     ua_aor(ua), call_peeruri(call), rung);
		return;
	}

	info("phoneline: %s: call from %s: every line busy\n", ua_aor(ua),
	     call_peeruri(call));
	ua_hangup(ua, call, 486, "Busy Here");
}

static void closed(struct call *call, const char *reason)
{
	struct line *ln;

	for (ln = line_from(0); ln; ln = line_from(ln->num + 1)) {
		bool busy;

		if (ln->call != call)
			continue;

		if (ln->state == LS_RINGING) {
			ring(ln, false, NULL);
			line_reset(ln);
			continue;
		}

		tmr_cancel(&ln->tmr_rel);
		if (!ln->offhook) {
			line_reset(ln);
			continue;
		}

		busy = ln->state == LS_CONNECTED || ln->state == LS_HELD ||
			!strncmp(reason, "486", 3) ||
			!strncmp(reason, "600", 3);
		if (busy) {
			info("phoneline: line %u: call ended (%s)\n", ln->num,
			     reason);
			dtmf_rx_detach(ln);
			ln->call = NULL;
			pl_lock();
			ln->local_hold = false;
			pl_unlock();
			set_state(ln, LS_BUSY);
			set_tone(ln, TONE_BUSY);
		}
		else {
			call_failed(ln, reason[0] ? reason : "closed");
		}
	}
}

/* A call ringing the lines was answered from the shell (ctrl). */
static void answered_elsewhere(const struct call *call)
{
	struct line *ln;

	for (ln = line_from(0); ln; ln = line_from(ln->num + 1)) {
		if (ln->state == LS_RINGING && ln->call == call) {
			ring(ln, false, NULL);
			line_reset(ln);
		}
	}
}

void pl_line_digit(struct line *ln, char key, const char *how)
{
	struct tone_def def;
	char d[2] = {key, '\0'};

	if (ln->state == LS_RINGING || tone_dtmf(&def, key, 100, 0))
		return;

	info("phoneline: line %u: received DTMF '%c' (%s)\n", ln->num, key,
	     how);
	pl_lock();
	tone_start(&ln->ear_dtmf, &def);
	pl_unlock();
	(void)pl.ops->notify(pl.drv, ln->num, "dtmf", d);
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	struct line *ln;

	(void)arg;

	switch (ev) {

	case UA_EVENT_REGISTERING:
		suffix_apply(ua);
		break;

	case UA_EVENT_CALL_INCOMING:
		incoming(ua, call);
		break;

	case UA_EVENT_CALL_RINGING:
		ln = pl_line_of_call(call);
		if (ln && ln->state == LS_CALLING) {
			set_state(ln, LS_RINGBACK);
			set_tone(ln, TONE_RINGBACK);
		}
		break;

	case UA_EVENT_CALL_PROGRESS:
		/* 183 with SDP: the far end's early media is the tone. */
		ln = pl_line_of_call(call);
		if (ln && (ln->state == LS_CALLING ||
			   ln->state == LS_RINGBACK)) {
			set_state(ln, LS_RINGBACK);
			set_tone(ln, TONE_NONE);
		}
		break;

	case UA_EVENT_CALL_ESTABLISHED:
		answered_elsewhere(call);
		ln = pl_line_of_call(call);
		if (ln && ln->state != LS_RINGING && ln->state != LS_HELD) {
			set_state(ln, LS_CONNECTED);
			set_tone(ln, TONE_NONE);
		}
		if (ln && ln->state != LS_RINGING)
			dtmf_rx_attach(ln);
		break;

	case UA_EVENT_CALL_CLOSED:
		closed(call, prm);
		break;

	case UA_EVENT_CALL_DTMF_START:
	case UA_EVENT_CALL_DTMF_END:
		ln = pl_line_of_call(call);
		if (ln && ln->state != LS_RINGING)
			dtmf_rx_baresip(ln, ev == UA_EVENT_CALL_DTMF_END, prm);
		break;

	case UA_EVENT_CALL_LOCAL_SDP:
		dtmf_rx_local_sdp(call);
		break;

	default:
		break;
	}
}


/*
 * Lines that come and go: from the configuration at load, and from the
 * shell through ctrl (linecmd.c) while the phone runs.
 */

/* Ends whatever the line is doing: its call (only the ringing of a call
 * other lines still ring), its tone; a handset left up hears busy. */
static void line_end(struct line *ln, const char *why)
{
	struct call *call = ln->call;
	bool ringing = ln->state == LS_RINGING, others = false;
	struct line *o;

	if (ringing)
		ring(ln, false, NULL);
	line_reset(ln);
	if (!call)
		return;

	for (o = line_from(0); ringing && o; o = line_from(o->num + 1))
		others |= o->call == call;

	info("phoneline: line %u: its call ends: %s\n", ln->num, why);
	if (!ringing)
		ua_hangup(call_get_ua(call), call, 0, why);
	else if (!others)
		ua_hangup(call_get_ua(call), call, 480, "Temporarily "
			  "Unavailable");

	if (ln->offhook && !ringing) {
		set_state(ln, LS_BUSY);
		set_tone(ln, TONE_BUSY);
	}
}

/* A line in the table, not yet known to the driver. */
static int line_new(unsigned num, const char *aor, size_t aorlen)
{
	struct line *ln;
	char *copy = NULL;
	int err;

	if (num >= PL_LINES_MAX)
		return EINVAL;
	if (line_by_num(num))
		return EEXIST;

	err = re_sdprintf(&copy, "%b", aor, aorlen);
	if (err)
		return err;

	ln = &pl.linev[num];
	pl_lock();
	memset(ln, 0, sizeof(*ln));
	ln->num = num;
	ln->aor = copy;
	tmr_init(&ln->tmr_digit);
	tmr_init(&ln->tmr_rel);
	ln->used = true;
	pl_unlock();

	return 0;
}

/* Takes a line out of the table (the driver has let go of it). */
static void line_free(struct line *ln)
{
	char *aor = ln->aor;

	tmr_cancel(&ln->tmr_digit);
	tmr_cancel(&ln->tmr_rel);
	dtmf_rx_detach(ln);
	pl_lock();
	audev_forget_line(ln);
	ln->used = false;
	ln->aor = NULL;
	pl_unlock();
	mem_deref(aor);
}

/* The Contact suffix of these accounts names their lines again. */
static void lines_changed(struct ua *a, struct ua *b)
{
	if (a)
		suffix_lines_changed(a);
	if (b && b != a)
		suffix_lines_changed(b);
}

int pl_line_set(unsigned num, const char *aor, bool *changedp,
		char *why, size_t whysz)
{
	struct line *ln = line_by_num(num);
	struct ua *old = NULL, *ua = NULL;
	struct le *le;
	char *copy = NULL;
	int err;

	if (num >= PL_LINES_MAX) {
		re_snprintf(why, whysz, "line %u: lines are 0-%u", num,
			    PL_LINES_MAX - 1);
		return EINVAL;
	}

	for (le = list_head(uag_list()); le; le = le->next) {
		const char *a = account_aor(ua_account(le->data));

		if (a && aor_eq(a, aor))
			ua = le->data;
	}
	if (!ua) {
		re_snprintf(why, whysz, "no account '%s'", aor);
		return ENOENT;
	}

	if (ln && aor_eq(ln->aor, aor)) {
		*changedp = false;
		return 0;
	}

	if (ln) {
		err = str_dup(&copy, aor);
		if (err)
			return err;
		old = line_ua(ln);
		line_end(ln, "the line's account changed");
		pl_lock();
		mem_deref(ln->aor);
		ln->aor = copy;
		pl_unlock();
		info("phoneline: line %u: now on %s\n", num, aor);
		lines_changed(old, ua);
		*changedp = true;
		return 0;
	}

	err = line_new(num, aor, strlen(aor));
	if (err)
		return err;

	err = pl.ops->line_add(pl.drv, num);
	if (err) {
		re_snprintf(why, whysz, "line %u: %m", num, err);
		line_free(&pl.linev[num]);
		return err;
	}

	info("phoneline: line %u added on %s\n", num, aor);
	lines_changed(ua, NULL);
	*changedp = true;

	return 0;
}

/*
 * A call placed from the shell (ctrl's line_dial): the line owns it as if
 * its handset had dialled, so its telephone follows the call (calling,
 * ringback, connected) and carries its audio.
 */
int pl_line_dial(unsigned num, const char *uri, const char **idp, char *why,
		 size_t whysz)
{
	struct line *ln = line_by_num(num);
	struct call *call = NULL;
	struct ua *ua;
	int err;

	if (!ln) {
		re_snprintf(why, whysz, "no line %u", num);
		return ENOENT;
	}
	if (ln->state != LS_IDLE) {
		re_snprintf(why, whysz, "line %u is %s", num,
			    state_namev[ln->state]);
		return EBUSY;
	}
	ua = line_ua(ln);
	if (!ua) {
		re_snprintf(why, whysz, "line %u's account does not exist",
			    num);
		return ENOENT;
	}

	info("phoneline: line %u: calling %s on %s (from the shell)\n",
	     ln->num, uri, ua_aor(ua));
	set_tone(ln, TONE_NONE);
	set_state(ln, LS_CALLING);
	suffix_apply(ua);

	err = ua_connect(ua, &call, NULL, uri, VIDMODE_OFF);
	if (err) {
		re_snprintf(why, whysz, "cannot call %s: %m", uri, err);
		line_reset(ln);
		return err;
	}
	line_take_call(ln, call);
	*idp = call_id(call);

	return 0;
}

/* A ringing line answered from the shell (ctrl's line_answer): as if its
 * handset were lifted, the line takes the call. */
int pl_line_answer(unsigned num, char *why, size_t whysz)
{
	struct line *ln = line_by_num(num);

	if (!ln) {
		re_snprintf(why, whysz, "no line %u", num);
		return ENOENT;
	}
	if (ln->state != LS_RINGING || !ln->call) {
		re_snprintf(why, whysz, "line %u is not ringing", num);
		return ENOENT;
	}

	answer(ln);

	return 0;
}

int pl_line_del(unsigned num, char *why, size_t whysz)
{
	struct line *ln = line_by_num(num);
	struct ua *ua;
	int err;

	if (!ln) {
		re_snprintf(why, whysz, "no line %u", num);
		return ENOENT;
	}

	ua = line_ua(ln);
	line_end(ln, "the line was removed");

	err = pl.ops->line_del(pl.drv, num);
	if (err) {
		re_snprintf(why, whysz, "line %u: %m", num, err);
		return err;
	}

	line_free(ln);
	info("phoneline: line %u removed\n", num);
	lines_changed(ua, NULL);

	return 0;
}


/*
 * Configuration: every key comes from sipsh's generator (conf_need.h).
 */

static int line_conf(const struct pl *val, void *arg)
{
	struct pl num, aor;
	unsigned n;
	int err;

	(void)arg;

	if (re_regex(val->p, val->l, "[0-9]+,[^]+", &num, &aor)) {
		warning("phoneline: phoneline_line '%r': want N,AOR\n", val);
		return EINVAL;
	}
	n = pl_u32(&num);
	if (num.l > 2 || n >= PL_LINES_MAX || line_by_num(n)) {
		warning("phoneline: phoneline_line '%r': line number taken "
			"or out of range (0-%u)\n", val, PL_LINES_MAX - 1);
		return EINVAL;
	}

	err = line_new(n, aor.p, aor.l);
	if (err)
		warning("phoneline: phoneline_line '%r': %m\n", val, err);

	return err;
}

/*
 * The keys taken again at run time (conf_reload): the tone plan (the next
 * tone), the inter-digit timeout (the next digit), the DTMF mode (for the
 * next call: a call keeps the one its SDP was made with), remote hold
 * (the next hook flash) and the congestion tone (the next failed call).
 * why NULL: a refusal is logged (at load).
 */
static int live_read(struct live *lv, const struct conf *conf, char *why,
		     size_t whysz)
{
	static const char mod[] = "phoneline";
	char v[32] = "";
	int err;

	err = sipsh_conf_str_of(conf, mod, "phoneline_tone_plan", lv->plan,
				sizeof(lv->plan), why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "phoneline_digit_timeout",
					&lv->digit_timeout, why, whysz);
	if (!err)
		err = sipsh_conf_bool_of(conf, mod, "phoneline_remote_hold",
					 &lv->remote_hold, why, whysz);
	if (!err)
		err = sipsh_conf_str_of(conf, mod, "phoneline_dtmf_mode", v,
					sizeof(v), why, whysz);
	if (err)
		return EINVAL;
	if (dtmf_mode_parse(v, &lv->dtmf)) {
		sipsh_conf_refuse(why, whysz, "phoneline: phoneline_dtmf_mode "
				  "'%s': want rfc2833, sip-info, inband or "
				  "compatibility", v);
		return EINVAL;
	}

	if (!tone_plan_exists(lv->plan)) {
		sipsh_conf_refuse(why, whysz, "phoneline: phoneline_tone_plan "
				  "'%s': want itu, us, gb, de or fr", lv->plan);
		return EINVAL;
	}
	if (!lv->digit_timeout)
		lv->digit_timeout = 1;

	err = sipsh_conf_str_of(conf, mod, "phoneline_congestion_tone", v,
				sizeof(v), why, whysz);
	if (err)
		return EINVAL;
	if (!strcmp(v, "info"))
		lv->fail_tone = TONE_INFO;
	else if (!strcmp(v, "congestion"))
		lv->fail_tone = TONE_CONGESTION;
	else {
		sipsh_conf_refuse(why, whysz, "phoneline: "
				  "phoneline_congestion_tone '%s': want "
				  "congestion or info", v);
		return EINVAL;
	}

	return 0;
}

static bool live_same(const struct live *a, const struct live *b)
{
	return a->dtmf == b->dtmf && a->remote_hold == b->remote_hold &&
		a->fail_tone == b->fail_tone &&
		a->digit_timeout == b->digit_timeout &&
		!strcmp(a->plan, b->plan);
}

static int reload_h(struct re_printf *pf, void *arg)
{
	struct sipsh_reload *r = sipsh_reload_of(arg);

	(void)pf;

	if (!r)
		return EINVAL;

	switch (r->phase) {

	case RELOAD_CHECK:
		pl.next_kept = !live_read(&pl.next, r->conf, r->err,
					  sizeof(r->err));
		return pl.next_kept ? 0 : EINVAL;

	case RELOAD_SWAP:
		if (!pl.next_kept || live_same(&pl.next, &pl.live))
			break;

		re_snprintf(r->what, sizeof(r->what), "tones %s, digits end "
			    "after %u s, DTMF %s for the next call, hold %s, "
			    "failures play %s", pl.next.plan,
			    pl.next.digit_timeout,
			    dtmf_mode_name(pl.next.dtmf),
			    pl.next.remote_hold ? "remote" : "local",
			    tone_name(pl.next.fail_tone));
		pl_lock();
		pl.live = pl.next;
		pl_unlock();
		info("phoneline: now %s\n", r->what);
		break;

	default:
		break;
	}

	pl.next_kept = false;
	return 0;
}

static const struct cmd reload_cmdv[] = {
	{"phoneline" SIPSH_RELOAD_SUFFIX, 0, SIPSH_RELOAD_CMD,
	 "phoneline: take the config file again (conf_reload)", reload_h},
};

static int conf_read(void)
{
	static const char mod[] = "phoneline";
	int err;

	err  = sipsh_conf_str(mod, "phoneline_backend", pl.backend,
			      sizeof(pl.backend));
	err |= sipsh_conf_str(mod, "phoneline_sim_dir", pl.sim_dir,
			      sizeof(pl.sim_dir));
	err |= sipsh_conf_bool(mod, "phoneline_contact_suffix", &pl.suffix);
	if (err)
		return EINVAL;

	err = live_read(&pl.live, conf_cur(), NULL, 0);
	if (err)
		return err;

	return conf_apply(conf_cur(), "phoneline_line", line_conf, NULL);
}

static int phoneline_close(void)
{
	unsigned n;

	if (pl.reload_registered) {
		cmd_unregister(baresip_commands(), reload_cmdv);
		pl.reload_registered = false;
	}
	linecmd_close();
	if (pl.ev_registered) {
		uag_event_unregister(ua_event_handler);
		pl.ev_registered = false;
	}
	pl.drv = mem_deref(pl.drv);      /* stops the audio thread */
	info_rx_close();
	suffix_close();
	audev_close();

	for (n = 0; n < PL_LINES_MAX; n++) {
		if (pl.linev[n].used)
			line_free(&pl.linev[n]);
	}

	if (pl.lock_ok) {
		pthread_mutex_destroy(&pl.lock);
		pl.lock_ok = false;
	}

	return 0;
}

static const struct pl_drv_handlers drv_handlers = {
	event_handler,
	audio_handler,
	tick_handler,
};

static int phoneline_init(void)
{
	struct pl_drv_prm prm;
	pthread_mutexattr_t attr;
	struct line *ln;
	size_t i, linec = 0;
	int err;

	err = sipsh_mod_version_check("phoneline");
	if (err)
		return err;

	memset(&pl, 0, sizeof(pl));
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&pl.lock, &attr);
	pthread_mutexattr_destroy(&attr);
	pl.lock_ok = true;

	err = conf_read();
	if (err)
		goto out;

	for (i = 0; i < ARRAY_SIZE(drv_table); i++) {
		if (!strcmp(drv_table[i]->name, pl.backend))
			pl.ops = drv_table[i];
	}
	if (!pl.ops) {
		warning("phoneline: no backend '%s'\n", pl.backend);
		err = ENOENT;
		goto out;
	}

	tone_init();

	err = audev_init();
	if (err)
		goto out;
	err = suffix_init(pl.suffix);
	if (err)
		goto out;
	err = info_rx_init();
	if (err)
		goto out;
	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		goto out;
	pl.ev_registered = true;

	prm.dir = pl.sim_dir;
	err = pl.ops->alloc(&pl.drv, &prm, &drv_handlers, NULL);
	if (err)
		goto out;

	for (ln = line_from(0); ln; ln = line_from(ln->num + 1)) {
		err = pl.ops->line_add(pl.drv, ln->num);
		if (err)
			goto out;
		++linec;
	}

	err = linecmd_init();
	if (err)
		goto out;

	err = cmd_register(baresip_commands(), reload_cmdv,
			   ARRAY_SIZE(reload_cmdv));
	if (err)
		goto out;
	pl.reload_registered = true;

	info("phoneline: %zu lines on '%s' (%s), tones %s, digits end after "
	     "%u s, DTMF %s, hold %s, failures play %s, Contact suffix %s\n",
	     linec, pl.backend, pl.sim_dir, pl.live.plan,
	     pl.live.digit_timeout, dtmf_mode_name(pl.live.dtmf),
	     pl.live.remote_hold ? "remote" : "local",
	     tone_name(pl.live.fail_tone), pl.suffix ? "on" : "off");

 out:
	if (err) {
		warning("phoneline: not started: %m\n", err);
		(void)phoneline_close();
	}

	return err;
}

const struct mod_export DECL_EXPORTS(phoneline) = {
	"phoneline",
	"sound",
	phoneline_init,
	phoneline_close
};
