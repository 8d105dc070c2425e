/*
 * tone-analyze: measures the audio a test recorded from a phone line (or
 * made with mkwav), so a test can assert "this was a 425 Hz tone, 1 s on,
 * 4 s off" or "the far end sent 123#". Reads an 8 kHz mono 16-bit WAV;
 * one answer per run:
 *
 *   tone-analyze --freq FROM TO FILE   "1000 Hz -10.0 dBFS" or "silence"
 *   tone-analyze --cadence HZ FILE     lines "on MS off MS"
 *   tone-analyze --sequence FILE       "950 330, 1400 330, silence 1000"
 *   tone-analyze --dtmf FILE           "123#"
 *
 * Levels are dBFS with a full-scale sine at 0 dBFS. Exit 0 with the
 * answer, 1 when the file cannot be analysed, 2 on a usage error.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wav.h"

#define FS        ((double)WAV_SRATE)
#define BLOCK     80		/* 10 ms, the unit of cadences and sequences */
#define SILENCE_DB (-50.0)	/* quieter than this is silence */
#define FMIN      50.0		/* the band searched for a dominant tone */
#define FMAX      3950.0

static double db(double amplitude)
{
	return amplitude > 1e-12 ? 20 * log10(amplitude) : -240;
}

/* |X(f)|^2 of x[0..n) by the Goertzel recurrence. */
static double goertzel(const double *x, size_t n, double f)
{
	double c = 2 * cos(2 * M_PI * f / FS), s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/* The peak amplitude of a sine at f in x[0..n), rectangular window. */
static double tone_amp(const double *x, size_t n, double f)
{
	return 2 * sqrt(goertzel(x, n, f)) / (double)n;
}

/* The peak amplitude of a sine with the same power as x[0..n). */
static double rms_amp(const double *x, size_t n)
{
	double e = 0;
	size_t i;

	for (i = 0; i < n; i++)
		e += x[i] * x[i];
	return n ? sqrt(2 * e / (double)n) : 0;
}

/*
 * A window of the signal as Hann-windowed blocks of up to 100 ms, for an
 * averaged spectrum: long windows are measured without a long Goertzel
 * whose peak would be too narrow to find by a sweep.
 */
struct spectrum {
	double *blk;		/* nblk blocks of blen samples */
	size_t nblk, blen;
	double wsum;		/* the window's sum, its gain for a sine */
};

#define SPEC_BLEN  800
#define SPEC_MAXBLK 100

static int spectrum_init(struct spectrum *sp, const double *x, size_t n)
{
	size_t b, i, hop;

	sp->blen = n < SPEC_BLEN ? n : SPEC_BLEN;
	sp->nblk = n / sp->blen;
	if (sp->nblk > SPEC_MAXBLK)
		sp->nblk = SPEC_MAXBLK;
	/* Blocks spread evenly over the window when it holds too many. */
	hop = sp->nblk > 1 ? (n - sp->blen) / (sp->nblk - 1) : 0;
	sp->blk = malloc(sp->nblk * sp->blen * sizeof(double));
	if (!sp->blk)
		return ENOMEM;
	sp->wsum = 0;
	for (i = 0; i < sp->blen; i++)
		sp->wsum += 0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) /
					    (double)sp->blen);
	for (b = 0; b < sp->nblk; b++) {
		for (i = 0; i < sp->blen; i++) {
			double w = 0.5 - 0.5 * cos(2 * M_PI * (i + 0.5) /
						   (double)sp->blen);

			sp->blk[b * sp->blen + i] = w * x[b * hop + i];
		}
	}
	return 0;
}

/* The mean amplitude of a sine at f over the blocks. */
static double spectrum_amp(const struct spectrum *sp, double f)
{
	double p = 0;
	size_t b;

	for (b = 0; b < sp->nblk; b++)
		p += goertzel(sp->blk + b * sp->blen, sp->blen, f);
	return 2 * sqrt(p / (double)sp->nblk) / sp->wsum;
}

/* The strongest frequency in x[0..n) and its amplitude: 5 Hz, then 0.5. */
static int dominant(const double *x, size_t n, double *fp, double *ap)
{
	struct spectrum sp;
	double f, best = FMIN, bamp = -1, lo, hi;
	int e;

	e = spectrum_init(&sp, x, n);
	if (e)
		return e;
	for (f = FMIN; f <= FMAX; f += 5) {
		double a = spectrum_amp(&sp, f);

		if (a > bamp) {
			bamp = a;
			best = f;
		}
	}
	lo = best - 5;
	hi = best + 5;
	for (f = lo; f <= hi; f += 0.5) {
		double a = spectrum_amp(&sp, f);

		if (a > bamp) {
			bamp = a;
			best = f;
		}
	}
	free(sp.blk);
	*fp = best;
	*ap = bamp;
	return 0;
}

