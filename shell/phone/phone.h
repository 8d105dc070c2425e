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

struct mbuf;
struct odict;
struct re_printf;

/* The paths (phone_paths.c). The configuration file this process works
 * on, made absolute; it decides the runtime directory and the phone it
 * may drive. Unset (NULL), no file is tied to a phone. */
int phone_paths_conf(const char *path);
const char *phone_paths_conf_file(void);
/* Where the runtime state lives: $SIPSH_RUNDIR, else the one recorded
 * beside the configuration file (.FILE.run-dir), else the built-in one. */
const char *phone_rundir(void);
/* Where our baresip modules are: $SIPSH_MODDIR, else build/baresip-mods
 * beside a sipsh run from the build tree, else the installed ones. */
const char *phone_moddir(void);
/* EBUSY, and why, when the runtime directory's running phone belongs to
 * another configuration file. */
int phone_paths_check(char *err, size_t errsz);
/* Before generating into the runtime directory: the check above, then
 * the directory records that its phone belongs to this file. */
int phone_paths_claim(char *err, size_t errsz);
/* After a start: the runtime directory recorded beside the file. */
int phone_paths_started(char *err, size_t errsz);
/* ENOENT, naming them and the fix, when modules we were built with are
 * missing from the module directory. */
int phone_modules_check(char *err, size_t errsz);

/* The AOR baresip knows account N by ("sip:100@127.0.0.1"). */
int phone_account_aor(char **aorp, const struct cfg *c, int id);
/* The account line of account N for baresip's accounts file / ua_add. */
int phone_account_line(char **linep, const struct cfg *c, int id);
/* The interface address SIP binds to ("" for all), or an error. */
int phone_bind_addr(const struct cfg *c, char *addr, size_t sz);

/*
 * baresip's configuration for c, made in memory: a configuration the
 * phone cannot run (an interface that does not exist) is refused here,
 * before anything is written or saved.
 */
struct phone_gen {
	struct cfg *cfg;        /* what it was made from */
	struct mbuf *config;    /* RUNDIR/baresip/config */
	struct mbuf *accounts;  /* RUNDIR/baresip/accounts (passwords) */
	struct mbuf *ca;        /* RUNDIR/baresip/trusted-ca.pem, or empty */
};

int phone_build(struct phone_gen **gp, const struct cfg *c, char *err,
		size_t errsz);
/* Writes RUNDIR/baresip/ (config, accounts, modules/), the service and
 * RUNDIR/applied.conf, the configuration the phone now runs from. */
int phone_gen_write(const struct phone_gen *g, char *err, size_t errsz);
/* Both: build, then write. */
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

/* What is installed (phone_version.c): the version of baresip's
 * executable, whether NAME is one of our modules, and their names. */
const char *phone_baresip_bin(void);
int  phone_baresip_installed(char *ver, size_t sz);
bool phone_module_ours(const char *name);
int  phone_modules_installed(char *buf, size_t sz);

/* One request to the control socket and its reply's data (or error). */
int ctrl_request(struct odict **datap, const char *command,
		 struct odict *params, char *err, size_t errsz);

/* The phone as an observer of the commit path (commit.h): it refuses a
 * configuration it cannot run, asks before ending calls, and applies. */
int phone_commit_register(void);

#endif
