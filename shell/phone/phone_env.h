/*
 * The environment values the generator writes into baresip's
 * configuration and the service's scripts (SIPSH_RUNDIR and
 * SIPSH_MODDIR), checked before anything is generated: a newline in
 * one would add configuration lines, a blank would cut a value, a quote
 * or '$' would change a shell script.
 */
#ifndef SIPSH_PHONE_ENV_H
#define SIPSH_PHONE_ENV_H

#include <stddef.h>

/* 0, or EINVAL with the variable, the character and why in err. */
int phone_env_check(char *err, size_t errsz);

#endif
