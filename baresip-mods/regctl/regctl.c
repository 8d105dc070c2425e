/*
 * regctl: the registration retry policy of the Advanced SIP view
 * (Register Timeout, Register Attempts, Register Back-off Attempts,
 * Register Back-off Timeout), which baresip 1.0.0 and libre 1.1.0 do not
 * offer: libre waits 64*T1 for an unanswered REGISTER and then retries
 * after min(1800, 30 * 2^n) seconds, forever.
 *
 * Here every REGISTER attempt of every account gets 'regctl_timeout'
 * seconds; an attempt that fails, or is not answered in that time, is
 * given up and the next one starts 'regctl_timeout' seconds after it
 * started, or 'regctl_backoff_timeout' seconds once
 * 'regctl_backoff_attempts' attempts in a row have failed; after
 * 'regctl_attempts' failures (0: never) the account gives up until the
 * next configuration, and its state stays "failed" with the count and
 * the last reason. A retry is ua_register(), which replaces the user
 * agent's libre registration (and so libre's own retry timer with it);
 * the binding the old one may still count as made is forgotten first
 * (common/sipreg_forget.h), so no un-REGISTER of the same Contact races
 * the new REGISTER.
 *
 * One REGISTER transaction at a time: an attempt's timeout ends its
 * transaction (sipreg_end.c), retransmissions and all, before the next
 * attempt starts, and giving up leaves none in flight.
 *
 * An attempt over UDP to a port or host that answers ICMP unreachable
 * fails at once (udperr.c hands the error over), and so does a refresh
 * of a registration, its reason the error:
 * "port unreachable from 127.0.0.1:5999". When the registrar's name has
 * another address, the attempt goes on to it at once instead. Over TCP
 * and TLS a refused connect already fails the attempt at once, in libre.
 *
 * The policy is taken again at run time (conf_reload, common/
 * conf_reload.h): an attempt under way and a retry waiting are timed
 * from when they began by the new values at once, and an account that
 * had given up starts again, as after a restart.
 *
 * regctl_regint is the sip section's register interval, which each
 * account line carries too (;regint=): at load the accounts have it
 * already; a reload that changes it gives it to every account that
 * registers and registers it again at once, so the next REGISTER asks
 * for the new expiry and calls go on.
 *
 * Sample config (written by sipsh from the sip section):
 *
 *   module                    regctl.so
 *   regctl_regint             300
 *   regctl_timeout            30
 *   regctl_attempts           0
 *   regctl_backoff_attempts   0
 *   regctl_backoff_timeout    512
 *
 * Every key is required: the defaults live in sipsh's schema and its
 * generator writes them, so the module refuses to load without one, and
 * its log line names the key.
 */
#include <string.h>
#include "baresip.h"
#include "conf_need.h"
#include "conf_reload.h"
#include "version_check.h"
#include "ua_alive.h"
#include "sipreg_end.h"
#include "sipreg_forget.h"
#include "udperr.h"

struct policy {
	uint32_t regint;           /* s: the expiry accounts ask for */
	uint32_t timeout;          /* s: an attempt's time, and the retry wait */
	uint32_t attempts;         /* failures before giving up (0: never) */
	uint32_t backoff_attempts; /* failures before backing off (0: never) */
	uint32_t backoff_timeout;  /* s: the retry wait while backing off */
};

/* One account's registration: its failures in a row and its timers. */
struct regstate {
	struct le le;
	struct ua *ua;
	uint32_t failc;
	bool gave_up;
	bool reporting;            /* our own REGISTER_FAIL is going round */
	bool bound;                /* registered: libre refreshes it */
	uint64_t started;          /* ms (tmr_jiffies) the attempt began */
	struct tmr attempt;        /* the current attempt's deadline */
	struct tmr retry;          /* the next attempt */
};

static struct {
	struct policy pol;
	struct policy next;        /* what a reload's check kept */
	bool next_kept;
	struct list states;
	bool registered;
	bool cmd_registered;
	bool udperr;               /* ICMP errors reach icmp_handler */
} regctl;

static void state_destructor(void *arg)
{
	struct regstate *st = arg;

	tmr_cancel(&st->attempt);
	tmr_cancel(&st->retry);
	list_unlink(&st->le);
}

