/*
 * The command table: the name of each command ctrl serves and its
 * handler. A name that is not here may be a command another module of
 * ours registered in baresip's command table for the socket
 * (common/ctrl_ext.h); ctrl knows no such command by name.
 */
#include <errno.h>
#include <string.h>
#include "ctrl_ext.h"
#include "ctrl.h"


static const struct cmd_entry {
	const char *name;
	cmd_h *h;
} cmdv[] = {
	{"answer",        cmd_answer},
	{"calls",         cmd_calls},
	{"conf_reload",   cmd_conf_reload},
	{"dial",          cmd_dial},
	{"hangup",        cmd_hangup},
	{"hold",          cmd_hold},
	{"registrations", cmd_registrations},
	{"resume",        cmd_resume},
	{"trace",         cmd_trace},
	{"ua_add",        cmd_ua_add},
	{"ua_del",        cmd_ua_del},
	{"version",       cmd_version},
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
