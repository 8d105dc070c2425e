/*
 * The allowed SIP proxies: a new INVITE from any other address is
 * answered 403 before baresip sees it, statelessly and only up to a rate
 * per source (verdict.c decides with allow.c,
 * ratetable.c counts); above it the
 * INVITE is dropped. Nothing is kept of a refused request.
 */
#include <string.h>
#include "sipwire.h"
#include "allow.h"
#include "verdict.h"

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

static bool allowed(const struct sa *src, void *arg)
{
	(void)arg;

	return allow_src(&sw.proxyl, src);
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

/*
 * Refusing costs less than accepting: a 403 through a server transaction
 * would be kept and retransmitted for 64*T1 (32 s) to a sender that never
 * ACKs, so a flood of INVITEs would hold thousands of transactions. The
 * 403 is sent statelessly instead (sip_reply), and a retransmitted INVITE
 * is judged again like any other: answered again while its source has
 * tokens, dropped after.
 */
bool request_handler(const struct sip_msg *msg, void *arg)
{
	(void)arg;

	if (!sw.filtering)
		return false;

	switch (invite_verdict(msg, allowed, NULL, &sw.rates,
			       tmr_jiffies())) {

	case VERDICT_PASS:
		return false;

	case VERDICT_REFUSE:
		info("sipwire: INVITE from %J refused (403): not an allowed "
		     "proxy\n", &msg->src);
		(void)sip_reply(sw.sip, msg, 403, "Forbidden");
		break;

	case VERDICT_DROP_SOURCE:
		info("sipwire: INVITEs from %j dropped unanswered: more than "
		     "%u refusals at once or %u a second\n", &msg->src,
		     RATE_BURST, RATE_PER_S);
		break;

	case VERDICT_DROP_ALL:
		info("sipwire: INVITEs from callers not allowed dropped "
		     "unanswered: more than %u refusals a second in all\n",
		     RATE_ALL_PER_S);
		break;

	default:
		break;
	}

	return true;
}
