/*
 * A request line of the ctrl protocol taken apart, without baresip:
 * request.c answers what this finds, and tests/fuzz/fuzz_ctrl.c feeds it
 * arbitrary bytes.
 */
#ifndef CTRL_REQ_PARSE_H
#define CTRL_REQ_PARSE_H

#include "re_base.h"

/* How deeply a request's objects and arrays may nest. */
enum { REQ_JSON_DEPTH = 8 };

/* What a line held, as far as it could be read. */
struct req_line {
	struct odict *od;                /* the object; the caller's */
	const struct odict_entry *id;    /* its integer "id", or NULL */
	const char *command;             /* its "command" string, in od */
};

/* json.c: whether a line is exactly one JSON object; NULL or the problem */
const char *json_shape(const char *p, size_t len);

int req_parse(struct req_line *rl, char *why, size_t whysz, const char *p,
	      size_t len);

#endif
