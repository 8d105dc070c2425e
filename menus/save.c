/*
 * Save and Apply, as the router view's buttons: Save checks the whole
 * configuration (the core's check and every observer's prepare, exactly
 * what a commit would refuse) and lists every problem; Apply commits
 * through the one commit path, commit_run, and shows its one-line report,
 * the same line the shell prints. The menu has no commit logic of its
 * own.
 */
#include <errno.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "commit.h"
#include "conf_read.h"
#include "setup.h"

/* The refused values still in fields: nothing is saved while any is. */
static int refuse_bad(struct app *a, const char *what)
{
	struct mbuf *mb;
	struct bad_val *b;
	unsigned n = app_bad_count(a);

	if (!n)
		return 0;

	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;

	mbuf_printf(mb, "%u field%s hold%s a value that was refused; "
		    "correct %s first:\n\n", n, n == 1 ? "" : "s",
		    n == 1 ? "s" : "", n == 1 ? "it" : "them");
	for (b = a->bad; b; b = b->next) {
		const struct section *sec = section_get(b->sect);

		if (sec->singleton)
			mbuf_printf(mb, "%s: %s\n", b->s->label, b->msg);
		else
			mbuf_printf(mb, "%s %d, %s: %s\n", sec->name, b->id,
				    b->s->label, b->msg);
	}
	mbuf_write_u8(mb, 0);

	dlg_message(what, (const char *)mb->buf);
	app_msg(a, true, "%s refused: %u invalid field%s", what, n,
		n == 1 ? "" : "s");
	mem_deref(mb);
	return EINVAL;
}

static int ask_calls(unsigned ncalls, const char *list, void *arg)
{
	static const char *const b[] = {"Yes, end them", "No", NULL};
	char text[2048];

	(void)arg;
	re_snprintf(text, sizeof(text), "Applying ends %u call%s in "
		    "progress:\n\n%s\nEnd %s and apply?", ncalls,
		    ncalls == 1 ? "" : "s", list ? list : "",
		    ncalls == 1 ? "it" : "them");

	return dlg_ask("Calls in progress", text, b) == 0 ? 0 : ECANCELED;
}

/* Checking lists the calls but never ends one. */
static int ask_none(unsigned ncalls, const char *list, void *arg)
{
	(void)ncalls;
	(void)list;
	(void)arg;
	return 0;
}

static int run(struct app *a, struct commit *cm, unsigned flags,
	       struct mbuf *mb)
{
	struct re_printf pf;

	pf_mbuf_init(&pf, mb);

	memset(cm, 0, sizeof(*cm));
	cm->path = a->path;
	cm->cfg = a->cand;
	cm->base = &a->base;
	cm->flags = flags;
	cm->origin = "menu";
	cm->askh = (flags & COMMIT_CHECK) ? ask_none : ask_calls;

	return commit_run(cm, &pf);
}

int save_check(struct app *a)
{
	struct commit cm;
	struct mbuf *mb;
	int err;

	err = refuse_bad(a, "Save");
	if (err)
		return err;

	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;

	err = run(a, &cm, COMMIT_CHECK, mb);
	mbuf_write_u8(mb, 0);

	if (err) {
		char text[MSG_SZ * 4];

		re_snprintf(text, sizeof(text), "%s\n\n%s", cm.report,
			    (const char *)mb->buf);
		dlg_message("Save refused", text);
		app_msg(a, true, "%s", cm.report);
		a->checked = false;
	}
	else {
		if (cm.nwarn || mb->end > 1)
			dlg_message("Saved, with warnings",
				    (const char *)mb->buf);
		a->checked = true;
		app_msg(a, false, "Saved: %s; Apply commits it", cm.report);
	}

	mem_deref(mb);
	return err;
}

static void reload(struct app *a)
{
	struct cfg *c = NULL;
	struct store_id id;

	if (cfg_load(&c, a->path, &id, NULL))
		return;

	mem_deref(a->file);
	mem_deref(a->cand);
	a->file = c;
	a->base = id;
	cfg_dup(&a->cand, c);
	while (a->bad)
		app_bad_clear(a, a->bad->sect, a->bad->id, a->bad->s);
	a->checked = false;
}

int save_apply(struct app *a)
{
	static const char *const conflict[] = {"Keep my changes",
		"Reload the file", NULL};
	struct commit cm;
	struct mbuf *mb;
	struct cfg *c;
	int err;

	err = refuse_bad(a, "Apply");
	if (err)
		return err;

	if (!app_dirty(a)) {
		app_msg(a, false, "No changes to apply");
		return 0;
	}

	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;

	err = run(a, &cm, 0, mb);
	mbuf_write_u8(mb, 0);

	if (cm.saved) {
		/* The file holds the candidate now: it is the new base. */
		if (!cfg_dup(&c, a->cand)) {
			mem_deref(a->file);
			a->file = c;
		}
		a->base = cm.id;
		a->checked = false;
	}

	if (err == EAGAIN) {
		char text[MSG_SZ * 4];

		re_snprintf(text, sizeof(text), "%s\n\n%s"
			    "Keep your changes (Apply is refused until the "
			    "file is reloaded), or reload the file and lose "
			    "them?", cm.report, (const char *)mb->buf);
		if (dlg_ask("Apply refused", text, conflict) == 1) {
			reload(a);
			app_msg(a, false, "Reloaded %s", a->path);
		}
		else {
			app_msg(a, true, "%s", cm.report);
		}
	}
	else if (err) {
		char text[MSG_SZ * 4];

		re_snprintf(text, sizeof(text), "%s\n\n%s", cm.report,
			    (const char *)mb->buf);
		dlg_message("Apply refused", text);
		app_msg(a, true, "%s", cm.report);
	}
	else {
		if (mb->end > 1)
			dlg_message(cm.report, (const char *)mb->buf);
		app_msg(a, !cm.applied && cm.saved, "%s", cm.report);
	}

	mem_deref(mb);
	return err;
}
