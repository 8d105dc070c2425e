/*
 * The lines as baresip audio devices: ausrc "phoneline" (the telephone's
 * microphone) and auplay "phoneline" (its earpiece). Accounts name them
 * per account, ';audio_source=phoneline,N;audio_player=phoneline,N' with
 * N the account's number; the device does not choose the line, because
 * several lines may share an account. The line is the one whose call owns
 * the audio object baresip passes as the handlers' argument:
 *  - a source's argument is the call's struct audio itself (1.0.0
 *    start_source), compared with call_audio() of each line's call;
 *  - a player's argument is the struct aurx inside that struct audio
 *    (1.0.0 start_player), so it is the line whose call_audio() is the
 *    nearest at or below it: heap objects do not overlap, so no other
 *    call's audio can lie between an object and a pointer into it.
 * A device of a call no line owns (one dialled from the shell) still runs
 * on the lines' clock, as silence, so its RTP flows.
 *
 * The lines run at 8000 Hz mono; baresip asks for the codec's rate and
 * channels (8000/1 for G.711), and rates that are a multiple of 8000 and
 * 1 or 2 channels are converted here. Only signed 16-bit is accepted.
 */
#include <string.h>
#include "phoneline.h"
#include <rem_au.h>

enum { RATE_MAX = 48000, CH_MAX = 2,
       BUF_MAX = PL_FRAME_SAMPS * (RATE_MAX / PL_SRATE) * CH_MAX };

struct ausrc_st {
	const struct ausrc *as;     /* first, as baresip expects */
	struct le le;
	const struct audio *audio;
	ausrc_read_h *rh;
	void *arg;
	struct ausrc_prm prm;
	struct line *line;
	int16_t last;               /* for interpolation across frames */
	uint64_t ts;
	int16_t buf[BUF_MAX];
};

struct auplay_st {
	const struct auplay *ap;    /* first, as baresip expects */
	struct le le;
	auplay_write_h *wh;
	void *arg;
	struct auplay_prm prm;
	struct line *line;
	int16_t buf[BUF_MAX];
};

static struct {
	struct ausrc *ausrc;
	struct auplay *auplay;
	struct list srcl;           /* (lock) */
	struct list playl;          /* (lock) */
} ad;

static bool prm_ok(uint32_t srate, uint8_t ch, int fmt)
{
	return fmt == AUFMT_S16LE && srate >= PL_SRATE && srate <= RATE_MAX &&
		srate % PL_SRATE == 0 && ch >= 1 && ch <= CH_MAX;
}

static void src_destructor(void *arg)
{
	struct ausrc_st *st = arg;

	pl_lock();
	if (st->line && st->line->src == st)
		st->line->src = NULL;
	list_unlink(&st->le);
	pl_unlock();
}

static int src_alloc(struct ausrc_st **stp, const struct ausrc *as,
		     struct media_ctx **ctx, struct ausrc_prm *prm,
		     const char *device, ausrc_read_h *rh,
		     ausrc_error_h *errh, void *arg)
{
	struct ausrc_st *st;

	(void)ctx;
	(void)errh;

	if (!stp || !as || !prm || !rh)
		return EINVAL;
	if (!prm_ok(prm->srate, prm->ch, prm->fmt)) {
		warning("phoneline: source %s: %u Hz, %u channels, format %d: "
			"only s16 at a multiple of 8000 Hz, 1-2 channels\n",
			device, prm->srate, prm->ch, prm->fmt);
		return ENOTSUP;
	}

	st = mem_zalloc(sizeof(*st), src_destructor);
	if (!st)
		return ENOMEM;

	st->as = as;
	st->audio = arg;
	st->rh = rh;
	st->arg = arg;
	st->prm = *prm;

	pl_lock();
	st->line = pl_line_of_audio(arg);
	if (st->line)
		st->line->src = st;
	list_append(&ad.srcl, &st->le, st);
	pl_unlock();

	if (st->line)
		info("phoneline: line %u: source for account %s (%u Hz, %u "
		     "ch)\n", st->line->num, device, prm->srate, prm->ch);
	else
		info("phoneline: source for account %s belongs to no line: "
		     "silence\n", device);

	*stp = st;
	return 0;
}

static void play_destructor(void *arg)
{
	struct auplay_st *st = arg;

	pl_lock();
	if (st->line && st->line->play == st)
		st->line->play = NULL;
	list_unlink(&st->le);
	pl_unlock();
}

