/*
 * sipwire: three Advanced SIP settings that act on libre's SIP stack
 * itself, which baresip 1.0.0 and libre 1.1.0 offer no setting or API for.
 *
 *  SIP DiffServ  libre has no TOS option for its SIP sockets. The sockets
 *                are found by their local address: the transports'
 *                addresses (sip_transp_laddr) matched against getsockname()
 *                of every socket in /proc/self/fd, and given IP_TOS (and
 *                IPV6_TCLASS on IPv6). A rescan every second catches new
 *                TCP/TLS connections and transports rebuilt after a
 *                network change; a socket already looked at is known by
 *                its inode and costs one fstat() per scan. Connections
 *                accepted on a marked listener inherit its TOS; an
 *                outgoing TCP/TLS connection sends its first packets
 *                before the next scan finds it.
 *  User Agent    baresip passes its software string to sip_alloc(), which
 *                keeps a copy in the private struct sip (char *software)
 *                with no setter; every request's User-Agent and every
 *                reply's Server header print it. The pointer is swapped
 *                for ours only after the layout is proven (libre 1.1.0,
 *                our own listener found at the expected place in the
 *                struct, the stack's DNS client where baresip put it) and
 *                the pointer is read, without trusting it, and found to
 *                be exactly the "baresip v1.0.0 (...)" string that the
 *                running baresip passed. Otherwise nothing is written and
 *                a warning says why. The original is put back when the
 *                stack shuts down or the module is unloaded.
 *  SIP proxies   An INVITE that opens a dialog (no To-tag) from an address
 *                that is not one of the allowed proxies' is answered 403
 *                and never reaches baresip; in-dialog requests and every
 *                other request pass. With no proxy configured everyone is
 *                allowed. sip_listen() appends and baresip's own INVITE
 *                listener claims every INVITE, so our listener is moved to
 *                the head of the list (a libre 1.1.0 struct sip_lsnr
 *                starts with its struct le, checked before it is moved).
 *                A retransmission of an INVITE we refused is absorbed:
 *                libre's server transaction repeats the 403 on its own.
 *  DNS Manager   Proxy names are resolved (A and AAAA) with baresip's DNS
 *                client at load and, when sipwire_dns_refresh is above 0,
 *                again every that many seconds, so a changed address is
 *                followed without a restart. An answer replaces the
 *                addresses of its family (no such name: none); a lookup
 *                that fails or times out keeps the last ones.
 *
 * Sample config (written by sipsh from the sip section; a value cannot
 * hold blanks, so the user agent is %-encoded):
 *
 *   module                 sipwire.so
 *   sipwire_tos            96                  # TOS byte: DSCP cs3 << 2
 *   sipwire_user_agent     Acme%20Gateway/2.1  # "Acme Gateway/2.1"
 *   sipwire_dns_refresh    300                 # s; 0: resolve once
 *   sipwire_proxy          sip.provider.example
 *   sipwire_proxy          192.0.2.10
 *
 * A key that is absent leaves its part alone: no sipwire_tos, no TOS
 * change; no sipwire_user_agent, baresip's own string.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "baresip.h"
#include "version_check.h"

enum {
	SCAN_MS   = 1000,        /* TOS rescan period */
	SEEN_MAX  = 512,         /* sockets remembered between scans */
	LADDR_MAX = 6,           /* UDP, TCP, TLS x IPv4, IPv6 */
	ADDR_MAX  = 8,           /* addresses kept per proxy and family */
	NS_MAX    = 4,           /* configured DNS servers we recognise */
	REJ_MAX   = 32,          /* refused INVITEs remembered */
	REJ_MS    = 32000,       /* 64*T1: libre's transaction lives that long */
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

/* A refused INVITE, by its Via branch and sent-by. */
struct rejected {
	struct le le;
	char *key;
	uint64_t when;
};

static struct {
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

	/* User Agent */
	char *ua_ours;
	char *ua_orig;

