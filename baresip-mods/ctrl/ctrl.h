/*
 * What the files of the ctrl module share: the client and request types
 * and the calls between the socket (sock.c), the client connections
 * (client.c), the JSON framing (json.c), request parsing (req_parse.c)
 * and replies (request.c), the command table (commands.c), the command
 * groups (cmd_status.c, cmd_call.c, cmd_ua.c, trace.c), the registration
 * state (regstat.c), the UA events (events.c) and who may do what
 * (auth.c). ctrl.c, the module itself, documents the protocol.
 */
#ifndef CTRL_H
#define CTRL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "baresip.h"
#include "req_parse.h"

enum {
	INBUF_MAX   = 64 * 1024,       /* longest request line */
	OUTBUF_MAX  = 4 * 1024 * 1024, /* replies and events not yet read */
	READ_CHUNK  = 4096,
	MAX_CLIENTS = 32,
	RESERVE     = 8,    /* of them, only for admins */
	PER_UID_MAX = 8,    /* connections of one user (root: no limit) */
	IDLE_MS     = 5000, /* for a request to be complete */
	BACKLOG     = 16,
};

/* What a client may do; ordered: a role may do what those below may. */
enum role {
	ROLE_NONE = 0,
	ROLE_VIEW,
	ROLE_ADMIN,
};

/* Who is at the other end, as the kernel said when it connected. */
struct peer {
	uid_t uid;
	pid_t pid;
	enum role role;
};

struct client {
	struct le le;
	int fd;
	struct mbuf *in;     /* bytes of the request line being received */
	struct mbuf *out;    /* bytes queued for the client: pos..end */
	struct tmr idle;     /* running while a request is incomplete */
	struct peer peer;
	bool trace;
};

/* What the UA events told us about one account's registration. */
struct regstat {
	struct le le;
	const struct ua *ua; /* identity only: compared, never dereferenced */
	char *aor;
	const char *state;
	char last[256];
	uint32_t attempts;
	time_t since;
	time_t confirmed;    /* the last 200 OK to a REGISTER; 0: none */
	char fail[128];      /* the last failure as baresip or regctl said it */
	struct regdns *dnsq;     /* regdns.c: the names asked again */
	char *dnsname;
	bool dns_failed;     /* last says the DNS failure for fail */
	bool dns_probing;    /* the name is being asked for fail */
	struct tmr dns_tmr;  /* how long the probe waits for an answer */
};

/* One request being answered. */
struct req {
	struct client *cl;
	const struct odict *od;
};

/* The answer to it: data on success, err on failure. */
struct rep {
	struct odict *data;
	bool array;
	char err[256];
};

typedef int (cmd_h)(const struct req *rq, struct rep *rp);

static inline const char *nz(const char *s)
{
	return s ? s : "";
}

/* auth.c */
int  auth_init(void);
int  auth_peer(int fd, struct peer *p);
bool auth_permits(const struct peer *p, enum role need, char *why,
		  size_t whysz);
const char *auth_group(enum role r);
const char *role_name(enum role r);

/* sock.c */
int  socket_open(const char *path, mode_t mode, bool chgrp, gid_t gid);
void socket_close(void);

/* client.c */
int  client_add(int fd);
void client_drop(struct client *cl, const char *why);
void client_send_odict(struct client *cl, const struct odict *od);
void client_broadcast(const struct odict *od, bool tracing_only);
bool clients_tracing(void);
void clients_flush(void);

/* json.c */
void utf8_sanitize(char *s);

/* request.c */
void handle_line(struct client *cl, const char *p, size_t len);
int  rep_fail(struct rep *rp, int err, const char *fmt, ...);
int  rep_arr_add(struct odict *arr, int type, const void *val);
int  reply_id(struct rep *rp, const char *key, const char *val);
int  param_str(const struct req *rq, struct rep *rp, const char *key,
	       const char **valp);
int  param_bool(const struct req *rq, struct rep *rp, const char *key,
		bool *valp);

/* commands.c */
struct cmd;
int  command_run(const char *name, const struct req *rq, struct rep *rp);
int  command_role(const char *name, enum role *rolep);
const struct cmd *ext_find(const char *name);
int  ext_call(const struct cmd *cmd, const struct odict *params,
	      struct odict **datap, char *why, size_t whysz);

/* cmd_status.c */
void status_init(void);
const char *call_state_name(enum call_state st);
int  cmd_version(const struct req *rq, struct rep *rp);
int  cmd_registrations(const struct req *rq, struct rep *rp);
int  cmd_calls(const struct req *rq, struct rep *rp);
int  ext_info_add(const struct cmd *hook, struct odict *o, const char *id,
		  const char *aor);

/* cmd_call.c */
int  find_ua(struct rep *rp, const char *aor, struct ua **uap);
int  cmd_dial(const struct req *rq, struct rep *rp);
int  cmd_answer(const struct req *rq, struct rep *rp);
int  cmd_hangup(const struct req *rq, struct rep *rp);
int  cmd_hold(const struct req *rq, struct rep *rp);
int  cmd_resume(const struct req *rq, struct rep *rp);

/* cmd_ua.c */
int  cmd_ua_add(const struct req *rq, struct rep *rp);
int  cmd_ua_del(const struct req *rq, struct rep *rp);

/* cmd_reload.c */
int  cmd_conf_reload(const struct req *rq, struct rep *rp);
int  cmd_conf_check(const struct req *rq, struct rep *rp);

/* regstat.c */
struct regstat *regstat_get(const struct ua *ua);
void regstat_prune(void);
void regstat_forget(const struct ua *ua);
void regstat_flush(void);
void reg_event(struct ua *ua, enum ua_event ev, const char *prm);
void regstat_announce(const struct regstat *rs);

/* regdns.c */
void regdns_probe(struct regstat *rs, const struct ua *ua);
void regdns_stop(struct regstat *rs);

/* trace.c */
void trace_init(void);
void trace_update(void);
void trace_restore(void);
void trace_stack_exit(void);
int  cmd_trace(const struct req *rq, struct rep *rp);

/* log_plain.c */
void log_plain_start(void);
void log_plain_stop(void);

/* events.c */
void ctrl_event_handler(struct ua *ua, enum ua_event ev, struct call *call,
			const char *prm, void *arg);

#endif
