/*
 * WAV reading and writing shared by the tools (see wav.h). Samples are
 * converted to and from little-endian bytes one by one, so the files are
 * the same on any host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wav.h"

#define WAV_HDR 44
#define WAV_MAX_BYTES (1024UL * 1024 * 1024)	/* well past a day of audio */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static int read_all(const char *path, uint8_t **bufp, size_t *lenp,
		    char *err, size_t errsz)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, e = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		return e;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (unsigned long)st.st_size > WAV_MAX_BYTES) {
		e = EINVAL;
		snprintf(err, errsz, "%s: not a regular file of at most 1 GiB",
			 path);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		e = ENOMEM;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			snprintf(err, errsz, "%s: %s", path, strerror(e));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*bufp = buf;
	*lenp = len;
	buf = NULL;
 out:
	free(buf);
	close(fd);
	return e;
}

int wav_load(const char *path, int16_t **sampp, size_t *np,
	     char *err, size_t errsz)
{
	uint8_t *buf = NULL;
	size_t len = 0, pos, data = 0, dlen = 0, i;
	unsigned fmt = 0, ch = 0, rate = 0, bits = 0;
	int16_t *s = NULL;
	int e;

	if (!path || !sampp || !np || !err || !errsz)
		return EINVAL;

	e = read_all(path, &buf, &len, err, errsz);
	if (e)
		return e;

	e = EINVAL;
	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) {
		snprintf(err, errsz, "%s: not a WAV file (no RIFF/WAVE header)",
			 path);
		goto out;
	}

	/* The chunks; "fmt " must come before "data", as every writer does. */
	for (pos = 12; pos + 8 <= len; ) {
		size_t csz = le32(buf + pos + 4);
		const uint8_t *c = buf + pos + 8;
		size_t left = len - pos - 8;

		if (!memcmp(buf + pos, "fmt ", 4)) {
			if (csz < 16 || csz > left) {
				snprintf(err, errsz, "%s: a broken fmt chunk",
					 path);
				goto out;
			}
			fmt = le16(c);
			ch = le16(c + 2);
			rate = le32(c + 4);
			bits = le16(c + 14);
			/* WAVE_FORMAT_EXTENSIBLE names the format in its GUID. */
			if (fmt == 0xfffe && csz >= 40)
				fmt = le16(c + 24);
		}
		else if (!memcmp(buf + pos, "data", 4)) {
			if (!fmt) {
				snprintf(err, errsz, "%s: no fmt chunk before "
					 "the data", path);
				goto out;
			}
			data = pos + 8;
			/* A writer that stopped early left the size wrong. */
			dlen = csz > left ? left : csz;
			break;
		}
		if (csz > left)
			break;
		pos += 8 + csz + (csz & 1);
	}
	if (!data) {
		snprintf(err, errsz, "%s: a WAV file without %s", path,
			 fmt ? "a data chunk" : "a fmt chunk");
		goto out;
	}
	if (fmt != 1 || ch != 1 || rate != WAV_SRATE || bits != 16) {
		snprintf(err, errsz, "%s: %s%u Hz, %u channel%s, %u-bit: "
			 "a phone line needs 8000 Hz mono 16-bit PCM "
			 "(convert it: sox IN -r 8000 -c 1 -b 16 -e signed "
			 "OUT.wav)", path,
			 fmt == 1 ? "" : fmt == 3 ? "floating point, " :
			 fmt == 6 ? "A-law, " : fmt == 7 ? "mu-law, " :
			 "not PCM, ", rate, ch, ch == 1 ? "" : "s", bits);
		goto out;
	}

	s = malloc(dlen / 2 ? dlen / 2 * sizeof(*s) : 1);
	if (!s) {
		e = ENOMEM;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		goto out;
	}
	for (i = 0; i < dlen / 2; i++)
		s[i] = (int16_t)le16(buf + data + 2 * i);

	*sampp = s;
	*np = dlen / 2;
	e = 0;
 out:
	free(buf);
	return e;
}

static int write_full(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_header(struct wav_out *w)
{
	uint8_t h[WAV_HDR];

	memcpy(h, "RIFF", 4);
	put32(h + 4, 36 + w->bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put32(h + 16, 16);
	put16(h + 20, 1);			/* PCM */
	put16(h + 22, 1);			/* mono */
	put32(h + 24, WAV_SRATE);
	put32(h + 28, WAV_SRATE * 2);		/* bytes per second */
	put16(h + 32, 2);			/* bytes per frame */
	put16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put32(h + 40, w->bytes);

	if (pwrite(w->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return errno ? errno : EIO;
	return 0;
}

int wav_create(struct wav_out *w, const char *path, char *err, size_t errsz)
{
	int e;

	if (!w || !path || !err || !errsz)
		return EINVAL;

	w->bytes = 0;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		return e;
	}
	e = write_header(w);
	if (e) {
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		close(w->fd);
		w->fd = -1;
		return e;
	}
	if (lseek(w->fd, WAV_HDR, SEEK_SET) < 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		close(w->fd);
		w->fd = -1;
		return e;
	}
	return 0;
}

int wav_append(struct wav_out *w, const int16_t *sampv, size_t n)
{
	uint8_t buf[1024];
	size_t i, k;
	int e;

	if (!w || w->fd < 0 || (!sampv && n))
		return EINVAL;
	if (n > (WAV_MAX_BYTES - w->bytes) / 2)
		return EFBIG;

	for (i = 0; i < n; i += k) {
		for (k = 0; k < sizeof(buf) / 2 && i + k < n; k++)
			put16(buf + 2 * k, (uint16_t)sampv[i + k]);
		e = write_full(w->fd, buf, 2 * k);
		if (e)
			return e;
		w->bytes += (uint32_t)(2 * k);
	}
	return write_header(w);
}

int wav_close(struct wav_out *w)
{
	int e = 0;

	if (!w || w->fd < 0)
		return 0;
	if (close(w->fd) < 0)
		e = errno;
	w->fd = -1;
	return e;
}
