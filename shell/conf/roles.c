/*
 * The roles (see roles.h): this process's role, the masked rendering for
 * the view group, the modes of the store's files, and the commit path's
 * refusal of a user who may not commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "afile.h"
#include "sidefile.h"
#include "conf_print.h"
#include "commit.h"
#include "roles.h"
#include "fmode.h"

#ifndef SIPSH_ADMIN_GROUP
#define SIPSH_ADMIN_GROUP "sipsh-admin"
#endif
#ifndef SIPSH_VIEW_GROUP
#define SIPSH_VIEW_GROUP "sipsh-view"
#endif


enum { NGROUPS_SELF = 256 };

static enum role self_role = ROLE_ADMIN;

const char *roles_admin_group(void)
{
	return SIPSH_ADMIN_GROUP;
}

const char *roles_view_group(void)
{
	return SIPSH_VIEW_GROUP;
}

static int gid_lookup(const char *name, gid_t *gidp)
{
	struct group grp, *res = NULL;
	char buf[16384];
	int err;

	err = getgrnam_r(name, &grp, buf, sizeof(buf), &res);
	if (err)
		return err;
	if (!res)
		return ENOENT;

	*gidp = res->gr_gid;
	return 0;
}

/*
 * The two groups' ids are looked up once per process, as the roles take
 * the groups as they were at its start: a lookup goes through NSS (with
 * systemd's module, a dozen files probed), and a commit asked it up to
 * eight times (the roles, the modes of each file written, the view, the
 * phone's config).
 */
int roles_gid(const char *name, gid_t *gidp)
{
	static struct {
		const char *name;
		bool done;
		int err;
		gid_t gid;
	} cache[] = {{SIPSH_ADMIN_GROUP, false, 0, 0},
		     {SIPSH_VIEW_GROUP, false, 0, 0}};
	size_t i;

	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (strcmp(name, cache[i].name))
			continue;
		if (!cache[i].done) {
			cache[i].err = gid_lookup(name, &cache[i].gid);
			cache[i].done = true;
		}
		if (!cache[i].err)
			*gidp = cache[i].gid;
		return cache[i].err;
	}

	return gid_lookup(name, gidp);
}

/* Whether this process is in the group: its effective or a
 * supplementary group, as the kernel sees it now. */
static bool in_group(const char *name)
{
	gid_t gid, gv[NGROUPS_SELF];
	int n, i;

	if (roles_gid(name, &gid))
		return false;
	if (getegid() == gid)
		return true;

	n = getgroups(NGROUPS_SELF, gv);
	for (i = 0; i < n; i++) {
		if (gv[i] == gid)
			return true;
	}

	return false;
}

/* The owner of the file, or of its directory while it does not exist. */
static bool owns(const char *path)
{
	struct stat st;
	char *dir = NULL;
	const char *name;
	bool mine = false;

	if (!stat(path, &st))
		return st.st_uid == geteuid();
	if (errno != ENOENT || side_parts(path, &dir, &name))
		return false;

	mine = !stat(dir, &st) && st.st_uid == geteuid();
	mem_deref(dir);

	return mine;
}

enum role roles_of(const char *path)
{
	if (geteuid() == 0 || in_group(SIPSH_ADMIN_GROUP) ||
	    (path && owns(path)))
		return ROLE_ADMIN;

	if (in_group(SIPSH_VIEW_GROUP))
		return ROLE_VIEW;

	return ROLE_NONE;
}

void roles_init(const char *path)
{
	self_role = roles_of(path);
}

enum role roles_self(void)
{
	return self_role;
}

int roles_view_path(char **pp, const char *path)
{
	return side_path(pp, path, ROLES_VIEW_SUFFIX);
}

mode_t roles_store_mode(gid_t gid, mode_t *dirmodep)
{
	gid_t admin;
	bool shared = !roles_gid(SIPSH_ADMIN_GROUP, &admin) && gid == admin;

	if (dirmodep)
		*dirmodep = shared ? FMODE_HIST_SHARED : FMODE_HIST;

	/* Group-writable: a member replaces the file by rename anyway, and
	 * the commit path asks whether the user may write it. */
	return shared ? FMODE_CONF_SHARED : FMODE_CONF;
}

bool roles_refuse_config(char *buf, size_t sz)
{
	if (self_role == ROLE_ADMIN)
		return false;

	re_snprintf(buf, sz, "Permission denied: configuration needs the %s "
		    "group", SIPSH_ADMIN_GROUP);
	return true;
}

