/*
 * The phone lines on the ctrl socket, so that a line added, moved to
 * another account or removed in the configuration takes effect on the
 * running phone: two commands registered in baresip's command table for
 * ctrl to serve (common/ctrl_ext.h), with ctrl's request and reply rules.
 *
 *   line_set {"line":N, "aor":"sip:..."} -> {"line":N,"aor":AOR,
 *            "changed":BOOL}
 *       Adds line N on the account with that AOR (the account must
 *       exist: ua_add it first); its socket exists when the reply comes.
 *       A line that exists is moved to that account, and a call on it
 *       ends; "changed" is false when it was on that account already.
 *   line_del {"line":N} -> {"line":N}
 *       Removes line N: a call on it ends, its socket is gone when the
 *       reply comes.
 * Calls on the other lines go on. With phoneline_contact_suffix the
 * accounts concerned register again with the Contact user naming their
 * lines now.
 *
 *   line_dial {"line":N, "uri":"sip:..."} -> {"line":N,"id":CALLID}
 *       Calls uri on line N's account, the line holding the call as if
 *       its handset had dialled: its telephone follows the call.
 *   line_answer {"line":N} -> {"line":N}
 *       Answers the call ringing line N, as if its handset were lifted.
 *
 *   call_info {"call":CALLID, "aor":AOR} -> {"line":N, "lines":"N,M"} or {}
 *       The lines that hold the call of that account: "line" the lowest,
 *       "lines" every one (a call ringing several lines is held by each
 *       until one answers). ctrl's "calls" asks it for each call, so its
 *       entries say which lines take part in it (ctrl_ext.h).
 */
#include <string.h>
#include "ctrl_ext.h"
#include "phoneline.h"

static int param_line(struct ctrl_ext *x, unsigned *nump)
{
	const struct odict_entry *e = odict_lookup(x->params, "line");

	if (!e) {
		re_snprintf(x->err, sizeof(x->err), "missing 'line'");
		return EINVAL;
	}
	if (e->type != ODICT_INT || e->u.integer < 0 ||
	    e->u.integer >= PL_LINES_MAX) {
		re_snprintf(x->err, sizeof(x->err), "'line' must be a number"
			    " from 0 to %u", PL_LINES_MAX - 1);
		return EINVAL;
	}

	*nump = (unsigned)e->u.integer;

	return 0;
}

static int param_aor(struct ctrl_ext *x, const char **aorp)
{
	const struct odict_entry *e = odict_lookup(x->params, "aor");
	const char *p;

	if (!e) {
		re_snprintf(x->err, sizeof(x->err), "missing 'aor'");
		return EINVAL;
	}
	if (e->type != ODICT_STRING ||
	    (strncasecmp(e->u.str, "sip:", 4) &&
	     strncasecmp(e->u.str, "sips:", 5))) {
		re_snprintf(x->err, sizeof(x->err), "'aor' must be a sip: "
			    "or sips: URI");
		return EINVAL;
	}
	for (p = e->u.str; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == ',') {
			re_snprintf(x->err, sizeof(x->err), "bad AOR '%s'",
				    e->u.str);
			return EINVAL;
		}
	}

	*aorp = e->u.str;

	return 0;
}

/* The reply's data: {"line":N}, which a command may add to. */
static int reply_line(struct ctrl_ext *x, unsigned num)
{
	int err = odict_alloc(&x->data, 4);

	if (!err)
		err = odict_entry_add(x->data, "line", ODICT_INT,
				      (int64_t)num);

	return err;
}

/* From baresip's console: the commands are for the shell only. */
static int console(struct re_printf *pf)
{
	(void)re_hprintf(pf, "only through sipsh's control socket\n");

	return EINVAL;
}

static int cmd_line_set(struct re_printf *pf, void *arg)
{
	struct ctrl_ext *x = ctrl_ext_of(arg);
	const char *aor = NULL;
	bool changed = false;
	unsigned num = 0;
	int err;

	if (!x)
		return console(pf);

	err = param_line(x, &num);
	if (!err)
		err = param_aor(x, &aor);
	if (!err)
		err = pl_line_set(num, aor, &changed, x->err, sizeof(x->err));
	if (!err)
		err = reply_line(x, num);
	if (!err) {
		err  = odict_entry_add(x->data, "aor", ODICT_STRING, aor);
		err |= odict_entry_add(x->data, "changed", ODICT_BOOL,
				       changed);
	}

	return err;
}

