/*
 * The phone as an observer of the commit path. Before a save it builds
 * baresip's configuration in memory (a configuration the phone cannot run
 * is refused then, not found out after) and finds the calls the change
 * would end; after the save it writes the files and brings the running
 * phone to them. The change is worked out against the configuration the
 * phone last applied (RUNDIR/applied.conf), not a session's view, so a
 * commit, a rollback or another session's change all apply the same way.
 * How is the schema's word (effect.h): each changed setting's apply class
 *
 *   restart        baresip restarts (sockets, ports, modules, TLS)
 *   account        ua_del + ua_add: the account registers again
 *   line           line_set / line_del: its socket appears or goes,
 *                  calls on the other lines go on
 *   live           conf_reload: the modules take their keys again from
 *                  the file just written, calls go on; when one refuses,
 *                  none changes and baresip restarts instead
 *   shell          nothing for the phone
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf_read.h"
#include "commit.h"
#include "effect.h"
#include "phone.h"
#include "ctrl_data.h"
#include "store.h"
#include "afile.h"
#include "config_diff.h"

#define ERRSZ 256

static int applied_load(struct cfg **cp)
{
	char path[PATH_MAX];
	struct re_printf quiet = {pf_mbuf_vph, NULL};
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	if (!mb)
		return ENOMEM;

	/* A damaged record means "unknown": the phone restarts. */
	quiet.arg = mb;
	re_snprintf(path, sizeof(path), "%s/applied.conf", phone_rundir());
	err = cfg_load(cp, path, NULL, &quiet);

	mem_deref(mb);
	return err;
}

static bool account_on(const struct cfg *c, int id)
{
	return cfg_inst(c, SECT_ACCOUNT, id) &&
		!cfg_bool(c, SECT_ACCOUNT, id, "shutdown");
}

/* The account line's text for c's account id, or NULL when it is off. */
static char *account_text(const struct cfg *c, int id)
{
	char *line = NULL;

	if (!account_on(c, id) || phone_account_line(&line, c, id))
		return NULL;

	return line;
}

/* Whether the phone's user agent of account id must be replaced. */
static bool account_changed(const struct cfg *old, const struct cfg *new,
			    int id)
{
	char *a = account_text(old, id), *b = account_text(new, id);
	bool changed = (!a != !b) || (a && strcmp(a, b));

	mem_deref(a);
	mem_deref(b);
	return changed;
}

/* The AOR line l is bound to in c, or NULL when it is not in service. */
static char *line_binding(const struct cfg *c, int l)
{
	const char *a = cfg_str(c, SECT_LINE, l, "account");
	char *aor = NULL;

	if (!cfg_inst(c, SECT_LINE, l) || !a || !a[0] ||
	    cfg_bool(c, SECT_LINE, l, "shutdown") ||
	    !account_on(c, atoi(a)))
		return NULL;

	if (phone_account_aor(&aor, c, atoi(a)))
		return NULL;

	return aor;
}

/* The module finds a line's user agent by AOR when it needs it, so a
 * line is re-bound only when its AOR changes. */
static bool line_changed(const struct cfg *old, const struct cfg *new,
			 int l)
{
	char *a = line_binding(old, l), *b = line_binding(new, l);
	bool changed = (!a != !b) || (a && strcmp(a, b));

	mem_deref(a);
	mem_deref(b);
	return changed;
}

/* Whether a consumer of s is an account-line part the running phone
 * also takes live. */
static bool account_live(const struct setting *s)
{
	const struct consumer *u;

	for (u = s->uses; u && u->kind != CK_END; u++) {
		if (u->kind == CK_ACCOUNT && u->apply == AC_LIVE)
			return true;
	}

	return false;
}

/*
 * new with old's values of the settings whose account-line parts the
 * running phone takes live (the register interval): their change alone
 * replaces no account, so the account lines are compared without it.
 */
static int live_masked(struct cfg **cp, const struct cfg *old,
		       const struct cfg *new)
{
	struct cfg *c = NULL;
	size_t i, k;
	int id, err;

	err = cfg_dup(&c, new);
	for (i = 0; i < schema_n && !err; i++) {
		const struct setting *s = &schema[i];

		if (!account_live(s))
			continue;

		for (id = 0; id < INST_MAX && !err; id++) {
			const struct inst *oi = cfg_inst(old, s->sect, id);
			struct inst *ni = cfg_inst(c, s->sect, id);
			const struct val *v;

			if (!oi || !ni)
				continue;

			v = inst_val(oi, s);
			if (!v)
				continue;
			if (!setting_islist(s)) {
				err = v->n ? inst_set(ni, s, v->v[0]) :
					inst_reset(ni, s);
				continue;
			}
			inst_clear(ni, s);
			for (k = 0; k < v->n && !err; k++)
				err = inst_add(ni, s, v->v[k]);
		}
	}

	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}

