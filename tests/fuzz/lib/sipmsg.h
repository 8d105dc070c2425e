/*
 * What the targets of our modules' SIP code share (fuzz_invite,
 * fuzz_contact, fuzz_info): fuzz bytes taken as a received SIP message
 * through libre's own decoder, as the modules get it, and small readers
 * of the bytes that steer a run.
 */
#ifndef FUZZ_SIPMSG_H
#define FUZZ_SIPMSG_H

#include <stddef.h>
#include <stdint.h>

struct sip_msg;
struct sa;

/* The bytes not yet used by a run. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_byte(struct fuzz_in *in);
void fuzz_sa(struct fuzz_in *in, struct sa *sa);
int fuzz_sip_msg(struct sip_msg **msgp, const uint8_t *p, size_t n);

#endif