	/* SIP proxies, DNS manager */
	struct list proxyl;
	uint32_t refresh;           /* s; 0: resolve once */
	struct tmr tmr_dns;
	struct list rejl;
	bool filtering;
} sw;


/*
 * Layout
 */

static bool request_handler(const struct sip_msg *msg, void *arg);

/*
 * Our listener, just appended by sip_listen(), must be the tail of the
 * stack's listener list, at &sip->lsnrl, with the fields we gave it; and
 * the stack's DNS client must be baresip's. Together these pin the
 * offsets of every field up to 'software' on the live objects.
 */
static bool layout_verified(struct sip *sip)
{
	const struct sip_lsnr_v110 *l = (const void *)sw.lsnr;
	const struct sip_v110 *s = (const void *)sip;

	if (!l || !s)
		return false;

	return l->le.data == (void *)sw.lsnr &&
		l->le.list == &s->lsnrl &&
		s->lsnrl.tail == &l->le &&
		l->lsnrp == &sw.lsnr &&
		l->msgh == request_handler &&
		l->arg == NULL &&
		l->req &&
		s->dnsc && s->dnsc == net_dnsc(baresip_network());
}

/*
 * Copies up to n bytes at src, stopping after a NUL, without trusting
 * src: process_vm_readv() on ourselves fails with EFAULT on memory that
 * is not mapped instead of faulting. Page by page, so a string that ends
 * just before an unmapped page is still read whole. Returns the bytes
 * copied.
 */
static size_t peek_str(char *dst, size_t n, const void *src)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)src;
	size_t got = 0;

	if (pg <= 0)
		pg = 4096;

	while (got < n) {
		size_t chunk = (size_t)pg - (a + got) % (size_t)pg;
		struct iovec lv, rv;
		ssize_t r;

		if (chunk > n - got)
			chunk = n - got;

		lv.iov_base = dst + got;
		lv.iov_len = chunk;
		rv.iov_base = (void *)(a + got);
		rv.iov_len = chunk;

		r = process_vm_readv(getpid(), &lv, 1, &rv, 1, 0);
		if (r <= 0)
			break;

		if (memchr(dst + got, '\0', (size_t)r))
			return got + (size_t)r;
		got += (size_t)r;
	}

	return got;
}


/*
 * SIP DiffServ
 */

static size_t sip_laddrs(struct sa *v, enum sip_transp *tpv, size_t max)
{
	static const enum sip_transp tps[] = {
		SIP_TRANSP_UDP, SIP_TRANSP_TCP, SIP_TRANSP_TLS
	};
	static const int afs[] = {AF_INET, AF_INET6};
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		for (j = 0; j < ARRAY_SIZE(afs) && n < max; j++) {
			struct sa dst;

			sa_init(&dst, afs[j]);
			if (sip_transp_laddr(sw.sip, &v[n], tps[i], &dst))
				continue;
			if (sa_af(&v[n]) != afs[j])
				continue;
			tpv[n++] = tps[i];
		}
	}

	return n;
}

enum verdict { V_LATER, V_OTHER, V_SIP };

static bool is_dns_peer(const struct sa *peer)
{
	size_t i;

	if (sa_port(peer) == 53)
		return true;

	for (i = 0; i < sw.nsc; i++) {
		if (sa_cmp(&sw.nsv[i], peer, SA_ALL))
			return true;
	}

	return false;
}

