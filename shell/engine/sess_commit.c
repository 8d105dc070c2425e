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
 * The check's warnings, one "% Warning: " line each: the check prints
 * them as "  warning: TEXT" under a heading, which a session's own label
 * replaces.
 */
static void warn_lines(struct session *s, const struct mbuf *mb)
{
	const char *p = (const char *)mb->buf, *end = p + mb->end;
	static const char label[] = "warning: ";

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *t = p;

		while (t < p + n && *t == ' ')
			++t;
		if ((size_t)(p + n - t) >= sizeof(label) - 1 &&
		    !strncmp(t, label, sizeof(label) - 1))
			t += sizeof(label) - 1;
		if (t < p + n)
			sess_warn(s, NOCOL, "%b", t, (size_t)(p + n - t));

		p += n + (nl ? 1 : 0);
	}
}

/* What a commit_run of the session prints: the check's lines apart. */
struct sess_run {
	struct commit cm;
	struct mbuf *checks;
	struct mbuf *msgs;
	struct re_printf cpf;
	struct re_printf pf;
};

static void run_destructor(void *arg)
{
	struct sess_run *r = arg;

	mem_deref(r->checks);
	mem_deref(r->msgs);
}

static int run_alloc(struct sess_run **rp, struct session *s,
		     const struct cfg *c, unsigned flags, const char *origin)
{
	struct sess_run *r;

	r = mem_zalloc(sizeof(*r), run_destructor);
	if (!r)
		return ENOMEM;

	r->checks = mbuf_alloc(256);
	r->msgs = mbuf_alloc(256);
	if (!r->checks || !r->msgs) {
		mem_deref(r);
		return ENOMEM;
	}
	r->cpf.vph = r->pf.vph = pf_mbuf_vph;
	r->cpf.arg = r->checks;
	r->pf.arg = r->msgs;

	r->cm.path = s->path;
	r->cm.cfg = c;
	r->cm.base = &s->base;
	r->cm.flags = flags;
	r->cm.origin = origin;
	r->cm.checkpf = &r->cpf;

	*rp = r;
	return 0;
}

/*
 * The candidate (or, outside configure mode, the running configuration)
 * through the one commit path, saving nothing: everything a commit would
 * refuse is refused. 'commit check' (verbose) also says it is valid and
 * lists the warnings; a batch's -n says nothing when all is well.
 */
int sess_commit_check(struct session *s, bool verbose)
{
	struct sess_run *r = NULL;
	int err;

	err = run_alloc(&r, s, s->cand ? s->cand : s->running, COMMIT_CHECK,
			"check");
	if (err)
		return err;

	err = commit_run(&r->cm, &r->pf);
	if (err) {
		err = refused(s, &r->cm, err, r->checks, r->msgs,
			      verbose ? NULL : "Check");
		goto out;
	}

	if (!verbose) {
		warn_lines(s, r->checks);
	}
	else if (r->cm.nwarn) {
		sess_printf(s, "%% Configuration is valid, with %u warning%s:"
			    "\n%b", r->cm.nwarn, r->cm.nwarn == 1 ? "" : "s",
			    r->checks->buf, r->checks->end);
	}
	else {
		sess_printf(s, "%% Configuration is valid\n");
	}

 out:
	mem_deref(r);
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
	struct sess_run *r = NULL;
	struct commit *cm;
	struct cfg *c;
	int rc, err;

	if (!s->cand || !sess_dirty(s))
		return 0;

	err = run_alloc(&r, s, s->cand, flags |
			(s->no_apply ? COMMIT_NOAPPLY : 0) |
			(s->force ? COMMIT_FORCE : 0),
			s->kind == SESS_TTY ? "commit" : "batch");
	if (err)
		return err;
	cm = &r->cm;
	if (s->kind == SESS_TTY && s->in) {
		cm->askh = ask_drops;
		cm->arg = s;
	}

	rc = commit_run(cm, &r->pf);
	if (rc && !cm->saved) {
		err = refused(s, cm, rc, r->checks, r->msgs, "Commit");
		goto out;
	}

	/* Said before the report: the check's warnings, and what the
	 * observers had to say (calls ended, files not written). */
	warn_lines(s, r->checks);
	if (r->msgs->end)
		sess_warn(s, NOCOL, "%b", r->msgs->buf, r->msgs->end);

	/* The file now holds the candidate: it becomes the running one,
	 * with the id of what this session saved, not a re-read that
	 * another session's save could slip in before. */
	err = cfg_dup(&c, s->cand);
	if (err)
		goto out;
	mem_deref(s->running);
	s->running = c;
	s->base = cm->id;
	s->seen = cm->id;

	if (!s->quiet)
		sess_printf(s, "%% %s\n", cm->report);

	/* Saved, but not durably (rc), or not all of it in effect. */
	err = rc ? EXIT_FILE : cm->applied ? 0 : EXIT_CMD;

 out:
	mem_deref(r);
	return err;
}
