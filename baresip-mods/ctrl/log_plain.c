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

static void log_line(uint32_t level, const char *msg)
{
	const unsigned char *p;

	(void)level;

	for (p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			(void)fprintf(stdout, "\\x%02x", *p);
		else if (*p == 0x7f)
			(void)fputs("\\x7f", stdout);
		else
			(void)fputc(*p, stdout);
	}
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
