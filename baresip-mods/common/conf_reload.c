/*
 * The two steps of a reload across our modules (see conf_reload.h): the
 * loaded modules are found in libre's module list, each one's reload
 * command by its name, and the file is read once for all of them.
 */
#include <string.h>
#include "conf_reload.h"

/* What a reload command prints is for baresip's console: dropped. */
static int print_nothing(const char *p, size_t size, void *arg)
{
	(void)p;
	(void)size;
	(void)arg;

	return 0;
}

static int call(const struct cmd *cmd, struct sipsh_reload *r,
		enum sipsh_reload_phase phase)
{
	struct re_printf pf = {print_nothing, NULL};
	struct cmd_arg ca;

	memset(&ca, 0, sizeof(ca));
	ca.data = r;
	r->phase = phase;
	r->err[0] = '\0';
	r->what[0] = '\0';

	return cmd->h(&pf, &ca);
}

/* A module's reload command, or NULL when it offers none. */
static const struct cmd *reload_cmd(const struct mod *m)
{
	const struct mod_export *me = mod_export(m);
	const struct cmd *cmd;
	char name[64];

	if (!me || !me->name)
		return NULL;

	if (re_snprintf(name, sizeof(name), "%s" SIPSH_RELOAD_SUFFIX,
			me->name) < 0)
		return NULL;

	cmd = cmd_find_long(baresip_commands(), name);

	/* cmd_find_long() ignores case: ours do not */
	if (!cmd || !(cmd->flags & SIPSH_RELOAD_CMD) ||
	    str_cmp(cmd->name, name) || !cmd->h)
		return NULL;

	return cmd;
}

int sipsh_reload_run(const char *path, bool check, char **modsp,
		     char **whatp, char *why, size_t whysz)
{
	const struct cmd *cmdv[SIPSH_RELOAD_MAX];
	const char *namev[SIPSH_RELOAD_MAX];
	struct sipsh_reload r;
	struct conf *conf = NULL;
	struct mbuf *mods = NULL, *what = NULL;
	struct le *le;
	size_t n = 0, i;
	int err;

	if (!path || !modsp || !whatp || !why || !whysz)
		return EINVAL;

	why[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.magic = SIPSH_RELOAD_MAGIC;

	err = conf_alloc(&conf, path);
	if (err) {
		re_snprintf(why, whysz, "%s: %m", path, err);
		goto out;
	}
	r.conf = conf;

	for (le = list_head(mod_list()); le; le = le->next) {
		const struct cmd *cmd = reload_cmd(le->data);

		if (!cmd)
			continue;

		if (n == SIPSH_RELOAD_MAX) {
			re_snprintf(why, whysz, "more than %u modules to "
				    "reload", SIPSH_RELOAD_MAX);
			err = E2BIG;
			break;
		}

		err = call(cmd, &r, RELOAD_CHECK);
		if (err) {
			re_snprintf(why, whysz, "%s", r.err[0] ? r.err :
				    "a module refused the new config");
			break;
		}

		namev[n] = mod_export(le->data)->name;
		cmdv[n++] = cmd;
	}

	if (err || check) {
		for (i = 0; i < n; i++)
			(void)call(cmdv[i], &r, RELOAD_DROP);
		if (err)
			goto out;
	}

	mods = mbuf_alloc(64);
	what = mbuf_alloc(64);
	if (!mods || !what) {
		for (i = 0; i < n && !check; i++)
			(void)call(cmdv[i], &r, RELOAD_DROP);
		err = ENOMEM;
		str_ncpy(why, "out of memory", whysz);
		goto out;
	}

	/* Every module accepted: from here on nothing can refuse. */
	r.conf = NULL;
	for (i = 0; i < n; i++) {
		if (!check)
			(void)call(cmdv[i], &r, RELOAD_SWAP);
		(void)mbuf_printf(mods, "%s%s", i ? " " : "", namev[i]);
		if (!check && r.what[0])
			(void)mbuf_printf(what, "%s%s: %s",
					  what->end ? "; " : "", namev[i],
					  r.what);
	}

	err = re_sdprintf(modsp, "%b", mods->buf, mods->end);
	if (!err) {
		err = re_sdprintf(whatp, "%b", what->buf, what->end);
		if (err)
			*modsp = mem_deref(*modsp);
	}
	if (err)
		str_ncpy(why, "out of memory", whysz);

 out:
	mem_deref(mods);
	mem_deref(what);
	mem_deref(conf);
	return err;
}
