/*
 * The one commit path (see commit.h): check, prepare, save, apply,
 * report. The order is what makes "what is committed is what runs" hold:
 * every observer has agreed it can run the configuration before the file
 * changes, and once the file changed every observer is told, whatever
 * happened before, so the file and what runs never part silently.
 */
#include <errno.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "conf_print.h"
#include "conf_check.h"
#include "commit.h"
#include "commit_log.h"

enum { OBS_MAX = 8 };

static const struct commit_obs *obsv[OBS_MAX];
static size_t obsc;

int commit_observe(const struct commit_obs *obs)
{
	size_t i;

	if (!obs)
		return EINVAL;

	for (i = 0; i < obsc; i++) {
		if (obsv[i] == obs)
			return 0;
	}
	if (obsc == OBS_MAX)
		return ENOSPC;

	obsv[obsc++] = obs;
	return 0;
}

void commit_observers_clear(void)
{
	obsc = 0;
}

/* The check: problems and warnings printed, counted in cm. */
static int check(struct commit *cm, struct re_printf *pf)
{
	int err;

	err = cfg_check(cm->cfg, pf, &cm->nerr, &cm->nwarn);
	if (err)
		return err;

	return cm->nerr ? EINVAL : 0;
}

static void states_release(void **statev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		statev[i] = mem_deref(statev[i]);
}

/* Every observer's prepare; the first refusal stops the commit. */
static int prepare(struct commit *cm, void **statev, struct re_printf *pf)
{
	size_t i;
	int err = 0;

	for (i = 0; i < obsc && !err; i++) {
		const struct commit_obs *o = obsv[i];

		if (o->prepare)
			err = o->prepare(cm, &statev[i], pf, o->arg);
	}

	return err;
}

/* Every observer's apply, each told even when one before it failed. */
static void apply(struct commit *cm, void **statev, struct mbuf *rep,
		  struct re_printf *pf)
{
	struct re_printf rpf = {pf_mbuf_vph, rep};
	size_t i;

	cm->applied = true;

	for (i = 0; i < obsc; i++) {
		const struct commit_obs *o = obsv[i];
		size_t before = rep->end;

		if (!o->apply)
			continue;

		/* Phrases are joined with "; ". */
		if (before)
			(void)mbuf_write_str(rep, "; ");

		if (o->apply(cm, statev[i], &rpf, pf, o->arg))
			cm->applied = false;

		if (rep->end == before + (before ? 2 : 0))
			rep->end = rep->pos = before;
	}
}

/* The file's text: the printer with real secrets, as 'show' never is. */
static int text_make(struct mbuf **mbp, const struct cfg *c)
{
	struct mbuf *mb = mbuf_alloc(4096);
	struct re_printf pf = {pf_mbuf_vph, mb};
	int err;

	if (!mb)
		return ENOMEM;

	err = cfg_print(&pf, c, PR_SECRETS, NULL);
	if (err) {
		mem_deref(mb);
		return err;
	}

	*mbp = mb;
	return 0;
}

/*
 * Saves; after an error, whether the new content is in place all the
 * same (a failed fsync of the directory after the rename) decides
 * cm->saved, since the observers must then still be told.
 */
static int save(struct commit *cm, const struct mbuf *text)
{
	struct store_id now;
	int err;

	err = store_save(cm->path, (const char *)text->buf, text->end,
			 cm->base);
	if (!err) {
		cm->saved = true;
		return 0;
	}
	if (err == EAGAIN)
		return err;

	cm->saved = !store_id_current(cm->path, &now) &&
		store_id_equal(&now, &cm->id);

	return err;
}

/* Whether the file already holds the text (its id in cm->id). */
static bool unchanged(const struct commit *cm)
{
	struct store_id now;

	if (!cm->base || store_id_isnone(cm->base) ||
	    store_id_current(cm->path, &now))
		return false;

	return store_id_equal(&cm->id, cm->base) &&
		store_id_equal(&now, &cm->id);
}

int commit_run(struct commit *cm, struct re_printf *pf)
{
	void *statev[OBS_MAX] = {NULL};
	struct mbuf *text = NULL, *rep = NULL;
	int err;

	if (!cm || !cm->path || !cm->cfg || !pf)
		return EINVAL;

	cm->nerr = cm->nwarn = 0;
	cm->saved = cm->applied = false;
	cm->report[0] = '\0';

	err = check(cm, cm->checkpf ? cm->checkpf : pf);
	if (err) {
		re_snprintf(cm->report, sizeof(cm->report), "Not committed: "
			    "the configuration has %u problem%s", cm->nerr,
			    cm->nerr == 1 ? "" : "s");
		goto out;
	}

	/* The text the file is to hold, and its id, made once. */
	err = text_make(&text, cm->cfg);
	if (!err)
		err = store_id_calc(text->buf, text->end, &cm->id);
	if (err)
		goto out;

	err = prepare(cm, statev, pf);
	if (err) {
		re_snprintf(cm->report, sizeof(cm->report), "Not committed: "
			    "%s", err == ECANCELED ? "the calls in progress "
			    "were kept" : "refused (see above)");
		goto out;
	}

	if (cm->flags & COMMIT_CHECK) {
		re_snprintf(cm->report, sizeof(cm->report), "Configuration "
			    "is valid%s", cm->nwarn ? ", with warnings" : "");
		goto out;
	}

	/* Saving the same text again would only add a version. */
	if (unchanged(cm)) {
		re_snprintf(cm->report, sizeof(cm->report),
			    "No changes to commit");
		goto out;
	}

	/* Recorded first, so that a session that sees the new file finds
	 * who made it; the report follows once it is applied. */
	re_snprintf(cm->report, sizeof(cm->report), "Committed; being "
		    "applied");
	(void)commit_log_write(cm);

	err = save(cm, text);
	if (!cm->saved) {
		if (err == EAGAIN)
			re_snprintf(cm->report, sizeof(cm->report),
				    "Not committed: %s was changed by another "
				    "session since it was read; nothing was "
				    "saved", cm->path);
		else
			re_snprintf(cm->report, sizeof(cm->report),
				    "Not committed: cannot save %s: %m; "
				    "nothing was changed", cm->path, err);
		goto out;
	}

	rep = mbuf_alloc(256);
	if (!rep) {
		err = ENOMEM;
		goto out;
	}

	if (!(cm->flags & COMMIT_NOAPPLY))
		apply(cm, statev, rep, pf);

	re_snprintf(cm->report, sizeof(cm->report), "Committed%s%b%s%s",
		    rep->end ? ": " : "", rep->buf, rep->end,
		    err ? "; but the save may not survive a power loss: " :
		    "", err ? strerror(err) : "");

	/* For the other sessions; a commit stands without it. */
	(void)commit_log_write(cm);

 out:
	states_release(statev, obsc);
	mem_deref(rep);
	mem_deref(text);
	return err;
}
