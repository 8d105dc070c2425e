/*
 * The one atomic writer for every file that holds configuration or
 * secrets: the configuration file and its history (store.c), the
 * record of what the phone runs, and baresip's generated files. A file
 * is written to a temporary file in the same directory, with its final
 * mode set before any byte is in it, fsynced, renamed over the old one,
 * and the directory fsynced: a reader, or a machine that loses power,
 * sees the old file or the new one, never part of either.
 */
#ifndef SIPSH_AFILE_H
#define SIPSH_AFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/*
 * Writes data to a fresh temporary file in the directory dfd, named
 * prefix and six random letters or digits, created with O_EXCL and
 * O_NOFOLLOW so that nothing planted under that name (a symlink, a
 * file) can receive it: mode set first, owner (if given) and mtime (if
 * given) kept, fsynced and closed; *namep (mem string) is its name in
 * dfd. On error nothing is left behind.
 */
int afile_temp_at(int dfd, const char *prefix, mode_t mode, const void *data,
		  size_t len, const struct stat *owner,
		  const struct timespec *mtime, char **namep);

/* Creates the empty file of afile_temp_at, mode 0600, and keeps it open
 * for writing in *fdp. */
int afile_temp_open(int dfd, const char *prefix, int *fdp, char **namep);

/*
 * Replaces path with data, atomically and durably. After an error the
 * old file is in place, except when only the fsync of the directory
 * after the rename failed: then EIO-like errors are returned with the new
 * content in place (compare the content to tell).
 */
int afile_write(const char *path, mode_t mode, const void *data,
		size_t len);

/*
 * afile_write() without the fsync of the directory, owned as owner
 * says (afile_temp_at) when given, for a file whose
 * loss at a power cut costs nothing but the news it carries (the commit
 * record): a reader, or a machine that lost power, still finds the old
 * file or the new one whole, but the new one may not be there after a
 * crash. Saves a directory fsync where one is paid anyway right after
 * (the save of the configuration, in the same directory) or not needed.
 */
int afile_replace(const char *path, mode_t mode, const struct stat *owner,
		  const void *data, size_t len);

/* mkdir -p: path and its missing parents, with this mode; 0 or errno. */
int afile_mkdirs(const char *path, mode_t mode);

/* write(2) until all of it is written. */
int afile_write_all(int fd, const void *data, size_t len);

#endif
