/*
 * Reading the data of the control socket's replies (odict objects) the
 * same way wherever it is shown: the shell's phone commands, the setup
 * menu's Status page, the commit path's list of calls.
 */
#ifndef SIPSH_CTRL_DATA_H
#define SIPSH_CTRL_DATA_H

#include <stdbool.h>

struct odict;

/* A member as text ("" when missing), as a number (0), as a flag. */
const char *ctrl_str(const struct odict *o, const char *key);
long ctrl_num(const struct odict *o, const char *key);
bool ctrl_bool(const struct odict *o, const char *key);

struct re_printf;

/*
 * Text that came from the network (a peer's name, a SIP message), printed
 * so that it cannot drive the terminal: control characters and DEL as
 * \xNN; with lines set, line ends (LF, CR LF) and tabs are kept. For %H.
 */
int ctrl_text_print(struct re_printf *pf, const char *text);
int ctrl_lines_print(struct re_printf *pf, const char *text);

/* "sip:100@host;transport=tcp" and "sip:100@host" are one account. */
bool ctrl_aor_match(const char *a, const char *b);

/* The object of list (an array of objects) whose "aor" is aor, or NULL. */
const struct odict *ctrl_find_aor(const struct odict *list, const char *aor);

#endif
