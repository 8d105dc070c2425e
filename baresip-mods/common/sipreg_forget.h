/*
 * Registering an account again without taking its binding back first.
 * baresip 1.0.0's ua_register() frees the account's libre registration
 * and makes a new one: the old one, still registered, sends an
 * un-REGISTER (its own Call-ID, the same Contact) while the new one sends
 * its REGISTER (a new Call-ID). A registrar that handles the two out of
 * order (Kamailio's workers run side by side; both need a challenge)
 * removes the binding the new REGISTER just made (RFC 3261 10.3: another
 * Call-ID and expires 0 remove it), and the phone believes itself
 * registered while no call reaches it. When the Contact stays the same,
 * the new REGISTER replaces the binding by itself: call sipreg_forget()
 * just before ua_register().
 */
#ifndef SIPSH_SIPREG_FORGET_H
#define SIPSH_SIPREG_FORGET_H

struct ua;

/*
 * ua's registrations, each: its REGISTER in flight ended unheard (or let
 * go, when still resolving or going on to another address), its refresh
 * timer stopped, and its binding no longer counted as made, so
 * that the next ua_register() frees it without an un-REGISTER. 0, or
 * EPROTO/ENOENT when the structures do not check out (common/
 * sipreg_peek.h: nothing is changed, and the un-REGISTER goes out).
 */
int sipreg_forget(struct ua *ua);

#endif
