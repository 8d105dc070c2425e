/*
 * The one place that decides the modes of the files the store makes
 * beside the configuration, and which directories it trusts to make
 * them in. A directory that someone else can write lets that someone
 * plant a link or a file under a name the store is about to use, or
 * rename the store's own files away; the store refuses to save there
 * rather than hope every open is safe against it.
 */
#ifndef SIPSH_FMODE_H
#define SIPSH_FMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	FMODE_CONF = 0600,  /* the file, its versions, temporaries: secrets
			     * (0660 with the admin group: roles.h) */
	FMODE_SIDE = 0600,  /* the lock, exclusive-lock, confirm, last-commit */
	FMODE_HIST = 0700,  /* the history directory */
	/* the same when the file's group is the admin group (roles.h) */
	FMODE_CONF_SHARED = 0660,
	FMODE_SIDE_SHARED = 0660,
	FMODE_HIST_SHARED = 0770,
	FMODE_VIEW = 0640,  /* the masked rendering, for the view group */
};

/*
 * Whether a directory may be writable by group gid: only a group every
 * member of which may configure anyway, the admin group (roles.h).
 */
bool fmode_group_trusted(gid_t gid);

/*
 * Whether the directory open as dfd (its path dir, for the message)
 * may hold the configuration's files: writable by no one but its owner
 * (or a trusted group), sticky or not; with above, every directory
 * above it too, unless sticky (as /tmp is: there no one else can rename
 * what is below it). 0, or EPERM with why[] naming the directory, its
 * mode and who else can write it.
 */
int fmode_dir_check(int dfd, const char *dir, bool above, char *why,
		    size_t size);

#endif
