/*
 * Sources of command lines for a session: a text in memory (-c
 * arguments) or a stream (-f FILE, stdin). The configuration file is not
 * one: the core reads it itself (shell/conf/conf_read.c).
 */
#ifndef SIPSH_INPUT_H
#define SIPSH_INPUT_H

#include <stdio.h>
#include "session.h"

struct text_input {
	struct input in;
	const char *pos;
};

struct stream_input {
	struct input in;
	FILE *f;
};

void input_text_init(struct text_input *ti, const char *name,
		     const char *text);
void input_stream_init(struct stream_input *si, const char *name, FILE *f);

#endif
