/*
 * The TLS hosts of the configuration and their addresses. libre 1.1.0
 * resolves a request's host itself and opens the TLS connection knowing
 * only the address, so this keeps, per configured host, every address
 * its name was seen to resolve to, with the same DNS client the SIP stack
 * uses: A and AAAA of the name (on its port, or 5061), and for a host
 * without a port (SRV lookup) also the targets of _sips._tcp.NAME on the
 * ports the SRV records give, as libre connects. Addresses are only added,
 * never dropped: an address stays tied to the name it was seen for, so a
 * connection there must still show that name's certificate, and one that
 * now belongs to two names must show both.
 */
#include <string.h>
#include <sys/stat.h>
#include "baresip.h"
#include "tlshosts.h"

enum {
	ADDR_MAX = 32,
	REFRESH_MIN = 5000,    /* ms between two DNS rounds at most */
};

struct tls_host {
	struct le le;
	char name[256];
	uint16_t port;          /* 0: none given (SRV chooses) */
	bool is_ip;
	struct sa addrv[ADDR_MAX];  /* address and port */
	unsigned addrc;
	struct list queries;    /* struct hquery, this round's */
};

struct hquery {
	struct le le;
	struct tls_host *h;
	struct dns_query *q;
	uint16_t type;
	uint16_t port;          /* of the addresses it gives */
};

static struct {
	struct list hosts;
	uint64_t last_round;
	bool rounds;
	char file[512];
	struct stat sb;           /* the file as last read */
} th;

static void hquery_destructor(void *arg)
{
	struct hquery *hq = arg;

	list_unlink(&hq->le);
	mem_deref(hq->q);
}

static void host_destructor(void *arg)
{
	struct tls_host *h = arg;

	list_unlink(&h->le);
	list_flush(&h->queries);
}

static void addr_add(struct tls_host *h, const struct sa *a)
{
	unsigned i;

	for (i = 0; i < h->addrc; i++) {
		if (sa_cmp(&h->addrv[i], a, SA_ALL))
			return;
	}

	/* Full: start again from this round's answers. */
	if (h->addrc == ADDR_MAX)
		h->addrc = 0;

	h->addrv[h->addrc++] = *a;
	info("siptls: TLS host %s is at %J\n", h->name, a);
}

static int query(struct tls_host *h, const char *name, uint16_t type,
		 uint16_t port);

static void dns_handler(int err, const struct dnshdr *hdr, struct list *ansl,
			struct list *authl, struct list *addl, void *arg)
{
	struct hquery *hq = arg;
	struct tls_host *h = hq->h;
	struct le *le;

	(void)hdr;
	(void)authl;
	(void)addl;

	if (err)
		return;

	for (le = list_head(ansl); le; le = le->next) {
		const struct dnsrr *rr = le->data;
		struct sa a;

		if (rr->dnsclass != DNS_CLASS_IN)
			continue;

		switch (rr->type) {

		case DNS_TYPE_A:
			if (hq->type != DNS_TYPE_A)
				break;
			sa_set_in(&a, rr->rdata.a.addr, hq->port);
			addr_add(h, &a);
			break;

		case DNS_TYPE_AAAA:
			if (hq->type != DNS_TYPE_AAAA)
				break;
			sa_set_in6(&a, rr->rdata.aaaa.addr, hq->port);
			addr_add(h, &a);
			break;

		case DNS_TYPE_SRV:
			if (hq->type != DNS_TYPE_SRV || !rr->rdata.srv.target)
				break;
			(void)query(h, rr->rdata.srv.target, DNS_TYPE_A,
				    rr->rdata.srv.port);
			(void)query(h, rr->rdata.srv.target, DNS_TYPE_AAAA,
				    rr->rdata.srv.port);
			break;

		default:
			break;
		}
	}
}

static int query(struct tls_host *h, const char *name, uint16_t type,
		 uint16_t port)
{
	struct dnsc *dnsc = net_dnsc(baresip_network());
	struct hquery *hq;
	int err;

	if (!dnsc)
		return ENODEV;

	hq = mem_zalloc(sizeof(*hq), hquery_destructor);
	if (!hq)
		return ENOMEM;

	hq->h = h;
	hq->type = type;
	hq->port = port;
	list_append(&h->queries, &hq->le, hq);

	err = dnsc_query(&hq->q, dnsc, name, type, DNS_CLASS_IN, true,
			 dns_handler, hq);
	if (err) {
		warning("siptls: TLS host %s: DNS query for %s: %m\n",
			h->name, name, err);
		mem_deref(hq);
	}

	return err;
}

static void host_resolve(struct tls_host *h)
{
	char srv[300];

	if (h->is_ip)
		return;

	/* The last round's queries (and SRV targets) make way. */
	list_flush(&h->queries);

	/* Without SRV records libre uses the name's own addresses on
	 * 5061. */
	(void)query(h, h->name, DNS_TYPE_A, h->port ? h->port : SIP_PORT_TLS);
	(void)query(h, h->name, DNS_TYPE_AAAA,
		    h->port ? h->port : SIP_PORT_TLS);

	if (!h->port) {
		re_snprintf(srv, sizeof(srv), "_sips._tcp.%s", h->name);
		(void)query(h, srv, DNS_TYPE_SRV, 0);
	}
}

