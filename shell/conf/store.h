/*
 * The configuration file on disk. It holds SIP passwords, so it is only
 * ever written whole, mode 0600 (0660 when the file belongs to the admin
 * group: roles.h), by an atomic rename; the last STORE_KEEP
 * saved versions are kept beside it for rollback; and a save can be made
 * conditional on the file not having changed since it was read, so that
 * two shells editing at once cannot silently undo each other's commit.
 *
 * On disk, for a file DIR/NAME:
 *
 *   DIR/NAME            the current configuration
 *   DIR/.NAME.lock      flock'ed by every saver for the whole save (0600)
 *   DIR/.NAME.XXXXXX    a save in progress (or left by a killed saver)
 *   DIR/NAME.history/   0700 (0770 for the admin group); one file per
 *                       saved version, named by its
 *                       sequence number, "000041"; the newest is NAME
 *
 * None of these is reached through a link, and DIR and the history must
 * be writable by no one but their owner (fmode.h, sidefile.h).
 *
 * Functions return 0 or an errno value and set their outputs only on
 * success. Allocated outputs are libre mem objects: mem_deref them.
 */
#ifndef SIPSH_STORE_H
#define SIPSH_STORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct re_printf;

enum {
	STORE_ID_LEN = 32,   /* SHA-256 */
	STORE_KEEP = 10,     /* versions kept in the history */
	STORE_MAX = 1 << 20, /* bytes a configuration file may have */
};

/* The error for a path that is not a regular file (a FIFO, a device). */
#define STORE_ENOTREG ENODEV

/* What went wrong, in words for a user (strerror for the rest). */
const char *store_strerror(int err);

/*
 * The path a configuration file is saved at: path itself, or the file a
 * symlink path names (ENOLINK: it names nothing), so a save writes through
 * the link to its target atomically instead of replacing the link.
 */
int store_path(char **outp, const char *path);

/*
 * The identity of a file's content: its SHA-256. The all-zero id stands
 * for "no file" (a zeroed struct is that), which no content hashes to.
 */
struct store_id {
	uint8_t b[STORE_ID_LEN];
};

/* One saved version, as store_history lists them. */
struct store_ver {
	unsigned seq;     /* increasing, never reused */
	time_t mtime;     /* when it was saved */
	size_t size;      /* bytes */
	uid_t uid;        /* owner of the version file */
};

/*
 * Reads the whole file, NUL-terminated, and the id of what was read;
 * either output may be NULL. A missing file is ENOENT (its id, for
 * store_save, is the zero id: see store_id_current); one that is not a
 * regular file is STORE_ENOTREG, one above STORE_MAX bytes EFBIG.
 */
int  store_read(const char *path, char **textp, struct store_id *idp);
/* The same, and the length of the text read, which may hold NUL bytes. */
int  store_read_len(const char *path, char **textp, size_t *lenp,
		    struct store_id *idp);

/*
 * Replaces the file with text, atomically, and records it as the newest
 * version. With base non-NULL, the save is refused with EAGAIN, writing
 * nothing, when the file's content is no longer the one base names (zero
 * id: the file must not exist). On failure the file is as it was, except
 * that a failed fsync of the directory after the rename is still reported
 * though the new content is in place: re-read the id after any error.
 * EPERM: DIR or the history is writable by others (side_check says how);
 * ELOOP, ENOTDIR, EMLINK, ENODEV: a link or another file stands at the
 * name of the lock or the history.
 */
int  store_save(const char *path, const char *text, size_t len,
		const struct store_id *base);

/* The saved versions, newest first; *versp is a mem array of *np. */
int  store_history(const char *path, struct store_ver **versp, size_t *np);

/* The text of one saved version, NUL-terminated; ENOENT if not kept,
 * EBADMSG if it holds a NUL byte (it was tampered with). */
int  store_version_read(const char *path, unsigned seq, char **textp);

/*
 * The id of content in memory. After a successful store_save, the base
 * for the next one is the id of the text saved, not of the file re-read:
 * another session may have saved in between, and that change would be
 * lost.
 */
int  store_id_calc(const void *data, size_t len, struct store_id *idp);

/* The id of the file as it is now; the zero id if it does not exist. */
int  store_id_current(const char *path, struct store_id *idp);
bool store_id_equal(const struct store_id *a, const struct store_id *b);
bool store_id_isnone(const struct store_id *id);

/* The first 12 hex digits, enough to tell versions apart in messages. */
int  store_id_print(struct re_printf *pf, const struct store_id *id);

#endif
