/*
 * A session's commit: its candidate through the core's one commit path
 * (commit.h), the question before calls end, and the refusals and the
 * report in the session's words and exit statuses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "session.h"
#include "commit.h"
/* Calls the commit would end: an interactive user is asked. */
static int ask_drops(unsigned n, const char *list, void *arg)
{
	struct session *s = arg;
	char *ans = NULL;
	int err;

	sess_printf(s, "This commit ends %u call%s:\n%s", n,
		    n == 1 ? "" : "s", list);
	err = s->in->readline(s->in, "Commit anyway? [no]: ", true, &ans);
	if (err || strncasecmp(ans, "yes", 3))
		err = ECANCELED;

	mem_deref(ans);
	return err;
}

/* The exit status and the words for a commit that did not happen. */
static int refused(struct session *s, const struct commit *cm, int err,
		   const struct mbuf *checks, const struct mbuf *msgs,
		   const char *what)
{
	switch (err) {

	case EINVAL:
		if (cm->nerr && !what)
			sess_error(s, NOCOL, "The configuration has %u "
				   "problem%s:\n%b", cm->nerr,
				   cm->nerr == 1 ? "" : "s", checks->buf,
				   checks->end);
		else if (cm->nerr)
			sess_error(s, NOCOL, "%s refused: the configuration "
				   "has %u problem%s:\n%b", what, cm->nerr,
				   cm->nerr == 1 ? "" : "s", checks->buf,
				   checks->end);
		else
			sess_error(s, NOCOL, "%s refused: %b",
				   what ? what : "Check", msgs->buf,
				   msgs->end);
		return EXIT_CHECK;

	case EACCES:
	case EPERM:
	case EBUSY:
		sess_error(s, NOCOL, "%b", msgs->buf, msgs->end);
		return err == EACCES ? EXIT_FILE :
			err == EPERM ? EXIT_CONFLICT : EXIT_CMD;

	case ECANCELED:
		sess_error(s, NOCOL, "Not committed; the changes stay staged");
		return EXIT_CMD;

	case EAGAIN:
		sess_error(s, NOCOL, "Commit refused: %s was changed by another "
			   "session since this one read it; nothing was "
			   "saved", s->path);
		return EXIT_CONFLICT;

	default:
		sess_error(s, NOCOL, "Cannot save %s: %m; nothing was changed",
			   s->path, err);
		return EXIT_FILE;
	}
}

/*
 * The candidate (or, outside configure mode, the running configuration)
 * through the one commit path, saving nothing: everything a commit would
 * refuse is refused. 'commit check' (verbose) also says it is valid and
 * lists the warnings; a batch's -n says nothing when all is well.
 */
int sess_commit_check(struct session *s, bool verbose)
{
	struct commit cm;
	struct mbuf *checks, *msgs;
	struct re_printf cpf, pf;
	int err = 0;

	checks = mbuf_alloc(256);
	msgs = mbuf_alloc(256);
	if (!checks || !msgs) {
		err = ENOMEM;
		goto out;
	}
	cpf.vph = pf.vph = pf_mbuf_vph;
	cpf.arg = checks;
	pf.arg = msgs;

	memset(&cm, 0, sizeof(cm));
	cm.path = s->path;
	cm.cfg = s->cand ? s->cand : s->running;
	cm.base = &s->base;
	cm.flags = COMMIT_CHECK;
	cm.origin = "check";
	cm.checkpf = &cpf;

	err = commit_run(&cm, &pf);
	if (err) {
		err = refused(s, &cm, err, checks, msgs,
			      verbose ? NULL : "Check");
		goto out;
	}

	if (!verbose) {
		if (checks->end)
			sess_warn(s, NOCOL, "%b", checks->buf, checks->end);
	}
	else if (cm.nwarn) {
		sess_printf(s, "%% Configuration is valid, with %u warning%s:"
			    "\n%b", cm.nwarn, cm.nwarn == 1 ? "" : "s",
			    checks->buf, checks->end);
	}
	else {
		sess_printf(s, "%% Configuration is valid\n");
	}

 out:
	mem_deref(checks);
	mem_deref(msgs);
	return err;
}

int sess_check(struct session *s)
{
	if (!s->cand)
		return 0;

	return sess_commit_check(s, false);
}

/*
 * The candidate through the one commit path: check, prepare, save,
 * apply, and the one-line report ("Committed: ...") unless quiet.
 */
int sess_commit(struct session *s, unsigned flags)
{
	struct commit cm;
	struct mbuf *checks, *msgs = NULL;
	struct re_printf cpf, pf;
	struct cfg *c;
	int rc, err = 0;

	if (!s->cand || !sess_dirty(s))
		return 0;

	checks = mbuf_alloc(256);
	msgs = mbuf_alloc(256);
	if (!checks || !msgs) {
		err = ENOMEM;
		goto out;
	}
	cpf.vph = pf.vph = pf_mbuf_vph;
	cpf.arg = checks;
	pf.arg = msgs;

	memset(&cm, 0, sizeof(cm));
	cm.path = s->path;
	cm.cfg = s->cand;
	cm.base = &s->base;
	cm.flags = flags | (s->no_apply ? COMMIT_NOAPPLY : 0) |
		(s->force ? COMMIT_FORCE : 0);
	cm.origin = s->kind == SESS_TTY ? "commit" : "batch";
	cm.checkpf = &cpf;
	if (s->kind == SESS_TTY && s->in) {
		cm.askh = ask_drops;
		cm.arg = s;
	}

	rc = commit_run(&cm, &pf);
	if (rc && !cm.saved) {
		err = refused(s, &cm, rc, checks, msgs, "Commit");
		goto out;
	}

	/* Said before the report: the check's warnings, and what the
	 * observers had to say (calls ended, files not written). */
	if (checks->end)
		sess_warn(s, NOCOL, "%b", checks->buf, checks->end);
	if (msgs->end)
		sess_warn(s, NOCOL, "%b", msgs->buf, msgs->end);

	/* The file now holds the candidate: it becomes the running one,
	 * with the id of what this session saved, not a re-read that
	 * another session's save could slip in before. */
	err = cfg_dup(&c, s->cand);
	if (err)
		goto out;
	mem_deref(s->running);
	s->running = c;
	s->base = cm.id;
	s->seen = cm.id;

	if (!s->quiet)
		sess_printf(s, "%% %s\n", cm.report);

	/* Saved, but not durably (rc), or not all of it in effect. */
	err = rc ? EXIT_FILE : cm.applied ? 0 : EXIT_CMD;

 out:
	mem_deref(checks);
	mem_deref(msgs);
	return err;
}

