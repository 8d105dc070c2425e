/*
 * libFuzzer target: a pasted trusted CA (the PEM value type, which also
 * decodes the certificates with OpenSSL). Accepted text has a canonical
 * form accepted again unchanged (lib/canon.c).
 */
#include <stdint.h>
#include "re_base.h"
#include "schema.h"
#include "canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;

	fuzz_canon(schema_find(SECT_SIP, "trusted-ca"), data, size);
	return 0;
}
