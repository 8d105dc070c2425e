/*
 * mkwav: makes the test inputs of the tone and telephone tests, an 8 kHz
 * mono 16-bit WAV file built from pieces: sine tones (one or two
 * frequencies), silence and DTMF digits. A test describes the audio it
 * needs on one command line instead of keeping binary files.
 *
 *   mkwav [-a] [-l DBFS] OUT.wav PIECE...
 *     tone HZ[+HZ] SECONDS    a sine (or two summed) at the current level
 *     silence SECONDS
 *     dtmf DIGITS             each digit 100 ms on, then 100 ms off
 *     level DBFS              the level of the pieces after it
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wav.h"

#define DTMF_ON_MS  100
#define DTMF_OFF_MS 100

struct gen {
	struct wav_out out;
	double level;		/* peak amplitude of one sine, 1.0 = full scale */
};

static void usage(FILE *f)
{
	fputs("usage: mkwav [-a] [-l DBFS] OUT.wav PIECE...\n"
	      "  tone HZ[+HZ] SECONDS   a sine, or two summed, at the level\n"
	      "  silence SECONDS\n"
	      "  dtmf DIGITS            0-9 * # A-D: 100 ms on, 100 ms off\n"
	      "  level DBFS             level of the later pieces "
	      "(default -10)\n"
	      "  -a  append to OUT.wav (8000 Hz mono 16-bit) instead of "
	      "replacing it\n", f);
}

static int parse_num(const char *s, double lo, double hi, double *vp)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		return EINVAL;
	*vp = v;
	return 0;
}

static size_t nsamples(double seconds)
{
	return (size_t)lround(seconds * WAV_SRATE);
}

/* Writes n samples of the sum of sines f1 and f2 (0: absent). */
static int put_tone(struct gen *g, double f1, double f2, size_t n)
{
	int16_t buf[800];
	size_t i = 0, k;
	int e;

	while (i < n) {
		for (k = 0; k < sizeof(buf) / sizeof(buf[0]) && i < n;
		     k++, i++) {
			double t = (double)i / WAV_SRATE, v = 0;

			if (f1 > 0)
				v += sin(2 * M_PI * f1 * t);
			if (f2 > 0)
				v += sin(2 * M_PI * f2 * t);
			v *= g->level * 32768.0;
			if (v > 32767)
				v = 32767;
			if (v < -32768)
				v = -32768;
			buf[k] = (int16_t)lrint(v);
		}
		e = wav_append(&g->out, buf, k);
		if (e)
			return e;
	}
	return 0;
}

static int dtmf_freqs(char d, double *lo, double *hi)
{
	static const char keys[] = "123A456B789C*0#D";
	static const double row[4] = { 697, 770, 852, 941 };
	static const double col[4] = { 1209, 1336, 1477, 1633 };
	const char *p;

	if (!d)
		return EINVAL;
	p = strchr(keys, d >= 'a' && d <= 'd' ? d - 'a' + 'A' : d);
	if (!p)
		return EINVAL;
	*lo = row[(p - keys) / 4];
	*hi = col[(p - keys) % 4];
	return 0;
}

/* Runs the pieces argv[0..argc); returns 0, or 2 after a message. */
static int run_pieces(struct gen *g, int argc, char **argv)
{
	double v, f1, f2;
	int i, e;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool two = !strcmp(w, "tone");

		if (two || !strcmp(w, "silence") || !strcmp(w, "level") ||
		    !strcmp(w, "dtmf")) {
			if (i + 1 + two >= argc) {
				fprintf(stderr, "mkwav: '%s' needs %s\n", w,
					two ? "HZ and SECONDS" : "a value");
				return 2;
			}
		}
		else {
			fprintf(stderr, "mkwav: unknown piece '%s'\n", w);
			return 2;
		}

		e = 0;
		if (two) {
			char *plus, hz[64];

			snprintf(hz, sizeof(hz), "%s", argv[i + 1]);
			plus = strchr(hz, '+');
			f2 = 0;
			if (plus) {
				*plus = '\0';
				if (parse_num(plus + 1, 1, 3999, &f2))
					goto bad;
			}
			if (parse_num(hz, 1, 3999, &f1))
				goto bad;
			if (parse_num(argv[i + 2], 0, 86400, &v)) {
				i++;
				goto bad;
			}
			e = put_tone(g, f1, f2, nsamples(v));
			i += 2;
		}
		else if (!strcmp(w, "silence")) {
			if (parse_num(argv[i + 1], 0, 86400, &v))
				goto bad;
			e = put_tone(g, 0, 0, nsamples(v));
			i++;
		}
		else if (!strcmp(w, "level")) {
			if (parse_num(argv[i + 1], -120, 0, &v))
				goto bad;
			g->level = pow(10, v / 20);
			i++;
		}
		else {
			const char *d;

			for (d = argv[i + 1]; *d; d++)
				if (dtmf_freqs(*d, &f1, &f2))
					goto bad;
			for (d = argv[i + 1]; *d && !e; d++) {
				dtmf_freqs(*d, &f1, &f2);
				e = put_tone(g, f1, f2,
					     nsamples(DTMF_ON_MS / 1000.0));
				if (!e)
					e = put_tone(g, 0, 0, nsamples(
						     DTMF_OFF_MS / 1000.0));
			}
			i++;
		}
		if (e) {
			fprintf(stderr, "mkwav: writing: %s\n", strerror(e));
			return 1;
		}
		continue;
 bad:
		fprintf(stderr, "mkwav: %s: bad value '%s'\n", w, argv[i + 1]);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { .out = { .fd = -1 }, .level = pow(10, -10.0 / 20) };
	int16_t *old = NULL;
	size_t nold = 0;
	bool append = false;
	char err[512];
	double v;
	int i = 1, rc = 1, e;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (!strcmp(argv[i], "-a")) {
			append = true;
			i++;
		}
		else if (!strcmp(argv[i], "-l") && i + 1 < argc) {
			if (parse_num(argv[i + 1], -120, 0, &v)) {
				fprintf(stderr, "mkwav: -l: a level in dBFS, "
					"-120 to 0: '%s'\n", argv[i + 1]);
				return 2;
			}
			g.level = pow(10, v / 20);
			i += 2;
		}
		else if (!strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - i < 2) {
		usage(stderr);
		return 2;
	}

	if (append && wav_load(argv[i], &old, &nold, err, sizeof(err))) {
		fprintf(stderr, "mkwav: %s\n", err);
		return 1;
	}
	if (wav_create(&g.out, argv[i], err, sizeof(err))) {
		fprintf(stderr, "mkwav: %s\n", err);
		goto out;
	}
	e = wav_append(&g.out, old, nold);
	if (e) {
		fprintf(stderr, "mkwav: %s: %s\n", argv[i], strerror(e));
		goto out;
	}
	rc = run_pieces(&g, argc - i - 1, argv + i + 1);
 out:
	e = wav_close(&g.out);
	if (e && !rc) {
		fprintf(stderr, "mkwav: %s: %s\n", argv[i], strerror(e));
		rc = 1;
	}
	/* No half-made input for a test to trip over later. */
	if (rc && !append)
		unlink(argv[i]);
	free(old);
	return rc;
}
