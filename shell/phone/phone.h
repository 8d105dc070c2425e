/*
 * The phone as the shell sees it: baresip's configuration generated from
 * the committed configuration, the service that runs it (runit's runsv,
 * or systemd), and the control socket of our 'ctrl' module.
 */
#ifndef SIPSH_PHONE_H
#define SIPSH_PHONE_H

#include <stdbool.h>
#include <sys/types.h>
#include "conf.h"

struct odict;
struct re_printf;
struct session;

/* Where the runtime state lives: $SIPSH_RUNDIR, else the built-in one. */
const char *phone_rundir(void);
/* Where our baresip modules are: $SIPSH_MODDIR, else the built-in one. */
const char *phone_moddir(void);

/* The AOR baresip knows account N by ("sip:100@127.0.0.1"). */
int phone_account_aor(char **aorp, const struct cfg *c, int id);
/* The account line of account N for baresip's accounts file / ua_add. */
int phone_account_line(char **linep, const struct cfg *c, int id);
/* The interface address SIP binds to ("" for all), or an error. */
int phone_bind_addr(const struct cfg *c, char *addr, size_t sz);

/* Write RUNDIR/baresip/ (config, accounts, modules/) and the service. */
int phone_generate(const struct cfg *c, char *err, size_t errsz);

/* The service. */
struct phone_status {
	bool supervised;        /* a supervisor is watching it */
	bool running;
	bool want_up;
	pid_t pid;
	long uptime;            /* seconds */
	char supervisor[16];    /* "runit" or "systemd" */
};

int phone_svc_status(struct phone_status *st);
int phone_svc_start(char *err, size_t errsz);
int phone_svc_stop(char *err, size_t errsz);
int phone_svc_restart(char *err, size_t errsz);

/* One request to the control socket and its reply's data (or error). */
int ctrl_request(struct odict **datap, const char *command,
		 struct odict *params, char *err, size_t errsz);

/* Apply a committed configuration to the running phone. */
int phone_apply(struct session *s, const struct cfg *new);
/* Before a commit: the calls it would drop; 0 and a printable list. */
int phone_apply_drops(const struct cfg *new, char **listp, unsigned *np);

/* Write a file whole (temporary file renamed into place). */
int phone_file_write(const char *path, mode_t mode, const char *text,
		     size_t len);

#endif
