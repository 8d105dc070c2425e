/*
 * WAV files for the telephone and test tools (sipsh-phone, tone-analyze,
 * mkwav). A simulated phone line carries 8 kHz mono 16-bit PCM and
 * nothing else, so this reads and writes exactly that and, for any other
 * file, says plainly what the file is and what it should be.
 */
#ifndef SIPSH_TOOLS_WAV_H
#define SIPSH_TOOLS_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_SRATE 8000

/*
 * Reads the whole of an 8 kHz mono 16-bit PCM WAV file. Returns 0 and
 * sets *sampp (free() it) and *np, or an errno value with a sentence
 * (naming the file) in err.
 */
int wav_load(const char *path, int16_t **sampp, size_t *np,
	     char *err, size_t errsz);

/*
 * A WAV file being written. Its header is rewritten after every append,
 * so the file is valid whenever the writer stops, even when killed.
 */
struct wav_out {
	int fd;
	uint32_t bytes;		/* PCM bytes written so far */
};

int wav_create(struct wav_out *w, const char *path, char *err, size_t errsz);
int wav_append(struct wav_out *w, const int16_t *sampv, size_t n);
int wav_close(struct wav_out *w);

#endif