/* What the phone must do to go from old to new. */
struct plan {
	bool restart;
	char why[160];          /* why it restarts */
	bool live;              /* the modules take keys again */
	char live_why[160];     /* which changes: "user-agent changed" */
	char untaken[160];      /* changes that reach nothing, for the
				 * report: "realm changed" */
	uint32_t accounts;      /* bit N: account N is replaced */
	uint32_t lines;         /* bit N: line N is bound again */
};

/*
 * The schema's classes of the change (effect_diff), and, so that nothing
 * the phone holds can go stale, every account whose line text and every
 * line whose binding differs.
 */
static int plan_make(struct plan *p, const struct cfg *old,
		     const struct cfg *new)
{
	struct effect *e = NULL;
	struct cfg *masked = NULL;
	int id, err;

	memset(p, 0, sizeof(*p));

	if (!old) {
		p->restart = true;
		str_ncpy(p->why, "what it ran before is not known",
			 sizeof(p->why));
		return 0;
	}

	err = effect_diff(&e, old, new);
	if (err)
		return err;

	if (effect_needs(e, AC_RESTART)) {
		struct mbuf *mb = mbuf_alloc(128);
		struct re_printf pf = {pf_mbuf_vph, mb};

		p->restart = true;
		if (mb && !effect_why(&pf, e, AC_RESTART))
			(void)re_snprintf(p->why, sizeof(p->why), "%b",
					  mb->buf, mb->end);
		mem_deref(mb);
	}

	if (effect_needs(e, AC_LIVE)) {
		struct mbuf *mb = mbuf_alloc(128);
		struct re_printf pf = {pf_mbuf_vph, mb};

		p->live = true;
		if (mb && !effect_why(&pf, e, AC_LIVE))
			(void)re_snprintf(p->live_why, sizeof(p->live_why),
					  "%b", mb->buf, mb->end);
		mem_deref(mb);
	}

	{
		struct mbuf *mb = mbuf_alloc(128);
		struct re_printf pf = {pf_mbuf_vph, mb};

		if (mb && !effect_why(&pf, e, 0))
			(void)re_snprintf(p->untaken, sizeof(p->untaken), "%b",
					  mb->buf, mb->end);
		mem_deref(mb);
	}

	err = live_masked(&masked, old, new);
	if (err)
		goto out;

	p->accounts = e->accounts;
	p->lines = e->lines;
	for (id = 0; id < INST_MAX; id++) {
		if (account_changed(old, masked, id))
			p->accounts |= 1u << id;
		if (line_changed(old, new, id))
			p->lines |= 1u << id;
	}

 out:
	mem_deref(masked);
	mem_deref(e);
	return err;
}

/* A request with one text parameter. */
static int request1(const char *command, const char *key, const char *val,
		    char *err, size_t errsz)
{
	struct odict *p = NULL, *r = NULL;
	int rc;

	rc = odict_alloc(&p, 2);
	if (!rc)
		rc = odict_entry_add(p, key, ODICT_STRING, val);
	if (!rc)
		rc = ctrl_request(&r, command, p, err, errsz);

	mem_deref(p);
	mem_deref(r);
	return rc;
}

static int ua_del(const struct cfg *c, int id, char *err, size_t errsz)
{
	char *aor = NULL;
	int rc;

	rc = phone_account_aor(&aor, c, id);
	if (!rc)
		rc = request1("ua_del", "aor", aor, err, errsz);

	mem_deref(aor);
	return rc;
}

static int ua_add(const struct cfg *c, int id, char *err, size_t errsz)
{
	char *line = account_text(c, id);
	int rc;

	if (!line)
		return ENOMEM;

	rc = request1("ua_add", "line", line, err, errsz);

	mem_deref(line);
	return rc;
}

static int line_del(int l, char *err, size_t errsz)
{
	struct odict *p = NULL, *r = NULL;
	int rc;

	rc = odict_alloc(&p, 2);
	if (!rc)
		rc = odict_entry_add(p, "line", ODICT_INT, (int64_t)l);
	if (!rc)
		rc = ctrl_request(&r, "line_del", p, err, errsz);

	mem_deref(p);
	mem_deref(r);
	return rc;
}

