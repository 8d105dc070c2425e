/*
 * Load-time version pin shared by every baresip module of sipsh: our
 * modules are built against a hand-written subset of baresip 1.0.0's API
 * (include/baresip.h) and libre 1.1.0's headers, so each refuses to start
 * inside any other baresip or libre rather than crash on a changed ABI.
 */
#ifndef SIPSH_VERSION_CHECK_H
#define SIPSH_VERSION_CHECK_H

/*
 * Returns 0 when the running baresip and libre are the pinned versions
 * (SIPSH_BARESIP_VERSION, SIPSH_LIBRE_VERSION); otherwise logs one line
 * naming both pairs with warning() and returns ENOTSUP. 'modname'
 * prefixes the line.
 */
int sipsh_mod_version_check(const char *modname);

/*
 * The version of the running baresip as found by the check, or "unknown"
 * when it could not be found. Computed once and cached.
 */
const char *sipsh_baresip_running_version(void);

#endif