static struct regstate *state_find(const struct ua *ua)
{
	struct le *le;

	for (le = list_head(&regctl.states); le; le = le->next) {
		struct regstate *st = le->data;

		if (st->ua == ua)
			return st;
	}

	return NULL;
}

static struct regstate *state_get(struct ua *ua)
{
	struct regstate *st = state_find(ua);

	if (st)
		return st;

	st = mem_zalloc(sizeof(*st), state_destructor);
	if (!st)
		return NULL;

	st->ua = ua;
	tmr_init(&st->attempt);
	tmr_init(&st->retry);
	list_append(&regctl.states, &st->le, st);

	return st;
}

/* ua_register() of an account already known: the same Contact, so the
 * new REGISTER replaces the binding, and the old registration is
 * forgotten instead of taken back. */
static void register_again(struct ua *ua)
{
	int err = sipreg_forget(ua);

	if (err)
		warning("regctl: %s: cannot forget the old registration "
			"(%m): it un-registers\n", ua_aor(ua), err);

	(void)ua_register(ua);
}

static void retry_handler(void *arg)
{
	struct regstate *st = arg;

	if (!sipsh_ua_alive(st->ua)) {
		mem_deref(st);
		return;
	}

	info("regctl: %s: attempt %u\n", ua_aor(st->ua), st->failc + 1);
	register_again(st->ua);
}

/* The account's REGISTER transaction ended now, its retransmissions
 * with it; a failure is logged once and returned. */
static int end_transaction(struct regstate *st)
{
	int err = sipreg_end(st->ua);

	if (err && err != EALREADY)
		warning("regctl: %s: cannot end the REGISTER transaction: "
			"%m\n", ua_aor(st->ua), err);

	return err;
}

static void failed(struct regstate *st, const char *why)
{
	const struct policy *p = &regctl.pol;
	uint64_t left;
	uint32_t wait;

	tmr_cancel(&st->attempt);
	++st->failc;

	if (p->attempts && st->failc >= p->attempts) {
		st->gave_up = true;
		tmr_cancel(&st->retry);
		warning("regctl: %s: giving up after %u failed attempts "
			"(last: %s)\n", ua_aor(st->ua), st->failc, why);

		/* Nothing is left in flight and libre does not retry on its
		 * own: the account stays "failed" with its last reason.
		 * Where that cannot be done, taking the registration back
		 * at least stops libre's retries. */
		if (end_transaction(st))
			ua_unregister(st->ua);
		return;
	}

	/* The next attempt starts this long after the failed one began. */
	wait = p->backoff_attempts && st->failc >= p->backoff_attempts ?
		p->backoff_timeout : p->timeout;
	left = st->started + wait * 1000ULL > tmr_jiffies() ?
		st->started + wait * 1000ULL - tmr_jiffies() : 0;

	info("regctl: %s: attempt %u failed (%s); next in %llu ms\n",
	     ua_aor(st->ua), st->failc, why, (unsigned long long)left);
	tmr_start(&st->retry, left, retry_handler, st);
}

static void attempt_timeout(void *arg)
{
	struct regstate *st = arg;

	if (!sipsh_ua_alive(st->ua)) {
		mem_deref(st);
		return;
	}

	/* One registration transaction at a time: this attempt's ends
	 * here, before the next one starts. */
	(void)end_transaction(st);

	/* Say it like any other failure, so that whoever follows the
	 * registration (the ctrl module, the log) counts it too. */
	st->reporting = true;
	ua_event(st->ua, UA_EVENT_REGISTER_FAIL, NULL, "no answer in %u s",
		 regctl.pol.timeout);
	st->reporting = false;

	failed(st, "no answer");
}

/*
 * An ICMP error for a REGISTER: the account whose attempt (or, while it
 * is registered, libre's refresh) is in flight toward that address
 * fails it now, with the error as its reason, instead of at its
 * timeout; a request with another address of the registrar's name goes
 * on to it at once, as libre would after its timeout. An error for
 * anything else (a call's peer, an un-REGISTER) is dropped.
 */
