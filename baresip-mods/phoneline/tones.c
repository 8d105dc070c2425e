/*
 * The tone plans of the phone lines, as data, and the generator that
 * plays them. Every plan has the same tones; only frequencies and
 * cadences differ, taken from each plan's published standard:
 *
 *   itu  ITU-T E.180 (1998) recommended values, and its Supplement 2
 *   us   ANSI T1.401 / Telcordia GR-506 "precise tone plan"
 *   gb   BT SIN 350 (UK network tones)
 *   de   Deutsche Telekom 1 TR 110 (FTZ tones)
 *   fr   France Telecom / ETSI ES 201 970 national annex for France
 *
 * The special information tone (E.180 sec. 6: 950, 1400, 1800 Hz, 330 ms
 * each, 1 s silence) is international and the same in every plan.
 *
 * Samples are computed from a sample counter, never accumulated phase:
 * with whole-hertz frequencies sin(2 pi f t / 8000) repeats every 8000
 * samples, so a table of one second of sine gives every sample exactly
 * and a tone is the same after an hour as in its first period.
 */
#include <math.h>
#include <string.h>
#include "re_base.h"
#include "driver.h"
#include "tones.h"

/* Levels: about -13 dBm0 for one frequency, -16 dBm0 each for two. */
enum {
	AMP_SINGLE = 5800,
	AMP_DUAL   = 4100,
	AMP_DTMF_LOW  = 5200,   /* DTMF: the high group 2 dB above the low */
	AMP_DTMF_HIGH = 6500,
};

struct plan {
	const char *name;
	struct tone_def tonev[TONE_COUNT];
};

#define CONT(f1, f2)     {{{1000, f1, f2}}, 1, true}
#define SIT              {{{330, 950, 0}, {330, 1400, 0}, {330, 1800, 0}, \
			   {1000, 0, 0}}, 4, true}

static const struct plan planv[] = {
	{"itu", {
		[TONE_DIAL]        = CONT(425, 0),
		[TONE_RINGBACK]    = {{{1000, 425, 0}, {4000, 0, 0}}, 2, true},
		[TONE_BUSY]        = {{{500, 425, 0}, {500, 0, 0}}, 2, true},
		[TONE_CONGESTION]  = {{{250, 425, 0}, {250, 0, 0}}, 2, true},
		[TONE_INFO]        = SIT,
		[TONE_CALLWAITING] = {{{400, 425, 0}, {10000, 0, 0}}, 2, true},
	}},
	{"us", {
		[TONE_DIAL]        = CONT(350, 440),
		[TONE_RINGBACK]    = {{{2000, 440, 480}, {4000, 0, 0}}, 2, true},
		[TONE_BUSY]        = {{{500, 480, 620}, {500, 0, 0}}, 2, true},
		[TONE_CONGESTION]  = {{{250, 480, 620}, {250, 0, 0}}, 2, true},
		[TONE_INFO]        = SIT,
		[TONE_CALLWAITING] = {{{300, 440, 0}, {9700, 0, 0}}, 2, true},
	}},
	{"gb", {
		[TONE_DIAL]        = CONT(350, 450),
		[TONE_RINGBACK]    = {{{400, 400, 450}, {200, 0, 0},
				       {400, 400, 450}, {2000, 0, 0}}, 4, true},
		[TONE_BUSY]        = {{{375, 400, 0}, {375, 0, 0}}, 2, true},
		[TONE_CONGESTION]  = {{{400, 400, 0}, {350, 0, 0},
				       {225, 400, 0}, {525, 0, 0}}, 4, true},
		[TONE_INFO]        = SIT,
		[TONE_CALLWAITING] = {{{100, 400, 0}, {2900, 0, 0}}, 2, true},
	}},
	{"de", {
		[TONE_DIAL]        = CONT(425, 0),
		[TONE_RINGBACK]    = {{{1000, 425, 0}, {4000, 0, 0}}, 2, true},
		[TONE_BUSY]        = {{{480, 425, 0}, {480, 0, 0}}, 2, true},
		[TONE_CONGESTION]  = {{{240, 425, 0}, {240, 0, 0}}, 2, true},
		[TONE_INFO]        = SIT,
		[TONE_CALLWAITING] = {{{200, 425, 0}, {200, 0, 0},
				       {200, 425, 0}, {5000, 0, 0}}, 4, true},
	}},
	{"fr", {
		[TONE_DIAL]        = CONT(440, 0),
		[TONE_RINGBACK]    = {{{1500, 440, 0}, {3500, 0, 0}}, 2, true},
		[TONE_BUSY]        = {{{500, 440, 0}, {500, 0, 0}}, 2, true},
		[TONE_CONGESTION]  = {{{250, 440, 0}, {250, 0, 0}}, 2, true},
		[TONE_INFO]        = SIT,
		[TONE_CALLWAITING] = {{{300, 440, 0}, {10000, 0, 0}}, 2, true},
	}},
};

