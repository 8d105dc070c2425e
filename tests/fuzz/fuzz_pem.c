/*
 * libFuzzer target: a pasted trusted CA (the PEM value type, which also
 * decodes the certificates with OpenSSL). Accepted text has a canonical
 * form accepted again unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "schema.h"
#include "vtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct setting *s = schema_find(SECT_SIP, "trusted-ca");
	char *in = NULL, *canon = NULL, *again = NULL;
	struct diag dg;

	if (!s || size > 65536)
		return 0;

	in = mem_zalloc(size + 1, NULL);
	if (!in)
		return 0;
	memcpy(in, data, size);

	if (s->type->parse(s, in, &canon, &dg))
		goto out;

	if (s->type->parse(s, canon, &again, &dg) || strcmp(canon, again))
		abort();

 out:
	mem_deref(again);
	mem_deref(canon);
	mem_deref(in);
	return 0;
}