static int line_set(const struct cfg *c, int l, char *err, size_t errsz)
{
	struct odict *p = NULL, *r = NULL;
	char *aor = line_binding(c, l);
	int rc;

	if (!aor)
		return EINVAL;

	rc = odict_alloc(&p, 2);
	if (!rc)
		rc = odict_entry_add(p, "line", ODICT_INT, (int64_t)l);
	if (!rc)
		rc = odict_entry_add(p, "aor", ODICT_STRING, aor);
	if (!rc)
		rc = ctrl_request(&r, "line_set", p, err, errsz);

	mem_deref(p);
	mem_deref(r);
	mem_deref(aor);
	return rc;
}

/* Whether the call on account aor or line l would end. */
static bool call_ends(const struct plan *p, const struct cfg *old,
		      const char *aor, int64_t line)
{
	int id;

	if (p->restart)
		return true;

	if (line >= 0 && line < INST_MAX && (p->lines & (1u << line)))
		return true;

	for (id = 0; id < INST_MAX; id++) {
		char *mine = NULL;
		bool hit;

		if (!(p->accounts & (1u << id)) || !account_on(old, id) ||
		    phone_account_aor(&mine, old, id))
			continue;

		hit = ctrl_aor_match(mine, aor);
		mem_deref(mine);
		if (hit)
			return true;
	}

	return false;
}

/* Of the running phone's calls (NULL: none), those the change from old
 * to new would end, a line each. */
static void calls_dropped(const struct plan *p, const struct cfg *old,
			  const struct odict *calls, struct mbuf *list,
			  unsigned *np)
{
	struct le *le;

	*np = 0;
	for (le = calls ? calls->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const char *aor, *peer;
		int64_t line = -1;

		if (e->type != ODICT_OBJECT)
			continue;
		aor = odict_string(e->u.odict, "aor");
		peer = odict_string(e->u.odict, "peer");
		(void)odict_get_number(e->u.odict, (uint64_t *)&line, "line");

		if (!call_ends(p, old, aor, line))
			continue;

		++*np;
		(void)mbuf_printf(list, "  %s with %s\n", aor ? aor : "?",
				  peer ? peer : "?");
	}
}

/*
 * The running phone read ran; what it does not take live from the new
 * config (a path, the environment's DNS server, a module) needs a
 * restart, whatever the schema's classes say.
 */
static void config_check(struct plan *p, const char *ran, size_t ranlen,
			 const struct phone_gen *g)
{
	char key[64] = "";

	if (!config_differs(ran, ranlen, (const char *)g->config->buf,
			    g->config->end, key, sizeof(key)))
		return;

	p->restart = true;
	if (ran)
		re_snprintf(p->why, sizeof(p->why), "%s changed in the "
			    "phone's config", key);
	else
		str_ncpy(p->why, "the config the phone runs is not known",
			 sizeof(p->why));
}

/* The config the running phone read, or NULL when there is none. */
static char *ran_read(size_t *lenp)
{
	char path[PATH_MAX];
	char *ran = NULL;

	re_snprintf(path, sizeof(path), "%s/baresip/config", phone_rundir());
	if (store_read_len(path, &ran, lenp, NULL))
		return NULL;

	return ran;
}

/*
 * A live change, asked of the running phone before the save while calls
 * are up: should a module refuse it, the apply would restart baresip and
 * end them, so that is found out now, as a restart the commit asks about,
 * and not after the save. The config about to be written goes beside the
 * one baresip runs, as config.next, for ctrl's conf_check, and is removed
 * again. A phone without conf_check is left to the reload after the save.
 */
static void live_check(struct plan *p, const struct phone_gen *g,
		       const struct odict *calls)
{
	char path[PATH_MAX], err[ERRSZ] = "";
	struct odict *r = NULL;
	int rc;

	if (!p->live || p->restart || !calls || !list_head(&calls->lst))
		return;

	re_snprintf(path, sizeof(path), "%s/baresip/config.next",
		    phone_rundir());
	rc = afile_write(path, 0600, g->config->buf, g->config->end);
	if (rc) {
		re_snprintf(err, sizeof(err), "%s: %m", path, rc);
	}
	else {
		rc = ctrl_request(&r, "conf_check", NULL, err, sizeof(err));
		(void)unlink(path);
	}
	mem_deref(r);

	if (!rc || (rc == EPROTO && strstr(err, "unknown command")))
		return;

	p->restart = true;
	re_snprintf(p->why, sizeof(p->why), "%s; not taken live: %s",
		    p->live_why, err[0] ? err : "no answer");
}

