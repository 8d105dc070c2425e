/*
 * Ending an account's REGISTER transaction at once (sipreg_end.c):
 * 0 when none is left in flight and the sipreg's own retry timer is
 * stopped; EALREADY when the request is still resolving or has other
 * addresses to try, ENOENT or EPROTO when the structures are not where
 * baresip 1.0.0 and libre 1.1.0 keep them (nothing is changed then).
 */
int sipreg_end(struct ua *ua);

/*
 * Where the account's REGISTER in flight was sent (the transaction's
 * destination: the registrar or outbound proxy as resolved), and whether
 * the request has other addresses to go on to: ENOENT when none is in
 * flight (or it is still resolving).
 */
int sipreg_dst(struct ua *ua, struct sa *dst, bool *morep);

/*
 * The account's REGISTER transaction to dst ended now as at its timeout,
 * so that libre sends the request to its next address at once: ENOENT
 * when there is no such transaction or no next address.
 */
int sipreg_next(struct ua *ua, const struct sa *dst);
