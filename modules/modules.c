/*
 * The one table of the shell's command modules, in the order their
 * commands are added (an earlier module's help string wins for a shared
 * word such as 'show').
 */
#include <stddef.h>
#include "modules.h"

const struct grammar_module sipsh_modules[] = {
	{"system", system_register},
	{"sip", sip_register},
	{"phone", phone_register},
	{"config", config_register},
	{"txn", txn_register},
	{"help", help_register},
	{NULL, NULL}
};
