/*
 * Who may configure and commit. 'configure exclusive' takes
 * DIR/.NAME.excl with flock(LOCK_EX) on a descriptor of this process, so
 * the kernel drops it when the process ends however it ends; the file
 * says who holds it ("PID SINCE USER") for the refusals. As an observer
 * of the commit path, the lock refuses a commit by anyone else while it
 * is held, and a commit by a user who cannot replace the file.
 */
#ifndef SIPSH_LOCK_H
#define SIPSH_LOCK_H

#include <stdbool.h>
#include <stddef.h>

enum { LOCK_WHO_SZ = 192 };

/*
 * Takes the exclusive lock for this process. EWOULDBLOCK: another
 * process holds it, and who[] says who ("user U (pid P) since DATE").
 */
int  lock_excl_take(const char *path, char *who, size_t size);
/* Lets go of it (nothing when not held). */
void lock_excl_release(void);
/* Whether this process holds it. */
bool lock_excl_mine(void);
/* Whether another process holds it; *heldp, and who. */
int  lock_excl_other(const char *path, bool *heldp, char *who, size_t size);

/*
 * 0 when this user may replace the file (write it, create files in its
 * directory); else the errno, and *badp (mem string) names what is not
 * writable.
 */
int  lock_writable(const char *path, char **badp);

/* The lock as an observer of the commit path. */
int  lock_commit_register(void);

#endif
