/*
 * The shell's command modules. Each adds its commands to the grammar;
 * the engine knows none of them by name: main.c hands this table to it.
 */
#ifndef SIPSH_MODULES_H
#define SIPSH_MODULES_H

#include <stdbool.h>
#include "grammar.h"

extern const struct grammar_module sipsh_modules[];

int system_register(struct grammar *g);
int sip_register(struct grammar *g);
int phone_register(struct grammar *g);
int config_register(struct grammar *g);
int txn_register(struct grammar *g);
int help_register(struct grammar *g);

struct session;
int config_leave(struct session *s, bool *leftp);

#endif
