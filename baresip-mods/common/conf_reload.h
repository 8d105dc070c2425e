/*
 * Settings our modules take again while baresip runs. sipsh's generator
 * writes the whole config file either way (a restart reads the same);
 * for a change that needs no new transport the shell then asks ctrl for
 * "conf_reload", and ctrl hands the newly written file to every loaded
 * module that offers a reload, in two steps: each first checks all of
 * its keys and keeps what it would take (RELOAD_CHECK); only when every
 * module accepted does each take it (RELOAD_SWAP), which cannot fail.
 * When one refuses, those that had accepted forget what they kept
 * (RELOAD_DROP) and nothing changes: the shell restarts baresip instead
 * and says why.
 *
 * A module offers its reload as a command of baresip's command table
 * named MODULE_reload (its mod_export name and SIPSH_RELOAD_SUFFIX), with
 * the flag SIPSH_RELOAD_CMD and without CTRL_EXT_CMD, so it is reached
 * only through conf_reload, never as a socket command of its own:
 *
 *   static int reload_h(struct re_printf *pf, void *arg)
 *   {
 *           struct sipsh_reload *r = sipsh_reload_of(arg);
 *           if (!r)
 *                   return EINVAL;
 *           switch (r->phase) { ... }
 *   }
 *   static const struct cmd cmdv[] = {
 *           {"x_reload", 0, SIPSH_RELOAD_CMD, "x: take the config again",
 *            reload_h},
 *   };
 */
#ifndef SIPSH_CONF_RELOAD_H
#define SIPSH_CONF_RELOAD_H

#include "re_base.h"
#include "baresip.h"

enum {
	SIPSH_RELOAD_CMD   = 1 << 9,    /* a flag baresip 1.0.0 does not use */
	SIPSH_RELOAD_MAGIC = 0x726c6431, /* "rld1" */
	SIPSH_RELOAD_MAX   = 16,        /* modules taking part in one reload */
};

#define SIPSH_RELOAD_SUFFIX "_reload"

enum sipsh_reload_phase {
	RELOAD_CHECK = 0,   /* read and check every key of conf; keep them */
	RELOAD_SWAP,        /* take what CHECK kept; cannot fail */
	RELOAD_DROP,        /* forget what CHECK kept */
};

struct sipsh_reload {
	uint32_t magic;                 /* SIPSH_RELOAD_MAGIC */
	enum sipsh_reload_phase phase;
	const struct conf *conf;        /* the new config (CHECK only) */
	char err[256];                  /* out of CHECK: why it refuses */
	char what[256];                 /* out of SWAP: what changed, as a
					 * phrase ("user agent 'x'"), or
					 * empty */
};

/* The request behind a reload command's argument, or NULL when the
 * command was not called by sipsh_reload_run(). */
static inline struct sipsh_reload *sipsh_reload_of(void *arg)
{
	const struct cmd_arg *ca = arg;
	struct sipsh_reload *r = ca ? ca->data : NULL;

	return r && ca->key == 0 && r->magic == SIPSH_RELOAD_MAGIC ? r : NULL;
}

/*
 * For ctrl: the whole reload of the config file at path. Returns 0 when
 * every module took it, with *modsp the modules that did ("sipwire
 * regctl phoneline") and *whatp what changed ("sipwire: user agent 'x'"),
 * both new strings; else an errno value with why ("sipwire: ...") and
 * nothing changed. With check, every module only checks the file and
 * forgets it: 0 when all would take it (*whatp then empty).
 */
int sipsh_reload_run(const char *path, bool check, char **modsp,
		     char **whatp, char *why, size_t whysz);

#endif
