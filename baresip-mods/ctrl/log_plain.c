/*
 * The phone's log as plain text. baresip 1.0.0 prints warnings and errors
 * to stdout wrapped in colour escapes whatever stdout is, and stdout is
 * the phone's log file (runsv's svlogd): escapes there garble `less`,
 * grep and every terminal a log is shown on. While ctrl is loaded, the log
 * goes through this handler instead, one line as baresip formatted it,
 * with any other control byte (text from the network may hold them)
 * written as \xHH.
 */
#include <stdio.h>
#include "ctrl.h"

/*
 * baresip's stdout is unbuffered, so each fputc() would be a write(2) of
 * its own to the log's pipe (about 1,200 at a start, each waking svlogd):
 * a line is escaped into a buffer and written at once, in pieces only
 * when it is longer than the buffer.
 */
static void log_line(uint32_t level, const char *msg)
{
	const unsigned char *p;
	char buf[1024];
	size_t n = 0;

	(void)level;

	for (p = (const unsigned char *)msg; *p; p++) {

		if (n > sizeof(buf) - 5) {
			(void)fwrite(buf, 1, n, stdout);
			n = 0;
		}

		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			n += (size_t)re_snprintf(buf + n, sizeof(buf) - n,
						 "\\x%02x", *p);
		else
			buf[n++] = (char)*p;
	}

	if (n)
		(void)fwrite(buf, 1, n, stdout);
}

static struct log plain = {.h = log_line};
static bool registered;

void log_plain_start(void)
{
	if (registered)
		return;

	log_register_handler(&plain);
	log_enable_stdout(false);
	registered = true;
}

void log_plain_stop(void)
{
	if (!registered)
		return;

	log_enable_stdout(true);
	log_unregister_handler(&plain);
	registered = false;
}
