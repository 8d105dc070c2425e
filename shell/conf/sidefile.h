/*
 * The small files kept beside the configuration file DIR/NAME, named
 * DIR/.NAME<suffix> (the store's DIR/.NAME.lock, the exclusive lock, the
 * commit-confirmed state, the record of the last commit), and the few
 * helpers the code that keeps them shares.
 */
#ifndef SIPSH_SIDEFILE_H
#define SIPSH_SIDEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The file's directory ("." when the path has none) and its name. */
int  side_parts(const char *path, char **dirp, const char **namep);
/* DIR/.NAME plus suffix (mem string). */
int  side_path(char **pp, const char *path, const char *suffix);
/* Gives a side file made by root the owner of the configuration file,
 * and one of a configuration of the admin group to the group (0660). */
void side_owner(int fd, const char *path);
/* An absolute form of path (mem string). */
int  side_abspath(char **pp, const char *path);

/* A user's name, or "uid N". */
void side_user(char *buf, size_t size, uid_t uid);
/* "2026-12-01 09:10:11", or with date false "09:10:11". */
void side_time(char *buf, size_t size, time_t t, bool date);
/* Sleeps one step of a bounded wait (10 ms). */
void side_nap(void);

#endif
