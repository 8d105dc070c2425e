/*
 * sipreg_leave: see sipreg_leave.h. Each registration taken from a
 * removed account becomes a leaver: it holds the reference baresip's
 * struct reg held, answers the sipreg's handler in baresip's place, and
 * looks at it every millisecond until nothing is in flight, then frees
 * it without a second un-REGISTER. The un-REGISTER itself is libre's:
 * the sipreg's refresh timer handler (libre's own, the same for every
 * sipreg) sends a REGISTER with expires 0 once expires is 0, challenge
 * and all.
 */
#include <string.h>
#include "baresip.h"
#include "ua_alive.h"
#include "sipreg_peek.h"
#include "sipreg_leave.h"

enum {
	LOOK_MS = 1,
	BOUND_MS_DEFAULT = 32000,   /* libre's own: 64*T1 */
};

struct leaver {
	struct le le;
	char *aor;
	struct sipreg_v110 *sr;   /* the reference baresip's reg held */
	struct tmr look;
	uint64_t until;           /* tmr_jiffies() of the bound */
	bool unreg;               /* its un-REGISTER has gone out */
};

/* A new account waiting for the leavers of its address of record. */
struct waiter {
	struct le le;
	struct ua *ua;
};

static struct {
	struct list leavers;
	struct list waiters;
	tmr_h *refreshh;          /* libre's sipreg refresh handler, once seen */
} lv_g;

static void leaver_destructor(void *arg)
{
	struct leaver *lv = arg;

	tmr_cancel(&lv->look);
	list_unlink(&lv->le);
	mem_deref(lv->sr);
	mem_deref(lv->aor);
}

static void waiter_destructor(void *arg)
{
	struct waiter *w = arg;

	list_unlink(&w->le);
}

static bool leaving(const char *aor)
{
	struct le *le;

	for (le = list_head(&lv_g.leavers); le; le = le->next) {
		const struct leaver *lv = le->data;

		if (!str_cmp(lv->aor, aor))
			return true;
	}

	return false;
}

/* libre's refresh timer handler, noted from a sipreg whose refresh is
 * scheduled (it is the one handler libre starts that timer with). */
static void refresh_note(const struct sipreg_v110 *sr)
{
	if (tmr_isrunning(&sr->tmr) && sr->tmr.arg == sr && sr->tmr.th)
		lv_g.refreshh = sr->tmr.th;
}

/* The accounts waiting for aor, registered now that none is leaving. */
static void waiters_go(const char *aor)
{
	struct le *le;

	if (leaving(aor))
		return;

	for (le = list_head(&lv_g.waiters); le; ) {
		struct waiter *w = le->data;
		struct ua *ua = w->ua;

		le = le->next;
		if (sipsh_ua_alive(ua) && str_cmp(ua_aor(ua), aor))
			continue;

		mem_deref(w);
		if (!sipsh_ua_alive(ua))
			continue;

		info("%s: the account it replaces has un-registered: "
		     "registering\n", aor);
		if (ua_register(ua))
			warning("%s: register failed\n", aor);
	}
}

/* Freed now; forget: without the un-REGISTER libre's destructor would
 * send for a binding it still counts as made. */
static void leaver_end(struct leaver *lv, bool forget)
{
	char aor[256];

	str_ncpy(aor, lv->aor, sizeof(aor));

	if (forget)
		lv->sr->registered = false;
	tmr_cancel(&lv->sr->tmr);
	mem_deref(lv);

	waiters_go(aor);
}

static void look(void *arg);

static void look_in(struct leaver *lv, uint64_t ms)
{
	tmr_start(&lv->look, ms, look, lv);
}

/* The sipreg's handler, in baresip's place: a REGISTER in flight has
 * ended (or an un-REGISTER could not be sent). libre has started the
 * refresh timer: noted, and stopped. */
static void resp_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct leaver *lv = arg;

	(void)err;
	(void)msg;

	refresh_note(lv->sr);
	tmr_cancel(&lv->sr->tmr);
	look_in(lv, 0);
}

