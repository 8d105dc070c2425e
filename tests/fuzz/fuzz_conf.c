/*
 * libFuzzer target: the configuration file reader. Whatever bytes a file
 * holds, reading it either refuses it or gives a configuration whose
 * printed form reads back to the same configuration and prints the same
 * bytes (the file round-trips), with no crash and no sanitizer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf_read.h"
#include "conf_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int quiet_vph(const char *p, size_t size, void *arg)
{
	(void)p;
	(void)size;
	(void)arg;
	return 0;
}

static struct mbuf *text_of(const struct cfg *c)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct re_printf pf = {pf_mbuf_vph, mb};

	if (mb && cfg_print(&pf, c, PR_SECRETS, NULL))
		mb = mem_deref(mb);

	return mb;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct re_printf quiet = {quiet_vph, NULL};
	struct cfg *a = NULL, *b = NULL;
	struct mbuf *ta = NULL, *tb = NULL;

	if (cfg_parse_buf(&a, "fuzz", (const char *)data, size, &quiet))
		return 0;

	ta = text_of(a);
	if (!ta)
		abort();

	/* What was printed must read back to the same configuration. */
	if (cfg_parse_buf(&b, "printed", (const char *)ta->buf, ta->end,
			  &quiet) || !cfg_equal(a, b))
		abort();

	tb = text_of(b);
	if (!tb || tb->end != ta->end || memcmp(tb->buf, ta->buf, ta->end))
		abort();

	mem_deref(tb);
	mem_deref(ta);
	mem_deref(b);
	mem_deref(a);
	return 0;
}
