/*
 * What every front-end (the shell, the setup menu) does before anything
 * else, the same way: which configuration file (-C, else $SIPSH_CONF,
 * else the built-in one), the file a symlink names, the phone that file
 * drives (phone_paths.c), and the commit path's observers in their order.
 */
#ifndef SIPSH_FRONTEND_H
#define SIPSH_FRONTEND_H

#include <stddef.h>

/* The configuration file to use: opt, $SIPSH_CONF or the built-in one. */
const char *frontend_conf(const char *opt);

/*
 * Sets everything up for the file opt names (see frontend_conf): *realp
 * (mem string) is the path to read and save. On error, err says why in
 * words for the user, and the status is an errno value.
 */
int frontend_open(char **realp, const char *opt, char *err, size_t errsz);

#endif