/* Whether fd is one of the SIP stack's sockets. */
static enum verdict classify(int fd, const struct sa *lav,
			     const enum sip_transp *tpv, size_t lac)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sa local, peer;
	int type = 0, acc = 0;
	socklen_t ol = sizeof(type);
	size_t i;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return V_OTHER;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return V_OTHER;
	if (sa_set_sa(&local, (struct sockaddr *)&ss))
		return V_OTHER;
	if (!sa_port(&local))
		return V_LATER;                  /* not bound yet */

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol))
		return V_OTHER;

	if (type == SOCK_DGRAM) {
		for (i = 0; i < lac; i++) {
			if (tpv[i] == SIP_TRANSP_UDP &&
			    sa_cmp(&lav[i], &local, SA_ALL))
				return V_SIP;
		}
		return V_OTHER;
	}

	if (type != SOCK_STREAM)
		return V_OTHER;

	/* A listener or a connection it accepted: the transport's address. */
	for (i = 0; i < lac; i++) {
		if (tpv[i] != SIP_TRANSP_UDP &&
		    sa_cmp(&lav[i], &local, SA_ALL))
			return V_SIP;
	}

	ol = sizeof(acc);
	if (!getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol) && acc)
		return V_OTHER;

	/* An outgoing connection: from the transport's address, any port.
	 * baresip's only other TCP client is DNS over TCP. */
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return errno == ENOTCONN ? V_LATER : V_OTHER;
	if (sa_set_sa(&peer, (struct sockaddr *)&ss))
		return V_OTHER;
	if (is_dns_peer(&peer))
		return V_OTHER;

	for (i = 0; i < lac; i++) {
		if (tpv[i] != SIP_TRANSP_UDP &&
		    (sa_cmp(&lav[i], &local, SA_ADDR) ||
		     !sa_isset(&lav[i], SA_ADDR)))
			return V_SIP;
	}

	return V_OTHER;
}

static void tos_apply(int fd, int stype)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sa local;
	int tos = sw.tos;
	int err = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    sa_set_sa(&local, (struct sockaddr *)&ss))
		return;

	if (ss.ss_family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
			       sizeof(tos)))
			err = errno;
		/* IPv4 traffic of a dual-stack socket */
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	else if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos))) {
		err = errno;
	}

	if (err)
		warning("sipwire: TOS %d on SIP socket %J failed: %m\n",
			tos, &local, err);
	else if (stype == SOCK_DGRAM)
		info("sipwire: TOS %d (DSCP %d) on SIP UDP %J\n", tos,
		     tos >> 2, &local);
	else
		debug("sipwire: TOS %d on SIP TCP/TLS socket %J\n", tos,
		      &local);
}

static bool seen(const uint64_t *v, size_t n, uint64_t ino)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == ino)
			return true;
	}

	return false;
}

/* One pass over our file descriptors: mark SIP sockets not seen before. */
static void tos_scan(void)
{
	struct sa lav[LADDR_MAX];
	enum sip_transp tpv[LADDR_MAX];
	uint64_t newv[SEEN_MAX];
	size_t lac, newc = 0;
	struct dirent *de;
	DIR *d;

	if (!sw.sip)
		return;

	lac = sip_laddrs(lav, tpv, LADDR_MAX);
	if (!lac)
		return;

	d = opendir("/proc/self/fd");
	if (!d)
		return;

	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *end;
		long fd;
		int type = 0;
		socklen_t ol = sizeof(type);

		fd = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end || fd < 0 || fd == dirfd(d))
			continue;
		if (fstat((int)fd, &st) || !S_ISSOCK(st.st_mode))
			continue;

		if (seen(sw.seenv, sw.seenc, (uint64_t)st.st_ino)) {
			if (newc < SEEN_MAX)
				newv[newc++] = (uint64_t)st.st_ino;
			continue;
		}

		switch (classify((int)fd, lav, tpv, lac)) {

		case V_SIP:
			(void)getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type,
					 &ol);
			tos_apply((int)fd, type);
			/*@fallthrough@*/
		case V_OTHER:
			if (newc < SEEN_MAX)
				newv[newc++] = (uint64_t)st.st_ino;
			break;

		case V_LATER:
			break;
		}
	}

	(void)closedir(d);

	memcpy(sw.seenv, newv, newc * sizeof(newv[0]));
	sw.seenc = newc;
}

static void scan_handler(void *arg)
{
	(void)arg;

	tos_scan();
	tmr_start(&sw.tmr_scan, SCAN_MS, scan_handler, NULL);
}

