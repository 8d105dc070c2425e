/*
 * Commands that other modules of ours offer on the ctrl socket, without
 * ctrl knowing them by name: a module registers them in baresip's own
 * command table (cmd_register on baresip_commands()) with the flag
 * CTRL_EXT_CMD; ctrl serves a request whose "command" is not one of its
 * own by looking the name up there, and calls the handler only when the
 * command carries that flag (so no console command of baresip's can be
 * reached through the socket). Such a command needs the admin role on
 * the socket unless it also carries CTRL_EXT_VIEW: give that flag only
 * to a command that reads state and changes nothing.
 *
 * The handler is an ordinary baresip command handler, int h(struct
 * re_printf *pf, void *arg), with arg a struct cmd_arg whose data is a
 * struct ctrl_ext; what it prints to pf is discarded. It reads the
 * request's parameters from params, and returns 0 with data set to a new
 * odict (the reply's "data" object), or an errno value with err set to a
 * one-line reason. From baresip's console (data is not a struct
 * ctrl_ext, ctrl_ext_of() returns NULL) it should refuse.
 *
 *   static int cmd_x(struct re_printf *pf, void *arg)
 *   {
 *           struct ctrl_ext *x = ctrl_ext_of(arg);
 *           ...
 *   }
 *   static const struct cmd cmdv[] = {
 *           {"x", 0, CTRL_EXT_CMD, "what x does", cmd_x},
 *   };
 *   cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
 *
 * One name is a hook: a command "call_info" (CTRL_EXT_CALL_INFO, with
 * CTRL_EXT_CMD) is also called by ctrl's "calls" for each call, with the
 * parameters {"call": CALLID, "aor": AOR}; the members of the data object
 * it returns (numbers, strings, true/false) are added to that call's
 * entry, e.g. {"line": 2} for a call on a phone line. At most one module
 * can register it (baresip refuses a name twice).
 *
 * Another is "auth_info" (CTRL_EXT_AUTH_INFO), registered by acctauth
 * when a realm is configured: ctrl's "registrations" calls it for each
 * account with {"aor": AOR}, and a closed call's event with {"call":
 * CALLID}; a challenge refused for its realm comes back as {"realm_asked":
 * R, "realm": CONFIGURED, "auth_refused": REASON}, added to the account's
 * entry or the event's reason.
 */
#ifndef SIPSH_CTRL_EXT_H
#define SIPSH_CTRL_EXT_H

#include "re_base.h"
#include "baresip.h"

enum {
	CTRL_EXT_CMD   = 1 << 8,        /* a flag baresip 1.0.0 does not use */
	CTRL_EXT_VIEW  = 1 << 9,        /* read-only: the view role may */
	CTRL_EXT_MAGIC = 0x63747831,    /* "ctx1" */
};

#define CTRL_EXT_CALL_INFO "call_info"
#define CTRL_EXT_AUTH_INFO "auth_info"

struct ctrl_ext {
	uint32_t magic;                 /* CTRL_EXT_MAGIC */
	const struct odict *params;     /* the whole request object */
	struct odict *data;             /* out: the reply's data object */
	char err[256];                  /* out: why it failed */
};

/* The request behind a command handler's argument, or NULL when the
 * command was not called by ctrl. */
static inline struct ctrl_ext *ctrl_ext_of(void *arg)
{
	const struct cmd_arg *ca = arg;
	struct ctrl_ext *x = ca ? ca->data : NULL;

	return x && ca->key == 0 && x->magic == CTRL_EXT_MAGIC ? x : NULL;
}

#endif
