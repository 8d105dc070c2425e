/*
 * Modes of the store's files and the trust of the directories they are
 * made in (see fmode.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "re_base.h"
#include "fmode.h"
#include "roles.h"

bool fmode_group_trusted(gid_t gid)
{
	gid_t admin;

	return 0 == roles_gid(roles_admin_group(), &admin) && gid == admin;
}

/* Who other than the owner can write a directory of mode st; NULL: no
 * one. A sticky directory above the configuration's is let through. */
static const char *writers(const struct stat *st, bool sticky_ok,
			   char *grp, size_t size)
{
	const struct group *gr;

	if (sticky_ok && (st->st_mode & S_ISVTX))
		return NULL;
	if (st->st_mode & S_IWOTH)
		return "every user";
	if (!(st->st_mode & S_IWGRP) || fmode_group_trusted(st->st_gid))
		return NULL;

	gr = getgrgid(st->st_gid);
	if (gr && gr->gr_name)
		(void)re_snprintf(grp, size, "group %s", gr->gr_name);
	else
		(void)re_snprintf(grp, size, "group %u", (unsigned)st->st_gid);

	return grp;
}

static int refuse(char *why, size_t size, const char *dir, const char *who,
		  const struct stat *st, bool above)
{
	char mode[8];

	if (!why || !size)
		return EPERM;

	/* libre's printer knows no octal. */
	(void)snprintf(mode, sizeof(mode), "%04o",
		       (unsigned)(st->st_mode & 07777));

	if (above)
		(void)re_snprintf(why, size, "%s, above the configuration's "
				  "directory, is writable by %s and not "
				  "sticky (mode %s), so others could move "
				  "the directory away: make it writable by "
				  "its owner only (chmod go-w %s)", dir, who,
				  mode, dir);
	else
		(void)re_snprintf(why, size, "%s is writable by %s (mode "
				  "%s), so others could plant links or "
				  "files under the names sipsh saves to: make "
				  "it writable by its owner only (chmod go-w "
				  "%s) or keep the configuration elsewhere",
				  dir, who, mode, dir);

	return EPERM;
}

/* The directories above dir, from its real path up to "/". */
static int check_above(const char *dir, char *why, size_t size)
{
	char *real, grp[64], *slash;
	const char *who;
	struct stat st;
	int err = 0;

	real = realpath(dir, NULL);
	if (!real)
		return 0;       /* the open directory itself was checked */

	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &st))
			break;
		who = writers(&st, true, grp, sizeof(grp));
		if (who) {
			err = refuse(why, size, real, who, &st, true);
			break;
		}
		if (slash == real)
			break;
	}

	free(real);
	return err;
}

int fmode_dir_check(int dfd, const char *dir, bool above, char *why,
		    size_t size)
{
	char grp[64];
	const char *who;
	struct stat st;

	if (dfd < 0 || !dir)
		return EINVAL;

	if (fstat(dfd, &st))
		return errno;

	who = writers(&st, false, grp, sizeof(grp));
	if (who)
		return refuse(why, size, dir, who, &st, false);

	return above ? check_above(dir, why, size) : 0;
}