static const char *const namev[TONE_COUNT] = {
	[TONE_NONE]        = "none",
	[TONE_DIAL]        = "dial",
	[TONE_RINGBACK]    = "ringback",
	[TONE_BUSY]        = "busy",
	[TONE_CONGESTION]  = "congestion",
	[TONE_INFO]        = "info",
	[TONE_CALLWAITING] = "callwaiting",
};

/* One second of sine at 1 Hz, scaled to 32767: sine(f, t) = tab[f*t %
 * 8000]. Filled once on first use, from the main thread (tone_start). */
static int16_t sintab[PL_SRATE];
static bool sintab_ready;

/*
 * Without libm: the sine and cosine of one step (2 pi / 8000, a small
 * angle, so four terms of their series are exact to double precision),
 * then each sample by rotating the one before. The error after 8000
 * rotations is near 1e-12, far below the table's 16 bits. Calling sin()
 * instead made the phone map about 300 KB more of libm (the kernel maps
 * the pages around each one touched), for this one table.
 */
void tone_init(void)
{
	const double w = 2.0 * M_PI / PL_SRATE, w2 = w * w;
	const double cw = 1 - w2 / 2 * (1 - w2 / 12 * (1 - w2 / 30));
	const double sw = w * (1 - w2 / 6 * (1 - w2 / 20 * (1 - w2 / 42)));
	double c = 1, s = 0, v;
	size_t i;

	if (sintab_ready)
		return;
	for (i = 0; i < PL_SRATE; i++) {
		double cn = c * cw - s * sw;

		v = 32767.0 * s;
		sintab[i] = (int16_t)(v >= 0 ? v + 0.5 : v - 0.5);
		s = s * cw + c * sw;
		c = cn;
	}
	sintab_ready = true;
}

const char *tone_name(enum pl_tone tone)
{
	return (unsigned)tone < TONE_COUNT ? namev[tone] : "?";
}

static const struct plan *plan_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(planv); i++) {
		if (!strcmp(planv[i].name, name))
			return &planv[i];
	}

	return NULL;
}

bool tone_plan_exists(const char *plan)
{
	return plan_find(plan) != NULL;
}

const struct tone_def *tone_find(const char *plan, enum pl_tone tone)
{
	const struct plan *p = plan_find(plan);

	if (!p)
		p = &planv[0];
	if (tone <= TONE_NONE || tone >= TONE_COUNT)
		return NULL;

	return &p->tonev[tone];
}

void tone_start(struct tonegen *g, const struct tone_def *def)
{
	tone_init();
	memset(g, 0, sizeof(*g));
	if (!def || !def->stepc)
		return;
	g->def = *def;
	g->on = true;
}

void tone_stop(struct tonegen *g)
{
	g->on = false;
}

static int16_t clip(int32_t v)
{
	return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

bool tone_mix(struct tonegen *g, int16_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && g->on; i++) {
		const struct tone_step *s = &g->def.stepv[g->step];
		int32_t v = 0;

		if (s->f1 && s->f2 && s->f2 != s->f1) {
			bool dtmf = s->f1 < 1000 && s->f2 > 1000;

			v = (dtmf ? AMP_DTMF_LOW : AMP_DUAL) *
				sintab[(uint32_t)s->f1 * g->t % PL_SRATE] /
				32767;
			v += (dtmf ? AMP_DTMF_HIGH : AMP_DUAL) *
				sintab[(uint32_t)s->f2 * g->t % PL_SRATE] /
				32767;
		}
		else if (s->f1 || s->f2) {
			uint32_t f = s->f1 ? s->f1 : s->f2;

			v = AMP_SINGLE * sintab[f * g->t % PL_SRATE] / 32767;
		}
		buf[i] = clip(buf[i] + v);

		g->t = (g->t + 1) % PL_SRATE;
		if (++g->n >= (uint32_t)s->ms * (PL_SRATE / 1000)) {
			g->n = 0;
			if (++g->step >= g->def.stepc) {
				g->step = 0;
				g->on = g->def.repeat;
			}
		}
	}

	return g->on;
}

int tone_dtmf(struct tone_def *def, char digit, uint16_t on_ms,
	      uint16_t off_ms)
{
	static const char keys[] = "123A456B789C*0#D";
	static const uint16_t low[4] = {697, 770, 852, 941};
	static const uint16_t high[4] = {1209, 1336, 1477, 1633};
	const char *k;
	size_t ix;

	if (!def || !digit)
		return EINVAL;
	k = strchr(keys, digit >= 'a' && digit <= 'd' ? digit - 32 : digit);
	if (!k)
		return EINVAL;
	ix = (size_t)(k - keys);

	memset(def, 0, sizeof(*def));
	def->stepv[0] = (struct tone_step){on_ms, low[ix / 4], high[ix % 4]};
	def->stepv[1] = (struct tone_step){off_ms, 0, 0};
	def->stepc = off_ms ? 2 : 1;
	def->repeat = false;

	return 0;
}
