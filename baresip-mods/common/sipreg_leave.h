/*
 * Taking a removed account's binding back before its successor
 * registers. When the shell replaces an account (ua_del, then ua_add of
 * the same address of record: a new password, proxy, transport), baresip
 * 1.0.0 frees the old user agent, whose libre registration sends its
 * un-REGISTER (its Call-ID, expires 0), and the new one sends its
 * REGISTER at once. With the line suffix both carry the same Contact: a
 * registrar that handles the un-REGISTER last (Kamailio's workers run
 * side by side, both requests need a challenge) removes the new binding
 * (RFC 3261 10.3), and the phone shows registered while no call reaches
 * it. And an un-REGISTER to a registrar that does not answer went on
 * being retransmitted for 32 s (libre's timer F).
 *
 * So a removed account's registrations are taken from baresip before
 * its user agent is freed, and each sends its un-REGISTER here once the
 * REGISTER it may have in flight has ended, bounded in time: at the
 * bound its transaction ends as at its timeout. A new account of the
 * same address of record registers (sipreg_register_after) only when
 * every one of that address has ended.
 */
#ifndef SIPSH_SIPREG_LEAVE_H
#define SIPSH_SIPREG_LEAVE_H

struct ua;

/*
 * ua's registrations taken from it (just before ua_destroy(), or before
 * a ua_register() that changes the Contact): each un-REGISTERs when
 * registered, within the register timeout (regctl_timeout of baresip's
 * config file). 0, or EPROTO/ENOENT when the structures do not check
 * out: then nothing is taken and libre's own un-REGISTER goes out when
 * baresip frees it, as before.
 */
int sipreg_leave(struct ua *ua);

/* ua_register(ua) now, or once the registrations of its address of
 * record taken by sipreg_leave() have ended (0 then). */
int sipreg_register_after(struct ua *ua);

/* At module close: every registration still leaving is let go at once
 * (libre then un-REGISTERs it unbounded), and nothing waits. */
void sipreg_leave_close(void);

#endif
