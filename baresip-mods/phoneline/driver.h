/*
 * The phone-line driver interface: what the phoneline module needs from
 * the hardware behind its analog lines, and the one place a new kind of
 * hardware plugs in.
 *
 * A backend is one file, NAME.c, that defines one 'const struct pl_drv_ops
 * pl_drv_NAME' and is listed in drv_table[] in phoneline.c; the config key
 * phoneline_backend chooses it by name. The core never sees file
 * descriptors, sockets or devices: it sees lines by number and:
 *
 *   events  (driver -> core, on the main thread: libre's loop)
 *           hook off, hook on, hook flash, a dialled digit, and "a
 *           telephone was plugged in" (so the core can repeat the line's
 *           state to it);
 *   audio   (driver -> core, on the driver's own audio clock, any thread)
 *           one call of audioh per line every 20 ms with the 160 samples
 *           heard by the microphone and a buffer for the 160 samples the
 *           earpiece will play (8000 Hz, signed 16-bit, mono); then one call
 *           of tickh per period, after all the lines;
 *   control (core -> driver, on the main thread)
 *           ring on (with caller number and name) or off, and notices of the
 *           tone being played, the call state and received DTMF, which a
 *           backend may show or ignore (real lines only ring; the tones
 *           themselves are always in the audio).
 *
 * A real SLIC or DAHDI backend is one new file, e.g. dahdi.c:
 *  - line_add opens /dev/dahdi/channel for the line (DAHDI_SPECIFY), sets
 *    the channel to signed linear (DAHDI_SETLINEAR) and 160-sample blocks
 *    (DAHDI_SET_BLOCKSIZE); alloc starts a thread that blocks in read() on
 *    the channels: the hardware's own 8 kHz clock paces the audio, so the
 *    thread calls audioh for each 160 samples read and write()s the
 *    earpiece samples back;
 *  - hook and digit events come from DAHDI_GETEVENT (DAHDI_EVENT_RINGOFFHOOK,
 *    _ONHOOK, _WINKFLASH) and from a DTMF detector on the microphone
 *    samples (librem dtmf_dec) or DAHDI's own; the thread hands them to
 *    the main thread through a libre mqueue, as sim.c does;
 *  - ring is DAHDI_HOOK with DAHDI_RING / DAHDI_RINGOFF, and the caller ID
 *    is FSK (Bell 202 / V.23) generated into the audio between the first
 *    and second ring;
 *  - notify may do nothing.
 * A SLIC on SPI (Si3215, Le9662) is the same shape with the chip's
 * registers in place of the ioctls and its PCM bus in place of read().
 * Nothing else in the module changes.
 */
#ifndef PHONELINE_DRIVER_H
#define PHONELINE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	PL_SRATE        = 8000,
	PL_PTIME_MS     = 20,
	PL_FRAME_SAMPS  = PL_SRATE * PL_PTIME_MS / 1000,   /* 160 */
	PL_LINES_MAX    = 32,
};

enum pl_drv_ev {
	PL_EV_HOOK_OFF,
	PL_EV_HOOK_ON,
	PL_EV_FLASH,
	PL_EV_DIGIT,     /* 'digit' is one of 0-9 * # A-D */
	PL_EV_PLUGGED,   /* a telephone was connected to the line */
};

/* What the core gives a backend. 'arg' is the core's. */
struct pl_drv_handlers {
	/* Main thread. */
	void (*eventh)(unsigned line, enum pl_drv_ev ev, char digit,
		       void *arg);
	/* The driver's audio thread, every 20 ms for each line: 'mic' holds
	 * PL_FRAME_SAMPS samples heard, 'ear' receives as many to play. */
	void (*audioh)(unsigned line, const int16_t *mic, int16_t *ear,
		       void *arg);
	/* The same thread, once per 20 ms after every line's audioh. */
	void (*tickh)(void *arg);
};

struct pl_drv_prm {
	const char *dir;          /* sim: where the line sockets go */
};

struct pl_drv;

/*
 * A backend. alloc starts the hardware (and its audio clock) with no
 * lines; freeing the object with mem_deref stops it and releases
 * everything. Lines (numbers below PL_LINES_MAX) are added and removed
 * at any time while it runs: after line_add returns 0 the line is served
 * (sim: its socket exists); after line_del returns 0 no handler is called
 * for it any more and its resources are gone (sim: the socket file).
 * Control calls return 0 or an errno value and must not block for long;
 * the core never calls them while it holds its own audio lock.
 */
struct pl_drv_ops {
	const char *name;
	int (*alloc)(struct pl_drv **drvp, const struct pl_drv_prm *prm,
		     const struct pl_drv_handlers *h, void *arg);
	int (*line_add)(struct pl_drv *drv, unsigned line);
	int (*line_del)(struct pl_drv *drv, unsigned line);
	int (*ring)(struct pl_drv *drv, unsigned line, bool on,
		    const char *cid, const char *name);
	/* kind: "tone", "state" or "dtmf"; value: its name or digit. */
	int (*notify)(struct pl_drv *drv, unsigned line, const char *kind,
		      const char *value);
};

extern const struct pl_drv_ops pl_drv_sim;

#endif