static int mode_freq(const double *x, size_t n, double from, double to)
{
	size_t a = (size_t)lround(from * FS), b = (size_t)lround(to * FS);
	double f, amp;
	int e;

	if (b > n)
		b = n;
	if (from < 0 || to <= from || a >= n || b - a < BLOCK) {
		fprintf(stderr, "tone-analyze: the window [%g, %g] s is not "
			"10 ms or more of the file's %.3f s\n", from, to,
			(double)n / FS);
		return 1;
	}
	if (db(rms_amp(x + a, b - a)) < SILENCE_DB) {
		puts("silence");
		return 0;
	}
	e = dominant(x + a, b - a, &f, &amp);
	if (e) {
		fprintf(stderr, "tone-analyze: %s\n", strerror(e));
		return 1;
	}
	printf("%ld Hz %.1f dBFS\n", lround(f), db(amp));
	return 0;
}

/*
 * Whether a tone of hz sounds in each 10 ms block: on once it reaches
 * -40 dBFS and 25 % of the block's power, off only when it falls under
 * -46 dBFS or 10 %. The wide gap keeps a dual tone (whose halves beat in
 * a short block) from flickering.
 */
static int mode_cadence(const double *x, size_t n, double hz)
{
	size_t nb = n / BLOCK, b, run = 0;
	bool on = false, any = false;

	if (!nb) {
		fprintf(stderr, "tone-analyze: the file is shorter than "
			"10 ms\n");
		return 1;
	}
	for (b = 0; b <= nb; b++) {
		bool now = on;

		if (b < nb) {
			const double *blk = x + b * BLOCK;
			double a = tone_amp(blk, BLOCK, hz);
			double p = rms_amp(blk, BLOCK);
			double frac = p > 0 ? (a * a) / (p * p) : 0;

			if (!on)
				now = db(a) >= -40 && frac >= 0.25;
			else
				now = db(a) >= -46 && frac >= 0.10;
		}
		if (b < nb && now == on) {
			run++;
			continue;
		}
		/* A run ends: the first off run before any tone stands alone. */
		if (on) {
			printf("on %zu", run * 10);
			any = true;
		}
		else if (!any && run) {
			printf("off %zu\n", run * 10);
		}
		else if (any) {
			printf(" off %zu\n", run * 10);
		}
		if (b == nb && on)
			putchar('\n');
		on = now;
		run = 1;
	}
	return 0;
}

/* A stretch of the file for --sequence: silence, or one dominant tone. */
struct seg {
	size_t first, nblk;	/* in blocks */
	bool tone;
	double fsum;		/* the sum of its blocks' frequencies */
	double fref;		/* measured over the whole run */
};

/* A tone run's frequency over its samples, less a block at each end. */
static int dominant(const double *x, size_t n, double *fp, double *ap);

static int seg_measure(const double *x, struct seg *s)
{
	size_t a = s->first, k = s->nblk;
	double amp;

	if (!s->tone)
		return 0;
	if (k >= 4) {
		a++;
		k -= 2;
	}
	return dominant(x + a * BLOCK, k * BLOCK, &s->fref, &amp);
}

static double seg_freq(const struct seg *s)
{
	return s->fsum / (double)s->nblk;
}

static bool seg_close(const struct seg *s, bool tone, double f)
{
	double m;

	if (s->tone != tone)
		return false;
	if (!tone)
		return true;
	m = seg_freq(s);
	return fabs(f - m) <= fmax(25, 0.03 * m);
}

static double block_freq(const double *blk)
{
	double f, best = FMIN, bamp = -1, lo;

	for (f = FMIN; f <= FMAX; f += 10) {
		double a = tone_amp(blk, BLOCK, f);

		if (a > bamp) {
			bamp = a;
			best = f;
		}
	}
	lo = best - 10;
	for (f = lo; f <= lo + 20; f += 1) {
		double a = tone_amp(blk, BLOCK, f);

		if (a > bamp) {
			bamp = a;
			best = f;
		}
	}
	return best;
}

