/*
 * Output filters: what may follow '|' after a command that prints
 * (include, exclude, begin, section, count, json), as grammar and as text
 * processing of the captured output.
 */
#ifndef SIPSH_FILTER_H
#define SIPSH_FILTER_H

#include "grammar.h"
#include "vtype.h"

struct mbuf;

int filter_register(struct grammar *g);

/* Filter the text of 'in' into 'out' (kind from enum filter_kind). */
int filter_apply(const struct mbuf *in, int kind, const char *re,
		 struct mbuf *out, struct diag *dg);

#endif
