/*
 * A session: one user (or one batch run) working on the configuration.
 * It holds the committed configuration as read from the file, the staged
 * candidate of configure mode, the current mode, and where input comes
 * from and output goes. Every command runs through sess_exec_line().
 */
#ifndef SIPSH_SESSION_H
#define SIPSH_SESSION_H

#include <stdbool.h>
#include "conf.h"
#include "grammar.h"
#include "match.h"
#include "store.h"
#include "conf_read.h"
#include "conf_check.h"

struct re_printf;

/* sess_error() without a place in the line. */
#define NOCOL ((size_t)-1)

/* Where lines come from: a file, -c arguments, a terminal. */
struct input {
	/* 0 and *linep (mem string, no newline), or ENODATA at the end. */
	int (*readline)(struct input *in, const char *prompt, bool echo,
			char **linep);
	const char *name;       /* for messages: a path, "-c", "stdin" */
	unsigned lineno;        /* of the line last read */
	void *arg;
};

enum sess_kind {
	SESS_BATCH,             /* -c, -f, stdin: errors FILE:LINE: % ... */
	SESS_TTY,               /* a person at a terminal */
};

struct session {
	enum sess_kind kind;
	char *path;             /* the configuration file */
	struct cfg *running;   /* what the file holds */
	struct store_id base;   /* the file's identity when read */
	struct store_id seen;   /* the file as this session was last told */
	struct cfg *cand;      /* staged edits; NULL outside configure */
	int mode;               /* enum mode */
	int inst;               /* the instance, in a section mode */
	struct input *in;
	struct re_printf *pf;   /* output of commands */
	size_t prompt_len;      /* for the caret under a wrong word */
	bool json;              /* '| json': print machine-readable */
	bool filtering;         /* output goes through '|' filters */
	struct re_printf *note_pf;  /* ... and sess_note() past them */
	unsigned term_length;   /* pager lines (0: no pager) */
	char **hist;            /* commands of this session, secrets masked */
	size_t nhist;
	char *last_masked;      /* the last line, secrets masked */
	unsigned warnings;
	bool stop;              /* 'exit' from exec: leave the shell */
	bool keep_going;        /* batch: report every error, then stop */
	bool force;             /* batch: commit even if calls would drop */
	bool no_apply;          /* save only; the phone is left alone */
	bool quiet;             /* batch -q: no "Committed: ..." line */
	unsigned failed;        /* commands refused so far */
	int watch_fd;           /* a stream to show as it comes (debug sip) */
	void (*watch_h)(struct session *s);   /* called when it is readable */
};

/* The exit statuses of batch runs, documented in sipsh(1). */
enum sipsh_exit {
	EXIT_OK = 0,
	EXIT_CMD = 1,           /* a command was refused */
	EXIT_USAGE = 2,         /* bad command-line options */
	EXIT_CHECK = 3,         /* the configuration failed its checks */
	EXIT_FILE = 4,          /* the file could not be read or saved */
	EXIT_CONFLICT = 5,      /* another session changed the file */
};

int  sess_alloc(struct session **sp, enum sess_kind kind, const char *path,
		struct re_printf *pf);
int  sess_exec_line(struct session *s, const char *line);
int  sess_run_input(struct session *s, struct input *in);
int  sess_configure(struct session *s);
int  sess_reload(struct session *s);
int  sess_commit(struct session *s, unsigned flags);  /* commit.h */
int  sess_check(struct session *s);
int  sess_commit_check(struct session *s, bool verbose);
void sess_leave_config(struct session *s);
bool sess_dirty(const struct session *s);

/*
 * Outside configure mode, the running configuration is re-read when the
 * file changed, so 'show running-config' is what is in effect now.
 */
int  sess_refresh(struct session *s);
/* Tells the user (a line on stderr) of a commit made by another session
 * or process since this one last looked: before a prompt. */
void sess_notice(struct session *s);

size_t sess_mode_chain(const struct session *s, int *modes);

int  sess_history_add(struct session *s, const char *line);

int  sess_read_block(struct session *s, char **textp);
int  sess_read_secret(struct session *s, const char *prompt, char **textp);

/* Messages: located as the session's kind wants them. */
void sess_error(struct session *s, size_t col, const char *fmt, ...);
void sess_warn(struct session *s, size_t col, const char *fmt, ...);
int  sess_printf(struct session *s, const char *fmt, ...);
/* What is said about the output rather than being part of it (a table's
 * head, "No calls"): past the filters, and not counted by '| count'. */
int  sess_note(struct session *s, const char *fmt, ...);

/* The instance of the current section mode, in the candidate. */
struct inst *sess_inst(const struct session *s);

/* What a command handler is given. */
struct cmdctx {
	const struct match *m;
	const struct toks *t;
	size_t first;           /* index of the command's first word */
	size_t end;             /* one past its last word (a '|' or the end) */
};

const char *ctx_value(const struct cmdctx *c, size_t nth);
bool ctx_word(const struct cmdctx *c, const char *word);

#endif