static void seg_merge(struct seg *a, const struct seg *b)
{
	a->nblk += b->nblk;
	a->fsum += b->tone ? b->fsum : seg_freq(a) * (double)b->nblk;
}

static int mode_sequence(const double *x, size_t n)
{
	size_t nb = n / BLOCK, b, ns = 0, i, j;
	struct seg *sv;
	int e = 0;

	if (!nb) {
		fprintf(stderr, "tone-analyze: the file is shorter than "
			"10 ms\n");
		return 1;
	}
	sv = calloc(nb, sizeof(*sv));
	if (!sv) {
		fprintf(stderr, "tone-analyze: %s\n", strerror(ENOMEM));
		return 1;
	}

	/* Blocks into runs of silence or of one frequency (±25 Hz or 3 %). */
	for (b = 0; b < nb; b++) {
		const double *blk = x + b * BLOCK;
		bool tone = db(rms_amp(blk, BLOCK)) >= SILENCE_DB;
		double f = tone ? block_freq(blk) : 0;

		if (ns && seg_close(&sv[ns - 1], tone, f)) {
			sv[ns - 1].nblk++;
			sv[ns - 1].fsum += f;
			continue;
		}
		sv[ns].first = b;
		sv[ns].nblk = 1;
		sv[ns].tone = tone;
		sv[ns].fsum = f;
		ns++;
	}

	/*
	 * A run under 30 ms is a block straddling two tones: it joins the
	 * run before it. Then neighbours of the same tone join up.
	 */
	for (i = 0, j = 0; i < ns; i++) {
		struct seg *c = &sv[i];

		/* A tone's first blocks wander: they belong to it. */
		if (c->nblk < 3 && c->tone && !(j && sv[j - 1].tone) &&
		    i + 1 < ns && sv[i + 1].tone) {
			sv[i + 1].first = c->first;
			sv[i + 1].fsum += seg_freq(&sv[i + 1]) *
				(double)c->nblk;
			sv[i + 1].nblk += c->nblk;
			continue;
		}
		if (c->nblk < 3 && j) {
			seg_merge(&sv[j - 1], c);
			continue;
		}
		if (j && seg_close(&sv[j - 1], sv[i].tone,
				   sv[i].tone ? seg_freq(&sv[i]) : 0)) {
			seg_merge(&sv[j - 1], &sv[i]);
			continue;
		}
		sv[j++] = sv[i];
	}
	ns = j;
	/* A short first run joins the next one. */
	if (ns > 1 && sv[0].nblk < 3) {
		sv[1].first = 0;
		sv[1].nblk += sv[0].nblk;
		sv[1].fsum += sv[1].tone && !sv[0].tone ?
			seg_freq(&sv[1]) * (double)sv[0].nblk : 0;
		memmove(sv, sv + 1, --ns * sizeof(*sv));
	}

	/*
	 * Each tone measured again over its whole run, less its edges; runs
	 * whose measures agree join (a dual tone's blocks wander between
	 * its halves), until none do.
	 */
	for (i = 0; i < ns && !e; i++)
		e = seg_measure(x, &sv[i]);
	for (i = 1; i < ns && !e; ) {
		struct seg *a = &sv[i - 1], *c = &sv[i];

		if (!a->tone || !c->tone ||
		    fabs(a->fref - c->fref) > fmax(25, 0.03 * a->fref)) {
			i++;
			continue;
		}
		a->nblk += c->nblk;
		e = seg_measure(x, a);
		memmove(c, c + 1, (ns - i - 1) * sizeof(*sv));
		ns--;
		/* The joined run may now agree with the one before it. */
		if (i > 1)
			i--;
	}
	for (i = 0; i < ns && !e; i++) {
		if (i)
			fputs(", ", stdout);
		if (sv[i].tone)
			printf("%ld %zu", lround(sv[i].fref), sv[i].nblk * 10);
		else
			printf("silence %zu", sv[i].nblk * 10);
	}
	putchar('\n');
	free(sv);
	if (e) {
		fprintf(stderr, "tone-analyze: %s\n", strerror(e));
		return 1;
	}
	return 0;
}

/*
 * DTMF: 205-sample Goertzel frames every 10 ms over the eight tones. A
 * frame holds a digit when one row and one column tone stand 6 dB over
 * the others of their group, within 8 dB of each other (twist), at
 * -35 dBFS or more, and carry most of the frame's power. A digit counts
 * once it holds for two frames; it counts again only after another digit
 * or a pause of four frames without one (40 ms, the shortest pause ITU-T
 * Q.24 has a receiver tell): a shorter gap, such as one lost 20 ms
 * packet in the middle of a tone, leaves it the same digit.
 */
