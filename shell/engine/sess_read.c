/*
 * What a command reads from the session's input beyond its own line: a
 * pasted block (a PEM certificate) and a password typed unseen.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
/* A block of lines up to a line 'quit' (a pasted certificate). */
int sess_read_block(struct session *s, char **textp)
{
	struct mbuf *mb;
	unsigned n;
	int err = 0;

	if (!s->in)
		return EINVAL;

	mb = mbuf_alloc(2048);
	if (!mb)
		return ENOMEM;

	if (s->kind == SESS_TTY)
		sess_printf(s, "Enter the PEM certificate(s); end with a "
			    "line 'quit':\n");

	for (n = 0; n < 10000; n++) {
		char *line = NULL;
		const char *p;

		err = s->in->readline(s->in, "", true, &line);
		if (err == ENODATA) {
			sess_error(s, NOCOL, "Block ended before its line 'quit'");
			err = EINVAL;
			break;
		}
		if (err)
			break;

		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (!strncmp(p, "quit", 4) && !p[4 + strspn(p + 4, " \t\r")]) {
			mem_deref(line);
			break;
		}

		err = mbuf_printf(mb, "%s\n", p);
		mem_deref(line);
		if (err)
			break;
	}

	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(textp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

int sess_read_secret(struct session *s, const char *prompt, char **textp)
{
	if (s->kind != SESS_TTY || !s->in)
		return ENOTTY;

	return s->in->readline(s->in, prompt, false, textp);
}

