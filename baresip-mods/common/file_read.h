/*
 * Small files of /proc read whole into a buffer, for the modules that
 * look at their own process (its start time, its command line).
 */
#ifndef SIPSH_FILE_READ_H
#define SIPSH_FILE_READ_H

#include <stddef.h>

/*
 * Reads at most sz - 1 bytes of path with one read() into buf and ends
 * them with a NUL. Returns 0 with *lenp the bytes read, ENODATA for an
 * empty file, or an errno value.
 */
int sipsh_file_read(const char *path, char *buf, size_t sz, size_t *lenp);

#endif