/* Asks (or refuses) when calls would end: nothing is dropped unsaid. */
static int drops_confirm(struct commit *cm, const struct phone_gen *g,
			 struct re_printf *pf)
{
	struct odict *calls = NULL;
	char cerr[ERRSZ];
	struct cfg *old = NULL;
	struct mbuf *mb = mbuf_alloc(256);
	struct plan p;
	unsigned n = 0;
	char *list = NULL, *ran = NULL;
	size_t ranlen = 0;
	int err = 0;

	if (!mb)
		return ENOMEM;

	if (applied_load(&old))
		old = NULL;

	err = plan_make(&p, old, cm->cfg);
	if (err)
		goto out;

	/* What the apply will restart for, asked about now. */
	if (!p.restart) {
		ran = ran_read(&ranlen);
		config_check(&p, ran, ranlen, g);
	}
	/* The running phone's calls: none when it does not run. */
	if (ctrl_request(&calls, "calls", NULL, cerr, sizeof(cerr)))
		calls = NULL;

	live_check(&p, g, calls);

	calls_dropped(&p, old, calls, mb, &n);
	if (!n)
		goto out;

	err = re_sdprintf(&list, "%b", mb->buf, mb->end);
	if (err)
		goto out;

	if (cm->flags & COMMIT_FORCE) {
		re_hprintf(pf, "Warning: ending %u call%s:\n%s", n,
			   n == 1 ? "" : "s", list);
	}
	else if (cm->askh) {
		err = cm->askh(n, list, cm->arg);
	}
	else {
		re_hprintf(pf, "Commit refused: it would end %u call%s:\n%s"
			   "(--force commits anyway)\n", n, n == 1 ? "" : "s",
			   list);
		err = EBUSY;
	}

 out:
	mem_deref(calls);
	mem_deref(ran);
	mem_deref(list);
	mem_deref(old);
	mem_deref(mb);
	return err;
}

static int obs_prepare(struct commit *cm, void **statep,
		       struct re_printf *pf, void *arg)
{
	struct phone_gen *g = NULL;
	char err[ERRSZ] = "";
	int rc;

	(void)arg;

	rc = phone_build(&g, cm->cfg, err, sizeof(err));
	if (rc) {
		re_hprintf(pf, "The phone cannot run this configuration: "
			   "%s\n", err);
		return EINVAL;
	}

	/* Never saved for one phone while another file's runs there. */
	if (!(cm->flags & COMMIT_NOAPPLY) &&
	    phone_paths_check(err, sizeof(err))) {
		re_hprintf(pf, "Not committed: %s\n", err);
		mem_deref(g);
		return EPERM;
	}

	if (!(cm->flags & (COMMIT_CHECK | COMMIT_NOAPPLY))) {
		rc = drops_confirm(cm, g, pf);
		if (rc) {
			mem_deref(g);
			return rc;
		}
	}

	*statep = g;
	return 0;
}

static int restart(struct re_printf *report, const char *why)
{
	char err[ERRSZ] = "";
	int rc;

	rc = phone_svc_restart(err, sizeof(err));
	if (rc)
		re_hprintf(report, "the phone did not restart (%s): %s", why,
			   err);
	else
		re_hprintf(report, "phone restarted (%s)", why);

	return rc;
}

/*
 * The modules take their keys again from the file just written. All or
 * nothing: when one refuses, none changes, and why says it for the
 * restart that follows.
 */
static int conf_reload(const struct plan *p, char *why, size_t whysz)
{
	struct odict *r = NULL;
	char err[ERRSZ] = "";
	int rc;

	rc = ctrl_request(&r, "conf_reload", NULL, err, sizeof(err));
	mem_deref(r);
	if (!rc)
		return 0;

	if (rc == EPROTO && strstr(err, "unknown command"))
		str_ncpy(err, "this phone cannot take settings live",
			 sizeof(err));
	re_snprintf(why, whysz, "%s; not taken live: %s", p->live_why,
		    err[0] ? err : "no answer");

	return rc;
}

/* The live settings first (all or nothing, or a restart), then accounts
 * (a new line needs its account's user agent), then the lines; a removed
 * account's lines go before the account. A phone whose lines cannot
 * change live is restarted, and the report says for what. */
