/*
 * The allowed SIP proxies: a new INVITE from any other address is
 * answered 403 before baresip sees it, and a retransmission of one is
 * absorbed.
 */
#include <string.h>
#include "sipwire.h"

static void proxy_destructor(void *arg)
{
	struct proxy *p = arg;

	list_unlink(&p->le);
	mem_deref(p->qv[0]);
	mem_deref(p->qv[1]);
	mem_deref(p->name);
}

int addrs_print(struct re_printf *pf, const struct proxy *p)
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

/* One sipwire_proxy value, appended to the list arg (NULL: the one in
 * use). */
int proxy_handler(const struct pl *pl, void *arg)
{
	struct list *l = arg ? arg : &sw.proxyl;
	struct proxy *p;
	struct sa sa;
	int err;

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

	list_append(l, &p->le, p);
	return 0;
}

/* Whether two lists name the same proxies, in the same order. */
bool proxies_same(const struct list *a, const struct list *b)
{
	const struct le *x = list_head(a), *y = list_head(b);

	for (; x && y; x = x->next, y = y->next) {
		const struct proxy *p = x->data, *q = y->data;

		if (strcmp(p->name, q->name))
			return false;
	}

	return !x && !y;
}

static const struct proxy *proxy_named(const struct list *l,
				       const char *name)
{
	const struct le *le;

	for (le = list_head(l); le; le = le->next) {
		const struct proxy *p = le->data;

		if (!strcmp(p->name, name))
			return p;
	}

	return NULL;
}

/* The proxies of a reload in place of the ones in use. A name kept
 * keeps its addresses until it is resolved again (resolve_all), so no
 * call from it is refused meanwhile. */
void proxies_take(struct list *next)
{
	struct le *le;

	for (le = list_head(next); le; le = le->next) {
		struct proxy *p = le->data;
		const struct proxy *was = proxy_named(&sw.proxyl, p->name);

		if (!was || p->literal)
			continue;
		memcpy(p->addrv, was->addrv, sizeof(p->addrv));
		memcpy(p->addrc, was->addrc, sizeof(p->addrc));
	}

	list_flush(&sw.proxyl);
	while ((le = list_head(next)) != NULL) {
		list_unlink(le);
		list_append(&sw.proxyl, le, le->data);
	}
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

bool request_handler(const struct sip_msg *msg, void *arg)
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
