/*
 * The small files kept beside the configuration file DIR/NAME, named
 * DIR/.NAME<suffix> (the store's DIR/.NAME.lock, the exclusive lock, the
 * commit-confirmed state, the record of the last commit), and the few
 * helpers the code that keeps them shares.
 *
 * None of them is ever reached through a link: each is opened relative
 * to the configuration's directory, with O_NOFOLLOW, and only as a
 * regular file with no second hard link; a new one is made under a
 * fresh name with O_EXCL and renamed into place, or created by a single
 * openat that cannot follow a planted symlink. The configuration file
 * itself may be a symlink (store_path follows it on purpose); the files
 * beside it may not.
 */
#ifndef SIPSH_SIDEFILE_H
#define SIPSH_SIDEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* The names beside DIR/NAME: DIR/.NAME<suffix>, and DIR/NAME.history. */
#define SIDE_LOCK     ".lock"
#define SIDE_EXCL     ".excl"
#define SIDE_CONFIRM  ".confirm"
#define SIDE_STOP     ".confirm-stop"   /* the guard's FIFO (confirm.c) */
#define SIDE_LAST     ".last-commit"
#define SIDE_HIST     ".history"

/* The file's directory ("." when the path has none) and its name. */
int  side_parts(const char *path, char **dirp, const char **namep);
/* DIR/.NAME plus suffix (mem string). */
int  side_path(char **pp, const char *path, const char *suffix);
/* Gives a side file made by root the owner of the configuration file,
 * and one of a configuration of the admin group to the group (0660). */
void side_owner(int fd, const char *path);
/* What side_owner gives: *own's st_uid and st_gid ((uid_t)-1 and
 * (gid_t)-1 where they stay) and st_mode, for a file made with them. */
void side_owner_of(const char *path, struct stat *own);
/* An absolute form of path (mem string). */
int  side_abspath(char **pp, const char *path);

/* Opens path's directory (O_DIRECTORY; a symlinked directory is the
 * administrator's layout, followed as the file itself is); *namep, when
 * asked for, the file's name in it (within path). */
int  side_dir_open(const char *path, int *dfdp, const char **namep);
/*
 * Opens name in dfd with flags (O_CREAT: mode) and never through a
 * symlink (ELOOP); what is there must be a regular file (else ENODEV)
 * with one link (else EMLINK).
 */
int  side_openat(int dfd, const char *name, int flags, mode_t mode,
		 int *fdp);
/* The same for DIR/.NAME<suffix>; a file made by root gets the owner
 * of the configuration file. */
int  side_open(const char *path, const char *suffix, int flags, int *fdp);
/*
 * Whether the store may make its files beside path: its directory and
 * those above trusted (fmode.h), and nothing planted under the names it
 * uses (a symlink, a FIFO, a hard link, a history that others can
 * write). 0, or an errno with why[] naming the directory or the name
 * and what is wrong with it.
 */
int  side_check(const char *path, char *why, size_t size);

/* A user's name, or "uid N". */
void side_user(char *buf, size_t size, uid_t uid);
/* "2026-12-01 09:10:11", or with date false "09:10:11". */
void side_time(char *buf, size_t size, time_t t, bool date);
/* Sleeps one step of a bounded wait (10 ms). */
void side_nap(void);

#endif
