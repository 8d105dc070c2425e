/*
 * libFuzzer target: every value type. The first byte picks a schema row,
 * the rest is the text typed for it. A value the type accepts has a
 * canonical form that the type accepts again, unchanged (lib/canon.c).
 */
#include <stdint.h>
#include "re_base.h"
#include "schema.h"
#include "canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;

	fuzz_canon(&schema[data[0] % schema_n], data + 1, size - 1);
	return 0;
}
