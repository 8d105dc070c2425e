/*
 * The command table: the name of each command ctrl serves, the role it
 * needs and its handler. A name that is not here may be a command another
 * module of ours registered in baresip's command table for the socket
 * (common/ctrl_ext.h); ctrl knows no such command by name. Every command
 * needs the admin role unless its row (or its CTRL_EXT_VIEW flag) says
 * that it only reads state: a new command is safe by default.
 */
#include <errno.h>
#include <string.h>
#include "ctrl_ext.h"
#include "ctrl.h"


/* The role of a row that names none: ROLE_NONE is never a command's. */
#define ROLE_OF(e) ((e)->role != ROLE_NONE ? (e)->role : ROLE_ADMIN)

static const struct cmd_entry {
	const char *name;
	cmd_h *h;
	enum role role;         /* ROLE_NONE (unset): admin */
} cmdv[] = {
	{"answer",        cmd_answer,        ROLE_ADMIN},
	{"calls",         cmd_calls,         ROLE_VIEW},
	{"conf_reload",   cmd_conf_reload,   ROLE_ADMIN},
	{"conf_check",    cmd_conf_check,    ROLE_ADMIN},
	{"dial",          cmd_dial,          ROLE_ADMIN},
	{"hangup",        cmd_hangup,        ROLE_ADMIN},
	{"hold",          cmd_hold,          ROLE_ADMIN},
	{"registrations", cmd_registrations, ROLE_VIEW},
	{"resume",        cmd_resume,        ROLE_ADMIN},
	/* a SIP trace carries digest headers and callers' addresses */
	{"trace",         cmd_trace,         ROLE_ADMIN},
	{"ua_add",        cmd_ua_add,        ROLE_ADMIN},
	{"ua_del",        cmd_ua_del,        ROLE_ADMIN},
	{"version",       cmd_version,       ROLE_VIEW},
};


static const struct cmd_entry *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdv); i++) {
		if (0 == str_cmp(cmdv[i].name, name))
			return &cmdv[i];
	}

	return NULL;
}


/* What an extension prints is for baresip's console: dropped here. */
static int print_nothing(const char *p, size_t size, void *arg)
{
	(void)p;
	(void)size;
	(void)arg;

	return 0;
}


/* A command another module registered for the socket, or NULL. */
const struct cmd *ext_find(const char *name)
{
	const struct cmd *cmd = cmd_find_long(baresip_commands(), name);

	/* cmd_find_long() ignores case: ours do not */
	if (!cmd || !(cmd->flags & CTRL_EXT_CMD) || str_cmp(cmd->name, name))
		return NULL;

	return cmd;
}


int ext_call(const struct cmd *cmd, const struct odict *params,
	     struct odict **datap, char *why, size_t whysz)
{
	struct re_printf pf = {print_nothing, NULL};
	struct ctrl_ext x;
	struct cmd_arg ca;
	int err;

	memset(&x, 0, sizeof(x));
	x.magic = CTRL_EXT_MAGIC;
	x.params = params;

	memset(&ca, 0, sizeof(ca));
	ca.data = &x;

	err = cmd->h(&pf, &ca);
	if (err) {
		mem_deref(x.data);
		if (x.err[0])
			str_ncpy(why, x.err, whysz);
		return err;
	}
	if (!x.data)
		return odict_alloc(datap, 1);

	*datap = x.data;

	return 0;
}


/* The role a command needs; ENOENT for a name nobody serves. */
int command_role(const char *name, enum role *rolep)
{
	const struct cmd_entry *cmd = cmd_find(name);
	const struct cmd *ext;

	if (cmd) {
		*rolep = ROLE_OF(cmd);
		return 0;
	}

	ext = ext_find(name);
	if (!ext)
		return ENOENT;

	*rolep = (ext->flags & CTRL_EXT_VIEW) ? ROLE_VIEW : ROLE_ADMIN;

	return 0;
}


int command_run(const char *name, const struct req *rq, struct rep *rp)
{
	const struct cmd_entry *cmd = cmd_find(name);
	const struct cmd *ext;

	if (cmd)
		return cmd->h(rq, rp);

	ext = ext_find(name);
	if (!ext)
		return rep_fail(rp, ENOTSUP, "unknown command '%s'", name);

	return ext_call(ext, rq->od, &rp->data, rp->err, sizeof(rp->err));
}