static int ns_handler(const struct pl *pl, void *arg)
{
	struct pl addr = *pl;
	const char *comma;
	(void)arg;

	/* "host:port" or "host:port,fallback"? keep the address */
	comma = pl_strchr(&addr, ',');
	if (comma)
		addr.l = (size_t)(comma - addr.p);

	if (sw.nsc < NS_MAX && 0 == sa_decode(&sw.nsv[sw.nsc], addr.p,
					      addr.l))
		++sw.nsc;

	return 0;
}


/*
 * User Agent
 */

/* %XX -> byte. The result must be one line of text: no control bytes. */
static int pct_decode(char *out, size_t sz, const char *in)
{
	size_t o = 0;

	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '%') {
			char hex[3];
			char *end;

			if (!isxdigit((unsigned char)in[1]) ||
			    !isxdigit((unsigned char)in[2]))
				return EINVAL;
			hex[0] = in[1];
			hex[1] = in[2];
			hex[2] = '\0';
			ch = (unsigned char)strtoul(hex, &end, 16);
			if (*end)
				return EINVAL;
			in += 2;
		}

		if (ch < 0x20 || ch == 0x7f)
			return EINVAL;
		if (o + 1 >= sz)
			return E2BIG;
		out[o++] = (char)ch;
	}

	out[o] = '\0';
	return o ? 0 : EINVAL;
}

static int ua_swap(const char *text)
{
	struct sip_v110 *s = (void *)sw.sip;
	char cur[UA_MAX], want[48];
	const char *ver = sipsh_baresip_running_version();
	char *ours = NULL, *p;
	size_t n, wl;
	int err;

	if (!sw.layout_ok) {
		warning("sipwire: libre's struct sip is not the 1.1.0 layout:"
			" the User-Agent stays baresip's\n");
		return ENOTSUP;
	}

	p = s->software;
	if (!p) {
		warning("sipwire: the SIP stack has no software string: the "
			"User-Agent is left alone\n");
		return ENOENT;
	}

	n = peek_str(cur, sizeof(cur), p);
	if (!n || !memchr(cur, '\0', n)) {
		warning("sipwire: the SIP stack's software string is not "
			"readable text: the User-Agent is left alone\n");
		return EFAULT;
	}

	wl = (size_t)re_snprintf(want, sizeof(want), "baresip v%s (", ver);
	n = strlen(cur);
	if (strncmp(cur, want, wl) || n <= wl || cur[n - 1] != ')') {
		warning("sipwire: the SIP stack's software string is '%s', "
			"not baresip's '%s...)': the User-Agent is left "
			"alone\n", cur, want);
		return ENOENT;
	}

	err = str_dup(&ours, text);
	if (err)
		return err;

	sw.ua_orig = p;
	sw.ua_ours = ours;
	s->software = ours;

	info("sipwire: User-Agent '%s' (was '%s')\n", ours, cur);
	return 0;
}

/* Gives the stack its own string back while it runs; once it is gone it
 * has freed ours, and baresip's original is left for us to free. */
static void ua_restore(void)
{
	struct sip_v110 *s = (void *)sw.sip;

	if (!sw.ua_ours)
		return;

	if (s && uag_sip() == sw.sip && s->software == sw.ua_ours) {
		s->software = sw.ua_orig;
		mem_deref(sw.ua_ours);
		info("sipwire: User-Agent given back to baresip\n");
	}
	else {
		mem_deref(sw.ua_orig);
	}

	sw.ua_ours = NULL;
	sw.ua_orig = NULL;
}


/*
 * SIP proxies and the DNS manager
 */

static void proxy_destructor(void *arg)
{
	struct proxy *p = arg;

	list_unlink(&p->le);
	mem_deref(p->qv[0]);
	mem_deref(p->qv[1]);
	mem_deref(p->name);
}