/* "NAME", "NAME:PORT", "[V6]", "[V6]:PORT", "V6" */
static int host_parse(struct tls_host *h, const struct pl *val)
{
	struct pl name = *val, port = PL_INIT;
	const char *c;

	if (val->l && val->p[0] == '[') {
		c = pl_strchr(val, ']');
		if (!c)
			return EINVAL;
		name.p = val->p + 1;
		name.l = (size_t)(c - name.p);
		if (c + 1 < val->p + val->l) {
			if (c[1] != ':')
				return EINVAL;
			port.p = c + 2;
			port.l = (size_t)(val->p + val->l - port.p);
		}
	}
	else if ((c = pl_strchr(val, ':')) != NULL &&
		 !memchr(c + 1, ':', (size_t)(val->p + val->l - c - 1))) {
		name.l = (size_t)(c - val->p);
		port.p = c + 1;
		port.l = (size_t)(val->p + val->l - port.p);
	}

	if (!name.l || name.l >= sizeof(h->name))
		return EINVAL;
	if (pl_isset(&port) && (pl_u32(&port) == 0 || pl_u32(&port) > 65535))
		return EINVAL;

	(void)pl_strcpy(&name, h->name, sizeof(h->name));
	h->port = pl_isset(&port) ? (uint16_t)pl_u32(&port) : 0;

	if (0 == sa_set_str(&h->addrv[0], h->name,
			    h->port ? h->port : SIP_PORT_TLS)) {
		h->is_ip = true;
		h->addrc = 1;
	}

	return 0;
}

static int host_handler(const struct pl *val, void *arg)
{
	struct list *hosts = arg;
	struct tls_host *h;
	int err;

	h = mem_zalloc(sizeof(*h), host_destructor);
	if (!h)
		return ENOMEM;

	list_init(&h->queries);
	err = host_parse(h, val);
	if (err) {
		warning("siptls: siptls_host '%r': not NAME[:PORT]\n", val);
		mem_deref(h);
		return err;
	}

	list_append(hosts, &h->le, h);
	return 0;
}

/* The same host in the old list: its addresses carry over. */
static void addrs_keep(struct tls_host *h)
{
	struct le *le;

	for (le = list_head(&th.hosts); le; le = le->next) {
		const struct tls_host *o = le->data;

		if (o->port == h->port && !str_casecmp(o->name, h->name)) {
			memcpy(h->addrv, o->addrv, sizeof(h->addrv));
			h->addrc = o->addrc;
			return;
		}
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
		a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
		a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Read the file's hosts into a new list; on success it replaces ours. */
static int hosts_read(void)
{
	struct list hosts = LIST_INIT;
	struct conf *conf = NULL;
	struct stat sb;
	struct le *le;
	int err;

	if (stat(th.file, &sb))
		return errno;

	err = conf_alloc(&conf, th.file);
	if (!err)
		err = conf_apply(conf, "siptls_host", host_handler, &hosts);
	mem_deref(conf);
	if (err) {
		list_flush(&hosts);
		return err;
	}

	for (le = list_head(&hosts); le; le = le->next) {
		struct tls_host *h = le->data;

		if (!h->is_ip)
			addrs_keep(h);
		if (h->port)
			info("siptls: TLS host %s port %u\n", h->name,
			     h->port);
		else
			info("siptls: TLS host %s (port by SRV, else "
			     "5061)\n", h->name);
	}

	list_flush(&th.hosts);
	th.hosts = hosts;
	for (le = list_head(&th.hosts); le; le = le->next)
		((struct tls_host *)le->data)->le.list = &th.hosts;

	th.sb = sb;
	th.rounds = false;
	tlshosts_refresh();
	return 0;
}

int tlshosts_init(const char *file)
{
	list_init(&th.hosts);
	memset(&th.sb, 0, sizeof(th.sb));
	str_ncpy(th.file, file, sizeof(th.file));

	return hosts_read();
}

int tlshosts_reload(void)
{
	struct stat sb;

	if (!th.file[0] || stat(th.file, &sb) || same_file(&sb, &th.sb))
		return 0;

	info("siptls: %s changed: reading the TLS hosts again\n", th.file);
	return hosts_read();
}

void tlshosts_close(void)
{
	list_flush(&th.hosts);
}

void tlshosts_refresh(void)
{
	uint64_t now = tmr_jiffies();
	struct le *le;

	if (th.rounds && now - th.last_round < REFRESH_MIN)
		return;

	th.rounds = true;
	th.last_round = now;

	for (le = list_head(&th.hosts); le; le = le->next)
		host_resolve(le->data);
}

size_t tlshosts_count(void)
{
	return list_count(&th.hosts);
}

size_t tlshosts_match(const struct sa *peer, const char **namev,
		      bool *is_ipv, size_t max)
{
	struct le *le;
	size_t n = 0;

	for (le = list_head(&th.hosts); le && n < max; le = le->next) {
		const struct tls_host *h = le->data;
		unsigned i;

		for (i = 0; i < h->addrc; i++) {
			if (sa_cmp(&h->addrv[i], peer, SA_ALL))
				break;
		}
		if (i == h->addrc)
			continue;

		namev[n] = h->name;
		is_ipv[n] = h->is_ip;
		n++;
	}

	return n;
}
