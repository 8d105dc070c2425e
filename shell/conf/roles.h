/*
 * Who may do what with the configuration, as devices do it: the admin
 * group may configure, commit and drive calls; the view group may show
 * the configuration (its secrets masked) and the phone's state; nobody
 * else may do anything. root, and the owner of the configuration file
 * (who could edit it anyway), count as admins.
 *
 * The kernel enforces it, the shell only says it plainly: the file is
 * 0660 with the admin group (0600 otherwise), so a viewer cannot read
 * its secrets; every commit also writes a masked rendering of it,
 * DIR/.NAME.view, mode 0640 with the view group, which the shell of a
 * viewer reads instead; and the phone's control socket authorises each
 * request by the caller's credentials (baresip-mods/ctrl/auth.c).
 *
 * The group names are defined here alone (a build knob, SIPSH_ADMIN_GROUP
 * and SIPSH_VIEW_GROUP); the generator hands them to the phone.
 */
#ifndef SIPSH_ROLES_H
#define SIPSH_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "conf.h"

struct re_printf;

enum role {
	ROLE_NONE = 0,
	ROLE_VIEW,
	ROLE_ADMIN,
};

#define ROLES_VIEW_SUFFIX ".view"

const char *roles_admin_group(void);
const char *roles_view_group(void);
/* The group's id; ENOENT when there is no such group. */
int  roles_gid(const char *name, gid_t *gidp);

/* This process's role for the configuration file at path. */
enum role roles_of(const char *path);
/* Finds this process's role for path once, for the rest of its life:
 * groups and the file's owner are taken as they were at its start, as
 * the kernel takes a process's credentials. */
void roles_init(const char *path);
/* The role roles_init() found; admin when it was never called (the
 * unit tests, the tools), since the kernel still decides then. */
enum role roles_self(void);

/* What a password becomes in the masked rendering: a value the reader
 * takes (stars are refused there), which no show prints. */
#define ROLES_VIEW_SECRET "masked-in-the-view"

/* The masked rendering's text: c printed as the file is, with every
 * password set replaced by ROLES_VIEW_SECRET. */
struct mbuf;
int  roles_view_text(struct mbuf **mbp, const struct cfg *c);
/* DIR/.NAME.view for DIR/NAME (mem string). */
int  roles_view_path(char **pp, const char *path);
/* The masked rendering of c beside path; why says what went wrong. */
int  roles_view_write(const char *path, const struct cfg *c, char *why,
		      size_t whysz);

/* The mode a file of the store gets when its group is gid: 0660 for the
 * admin group, else 0600; *dirmodep likewise for its history, 0770 or
 * 0700. */
mode_t roles_store_mode(gid_t gid, mode_t *dirmodep);

/* "% Permission denied: ..." for a user who may not configure, in buf;
 * false when this process may. */
bool roles_refuse_config(char *buf, size_t sz);

/* The roles as an observer of the commit path: a commit by a user who
 * is not an admin is refused; a saved one gets its masked rendering. */
int  roles_commit_register(void);

#endif
