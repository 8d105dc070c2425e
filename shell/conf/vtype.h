/*
 * Value types. A setting's type decides how text typed by a user or read
 * from the file is checked and normalised, and what '?' shows for it. All
 * type behaviour lives here, never in per-setting code: the schema row
 * only names its type and, where the type needs them, a range, an enum
 * table or a length bound.
 */
#ifndef SIPSH_VTYPE_H
#define SIPSH_VTYPE_H

#include <stdbool.h>
#include <stddef.h>

struct setting;
struct re_printf;

#define DIAG_SZ 256

/* What a check has to say: a refusal, or a warning about accepted input. */
struct diag {
	char err[DIAG_SZ];
	char warn[DIAG_SZ];
};

void diag_err(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn(struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum vkind {
	VK_VALUE = 0,   /* one word (possibly quoted) after the keyword */
	VK_BOOL,        /* no value: 'key' is on, 'no key' is off */
	VK_BLOCK,       /* lines after the keyword up to a line 'quit' */
};

/*
 * parse: check 'in' for setting 's' and give its canonical text in
 *        *canonp (allocated with mem_alloc; the caller derefs it).
 *        Clears *dg, then returns 0, or EINVAL/ERANGE with dg->err set
 *        (ENOMEM may leave it empty). May set dg->warn on success. The
 *        shell never parses a VK_BOOL from text (its words are the
 *        value); vt_bool's parse serves code reading yes/no values.
 * syntax: print what '?' shows for the value, e.g. "<1-65535>".
 */
struct vtype {
	const char *name;
	enum vkind kind;
	int (*parse)(const struct setting *s, const char *in, char **canonp,
		     struct diag *dg);
	int (*syntax)(struct re_printf *pf, const struct setting *s);
};

extern const struct vtype vt_bool;      /* yes/no, stored "yes"/"no" */
extern const struct vtype vt_int;       /* integer in [min, max] */
extern const struct vtype vt_port;      /* UDP/TCP port in [min, max] */
extern const struct vtype vt_portrange; /* "START-END", both in [min, max] */
extern const struct vtype vt_enum;      /* one of s->enums, or an alias */
extern const struct vtype vt_host;      /* DNS name, IPv4 or IPv6 address */
extern const struct vtype vt_hostport;  /* host[:port], [IPv6][:port] */
extern const struct vtype vt_addrport;  /* IPv4[:port], IPv6, [IPv6][:port] */
extern const struct vtype vt_prefix;    /* IPv4/IPv6 address or prefix */
extern const struct vtype vt_ifname;    /* network interface name */
extern const struct vtype vt_string;    /* printable text, length bounded */
extern const struct vtype vt_word;      /* like string, but no blanks */
extern const struct vtype vt_dscp;      /* cs0-cs7, af11-af43, ef or 0-63 */
extern const struct vtype vt_sipuser;  /* SIP user: text, no '"' or '\\' */
extern const struct vtype vt_secret;    /* a password: masked in show */
extern const struct vtype vt_pem;       /* PEM CA certificate(s) */

/* The DSCP value (0-63) of a canonical dscp text, or -1. */
int dscp_value(const char *canon);

/* Split canonical PEM text into its certificates; h is called for each. */
int pem_foreach(const char *canon,
		int (*h)(const char *pem, size_t len, void *arg), void *arg);

#endif