static void icmp_handler(const struct udperr *ue, void *arg)
{
	struct le *le;
	char why[96];

	(void)arg;

	if (!ue->unreachable || !ue->register_req)
		return;

	re_snprintf(why, sizeof(why), "%H", udperr_print, ue);

	for (le = list_head(&regctl.states); le; le = le->next) {
		struct regstate *st = le->data;
		struct sa dst;
		bool more;

		if (st->gave_up || !sipsh_ua_alive(st->ua))
			continue;
		if (!tmr_isrunning(&st->attempt) &&
		    !(st->bound && ua_isregistered(st->ua)))
			continue;
		if (sipreg_dst(st->ua, &dst, &more) ||
		    !sa_cmp(&dst, &ue->dst, SA_ALL))
			continue;

		if (more && !sipreg_next(st->ua, &ue->dst)) {
			info("regctl: %s: %s; trying the next address\n",
			     ua_aor(st->ua), why);
			return;
		}

		if (end_transaction(st))
			return;    /* left to the attempt's timeout */

		st->bound = false;
		st->reporting = true;
		ua_event(st->ua, UA_EVENT_REGISTER_FAIL, NULL, "%s", why);
		st->reporting = false;

		failed(st, why);
		return;
	}

	debug("regctl: %s, for no REGISTER in flight\n", why);
}

static void ua_event_handler(struct ua *ua, enum ua_event ev,
			     struct call *call, const char *prm, void *arg)
{
	struct regstate *st;

	(void)call;
	(void)arg;

	switch (ev) {

	case UA_EVENT_REGISTERING:
		st = state_get(ua);
		if (!st || st->gave_up)
			break;
		tmr_cancel(&st->retry);
		st->bound = false;
		st->started = tmr_jiffies();
		tmr_start(&st->attempt, regctl.pol.timeout * 1000ULL,
			  attempt_timeout, st);
		break;

	case UA_EVENT_REGISTER_OK:
		st = state_find(ua);
		if (!st)
			break;
		tmr_cancel(&st->attempt);
		tmr_cancel(&st->retry);
		st->failc = 0;
		st->bound = true;
		break;

	case UA_EVENT_REGISTER_FAIL:
		st = state_get(ua);
		if (st && !st->reporting)
			st->bound = false;
		if (st && !st->gave_up && !st->reporting)
			failed(st, prm && prm[0] ? prm : "refused");
		break;

	case UA_EVENT_UNREGISTERING:
		st = state_find(ua);
		if (st)
			st->bound = false;
		break;

	case UA_EVENT_SHUTDOWN:
		mem_deref(state_find(ua));
		break;

	default:
		break;
	}
}

/* Every value from sipsh's generator: defaults live in the schema. why
 * NULL: a refusal is logged (at load). */
static int policy_read(struct policy *p, const struct conf *conf,
		       char *why, size_t whysz)
{
	static const char mod[] = "regctl";
	int err;

	err = sipsh_conf_u32_of(conf, mod, "regctl_regint", &p->regint,
				why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "regctl_timeout",
					&p->timeout, why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "regctl_attempts",
					&p->attempts, why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "regctl_backoff_attempts",
					&p->backoff_attempts, why, whysz);
	if (!err)
		err = sipsh_conf_u32_of(conf, mod, "regctl_backoff_timeout",
					&p->backoff_timeout, why, whysz);
	if (err)
		return EINVAL;

	if (!p->timeout)
		p->timeout = 1;
	if (!p->backoff_timeout)
		p->backoff_timeout = 1;

	return 0;
}

/* ms from now until 'secs' after 'from' (ms, tmr_jiffies), or 0. */
static uint64_t left_of(uint64_t from, uint32_t secs)
{
	uint64_t at = from + secs * 1000ULL, now = tmr_jiffies();

	return at > now ? at - now : 0;
}

/* One account under a new policy: its timers as they would have been. */
static void state_retime(struct regstate *st)
{
	const struct policy *p = &regctl.pol;
	uint32_t wait;

	if (st->gave_up) {
		st->gave_up = false;
		st->failc = 0;
		info("regctl: %s: new policy, registering again\n",
		     ua_aor(st->ua));
		register_again(st->ua);
		return;
	}

	if (tmr_isrunning(&st->attempt))
		tmr_start(&st->attempt, left_of(st->started, p->timeout),
			  attempt_timeout, st);

	if (tmr_isrunning(&st->retry)) {
		wait = p->backoff_attempts && st->failc >= p->backoff_attempts
			? p->backoff_timeout : p->timeout;
		tmr_start(&st->retry, left_of(st->started, wait),
			  retry_handler, st);
	}
}