static int addrs_print(struct re_printf *pf, const struct proxy *p)
{
	unsigned f, i;
	int err = 0;
	bool any = false;

	for (f = 0; f < 2; f++) {
		for (i = 0; i < p->addrc[f]; i++) {
			err |= re_hprintf(pf, "%s%j", any ? " " : "",
					  &p->addrv[f][i]);
			any = true;
		}
	}

	if (!any)
		err |= re_hprintf(pf, "(none)");

	return err;
}

static bool proxy_allows(const struct proxy *p, const struct sa *src)
{
	unsigned f, i;

	for (f = 0; f < 2; f++) {
		for (i = 0; i < p->addrc[f]; i++) {
			if (sa_cmp(&p->addrv[f][i], src, SA_ADDR))
				return true;
		}
	}

	return false;
}

static bool allowed(const struct sa *src)
{
	struct le *le;

	if (list_isempty(&sw.proxyl))
		return true;

	for (le = list_head(&sw.proxyl); le; le = le->next) {
		if (proxy_allows(le->data, src))
			return true;
	}

	return false;
}

static void dns_answer(struct proxy *p, unsigned f, int err,
		       const struct dnshdr *hdr, struct list *ansl)
{
	const uint16_t type = f ? DNS_TYPE_AAAA : DNS_TYPE_A;
	struct sa v[ADDR_MAX];
	unsigned n = 0, i;
	bool same;
	struct le *le;

	if (err || !hdr || (hdr->rcode != DNS_RCODE_OK &&
			    hdr->rcode != DNS_RCODE_NAME_ERR)) {
		warning("sipwire: proxy %s: %s lookup failed (%s); keeping "
			"%H\n", p->name, f ? "AAAA" : "A",
			err ? "no answer" : dns_hdr_rcodename(hdr->rcode),
			addrs_print, p);
		return;
	}

	for (le = list_head(ansl); le && n < ADDR_MAX; le = le->next) {
		const struct dnsrr *rr = le->data;

		if (rr->type != type || rr->dnsclass != DNS_CLASS_IN)
			continue;
		if (f)
			sa_set_in6(&v[n++], rr->rdata.aaaa.addr, 0);
		else
			sa_set_in(&v[n++], rr->rdata.a.addr, 0);
	}

	same = n == p->addrc[f];
	for (i = 0; same && i < n; i++)
		same = sa_cmp(&v[i], &p->addrv[f][i], SA_ADDR);
	if (same)
		return;

	memcpy(p->addrv[f], v, n * sizeof(v[0]));
	p->addrc[f] = n;

	info("sipwire: proxy %s is now %H\n", p->name, addrs_print, p);
}

static void a_handler(int err, const struct dnshdr *hdr, struct list *ansl,
		      struct list *authl, struct list *addl, void *arg)
{
	(void)authl;
	(void)addl;
	dns_answer(arg, 0, err, hdr, ansl);
}

static void aaaa_handler(int err, const struct dnshdr *hdr,
			 struct list *ansl, struct list *authl,
			 struct list *addl, void *arg)
{
	(void)authl;
	(void)addl;
	dns_answer(arg, 1, err, hdr, ansl);
}

static void proxy_resolve(struct proxy *p)
{
	struct dnsc *dnsc = net_dnsc(baresip_network());
	int err;

	if (p->literal)
		return;

	if (!dnsc) {
		warning("sipwire: no DNS client: proxy %s unresolved\n",
			p->name);
		return;
	}

	/* A query still out from the last round is dropped for the new. */
	p->qv[0] = mem_deref(p->qv[0]);
	p->qv[1] = mem_deref(p->qv[1]);

	err = dnsc_query(&p->qv[0], dnsc, p->name, DNS_TYPE_A,
			 DNS_CLASS_IN, true, a_handler, p);
	if (err)
		warning("sipwire: proxy %s: A query: %m\n", p->name, err);

	err = dnsc_query(&p->qv[1], dnsc, p->name, DNS_TYPE_AAAA,
			 DNS_CLASS_IN, true, aaaa_handler, p);
	if (err)
		warning("sipwire: proxy %s: AAAA query: %m\n", p->name, err);
}