static void look(void *arg)
{
	struct leaver *lv = arg;
	struct sipreg_v110 *sr = lv->sr;
	bool late = tmr_jiffies() >= lv->until;
	int err;

	if (sr->req && !late) {
		look_in(lv, LOOK_MS);
		return;
	}

	if (sr->req) {
		/* the bound: ended as at its timeout, its handler unheard */
		err = sipreg_peek_end(sr);
		if (err) {
			warning("%s: cannot end the un-REGISTER in flight "
				"(%m): left to libre\n", lv->aor, err);
			leaver_end(lv, true);
			return;
		}
		info("%s: no answer to the %s in time: ended\n", lv->aor,
		     lv->unreg ? "un-REGISTER" : "REGISTER");
		refresh_note(sr);
		leaver_end(lv, true);
		return;
	}

	if (lv->unreg || !sr->registered || late) {
		leaver_end(lv, true);
		return;
	}

	if (!lv_g.refreshh) {
		warning("%s: libre's refresh handler not seen: its "
			"destructor un-REGISTERs\n", lv->aor);
		leaver_end(lv, false);
		return;
	}

	/* libre's refresh with expires 0: the un-REGISTER. A failure to
	 * send reaches resp_handler, and the next look ends it. */
	sr->expires = 0;
	lv->unreg = true;
	lv_g.refreshh(sr);
	look_in(lv, LOOK_MS);
}

/* How long an un-REGISTER may take: the register timeout of the config
 * sipsh last wrote (regctl_timeout), as for every other REGISTER
 * transaction; without regctl, libre's own. */
static uint32_t bound_ms(void)
{
	char dir[256], path[320];
	struct conf *conf = NULL;
	uint32_t secs = 0;

	if (!conf_path_get(dir, sizeof(dir)) &&
	    re_snprintf(path, sizeof(path), "%s/config", dir) > 0 &&
	    !conf_alloc(&conf, path) &&
	    !conf_get_u32(conf, "regctl_timeout", &secs) && secs > 0 &&
	    secs <= 3600) {
		mem_deref(conf);
		return secs * 1000;
	}

	mem_deref(conf);
	return BOUND_MS_DEFAULT;
}

/* One registration taken from r: its leaver, alive until it is done. */
static int leave_one(struct reg_v100 *r, struct sipreg_v110 *sr, void *arg)
{
	uint64_t *until = arg;
	struct leaver *lv;

	lv = mem_zalloc(sizeof(*lv), leaver_destructor);
	if (!lv || str_dup(&lv->aor, ua_aor(r->ua))) {
		mem_deref(lv);
		return ENOMEM;
	}

	refresh_note(sr);
	tmr_cancel(&sr->tmr);
	sr->resph = resp_handler;
	sr->arg = lv;
	lv->sr = sr;
	r->sipreg = NULL;

	tmr_init(&lv->look);
	if (!*until)
		*until = tmr_jiffies() + bound_ms();
	lv->until = *until;
	list_append(&lv_g.leavers, &lv->le, lv);
	look_in(lv, 0);

	return 0;
}

int sipreg_leave(struct ua *ua)
{
	uint64_t until = 0;

	return sipreg_peek_each(ua, leave_one, &until);
}

int sipreg_register_after(struct ua *ua)
{
	struct waiter *w;

	if (!ua)
		return EINVAL;
	if (!leaving(ua_aor(ua)))
		return ua_register(ua);

	w = mem_zalloc(sizeof(*w), waiter_destructor);
	if (!w)
		return ENOMEM;

	w->ua = ua;
	list_append(&lv_g.waiters, &w->le, w);
	info("%s: registers once the account it replaces has "
	     "un-registered\n", ua_aor(ua));

	return 0;
}

void sipreg_leave_close(void)
{
	list_flush(&lv_g.waiters);
	list_flush(&lv_g.leavers);
}