/* A command that names only a line: the line is checked, the operation
 * run on it, and the reply names the line. */
static int line_only(struct re_printf *pf, void *arg,
		     int (*op)(unsigned num, char *why, size_t whysz))
{
	struct ctrl_ext *x = ctrl_ext_of(arg);
	unsigned num = 0;
	int err;

	if (!x)
		return console(pf);

	err = param_line(x, &num);
	if (!err)
		err = op(num, x->err, sizeof(x->err));
	if (!err)
		err = reply_line(x, num);

	return err;
}

static int cmd_line_del(struct re_printf *pf, void *arg)
{
	return line_only(pf, arg, pl_line_del);
}

static int cmd_line_dial(struct re_printf *pf, void *arg)
{
	struct ctrl_ext *x = ctrl_ext_of(arg);
	const char *uri, *id = NULL;
	unsigned num = 0;
	int err;

	if (!x)
		return console(pf);

	uri = odict_string(x->params, "uri");
	err = param_line(x, &num);
	if (!err && (!uri || (strncasecmp(uri, "sip:", 4) &&
			      strncasecmp(uri, "sips:", 5)))) {
		re_snprintf(x->err, sizeof(x->err), "'uri' must be a sip: or "
			    "sips: URI");
		err = EINVAL;
	}
	if (!err)
		err = pl_line_dial(num, uri, &id, x->err, sizeof(x->err));
	if (!err)
		err = reply_line(x, num);
	if (!err && id)
		err = odict_entry_add(x->data, "id", ODICT_STRING, id);

	return err;
}

static int cmd_line_answer(struct re_printf *pf, void *arg)
{
	return line_only(pf, arg, pl_line_answer);
}

static int cmd_call_info(struct re_printf *pf, void *arg)
{
	struct ctrl_ext *x = ctrl_ext_of(arg);
	const struct line *ln;
	const char *id, *aor;
	char lines[PL_LINES_MAX * 4] = "";
	size_t n = 0;
	int err;

	if (!x)
		return console(pf);

	id = odict_string(x->params, "call");
	aor = odict_string(x->params, "aor");
	if (!id || !aor) {
		re_snprintf(x->err, sizeof(x->err), "missing 'call' or "
			    "'aor'");
		return EINVAL;
	}

	ln = pl_line_of_call_id(id, aor, 0);
	if (!ln)
		return odict_alloc(&x->data, 1);

	err = reply_line(x, ln->num);
	for (; ln && !err; ln = pl_line_of_call_id(id, aor, ln->num + 1))
		n += (size_t)re_snprintf(lines + n, sizeof(lines) - n, "%s%u",
					 n ? "," : "", ln->num);
	if (!err)
		err = odict_entry_add(x->data, "lines", ODICT_STRING, lines);

	return err;
}

static const struct cmd cmdv[] = {
	{"line_set", 0, CTRL_EXT_CMD, "Add or move a phone line (ctrl)",
	 cmd_line_set},
	{"line_del", 0, CTRL_EXT_CMD, "Remove a phone line (ctrl)",
	 cmd_line_del},
	{"line_dial", 0, CTRL_EXT_CMD, "Call from a phone line (ctrl)",
	 cmd_line_dial},
	{"line_answer", 0, CTRL_EXT_CMD, "Answer on a phone line (ctrl)",
	 cmd_line_answer},
	{CTRL_EXT_CALL_INFO, 0, CTRL_EXT_CMD | CTRL_EXT_VIEW,
	 "The line of a call (ctrl)",
	 cmd_call_info},
};

static bool registered;

int linecmd_init(void)
{
	int err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));

	if (err)
		warning("phoneline: cannot register its ctrl commands: "
			"%m\n", err);
	registered = !err;

	return err;
}

void linecmd_close(void)
{
	if (registered)
		cmd_unregister(baresip_commands(), cmdv);
	registered = false;
}
