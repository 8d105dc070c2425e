/*
 * libFuzzer target: DTMF SIP INFO bodies (baresip-mods/phoneline/
 * info_body.c), as received: the input is an INFO decoded by libre, its
 * Content-Type and body read as info_rx.c reads them; input libre
 * refuses is a body alone, its first byte choosing dtmf-relay or dtmf.
 * Checked: the answer is a key, not DTMF, no digit, or malformed, never
 * anything else; a key is one of 0-9 * # A-D, and the body we would send
 * for it (info_body_print, as dtmf.c sends) reads back the same.
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "info_body.h"
#include "sipmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct msg_ctype *ct, const struct pl *body)
{
	struct info_dtmf d, again;
	struct pl text;
	char *s = NULL;
	int err;

	err = info_body_parse(&d, ct, body);
	if (err) {
		if (err != ENOTSUP && err != ENOENT && err != EBADMSG)
			abort();
		return;
	}

	if (!d.key || !strchr("0123456789*#ABCD", d.key) ||
	    d.duration > 60000 ||
	    pl_strcasecmp(&ct->subtype, d.kind == INFO_DTMF ? "dtmf" :
			  "dtmf-relay"))
		abort();

	if (re_sdprintf(&s, "%H", info_body_print, &d))
		abort();
	pl_set_str(&text, s);

	if (info_body_parse(&again, ct, &text) || again.key != d.key ||
	    again.kind != d.kind || again.duration != d.duration)
		abort();

	mem_deref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *msg = NULL;
	struct msg_ctype ct;
	struct pl body;

	if (size > 16384)
		return 0;

	if (!fuzz_sip_msg(&msg, data, size)) {
		pl_set_mbuf(&body, msg->mb);
		check(&msg->ctyp, &body);
		mem_deref(msg);
		return 0;
	}

	if (!size)
		return 0;

	pl_set_str(&ct.type, "application");
	pl_set_str(&ct.subtype, data[0] & 1 ? "dtmf" : "dtmf-relay");
	ct.params.p = NULL;
	ct.params.l = 0;
	body.p = (const char *)data + 1;
	body.l = size - 1;
	check(&ct, &body);

	return 0;
}
