/*
 * The record of the last commit, DIR/.NAME.last-commit, so that the other
 * sessions on the file (a second SSH login, the setup menu) can be told
 * what changed under them and by whom: "PID UID TIME ID ORIGIN\tREPORT",
 * written by the commit path after every save. It holds no secret.
 */
#ifndef SIPSH_COMMIT_LOG_H
#define SIPSH_COMMIT_LOG_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include "commit.h"

struct commit_note {
	long pid;                       /* the process that committed */
	uid_t uid;
	time_t when;
	struct store_id id;             /* the content it saved */
	char origin[64];
	char report[COMMIT_REPORT_SZ];
};

int commit_log_write(const struct commit *cm);

/* The last record; ENOENT when there is none. */
int commit_log_read(const char *path, struct commit_note *note);

/*
 * What a session that last saw the file as *seen should be told now
 * that it holds *now: one line, without "% ", to pf. Nothing when this
 * process made the change.
 */
int commit_log_tell(struct re_printf *pf, const char *path,
		    const struct store_id *now);

#endif
