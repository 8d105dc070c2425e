/*
 * libFuzzer target: a request line of the ctrl socket, as req_parse()
 * (baresip-mods/ctrl/req_parse.c) takes it apart. Whatever the bytes, it
 * answers without a crash; a request it accepts, encoded again by libre,
 * is accepted again with the same id and command, and encodes to the
 * same text (the reply path prints these objects the same way).
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "req_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *encode(const struct odict *od)
{
	char *s = NULL;

	if (re_sdprintf(&s, "%H", json_encode_odict, od))
		return NULL;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req_line a, b;
	char why[256], *ta = NULL, *tb = NULL;
	int err;

	/* A line is at most 64 KiB (client.c drops longer ones). */
	if (size > 65536)
		return 0;

	err = req_parse(&a, why, sizeof(why), (const char *)data, size);
	if (err) {
		if (err != ENODATA && !why[0])
			abort();        /* a refusal always says why */
		goto out;
	}

	if (!a.id || a.id->type != ODICT_INT || !a.command)
		abort();

	ta = encode(a.od);
	if (!ta)
		goto out;

	if (req_parse(&b, why, sizeof(why), ta, strlen(ta)))
		abort();
	if (b.id->u.integer != a.id->u.integer || strcmp(b.command, a.command))
		abort();

	tb = encode(b.od);
	if (!tb || strcmp(ta, tb))
		abort();
	mem_deref(b.od);

 out:
	mem_deref(tb);
	mem_deref(ta);
	mem_deref(a.od);
	return 0;
}
