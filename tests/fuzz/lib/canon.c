/*
 * The parse, re-parse and compare of a value type, written once for the
 * targets that fuzz value types (fuzz_value: every schema row; fuzz_pem:
 * the trusted CA).
 */
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "schema.h"
#include "vtype.h"
#include "canon.h"

void fuzz_canon(const struct setting *s, const uint8_t *data, size_t size)
{
	char *in = NULL, *canon = NULL, *again = NULL;
	struct diag dg;

	if (!s || !s->type->parse)
		return;

	/* The text as typed: NUL-terminated, as the shell hands it over. */
	in = mem_zalloc(size + 1, NULL);
	if (!in)
		return;
	memcpy(in, data, size);

	if (s->type->parse(s, in, &canon, &dg))
		goto out;

	if (s->type->parse(s, canon, &again, &dg) || strcmp(canon, again))
		abort();

 out:
	mem_deref(again);
	mem_deref(canon);
	mem_deref(in);
}
