/*
 * What the files of the phoneline module share: the line object and the
 * calls between the line logic (phoneline.c), the audio devices
 * (audev.c), DTMF sending (dtmf.c) and receiving (dtmf_rx.c, SIP INFO
 * in info_rx.c, its bodies in info_body.c), the Contact line suffix
 * (suffix.c, its user in contact_user.c) and the line commands of the
 * ctrl socket (linecmd.c).
 */
#ifndef PHONELINE_H
#define PHONELINE_H

#include "re_base.h"
#include "baresip.h"
#include "driver.h"
#include "tones.h"

enum line_state {
	LS_IDLE,         /* on hook, no call */
	LS_DIALING,      /* off hook, collecting digits */
	LS_CALLING,      /* INVITE sent, nothing heard yet */
	LS_RINGBACK,     /* the far end rings (180/183) */
	LS_CONNECTED,
	LS_HELD,
	LS_BUSY,         /* the far end hung up or was busy */
	LS_FAILED,       /* the call could not be completed */
	LS_RINGING,      /* on hook, an incoming call rings the bell */
};

enum dtmf_mode {
	DTMF_RFC2833,
	DTMF_SIPINFO,
	DTMF_INBAND,
	DTMF_COMPAT,     /* inband out, RFC 2833 / INFO in still played */
};

enum { DIGITS_MAX = 32, DTMFQ_MAX = 32 };

/* The kind of digit a call brings first (dtmf_rx.c). */
enum dtmf_src {
	DSRC_NONE,
	DSRC_TELEV,      /* RFC 4733 telephone-events */
	DSRC_INFO,       /* SIP INFO (info_rx.c, or baresip's DTMF events) */
};

/* Digits being received on a line's call; main thread only. */
struct dtmf_rx {
	struct udp_helper *uh;      /* on the call's RTP socket, or NULL */
	char *callid;               /* of the call it was attached to */
	int pt;                     /* our telephone-event payload type */
	struct tmr tmr_end;         /* an event whose end packets are lost */
	bool active;                /* an event is being received */
	uint32_t ts;                /* its RTP timestamp */
	char key;
	bool done;                  /* done_ts: the last one handed over */
	uint32_t done_ts;
	char info_key;              /* baresip's DTMF_START, until its END */
	enum dtmf_src src;
};

struct ausrc_st;
struct auplay_st;

/* One analog line. Fields marked (lock) are shared with the audio
 * thread and change only under pl_lock(). */
struct line {
	bool used;                  /* (lock) the line exists */
	unsigned num;
	char *aor;                  /* its account, as phoneline_line says */
	enum line_state state;
	bool offhook;
	struct call *call;          /* placed, answered or ringing */
	enum dtmf_mode dtmf;        /* the call's DTMF mode, fixed when it
				     * began */
	bool local_hold;            /* (lock) muted both ways */
	char digits[DIGITS_MAX + 1];
	size_t digitc;
	struct tmr tmr_digit;       /* dialling: the inter-digit timeout */
	struct tmr tmr_rel;         /* RFC 2833: the key release */
	struct tonegen ear_tone;    /* (lock) call-progress tone */
	enum pl_tone tone;
	struct tonegen ear_dtmf;    /* (lock) digits from the far end */
	struct tonegen mic_dtmf;    /* (lock) inband digits being sent */
	char dtmfq[DTMFQ_MAX];      /* (lock) inband digits waiting */
	size_t dtmfqc;
	struct ausrc_st *src;       /* (lock) the call's audio, bound */
	struct auplay_st *play;     /* (lock) */
	struct dtmf_rx rx;
};

/* phoneline.c */
void pl_lock(void);
void pl_unlock(void);
struct line *pl_line_of_call(const struct call *call);
const struct line *pl_line_of_call_id(const char *id, const char *aor,
				      unsigned from);
struct line *pl_line_of_audio(const struct audio *a);
struct line *pl_line_near_audio(const void *p);
uint32_t pl_lines_of_ua(const struct ua *ua);     /* bit N: line N */
/* The DTMF mode of the line's call, or for a new call. */
enum dtmf_mode pl_dtmf_mode(const struct line *ln);
/* A digit from the far end, once, when it has ended; 'how' says how it
 * came and ended, for the log. */
void pl_line_digit(struct line *ln, char key, const char *how);
/* Adds line num on the account with that AOR, or moves it there (its
 * call ends); *changedp false: it was there already. */
int  pl_line_set(unsigned num, const char *aor, bool *changedp,
		 char *why, size_t whysz);
/* Removes line num; its call ends. */
int  pl_line_del(unsigned num, char *why, size_t whysz);
int  pl_line_dial(unsigned num, const char *uri, const char **idp,
		  char *why, size_t whysz);
int  pl_line_answer(unsigned num, char *why, size_t whysz);

/* audev.c: everything under pl_lock() but init/close. */
int  audev_init(void);
void audev_close(void);
void audev_src_write(struct ausrc_st *st, const int16_t *mic);
void audev_play_read(struct auplay_st *st, int16_t *ear);
void audev_tick(void);
void audev_forget_line(const struct line *ln);

/* dtmf.c */
int  dtmf_mode_parse(const char *s, enum dtmf_mode *mp);
const char *dtmf_mode_name(enum dtmf_mode m);
void dtmf_send(struct line *ln, char key);
struct sipsess *dtmf_call_sess(const struct call *call);
void dtmf_mix_inband(struct line *ln, int16_t *mic);

/* dtmf_rx.c */
void dtmf_rx_attach(struct line *ln);       /* its call is established */
void dtmf_rx_detach(struct line *ln);       /* before ln->call changes */
void dtmf_rx_baresip(struct line *ln, bool end, const char *prm);
void dtmf_rx_local_sdp(struct call *call);  /* UA_EVENT_CALL_LOCAL_SDP */
/* Whether the call takes a digit of this kind (the first kind it brings). */
bool dtmf_rx_take(struct line *ln, enum dtmf_src src);

/* info_rx.c: DTMF in SIP INFO from a line's far end. */
int  info_rx_init(void);
void info_rx_close(void);

/* suffix.c */
int  suffix_init(bool enable);
void suffix_close(void);
void suffix_apply(struct ua *ua);
uint32_t suffix_ring_mask(const struct call *call);
void suffix_lines_changed(struct ua *ua);

/* linecmd.c: line_set and line_del on the ctrl socket. */
int  linecmd_init(void);
void linecmd_close(void);

#endif
