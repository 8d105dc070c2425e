/*
 * Who a client of the ctrl socket is, and what it may do. The kernel
 * tells us the peer's credentials when it connects (SO_PEERCRED, and its
 * supplementary groups with SO_PEERGROUPS), so no client can claim to be
 * someone else; its role follows from them once, at connect time, as the
 * kernel's own permission checks use the credentials a process had when
 * it opened a file:
 *
 *   admin  root, the user baresip runs as, or a member of
 *          ctrl_admin_group: every command
 *   view   a member of ctrl_view_group: the commands that only read state
 *   none   anyone else: nothing; the first request is refused and the
 *          connection closed
 *
 * The group names come from baresip's config (the generator writes them
 * from sipsh's one definition); a name that is not set, or no such group,
 * gives nobody that role. The generator also writes each group's id as
 * sipsh resolved it (ctrl_admin_gid, ctrl_view_gid: a number, or "none"
 * when there is no such group): then the phone asks the group database
 * nothing at start, where a lookup loads the NSS modules and reads
 * /etc/group (about a fifth of a phone's start). A config without the id
 * keys, as one written by hand, has its names looked up as before.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "conf_need.h"
#include "ctrl.h"

enum { NGROUPS_PEER = 256 };

static struct {
	gid_t admin, view;
	bool have_admin, have_view;
	char admin_name[64], view_name[64];
} roles;


const char *role_name(enum role r)
{
	switch (r) {

	case ROLE_ADMIN: return "admin";
	case ROLE_VIEW:  return "view";
	default:         return "none";
	}
}


/* The group id the config gives for a role (key idkey): ENOENT when the
 * key is absent; *havep false when it says "none". */
static int group_id_read(const char *idkey, gid_t *gidp, bool *havep)
{
	char buf[24];
	const char *p;
	unsigned long v = 0;

	if (sipsh_conf_get_str(conf_cur(), idkey, buf, sizeof(buf)) || !buf[0])
		return ENOENT;

	if (0 == strcmp(buf, "none")) {
		*havep = false;
		return 0;
	}

	for (p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long)(*p - '0');

	if (*p || p - buf > 10 || v >= (gid_t)-1) {
		warning("ctrl: %s '%s' is not a group id: not loading\n",
			idkey, buf);
		return EINVAL;
	}

	*gidp = (gid_t)v;
	*havep = true;

	return 0;
}


/* A group of the config: by its id when the config gives it, else by
 * name; false when unset or unknown. */
static int group_read(const char *key, const char *idkey, char *name,
		      size_t namesz, gid_t *gidp, bool *havep)
{
	struct group grp, *res = NULL;
	char buf[16384];
	int err;

	*havep = false;
	name[0] = '\0';

	if (sipsh_conf_get_str(conf_cur(), key, name, namesz) || !name[0])
		return 0;

	if (strlen(name) >= namesz - 1) {
		warning("ctrl: %s is too long: not loading\n", key);
		return EINVAL;
	}

	err = group_id_read(idkey, gidp, havep);
	if (err != ENOENT) {
		if (!err && !*havep)
			warning("ctrl: %s '%s': no such group: nobody has"
				" that role\n", key, name);
		return err;
	}

	err = getgrnam_r(name, &grp, buf, sizeof(buf), &res);
	if (err || !res) {
		/* Fail closed: nobody has a role whose group is missing. */
		warning("ctrl: %s '%s': %s: nobody has that role\n", key,
			name, err ? "lookup failed" : "no such group");
		return 0;
	}

	*gidp = res->gr_gid;
	*havep = true;

	return 0;
}


int auth_init(void)
{
	int err;

	err = group_read("ctrl_admin_group", "ctrl_admin_gid",
			 roles.admin_name, sizeof(roles.admin_name),
			 &roles.admin, &roles.have_admin);
	if (!err)
		err = group_read("ctrl_view_group", "ctrl_view_gid",
				 roles.view_name, sizeof(roles.view_name),
				 &roles.view, &roles.have_view);

	return err;
}


const char *auth_group(enum role r)
{
	const char *n = r == ROLE_ADMIN ? roles.admin_name : roles.view_name;

	return n[0] ? n : "(none)";
}


/* The peer's groups: the kernel's list, else the group database's. */
static int peer_groups(int fd, uid_t uid, gid_t gid, gid_t *gv, int *np)
{
	socklen_t len = (socklen_t)(*np * (int)sizeof(*gv));
	struct passwd pw, *res = NULL;
	char buf[16384];

	if (0 == getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gv, &len)) {
		*np = (int)(len / sizeof(*gv));
		return 0;
	}

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res) {
		*np = 0;
		return 0;
	}

	if (getgrouplist(res->pw_name, gid, gv, np) < 0)
		return ERANGE;

	return 0;
}


int auth_peer(int fd, struct peer *p)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	gid_t gv[NGROUPS_PEER];
	int n = NGROUPS_PEER, i, err;
	bool admin = false, view = false;

	memset(p, 0, sizeof(*p));
	p->role = ROLE_NONE;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
		return errno;

	p->uid = cred.uid;
	p->pid = cred.pid;

	if (cred.uid == 0 || cred.uid == geteuid()) {
		p->role = ROLE_ADMIN;
		return 0;
	}

	err = peer_groups(fd, cred.uid, cred.gid, gv, &n);
	if (err)
		return err;

	admin = roles.have_admin && cred.gid == roles.admin;
	view = roles.have_view && cred.gid == roles.view;
	for (i = 0; i < n; i++) {
		admin |= roles.have_admin && gv[i] == roles.admin;
		view |= roles.have_view && gv[i] == roles.view;
	}

	p->role = admin ? ROLE_ADMIN : view ? ROLE_VIEW : ROLE_NONE;

	return 0;
}


bool auth_permits(const struct peer *p, enum role need, char *why,
		  size_t whysz)
{
	if (p->role >= need && p->role != ROLE_NONE)
		return true;

	if (p->role == ROLE_NONE)
		(void)re_snprintf(why, whysz, "permission denied: uid %u is"
				  " in neither group %s nor %s",
				  (unsigned)p->uid, auth_group(ROLE_ADMIN),
				  auth_group(ROLE_VIEW));
	else
		(void)re_snprintf(why, whysz, "permission denied: this"
				  " command needs the %s group",
				  auth_group(ROLE_ADMIN));

	return false;
}
