/*
 * What the files of the sipwire module share: its state, libre 1.1.0's
 * private structures as far as they are read, and the calls between the
 * layout checks (layout.c), SIP DiffServ (tos.c), the User-Agent swap
 * (useragent.c), the allowed-proxies filter (proxies.c, deciding in
 * verdict.c: allowed by allow.c, else limited by the rate table of
 * ratetable.c), its DNS refresh (dns.c) and the reload of their keys at
 * run time (reload.c). sipwire.c, the module itself, says what each does.
 */
#ifndef SIPWIRE_H
#define SIPWIRE_H

#include "re_base.h"
#include "baresip.h"
#include "ratetable.h"

struct got_hook;

enum {
	SCAN_MS   = 1000,        /* TOS rescan period */
	SEEN_MAX  = 512,         /* sockets remembered between scans */
	LADDR_MAX = 6,           /* UDP, TCP, TLS x IPv4, IPv6 */
	ADDR_MAX  = 8,           /* addresses kept per proxy and family */
	NS_MAX    = 4,           /* configured DNS servers we recognise */
	UA_MAX    = 256,         /* longest User-Agent we accept or read */
};

/*
 * libre 1.1.0's private structures (src/sip/sip.h), as far as we read
 * them. Only used after sipsh_mod_version_check() has pinned libre 1.1.0,
 * and only after layout_verified() has matched them against live objects.
 */
struct sip_v110 {
	struct list transpl;
	struct list lsnrl;
	struct list reql;
	struct hash *ht_ctrans;
	struct hash *ht_strans;
	struct hash *ht_strans_mrg;
	struct hash *ht_conn;
	struct hash *ht_udpconn;
	struct dnsc *dnsc;
	struct stun *stun;
	struct websock *websock;
	char *software;
};

struct sip_lsnr_v110 {
	struct le le;
	struct sip_lsnr **lsnrp;
	sip_msg_h *msgh;
	void *arg;
	bool req;
};

/* An allowed proxy: an address, or a name and what it resolved to. */
struct proxy {
	struct le le;
	char *name;
	bool literal;
	struct sa addrv[2][ADDR_MAX];  /* [0]: A, [1]: AAAA */
	unsigned addrc[2];
	struct dns_query *qv[2];
};

struct sipwire {
	struct sip *sip;            /* the stack we act on, until it exits */
	struct sip_lsnr *lsnr;      /* libre clears it if the stack goes */
	bool layout_ok;
	bool ev_registered;

	/* SIP DiffServ */
	bool tos_on;
	int tos;
	struct tmr tmr_scan;
	uint64_t seenv[SEEN_MAX];
	size_t seenc;
	struct sa nsv[NS_MAX];
	size_t nsc;
	struct got_hook *connect_hook;  /* libre's connect(), tos_hooks.c */
	struct got_hook *listen_hook;   /* libre's listen(), tos_hooks.c */

	/* User Agent */
	char *ua_ours;
	char *ua_orig;

	/* SIP proxies, DNS manager */
	struct list proxyl;
	uint32_t refresh;           /* s; 0: resolve once */
	struct tmr tmr_dns;
	struct rate_table rates;    /* refusals per source (ratetable.h) */
	bool filtering;
};

extern struct sipwire sw;

/* sipwire.c */
void filter_update(void);

/* reload.c: the module's part of conf_reload (common/conf_reload.h) */
int  reload_init(void);
void reload_close(void);


/* layout.c */
bool   layout_verified(struct sip *sip);
size_t peek_str(char *dst, size_t n, const void *src);

/* tos.c */
void tos_scan(void);
void tos_scan_handler(void *arg);
void tos_take(int tos);
int  tos_ns_handler(const struct pl *pl, void *arg);
bool tos_dns_peer(const struct sa *peer);
int  tos_sock_set(int fd, int af, int tos);

/* tos_hooks.c */
void tos_hooks_init(void);
void tos_hooks_close(void);

/* useragent.c */
int  pct_decode(char *out, size_t sz, const char *in);
int  ua_swap(const char *text);
int  ua_take(char *ours);
void ua_restore(void);

/* proxies.c */
int  addrs_print(struct re_printf *pf, const struct proxy *p);
int  proxy_handler(const struct pl *pl, void *arg);
bool request_handler(const struct sip_msg *msg, void *arg);
bool proxies_same(const struct list *a, const struct list *b);
void proxies_take(struct list *next);

/* dns.c */
void resolve_all(void);
unsigned names_count(void);
void dns_tmr_handler(void *arg);

#endif