static void resolve_all(void)
{
	struct le *le;

	for (le = list_head(&sw.proxyl); le; le = le->next)
		proxy_resolve(le->data);
}

static unsigned names_count(void)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(&sw.proxyl); le; le = le->next) {
		const struct proxy *p = le->data;

		n += !p->literal;
	}

	return n;
}

static void dns_tmr_handler(void *arg)
{
	(void)arg;

	resolve_all();
	tmr_start(&sw.tmr_dns, sw.refresh * 1000ULL, dns_tmr_handler, NULL);
}

static int proxy_handler(const struct pl *pl, void *arg)
{
	struct proxy *p;
	struct sa sa;
	int err;
	(void)arg;

	if (!pl_isset(pl))
		return 0;

	p = mem_zalloc(sizeof(*p), proxy_destructor);
	if (!p)
		return ENOMEM;

	err = pl_strdup(&p->name, pl);
	if (err) {
		mem_deref(p);
		return err;
	}

	if (0 == sa_set_str(&sa, p->name, 0)) {
		unsigned f = sa_af(&sa) == AF_INET6;

		p->literal = true;
		p->addrv[f][0] = sa;
		p->addrc[f] = 1;
	}

	list_append(&sw.proxyl, &p->le, p);
	return 0;
}

static void rejected_destructor(void *arg)
{
	struct rejected *r = arg;

	list_unlink(&r->le);
	mem_deref(r->key);
}

/* Whether this INVITE was refused before (a retransmission); otherwise
 * remember it. Entries older than a transaction's life are dropped. */
static bool refused_before(const struct sip_msg *msg)
{
	uint64_t now = tmr_jiffies();
	struct rejected *r;
	struct le *le;
	char *key = NULL;

	le = list_head(&sw.rejl);
	while (le) {
		r = le->data;
		le = le->next;
		if (now - r->when > REJ_MS)
			mem_deref(r);
	}

	if (re_sdprintf(&key, "%r;%r", &msg->via.branch, &msg->via.sentby))
		return false;

	for (le = list_head(&sw.rejl); le; le = le->next) {
		r = le->data;
		if (!strcmp(r->key, key)) {
			mem_deref(key);
			return true;
		}
	}

	if (list_count(&sw.rejl) >= REJ_MAX)
		mem_deref(list_ledata(list_head(&sw.rejl)));

	r = mem_zalloc(sizeof(*r), rejected_destructor);
	if (!r) {
		mem_deref(key);
		return false;
	}
	r->key = key;
	r->when = now;
	list_append(&sw.rejl, &r->le, r);

	return false;
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	(void)arg;

	if (!sw.filtering || pl_strcmp(&msg->met, "INVITE") ||
	    pl_isset(&msg->to.tag))
		return false;

	if (allowed(&msg->src))
		return false;

	if (refused_before(msg))
		return true;

	info("sipwire: INVITE from %J refused (403): not an allowed "
	     "proxy\n", &msg->src);
	(void)sip_treply(NULL, sw.sip, msg, 403, "Forbidden");

	return true;
}

/* First in libre's listener list, before baresip's INVITE handler. */
static void listener_to_head(void)
{
	struct le *le = (struct le *)(void *)sw.lsnr;
	struct list *l = le->list;

	list_unlink(le);
	list_prepend(l, le, sw.lsnr);
}


/*
 * Module
 */

/* Undoes everything that touches the SIP stack; safe to call twice. */
static void sip_release(void)
{
	ua_restore();
	sw.filtering = false;
	sw.lsnr = mem_deref(sw.lsnr);
	tmr_cancel(&sw.tmr_scan);
	tmr_cancel(&sw.tmr_dns);
	sw.sip = NULL;
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	(void)ua;
	(void)call;
	(void)prm;
	(void)arg;

	/* The SIP stack is closing: give it back while it still exists. */
	if (ev == UA_EVENT_EXIT)
		sip_release();
}

