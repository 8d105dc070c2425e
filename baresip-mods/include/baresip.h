/*
 * The part of baresip's module API that sipsh's baresip modules call.
 *
 * Debian ships baresip 1.0.0 as a binary that exports its API
 * (baresip-core 1.0.0-4+b3) but no baresip.h, so this header declares,
 * written for sipsh from the declarations of the upstream tag v1.0.0
 * (include/baresip.h) and checked against that Debian package's exported
 * symbols (nm -D /usr/bin/baresip), exactly what our modules use. Enums
 * keep their exact 1.0.0 order: their values cross the ABI. Anything added
 * here must be re-checked against the same tag and package; the versions
 * below are pinned at build time (Makefile) and at load time
 * (common/version_check.c).
 */
#ifndef SIPSH_BARESIP_H
#define SIPSH_BARESIP_H

#include "re_base.h"

/* The versions every module of ours is built for and refuses to run without. */
#define SIPSH_BARESIP_VERSION "1.0.0"
#define SIPSH_LIBRE_VERSION   "1.1.0"

#ifdef __cplusplus
extern "C" {
#endif


/*
 * Modules. Debian builds baresip without STATIC, so every module exports
 * one symbol named "exports" (libre's mod_load looks it up by that name).
 */
#define DECL_EXPORTS(name) __attribute__((visibility("default"))) exports


/*
 * Account
 */
struct account;

struct uri  *account_luri(const struct account *acc);
uint32_t     account_regint(const struct account *acc);
/* Read by ua_register() at each registration it starts. */
int          account_set_regint(struct account *acc, uint32_t regint);
const char  *account_aor(const struct account *acc);
const char  *account_outbound(const struct account *acc, unsigned ix);
const char  *account_display_name(const struct account *acc);
/* The digest credentials, read by 1.0.0 at each challenge; the setters
 * copy the string. */
const char  *account_auth_user(const struct account *acc);
const char  *account_auth_pass(const struct account *acc);
int          account_set_auth_user(struct account *acc, const char *user);
int          account_set_auth_pass(struct account *acc, const char *pass);


/*
 * Audio frames, sources and players. The sample formats are librem's
 * enum aufmt (rem_au.h); 1.0.0 calls a source's read handler with a
 * struct auframe and pulls a player's samples with its write handler, both
 * from any thread.
 */
struct media_ctx;
struct audio;

struct auframe {
	int fmt;             /* enum aufmt */
	void *sampv;
	size_t sampc;        /* samples, all channels */
	uint64_t timestamp;  /* AUDIO_TIMEBASE units */
};

struct ausrc;
struct ausrc_st;

struct ausrc_prm {
	uint32_t   srate;
	uint8_t    ch;
	uint32_t   ptime;       /* ms */
	int        fmt;         /* enum aufmt */
};

typedef void (ausrc_read_h)(struct auframe *af, void *arg);
typedef void (ausrc_error_h)(int err, const char *str, void *arg);
typedef int  (ausrc_alloc_h)(struct ausrc_st **stp, const struct ausrc *ausrc,
			     struct media_ctx **ctx,
			     struct ausrc_prm *prm, const char *device,
			     ausrc_read_h *rh, ausrc_error_h *errh, void *arg);

struct ausrc {
	struct le        le;
	const char      *name;
	struct list      dev_list;
	ausrc_alloc_h   *alloch;
};

struct auplay;
struct auplay_st;

struct auplay_prm {
	uint32_t   srate;
	uint8_t    ch;
	uint32_t   ptime;       /* ms */
	int        fmt;         /* enum aufmt */
};

typedef void (auplay_write_h)(void *sampv, size_t sampc, void *arg);
typedef int  (auplay_alloc_h)(struct auplay_st **stp, const struct auplay *ap,
			      struct auplay_prm *prm, const char *device,
			      auplay_write_h *wh, void *arg);

struct auplay {
	struct le        le;
	const char      *name;
	struct list      dev_list;
	auplay_alloc_h  *alloch;
};

int ausrc_register(struct ausrc **asp, struct list *ausrcl, const char *name,
		   ausrc_alloc_h *alloch);
int auplay_register(struct auplay **pp, struct list *auplayl,
		    const char *name, auplay_alloc_h *alloch);
struct list *baresip_ausrcl(void);
struct list *baresip_auplayl(void);

void audio_mute(struct audio *a, bool muted);


/*
 * Call
 */

/* Call states, in 1.0.0's order. */
enum call_state {
	CALL_STATE_IDLE = 0,
	CALL_STATE_INCOMING,
	CALL_STATE_OUTGOING,
	CALL_STATE_RINGING,
	CALL_STATE_EARLY,
	CALL_STATE_ESTABLISHED,
	CALL_STATE_TERMINATED,
	CALL_STATE_UNKNOWN
};

/* Video mode, in 1.0.0's order. */
enum vidmode {
	VIDMODE_OFF = 0,
	VIDMODE_ON,
};

struct call;
struct ua;

int             call_hold(struct call *call, bool hold);
enum call_state call_state(const struct call *call);
uint32_t        call_duration(const struct call *call);
const char     *call_id(const struct call *call);
const char     *call_peeruri(const struct call *call);
struct ua      *call_get_ua(const struct call *call);
bool            call_is_onhold(const struct call *call);
bool            call_is_outgoing(const struct call *call);
const char     *call_peername(const struct call *call);
struct audio   *call_audio(const struct call *call);
struct call    *call_find_id(const struct list *calls, const char *id);
/* An RFC 4733 telephone-event; KEYCODE_REL ends the one being sent. */
int             call_send_digit(struct call *call, char key);

#define KEYCODE_REL (0x04)

/* A call's audio stream and its SDP media line (the stream's own). */
struct stream;
struct stream    *audio_strm(const struct audio *au);
struct sdp_media *stream_sdpmedia(const struct stream *s);


/*
 * Commands: baresip's one command table, where modules register long
 * commands by name (1.0.0 cmd.c). cmd_find_long() returns the most
 * recently registered command of that name (case-blind) that has a
 * handler; the handler is called with a struct cmd_arg as its argument.
 */
enum {
	CMD_PRM  = (1<<0),              /* command with parameter */
};

struct cmd_arg {
	char key;            /* the short key pressed, or 0 */
	char *prm;           /* the parameter text, or NULL */
	void *data;          /* the caller's own data */
};

struct cmd {
	const char *name;    /* long command */
	char key;            /* short command, or 0 */
	int flags;
	const char *desc;
	re_printf_h *h;
};

struct commands;

struct commands  *baresip_commands(void);
int  cmd_register(struct commands *commands, const struct cmd *cmdv,
		  size_t cmdc);
void cmd_unregister(struct commands *commands, const struct cmd *cmdv);
const struct cmd *cmd_find_long(const struct commands *commands,
				const char *name);


/*
 * Configuration: the parsed baresip config file, read with libre's
 * conf_get_str() and friends.
 */
struct conf *conf_cur(void);
/* The configuration directory (-f DIR), where 'config' is. */
int conf_path_get(char *path, size_t sz);


/*
 * Network: baresip's one network object and its DNS client, the libre
 * struct dnsc that the SIP stack resolves with too (ua_init hands it to
 * sip_alloc). It follows 'dns_server' in the config file, or the
 * system's resolvers.
 */
struct network;

struct network *baresip_network(void);
struct dnsc    *net_dnsc(const struct network *net);
/* The address baresip took for af (net_interface, else the default
 * route's source address); unset when it found none. */
const struct sa *net_laddr_af(const struct network *net, int af);


/*
 * STUN URI and Media NAT (1.0.0: an account's ;medianat=ID picks the
 * struct mnat registered under that id; ;stunserver= gives its server).
 */
enum stun_scheme {
	STUN_SCHEME_STUN,
	STUN_SCHEME_STUNS,
	STUN_SCHEME_TURN,
	STUN_SCHEME_TURNS,
};

struct stun_uri {
	enum stun_scheme scheme;
	char *host;
	uint16_t port;
};

struct mnat;
struct mnat_sess;
struct mnat_media;

typedef void (mnat_estab_h)(int err, uint16_t scode, const char *reason,
			    void *arg);
typedef void (mnat_connected_h)(const struct sa *raddr1,
				const struct sa *raddr2, void *arg);
typedef int (mnat_sess_h)(struct mnat_sess **sessp,
			  const struct mnat *mnat, struct dnsc *dnsc,
			  int af, const struct stun_uri *srv,
			  const char *user, const char *pass,
			  struct sdp_session *sdp, bool offerer,
			  mnat_estab_h *estabh, void *arg);
typedef int (mnat_media_h)(struct mnat_media **mp, struct mnat_sess *sess,
			   struct udp_sock *sock1, struct udp_sock *sock2,
			   struct sdp_media *sdpm,
			   mnat_connected_h *connh, void *arg);
typedef int (mnat_update_h)(struct mnat_sess *sess);

struct mnat {
	struct le le;
	const char *id;
	const char *ftag;
	bool wait_connected;
	mnat_sess_h *sessh;
	mnat_media_h *mediah;
	mnat_update_h *updateh;
};

struct list *baresip_mnatl(void);
void mnat_register(struct list *mnatl, struct mnat *mnat);
void mnat_unregister(struct mnat *mnat);


/*
 * Log: format strings are libre's (%m, %r, %H, %J ...).
 */
void debug(const char *fmt, ...);
void info(const char *fmt, ...);
void warning(const char *fmt, ...);

enum log_level {
	LEVEL_DEBUG = 0,
	LEVEL_INFO,
	LEVEL_WARN,
	LEVEL_ERROR,
};

typedef void (log_h)(uint32_t level, const char *msg);

struct log {
	struct le le;
	log_h *h;
};

void log_register_handler(struct log *logh);
void log_unregister_handler(struct log *logh);
/* Off: nothing is printed to stdout but what the handlers print. On,
 * 1.0.0 wraps warnings and errors in colour escapes, whatever stdout is. */
void log_enable_stdout(bool enable);


/*
 * User Agent
 */

/* Events from the User-Agents, in 1.0.0's order. */
enum ua_event {
	UA_EVENT_REGISTERING = 0,
	UA_EVENT_REGISTER_OK,
	UA_EVENT_REGISTER_FAIL,
	UA_EVENT_UNREGISTERING,
	UA_EVENT_MWI_NOTIFY,
	UA_EVENT_SHUTDOWN,
	UA_EVENT_EXIT,

	UA_EVENT_CALL_INCOMING,
	UA_EVENT_CALL_RINGING,
	UA_EVENT_CALL_PROGRESS,
	UA_EVENT_CALL_ESTABLISHED,
	UA_EVENT_CALL_CLOSED,
	UA_EVENT_CALL_TRANSFER,
	UA_EVENT_CALL_TRANSFER_FAILED,
	UA_EVENT_CALL_DTMF_START,
	UA_EVENT_CALL_DTMF_END,
	UA_EVENT_CALL_RTPESTAB,
	UA_EVENT_CALL_RTCP,
	UA_EVENT_CALL_MENC,
	UA_EVENT_VU_TX,
	UA_EVENT_VU_RX,
	UA_EVENT_AUDIO_ERROR,
	UA_EVENT_CALL_LOCAL_SDP,
	UA_EVENT_CALL_REMOTE_SDP,

	UA_EVENT_MAX,
};

/* A tripwire for edits of the list above: 1.0.0 has 24 events. */
_Static_assert(UA_EVENT_MAX == 24, "enum ua_event differs from 1.0.0");
_Static_assert(CALL_STATE_UNKNOWN == 7, "enum call_state differs from 1.0.0");

/*
 * 'prm' is never NULL: ua_event() formats it into a 256-byte buffer, so
 * it is "" for events raised without text and is truncated at 255 bytes.
 */
typedef void (ua_event_h)(struct ua *ua, enum ua_event ev,
			  struct call *call, const char *prm, void *arg);

int  ua_alloc(struct ua **uap, const char *aor);
int  ua_connect(struct ua *ua, struct call **callp,
		const char *from_uri, const char *req_uri,
		enum vidmode vmode);
void ua_hangup(struct ua *ua, struct call *call,
	       uint16_t scode, const char *reason);
int  ua_answer(struct ua *ua, struct call *call, enum vidmode vmode);
int  ua_register(struct ua *ua);
void ua_unregister(struct ua *ua);
void ua_event(struct ua *ua, enum ua_event ev, struct call *call,
	      const char *fmt, ...);
bool ua_isregistered(const struct ua *ua);
unsigned ua_destroy(struct ua *ua);
const char     *ua_aor(const struct ua *ua);
struct account *ua_account(const struct ua *ua);
struct list    *ua_calls(const struct ua *ua);
const char     *ua_cuser(const struct ua *ua);

void uag_enable_sip_trace(bool enable);
int  uag_event_register(ua_event_h *eh, void *arg);
void uag_event_unregister(ua_event_h *eh);
struct ua   *uag_find_aor(const char *aor);
struct sip  *uag_sip(void);
struct list *uag_list(void);
void         uag_current_set(struct ua *ua);
struct ua   *uag_current(void);


#ifdef __cplusplus
}
#endif

#endif