static int live_apply(const struct plan *p, const struct cfg *old,
		      const struct cfg *new, struct re_printf *report)
{
	char err[ERRSZ] = "", why[ERRSZ + 160] = "";
	const char *sep = "";
	int id, l, rc = 0;

	if (p->live) {
		if (conf_reload(p, why, sizeof(why)))
			return restart(report, why);

		re_hprintf(report, "live: %s", p->live_why);
		sep = ", ";
	}

	for (l = 0; l < INST_MAX && !rc; l++) {
		char *a = line_binding(old, l);

		if (a && (p->lines & (1u << l))) {
			rc = line_del(l, err, sizeof(err));
			re_snprintf(why, sizeof(why), "line %d changed", l);
		}
		mem_deref(a);
	}

	for (id = 0; id < INST_MAX && !rc; id++) {
		if (!(p->accounts & (1u << id)))
			continue;

		if (account_on(old, id))
			rc = ua_del(old, id, err, sizeof(err));
		if (!rc && account_on(new, id))
			rc = ua_add(new, id, err, sizeof(err));
		if (rc) {
			re_snprintf(why, sizeof(why), "account %d changed",
				    id);
			break;
		}

		re_hprintf(report, "%saccount %d %s", sep, id,
			   !account_on(new, id) ? "removed" :
			   account_on(old, id) ? "re-registered" : "added");
		sep = ", ";
	}

	for (l = 0; l < INST_MAX && !rc; l++) {
		char *b;

		if (!(p->lines & (1u << l)))
			continue;

		b = line_binding(new, l);
		if (b)
			rc = line_set(new, l, err, sizeof(err));
		if (rc)
			re_snprintf(why, sizeof(why), "line %d %s", l,
				    b ? "added" : "removed");
		else
			re_hprintf(report, "%sline %d %s", sep, l,
				   b ? "ready" : "removed");
		sep = ", ";
		mem_deref(b);
	}

	if (!rc) {
		if (!sep[0])
			re_hprintf(report, "nothing changes for the phone");
		return 0;
	}

	/* The live change failed: a restart applies it all. */
	if (rc == EPROTO && strstr(err, "unknown command"))
		str_ncpy(err, "this phone cannot change lines live",
			 sizeof(err));
	re_hprintf(report, "%s", sep[0] ? "; " : "");
	re_snprintf(why + strlen(why), sizeof(why) - strlen(why), ": %s",
		    err[0] ? err : "the live change failed");

	return restart(report, why);
}

static int obs_apply(struct commit *cm, void *state, struct re_printf *report,
		     struct re_printf *pf, void *arg)
{
	const struct phone_gen *g = state;
	struct phone_status st;
	struct cfg *old = NULL;
	struct plan p;
	char err[ERRSZ] = "";
	char *ran = NULL;
	size_t ranlen = 0;
	int rc;

	(void)arg;

	if (!g)
		return EINVAL;

	/* What the phone runs now, before the record says otherwise. */
	if (applied_load(&old))
		old = NULL;
	ran = ran_read(&ranlen);

	rc = phone_paths_claim(err, sizeof(err));
	if (!rc)
		rc = phone_gen_write(g, err, sizeof(err));
	if (rc) {
		re_hprintf(pf, "The phone's configuration was not written: "
			   "%s\n", err);
		re_hprintf(report, "the phone was NOT updated (%s)", err);
		goto out;
	}

	if (phone_svc_status(&st) || !st.running) {
		re_hprintf(report, "the phone is not running; it starts with "
			   "this configuration");
		goto out;
	}

	rc = plan_make(&p, old, cm->cfg);
	if (!rc && !p.restart)
		config_check(&p, ran, ranlen, g);
	if (rc)
		re_hprintf(report, "the phone was NOT updated: %m", rc);
	else if (p.restart)
		rc = restart(report, p.why);
	else
		rc = live_apply(&p, old, cm->cfg, report);

	/* What the phone does not take, said as plainly as what it does. */
	if (!rc && p.untaken[0])
		re_hprintf(report, "; not in effect: %s", p.untaken);

 out:
	mem_deref(ran);
	mem_deref(old);
	return rc;
}

static const struct commit_obs phone_obs = {
	"phone", obs_prepare, obs_apply, NULL
};

int phone_commit_register(void)
{
	/* Resolved now: the commit-confirmed guard leaves the cwd. */
	(void)phone_rundir();
	(void)phone_moddir();

	return commit_observe(&phone_obs);
}
