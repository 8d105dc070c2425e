/*
 * The body of a DTMF SIP INFO, read and written as pure functions:
 * info_rx.c reads what a far end sends, dtmf.c writes what we send, and
 * tests/fuzz/fuzz_info.c checks that one reads back what the other wrote.
 */
#ifndef PHONELINE_INFO_BODY_H
#define PHONELINE_INFO_BODY_H

#include "re_base.h"

enum info_kind {
	INFO_DTMF_RELAY,     /* application/dtmf-relay: Signal=, Duration= */
	INFO_DTMF,           /* application/dtmf: the key alone */
};

/* What an INFO said: a key of 0-9 * # A-D, and how long it was held. */
struct info_dtmf {
	enum info_kind kind;
	char key;
	uint32_t duration;   /* ms; 0: the body gave none */
};

int info_body_parse(struct info_dtmf *d, const struct msg_ctype *ctype,
		    const struct pl *body);
int info_body_print(struct re_printf *pf, const struct info_dtmf *d);
const char *info_kind_ctype(enum info_kind kind);

#endif
