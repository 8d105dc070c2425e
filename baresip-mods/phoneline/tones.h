/*
 * Call-progress and DTMF tones of the phone lines: the national tone
 * plans as data (tones.c) and a generator that renders them sample-exactly
 * at 8000 Hz.
 */
#ifndef PHONELINE_TONES_H
#define PHONELINE_TONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pl_tone {
	TONE_NONE = 0,
	TONE_DIAL,
	TONE_RINGBACK,
	TONE_BUSY,
	TONE_CONGESTION,
	TONE_INFO,          /* special information tone, ITU-T E.180 */
	TONE_CALLWAITING,
	TONE_COUNT
};

enum { TONE_STEPS_MAX = 8 };

/* One cadence step: 'ms' of f1+f2 (0 Hz: that component is silent). */
struct tone_step {
	uint16_t ms;
	uint16_t f1, f2;
};

/* A tone: its steps in order; 'repeat' starts again after the last. */
struct tone_def {
	struct tone_step stepv[TONE_STEPS_MAX];
	size_t stepc;
	bool repeat;
};

/* A tone being played: where in which step. */
struct tonegen {
	struct tone_def def;
	size_t step;
	uint32_t n;           /* samples into the step */
	uint32_t t;           /* samples since the start, mod PL_SRATE */
	bool on;
};

/* Fills the sine table; call once from the main thread first. */
void tone_init(void);
const char *tone_name(enum pl_tone tone);
bool tone_plan_exists(const char *plan);
const struct tone_def *tone_find(const char *plan, enum pl_tone tone);

void tone_start(struct tonegen *g, const struct tone_def *def);
void tone_stop(struct tonegen *g);
/* Adds the next n samples of the tone to buf; false once it has ended. */
bool tone_mix(struct tonegen *g, int16_t *buf, size_t n);
/* A DTMF digit: on_ms of its two frequencies, then off_ms of silence. */
int tone_dtmf(struct tone_def *def, char digit, uint16_t on_ms,
	      uint16_t off_ms);

#endif