static int play_alloc(struct auplay_st **stp, const struct auplay *ap,
		      struct auplay_prm *prm, const char *device,
		      auplay_write_h *wh, void *arg)
{
	struct auplay_st *st;

	if (!stp || !ap || !prm || !wh)
		return EINVAL;
	if (!prm_ok(prm->srate, prm->ch, prm->fmt)) {
		warning("phoneline: player %s: %u Hz, %u channels, format %d: "
			"only s16 at a multiple of 8000 Hz, 1-2 channels\n",
			device, prm->srate, prm->ch, prm->fmt);
		return ENOTSUP;
	}

	st = mem_zalloc(sizeof(*st), play_destructor);
	if (!st)
		return ENOMEM;

	st->ap = ap;
	st->wh = wh;
	st->arg = arg;
	st->prm = *prm;

	pl_lock();
	st->line = pl_line_near_audio(arg);
	if (st->line)
		st->line->play = st;
	list_append(&ad.playl, &st->le, st);
	pl_unlock();

	if (st->line)
		info("phoneline: line %u: player for account %s (%u Hz, %u "
		     "ch)\n", st->line->num, device, prm->srate, prm->ch);

	*stp = st;
	return 0;
}

/* 160 samples at 8 kHz mono to the source's rate and channels. */
void audev_src_write(struct ausrc_st *st, const int16_t *mic)
{
	uint32_t k = st->prm.srate / PL_SRATE, ch = st->prm.ch;
	size_t i, j, c, o = 0;
	struct auframe af;

	for (i = 0; i < PL_FRAME_SAMPS; i++) {
		int32_t a = i ? mic[i - 1] : st->last, b = mic[i];

		/* Linear interpolation from the previous sample. */
		for (j = 1; j <= k; j++) {
			int16_t v = (int16_t)(a + (b - a) * (int32_t)j /
					      (int32_t)k);

			for (c = 0; c < ch; c++)
				st->buf[o++] = v;
		}
	}
	st->last = mic[PL_FRAME_SAMPS - 1];

	af.fmt = AUFMT_S16LE;
	af.sampv = st->buf;
	af.sampc = o;
	af.timestamp = st->ts;
	st->ts += PL_PTIME_MS * 1000;

	st->rh(&af, st->arg);
}

/* 160 samples at 8 kHz mono from the player, at its rate and channels. */
void audev_play_read(struct auplay_st *st, int16_t *ear)
{
	uint32_t k = st->prm.srate / PL_SRATE, ch = st->prm.ch;
	size_t i, j;

	st->wh(st->buf, PL_FRAME_SAMPS * k * ch, st->arg);

	for (i = 0; i < PL_FRAME_SAMPS; i++) {
		int32_t sum = 0;

		for (j = 0; j < k * ch; j++)
			sum += st->buf[i * k * ch + j];
		ear[i] = (int16_t)(sum / (int32_t)(k * ch));
	}
}

/* Devices no line owns keep the clock too: silence out, samples drained. */
void audev_tick(void)
{
	static const int16_t silence[PL_FRAME_SAMPS];
	int16_t ear[PL_FRAME_SAMPS];
	struct le *le;

	for (le = list_head(&ad.srcl); le; le = le->next) {
		struct ausrc_st *st = le->data;

		if (!st->line || st->line->src != st)
			audev_src_write(st, silence);
	}
	for (le = list_head(&ad.playl); le; le = le->next) {
		struct auplay_st *st = le->data;

		if (!st->line || st->line->play != st)
			audev_play_read(st, ear);
	}
}

/* A line that is going away: the devices bound to it run as silence. */
void audev_forget_line(const struct line *ln)
{
	struct le *le;

	for (le = list_head(&ad.srcl); le; le = le->next) {
		struct ausrc_st *st = le->data;

		if (st->line == ln)
			st->line = NULL;
	}
	for (le = list_head(&ad.playl); le; le = le->next) {
		struct auplay_st *st = le->data;

		if (st->line == ln)
			st->line = NULL;
	}
}

int audev_init(void)
{
	int err;

	list_init(&ad.srcl);
	list_init(&ad.playl);

	err = ausrc_register(&ad.ausrc, baresip_ausrcl(), "phoneline",
			     src_alloc);
	if (!err)
		err = auplay_register(&ad.auplay, baresip_auplayl(),
				      "phoneline", play_alloc);
	if (err)
		audev_close();

	return err;
}

void audev_close(void)
{
	ad.auplay = mem_deref(ad.auplay);
	ad.ausrc = mem_deref(ad.ausrc);
}