#define DTMF_N 205
#define DTMF_PAUSE 4

static char dtmf_frame(const double *fr)
{
	static const double row[4] = { 697, 770, 852, 941 };
	static const double col[4] = { 1209, 1336, 1477, 1633 };
	static const char keys[4][5] = { "123A", "456B", "789C", "*0#D" };
	double ra[4], ca[4], p;
	int i, r = 0, c = 0;

	for (i = 0; i < 4; i++) {
		ra[i] = tone_amp(fr, DTMF_N, row[i]);
		ca[i] = tone_amp(fr, DTMF_N, col[i]);
		if (ra[i] > ra[r])
			r = i;
		if (ca[i] > ca[c])
			c = i;
	}
	if (db(ra[r]) < -35 || db(ca[c]) < -35)
		return 0;
	if (fabs(db(ra[r]) - db(ca[c])) > 8)
		return 0;
	for (i = 0; i < 4; i++) {
		if (i != r && ra[i] * 2 > ra[r])
			return 0;
		if (i != c && ca[i] * 2 > ca[c])
			return 0;
	}
	p = rms_amp(fr, DTMF_N);
	if (ra[r] * ra[r] + ca[c] * ca[c] < 0.6 * p * p)
		return 0;
	return keys[r][c];
}

static int mode_dtmf(const double *x, size_t n)
{
	char cand = 0, last = 0;
	unsigned held = 0;
	size_t i;

	for (i = 0; i + DTMF_N <= n; i += BLOCK) {
		char d = dtmf_frame(x + i);

		if (d != cand) {
			cand = d;
			held = 0;
		}
		++held;
		if (cand && held == 2 && cand != last) {
			putchar(cand);
			last = cand;
		}
		else if (!cand && held == DTMF_PAUSE) {
			last = 0;
		}
	}
	putchar('\n');
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: tone-analyze --freq FROM TO FILE.wav\n"
	      "       tone-analyze --cadence HZ FILE.wav\n"
	      "       tone-analyze --sequence FILE.wav\n"
	      "       tone-analyze --dtmf FILE.wav\n"
	      "FILE.wav: 8000 Hz mono 16-bit PCM\n", f);
}

static bool num(const char *s, double *vp)
{
	char *end;

	errno = 0;
	*vp = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*vp);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int16_t *s16 = NULL;
	double *x = NULL, a = 0, b = 0;
	size_t n = 0, i;
	char err[512];
	int want, rc = 1;

	if (!strcmp(mode, "-h") || !strcmp(mode, "--help")) {
		usage(stdout);
		return 0;
	}
	want = !strcmp(mode, "--freq") ? 4 : !strcmp(mode, "--cadence") ? 3 :
		!strcmp(mode, "--sequence") || !strcmp(mode, "--dtmf") ? 2 : 0;
	if (!want || argc != want + 1) {
		usage(stderr);
		return 2;
	}
	if ((want >= 3 && !num(argv[2], &a)) ||
	    (want == 4 && !num(argv[3], &b))) {
		fprintf(stderr, "tone-analyze: %s: not a number: '%s'\n", mode,
			want == 4 && num(argv[2], &a) ? argv[3] : argv[2]);
		return 2;
	}
	if (want == 3 && (a < FMIN || a > FMAX)) {
		fprintf(stderr, "tone-analyze: --cadence: a frequency from "
			"%g to %g Hz\n", FMIN, FMAX);
		return 2;
	}

	if (wav_load(argv[argc - 1], &s16, &n, err, sizeof(err))) {
		fprintf(stderr, "tone-analyze: %s\n", err);
		return 1;
	}
	x = malloc((n ? n : 1) * sizeof(*x));
	if (!x) {
		fprintf(stderr, "tone-analyze: %s\n", strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < n; i++)
		x[i] = s16[i] / 32768.0;

	if (!strcmp(mode, "--freq"))
		rc = mode_freq(x, n, a, b);
	else if (!strcmp(mode, "--cadence"))
		rc = mode_cadence(x, n, a);
	else if (!strcmp(mode, "--sequence"))
		rc = mode_sequence(x, n);
	else
		rc = mode_dtmf(x, n);
 out:
	free(s16);
	free(x);
	return rc;
}
