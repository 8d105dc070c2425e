/*
 * Applying a committed configuration to the running phone. The change
 * is worked out against the configuration the phone last applied (kept
 * in RUNDIR/applied.conf), not against a session's view, so a commit, a
 * rollback or another session's change all apply the same way. Account
 * changes go through the control socket (ua_del + ua_add, no restart);
 * anything that needs new sockets or modules restarts baresip.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "conf_print.h"
#include "phone.h"

#define ERRSZ 256

static void applied_path(char *buf, size_t sz)
{
	re_snprintf(buf, sz, "%s/applied.conf", phone_rundir());
}

static int applied_load(struct cfg **cp)
{
	char path[PATH_MAX];

	applied_path(path, sizeof(path));
	return cfg_load(cp, path, NULL, NULL);
}

static int applied_save(const struct cfg *c)
{
	char path[PATH_MAX];
	struct mbuf *mb = mbuf_alloc(4096);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;

	applied_path(path, sizeof(path));
	err = cfg_print(&pf, c, PR_SECRETS, NULL);
	if (!err)
		err = phone_file_write(path, 0600, (char *)mb->buf, mb->end);

	mem_deref(mb);
	return err;
}

static bool inst_differs(const struct cfg *a, const struct cfg *b,
			 enum sect_id sect, int id)
{
	const struct inst *x = cfg_inst(a, sect, id);
	const struct inst *y = cfg_inst(b, sect, id);
	size_t k;

	if (!x != !y)
		return true;
	if (!x)
		return false;

	for (k = 0; k < x->sec->count; k++) {
		if (!val_equal(&x->vals[k], &y->vals[k]))
			return true;
	}

	return false;
}

/* Changes baresip cannot take without a restart: its sockets, ports,
 * modules and global settings all come from the 'sip' section. */
static bool needs_restart(const struct cfg *old, const struct cfg *new)
{
	return !old || inst_differs(old, new, SECT_SIP, 0);
}

static bool account_on(const struct cfg *c, int id)
{
	return cfg_inst(c, SECT_ACCOUNT, id) &&
		!cfg_bool(c, SECT_ACCOUNT, id, "shutdown");
}

static int ua_change(const struct cfg *old, const struct cfg *new, int id,
		     char *err, size_t errsz)
{
	struct odict *p = NULL, *r = NULL;
	char *aor = NULL, *line = NULL;
	int rc = 0;

	if (account_on(old, id)) {
		phone_account_aor(&aor, old, id);
		odict_alloc(&p, 2);
		odict_entry_add(p, "aor", ODICT_STRING, aor);
		rc = ctrl_request(&r, "ua_del", p, err, errsz);
		p = mem_deref(p);
		r = mem_deref(r);
	}

	if (!rc && account_on(new, id)) {
		phone_account_line(&line, new, id);
		odict_alloc(&p, 2);
		odict_entry_add(p, "line", ODICT_STRING, line);
		rc = ctrl_request(&r, "ua_add", p, err, errsz);
		mem_deref(p);
		mem_deref(r);
	}

	mem_deref(aor);
	mem_deref(line);
	return rc;
}

/* The calls the change from old to new would end, as text lines. */
static int calls_dropped(const struct cfg *old, const struct cfg *new,
			 struct mbuf *list, unsigned *np)
{
	struct odict *calls = NULL;
	char err[ERRSZ];
	bool restart = needs_restart(old, new);
	struct le *le;

	*np = 0;
	if (ctrl_request(&calls, "calls", NULL, err, sizeof(err)))
		return 0;       /* not running: nothing to drop */

	for (le = calls ? calls->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const char *aor, *peer;
		bool drop = restart;
		int id;

		if (e->type != ODICT_OBJECT)
			continue;
		aor = odict_string(e->u.odict, "aor");
		peer = odict_string(e->u.odict, "peer");

		for (id = 0; id < INST_MAX && !drop; id++) {
			char *mine = NULL;

			if (!account_on(old, id) ||
			    !inst_differs(old, new, SECT_ACCOUNT, id) ||
			    phone_account_aor(&mine, old, id))
				continue;
			drop = aor && !strncasecmp(mine, aor, strlen(mine));
			mem_deref(mine);
		}

		if (!drop)
			continue;

		++*np;
		mbuf_printf(list, "  %s with %s\n", aor ? aor : "?",
			    peer ? peer : "?");
	}

	mem_deref(calls);
	return 0;
}

int phone_apply_drops(const struct cfg *new, char **listp, unsigned *np)
{
	struct cfg *old = NULL;
	struct mbuf *mb;
	int err;

	*np = 0;
	mb = mbuf_alloc(256);
	if (!mb)
		return ENOMEM;

	if (applied_load(&old))
		old = NULL;

	err = calls_dropped(old, new, mb, np);
	if (!err)
		err = re_sdprintf(listp, "%b", mb->buf, mb->end);

	mem_deref(old);
	mem_deref(mb);
	return err;
}

int phone_apply(struct session *s, const struct cfg *new)
{
	struct phone_status st;
	struct cfg *old = NULL;
	char err[ERRSZ] = "";
	int id, rc;

	rc = phone_generate(new, err, sizeof(err));
	if (rc) {
		sess_warn(s, NOCOL, "committed, but the phone's configuration "
			  "was not written: %s", err);
		return rc;
	}

	if (phone_svc_status(&st) || !st.running) {
		/* Nothing runs: the next start reads what was written. */
		return applied_save(new);
	}

	if (applied_load(&old))
		old = NULL;

	if (needs_restart(old, new)) {
		rc = phone_svc_restart(err, sizeof(err));
		if (rc) {
			sess_warn(s, NOCOL, "committed, but the phone did not "
				  "restart: %s", err);
			goto out;
		}
		goto saved;
	}

	for (id = 0; id < INST_MAX; id++) {
		if (!inst_differs(old, new, SECT_ACCOUNT, id))
			continue;

		rc = ua_change(old, new, id, err, sizeof(err));
		if (rc) {
			sess_warn(s, NOCOL, "committed, but account %d was not "
				  "changed in the phone (%s); restarting it",
				  id, err);
			rc = phone_svc_restart(err, sizeof(err));
			if (rc)
				goto out;
			break;
		}
	}

 saved:
	rc = applied_save(new);

 out:
	mem_deref(old);
	return rc;
}
