/*
 * Text from the network printed for a terminal (shell/phone/ctrl_data.c):
 * control characters and DEL come out as \xNN, so a peer's name or a SIP
 * message cannot move the cursor, clear the screen or retitle the window;
 * a SIP message keeps its line ends.
 */
#include "re_base.h"
#include "pf_mbuf.h"
#include "ctrl_data.h"
#include "unit.h"

int test_ctrl_text(void);

static int printed(char *buf, size_t sz, int (*ph)(struct re_printf *,
						 const char *),
		   const char *in)
{
	struct mbuf *mb = mbuf_alloc(64);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;
	err = ph(&pf, in);
	if (!err)
		(void)re_snprintf(buf, sz, "%b", mb->buf, mb->end);
	mem_deref(mb);
	return err;
}

int test_ctrl_text(void)
{
	char out[256];

	TEST_EQ(printed(out, sizeof(out), ctrl_text_print,
			"\"Evil\x1b[2J\x1b]0;x\x07\" <sip:a@b>\r\n\x7f"), 0);
	TEST_STR(out, "\"Evil\\x1b[2J\\x1b]0;x\\x07\" <sip:a@b>\\x0d\\x0a\\x7f");

	TEST_EQ(printed(out, sizeof(out), ctrl_lines_print,
			"INVITE sip:a@b SIP/2.0\r\nFrom: \x1b[31mx\r\n\tfold\r\n"),
		0);
	TEST_STR(out, "INVITE sip:a@b SIP/2.0\nFrom: \\x1b[31mx\n\tfold\n");

	TEST_EQ(printed(out, sizeof(out), ctrl_text_print, "caf\xc3\xa9"), 0);
	TEST_STR(out, "caf\xc3\xa9");

	return 0;
}
