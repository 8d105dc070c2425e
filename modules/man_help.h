/*
 * The items of COMMANDS in sipsh(1) as mandoc renders them, made at build
 * time (man/manhelp.awk) for 'help COMMAND': the shell shows the page's
 * own text. Ends with a NULL head; empty when mandoc was not there.
 */
#ifndef SIPSH_MAN_HELP_H
#define SIPSH_MAN_HELP_H

struct man_item {
	const char *head;       /* "show running-config [all] [section [N]]" */
	const char *body;       /* its lines, each indented 8 */
};

extern const struct man_item man_items[];

#endif