/* c with every password set replaced by ROLES_VIEW_SECRET. */
static int view_cfg(struct cfg **cp, const struct cfg *c)
{
	struct cfg *v = NULL;
	size_t k;
	int err, sect, id;

	err = cfg_dup(&v, c);
	if (err)
		return err;

	for (k = 0; k < schema_n && !err; k++) {
		const struct setting *st = &schema[k];

		if (st->type != &vt_secret)
			continue;

		sect = st->sect;
		for (id = 0; id < INST_MAX && !err; id++) {
			struct inst *i = cfg_inst(v, (enum sect_id)sect, id);

			if (i && inst_val(i, st)->n)
				err = inst_set(i, st, ROLES_VIEW_SECRET);
		}
	}

	if (err)
		mem_deref(v);
	else
		*cp = v;

	return err;
}

int roles_view_text(struct mbuf **mbp, const struct cfg *c)
{
	struct mbuf *mb = NULL;
	struct re_printf pf;
	struct cfg *v = NULL;
	int err;

	err = view_cfg(&v, c);
	if (err)
		return err;

	mb = mbuf_alloc(4096);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	pf.vph = pf_mbuf_vph;
	pf.arg = mb;
	err = cfg_print(&pf, v, PR_SECRETS, NULL);

 out:
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;
	mem_deref(v);
	return err;
}

int roles_view_write(const char *path, const struct cfg *c, char *why,
		     size_t whysz)
{
	struct mbuf *mb = NULL;
	struct stat grp;
	char *vpath = NULL, *prefix = NULL, *tmp = NULL;
	const char *vname;
	gid_t gid;
	int dfd = -1, err;

	/* No view group: nobody to write it for. */
	if (roles_gid(SIPSH_VIEW_GROUP, &gid))
		return 0;

	err = roles_view_path(&vpath, path);
	if (err)
		goto out;
	vname = strrchr(vpath, '/') ? strrchr(vpath, '/') + 1 : vpath;
	err = re_sdprintf(&prefix, "%s.", vname);
	if (!err)
		err = roles_view_text(&mb, c);
	if (!err)
		err = side_dir_open(path, &dfd, NULL);
	if (err)
		goto out;

	/* The group only: the owner stays whoever commits. */
	memset(&grp, 0, sizeof(grp));
	grp.st_uid = (uid_t)-1;
	grp.st_gid = gid;
	err = afile_temp_at(dfd, prefix, FMODE_VIEW, mb->buf, mb->end, &grp,
			    NULL, &tmp);
	if (err == EPERM)
		re_snprintf(why, whysz, "no view for the %s group: only root "
			    "or a member of %s can give it that group",
			    SIPSH_VIEW_GROUP, SIPSH_VIEW_GROUP);
	if (!err && renameat(dfd, tmp, dfd, vname)) {
		err = errno;
		(void)unlinkat(dfd, tmp, 0);
	}

	/* An old view would show viewers what is no longer so. */
	if (err && dfd >= 0)
		(void)unlinkat(dfd, vname, 0);

 out:
	if (err && !why[0])
		re_snprintf(why, whysz, "no view for the %s group: %m",
			    SIPSH_VIEW_GROUP, err);
	if (dfd >= 0)
		(void)close(dfd);
	mem_deref(tmp);
	mem_deref(prefix);
	mem_deref(vpath);
	mem_deref(mb);
	return err;
}

/* Only an admin commits, whatever the front-end; the rollback of an
 * unconfirmed commit (COMMIT_AUTO) was an admin's to begin with. */
static int obs_prepare(struct commit *cm, void **statep, struct re_printf *pf,
		       void *arg)
{
	char msg[160];

	(void)statep;
	(void)arg;

	if ((cm->flags & (COMMIT_CHECK | COMMIT_AUTO)) ||
	    !roles_refuse_config(msg, sizeof(msg)))
		return 0;

	re_hprintf(pf, "%s; nothing was saved\n", msg);
	return EACCES;
}

static int obs_apply(struct commit *cm, void *state, struct re_printf *report,
		     struct re_printf *pf, void *arg)
{
	char why[256] = "";

	(void)state;
	(void)arg;
	(void)pf;

	/* The phone took the commit all the same: said, not failed. */
	if (roles_view_write(cm->path, cm->cfg, why, sizeof(why)))
		re_hprintf(report, "%s", why);

	return 0;
}

static const struct commit_obs roles_obs = {
	"roles", obs_prepare, obs_apply, NULL
};

int roles_commit_register(void)
{
	return commit_observe(&roles_obs);
}
