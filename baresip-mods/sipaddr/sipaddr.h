/*
 * What the files of the sipaddr module share: its state, libre 1.1.0's
 * private transport list as far as it is read, and the calls between the
 * transports on every address (transp.c), the SIP connections over TCP
 * and TLS (stream.c), the rewrite of an outgoing SIP message
 * (rewrite.c), the STUN binding of the SIP socket and the localnet test
 * (nat.c), the media NAT (mnat.c) and our own TLS context (tlsctx.c). sipaddr.c, the
 * module itself, says what each does.
 */
#ifndef SIPADDR_H
#define SIPADDR_H

#include "got_hook.h"
#include "libre_sip_layout.h"
#include "re_base.h"
#include "baresip.h"

enum {
	HOOK_MAX     = 32,      /* UDP transport sockets hooked */
	MEDIA_MAX    = 64,      /* media sockets with a STUN mapping */
	PEND_MAX     = 32,      /* messages held until the SIP mapping */
	PEND_MS      = 3000,    /* longest a message is held */
	CHECK_MS     = 1000,    /* transports checked again */
	STUN_INTERVAL = 30,     /* s between STUN keepalives */
	MNAT_WAIT_MS = 2000,    /* longest a call waits for its mappings */
	HELPER_LAYER = 10,      /* above STUN keepalives (layer 0) */
	TCP_LAYER    = 10,      /* above TLS (layer 0): sees plain text */
	FAIL_MAX     = 16,      /* addresses that failed, said once */
};


/* A network of localnet. */
struct prefix {
	struct sa addr;
	unsigned bits;
};

/* One UDP transport socket of the SIP stack with our send helper. */
struct hook {
	struct udp_sock *sock;  /* not referenced: libre owns it */
	struct udp_helper *uh;  /* referenced: outlives a flush */
	struct sa laddr;
};

/*
 * One TCP connection libre made or accepted, with our send helper on it.
 * libre owns the connection and frees its helpers with it; our own
 * reference to the helper outlives that, and tells it (stream.c).
 */
struct sconn {
	struct le le;
	struct tcp_conn *tc;    /* not referenced: valid while live */
	struct tcp_helper *th;  /* referenced */
	bool tls;               /* tls_start_tcp() was called on it */
};

/* What the SDP of one message becomes. */
struct sdp_plan {
	struct sa addr;         /* the address for c= and o= */
	bool outside;           /* ports through the media mappings */
};

/* The public address a media socket's STUN binding gave. */
struct media_map {
	struct le le;
	uint16_t lport;         /* the socket's local port */
	struct sa mapped;
};

struct sipaddr {
	struct sip *sip;
	bool layout_ok;
	bool listen_all;        /* bind-interface unset: every address */
	uint16_t port;          /* the SIP port (TLS: port + 1) */
	struct tmr tmr_check;
	struct hook hookv[HOOK_MAX];
	size_t hookc;
	bool in_send;           /* our own udp_send: let it pass */
	struct sa failv[FAIL_MAX];
	size_t failc;

	/* localnet */
	struct prefix *netv;    /* mem_reallocarray'd */
	size_t netc, netcap;

	/* STUN for SIP */
	char stun_host[256];    /* "" when no STUN server is set */
	uint16_t stun_port;
	struct stun_dns *dnsq;
	bool stun_resolving;
	struct sa stun_srv;
	struct stun_keepalive *ska;
	struct udp_sock *stun_sock;   /* the SIP socket it maps */
	struct sa sip_mapped;
	bool stun_done;         /* answered or failed: nothing is held */
	struct list pendl;
	struct tmr tmr_pend;

	/* SIP over TCP and TLS */
	struct list sconnl;     /* struct sconn */
	struct got_hook *hook_connect, *hook_accept, *hook_tls;
	struct tls *own_tls;    /* ours, when baresip has no TLS context */
	bool own_tls_failed;

	/* STUN for media */
	struct list mapl;       /* struct media_map */
	bool mnat_on;
};

extern struct sipaddr sa_st;


/* transp.c */
bool transp_layout_ok(struct sip *sip);
void transp_check(void);
struct udp_sock *transp_udp_for(const struct sa *src, struct sa *laddr);
bool transp_sock_live(const struct udp_sock *sock);

void transp_close(void);
uint16_t transp_port_on(enum sip_transp tp, const struct sa *addr);

/* stream.c */
void stream_init(void);
void stream_prune(void);
void stream_close(void);
bool sconn_live(const struct sconn *sc);
int  sconn_send(struct sconn *sc, const struct mbuf *mb);

/* nat.c */
int  localnet_handler(const struct pl *pl, void *arg);
bool in_localnet(const struct sa *addr);
int  route_src(struct sa *src, const struct sa *dst);
int  nat_start(void);
void nat_close(void);
bool nat_hold(struct udp_sock *sock, struct sconn *sc, const struct sa *dst,
	      const struct mbuf *mb);
bool nat_outside(const struct sa *dst, const struct sa *src);
void nat_stun_sock_gone(struct udp_sock *sock);
void nat_restart(void);

/* rewrite.c */
bool is_sip_msg(const struct mbuf *mb);
int  msg_rewrite(struct mbuf **outp, const struct mbuf *mb,
		 const char *a, const char *b, const char *sentby,
		 struct sdp_plan *pl);
bool send_helper(int *err, struct sa *dst, struct mbuf *mb, void *arg);
int  msg_send(struct udp_sock *sock, const struct sa *dst,
	      const struct mbuf *mb);

/* tlsctx.c */
struct tls *tlsctx_own(void);
void tlsctx_close(void);

/* mnat.c */
void mnat_init(void);
void mnat_close(void);
const struct media_map *media_map_find(uint16_t lport);

#endif
