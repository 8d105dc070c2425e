/*
 * The output filters of a command line (exec_pipe.c), for exec.c.
 */
#ifndef SIPSH_EXEC_PIPE_H
#define SIPSH_EXEC_PIPE_H

#include "match.h"

struct session;

/* Runs the matched command with its output through the filters that
 * follow the '|' at word end. */
int exec_filtered(struct session *s, const char *line, const struct toks *t,
		  struct match *m, size_t end);

#endif
