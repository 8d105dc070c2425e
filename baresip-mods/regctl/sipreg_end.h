/*
 * Ending an account's REGISTER transaction at once (sipreg_end.c):
 * 0 when none is left in flight and the sipreg's own retry timer is
 * stopped; EALREADY when the request is still resolving or has other
 * addresses to try, ENOENT or EPROTO when the structures are not where
 * baresip 1.0.0 and libre 1.1.0 keep them (nothing is changed then).
 */
int sipreg_end(struct ua *ua);
