/*
 * libFuzzer target: every value type. The first byte picks a schema row,
 * the rest is the text typed for it. A value the type accepts has a
 * canonical form that the type accepts again, unchanged.
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
	const struct setting *s;
	char *in = NULL, *canon = NULL, *again = NULL;
	struct diag dg;

	if (size < 1 || size > 8192)
		return 0;

	s = &schema[data[0] % schema_n];
	if (!s->type->parse)
		return 0;

	in = mem_zalloc(size, NULL);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);

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