/* A new register interval for every account that registers (regint 0:
 * it does not), asked for at once by a new REGISTER; one that had given
 * up registers again when it is retimed (state_retime). */
static void regint_take(uint32_t regint)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		struct ua *ua = le->data;
		struct account *acc = ua_account(ua);
		const struct regstate *st = state_find(ua);

		if (!acc || !account_regint(acc) ||
		    account_regint(acc) == regint)
			continue;

		(void)account_set_regint(acc, regint);
		info("regctl: %s: expiry %u s, registering again\n",
		     ua_aor(ua), regint);
		if (st && st->gave_up)
			continue;

		/* One transaction at a time: a REGISTER in flight ends
		 * before the new one, or it would go on retransmitting;
		 * and no un-REGISTER races the new REGISTER. */
		register_again(ua);
	}
}

static int reload_h(struct re_printf *pf, void *arg)
{
	struct sipsh_reload *r = sipsh_reload_of(arg);
	struct le *le;

	(void)pf;

	if (!r)
		return EINVAL;

	switch (r->phase) {

	case RELOAD_CHECK:
		regctl.next_kept = !policy_read(&regctl.next, r->conf,
						r->err, sizeof(r->err));
		return regctl.next_kept ? 0 : EINVAL;

	case RELOAD_SWAP:
		if (!regctl.next_kept ||
		    !memcmp(&regctl.next, &regctl.pol, sizeof(regctl.pol)))
			break;

		if (regctl.next.regint != regctl.pol.regint)
			regint_take(regctl.next.regint);

		regctl.pol = regctl.next;
		re_snprintf(r->what, sizeof(r->what), "expiry %u s, attempt "
			    "%u s, give up after %u, back off after %u to %u s",
			    regctl.pol.regint, regctl.pol.timeout,
			    regctl.pol.attempts, regctl.pol.backoff_attempts,
			    regctl.pol.backoff_timeout);
		info("regctl: now %s\n", r->what);

		for (le = list_head(&regctl.states); le; ) {
			struct regstate *st = le->data;

			le = le->next;
			if (sipsh_ua_alive(st->ua))
				state_retime(st);
		}
		break;

	default:
		break;
	}

	regctl.next_kept = false;
	return 0;
}

static const struct cmd cmdv[] = {
	{"regctl" SIPSH_RELOAD_SUFFIX, 0, SIPSH_RELOAD_CMD,
	 "regctl: take the config file again (conf_reload)", reload_h},
};

static int regctl_close(void)
{
	if (regctl.udperr) {
		udperr_close();
		regctl.udperr = false;
	}
	if (regctl.cmd_registered) {
		cmd_unregister(baresip_commands(), cmdv);
		regctl.cmd_registered = false;
	}
	if (regctl.registered) {
		uag_event_unregister(ua_event_handler);
		regctl.registered = false;
	}

	list_flush(&regctl.states);
	return 0;
}

static int regctl_init(void)
{
	int err;

	err = sipsh_mod_version_check("regctl");
	if (err)
		return err;

	list_init(&regctl.states);
	err = policy_read(&regctl.pol, conf_cur(), NULL, 0);
	if (err)
		return err;

	err = uag_event_register(ua_event_handler, NULL);
	if (err) {
		(void)regctl_close();
		return err;
	}
	regctl.registered = true;

	err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
	if (err) {
		(void)regctl_close();
		return err;
	}
	regctl.cmd_registered = true;

	/* Without the ICMP errors an unreachable registrar's attempt ends
	 * at its timeout, as before. */
	err = udperr_init(icmp_handler, NULL);
	if (err)
		warning("regctl: cannot see libre's UDP errors (%m): an "
			"attempt to an unreachable registrar ends at its "
			"timeout\n", err);
	else
		regctl.udperr = true;

	info("regctl: attempt %u s, give up after %u (0: never), back off "
	     "after %u to %u s\n", regctl.pol.timeout, regctl.pol.attempts,
	     regctl.pol.backoff_attempts, regctl.pol.backoff_timeout);

	return 0;
}

const struct mod_export DECL_EXPORTS(regctl) = {
	"regctl",
	"application",
	regctl_init,
	regctl_close
};