static int sipwire_close(void)
{
	if (sw.ev_registered) {
		uag_event_unregister(ua_event_handler);
		sw.ev_registered = false;
	}

	sip_release();
	list_flush(&sw.proxyl);
	list_flush(&sw.rejl);
	sw.tos_on = false;
	sw.seenc = 0;
	sw.nsc = 0;

	return 0;
}

static int sipwire_init(void)
{
	struct conf *conf = conf_cur();
	char ua_enc[UA_MAX * 3], ua[UA_MAX];
	uint32_t u;
	int err;

	err = sipsh_mod_version_check("sipwire");
	if (err)
		return err;

	memset(&sw, 0, sizeof(sw));
	tmr_init(&sw.tmr_scan);
	tmr_init(&sw.tmr_dns);
	list_init(&sw.proxyl);
	list_init(&sw.rejl);

	sw.sip = uag_sip();
	if (!sw.sip) {
		warning("sipwire: baresip has no SIP stack\n");
		return ENOENT;
	}

	if (0 == conf_get_u32(conf, "sipwire_tos", &u)) {
		if (u > 255) {
			warning("sipwire: sipwire_tos %u is not a TOS byte "
				"(0-255)\n", u);
			return EINVAL;
		}
		sw.tos_on = true;
		sw.tos = (int)u;
	}
	(void)conf_apply(conf, "dns_server", ns_handler, NULL);
	(void)conf_get_u32(conf, "sipwire_dns_refresh", &sw.refresh);

	err = conf_apply(conf, "sipwire_proxy", proxy_handler, NULL);
	if (err)
		goto out;

	err = sip_listen(&sw.lsnr, sw.sip, true, request_handler, NULL);
	if (err) {
		warning("sipwire: sip_listen: %m\n", err);
		goto out;
	}
	sw.layout_ok = layout_verified(sw.sip);

	err = uag_event_register(ua_event_handler, NULL);
	if (err)
		goto out;
	sw.ev_registered = true;

	/* User Agent: a refusal is logged and leaves baresip's. */
	if (0 == conf_get_str(conf, "sipwire_user_agent", ua_enc,
			      sizeof(ua_enc))) {
		if (pct_decode(ua, sizeof(ua), ua_enc))
			warning("sipwire: sipwire_user_agent '%s' is not one "
				"line of text: the User-Agent is left "
				"alone\n", ua_enc);
		else
			(void)ua_swap(ua);
	}

	/* SIP proxies */
	if (!list_isempty(&sw.proxyl) && !sw.layout_ok) {
		warning("sipwire: libre's listener list is not the 1.1.0 "
			"layout: incoming calls are NOT restricted to the "
			"%u allowed proxies\n", list_count(&sw.proxyl));
	}
	else if (!list_isempty(&sw.proxyl)) {
		listener_to_head();
		sw.filtering = true;
		info("sipwire: incoming calls only from %u allowed "
		     "prox%s\n", list_count(&sw.proxyl),
		     list_count(&sw.proxyl) == 1 ? "y" : "ies");
		resolve_all();
		if (sw.refresh && names_count()) {
			tmr_start(&sw.tmr_dns, sw.refresh * 1000ULL,
				  dns_tmr_handler, NULL);
			info("sipwire: proxy names resolved again every "
			     "%u s\n", sw.refresh);
		}
		else if (names_count()) {
			info("sipwire: proxy names resolved once\n");
		}
	}
	else {
		/* No restriction: our listener is not needed. */
		sw.lsnr = mem_deref(sw.lsnr);
	}

	/* SIP DiffServ */
	if (sw.tos_on) {
		tos_scan();
		tmr_start(&sw.tmr_scan, SCAN_MS, scan_handler, NULL);
	}

 out:
	if (err)
		(void)sipwire_close();

	return err;
}

const struct mod_export DECL_EXPORTS(sipwire) = {
	"sipwire",
	"application",
	sipwire_init,
	sipwire_close
};
