/*
 * The hosts SIP over TLS connects to (one 'siptls_host' line each) and
 * the addresses they resolve to, so that a TLS connection, of which
 * libre 1.1.0 knows only the address, is checked against the names of
 * the hosts it goes to.
 */
#ifndef SIPTLS_TLSHOSTS_H
#define SIPTLS_TLSHOSTS_H

#include <stdbool.h>
#include <stddef.h>

struct sa;

enum { TLSHOSTS_MATCH_MAX = 8 };

/* Reads every 'siptls_host NAME[:PORT]' of the configuration file and
 * starts resolving the names (A, AAAA, and SRV _sips._tcp when no port
 * is given). */
int  tlshosts_init(const char *file);
/* Reads the file again if it changed since: sipsh adds accounts live,
 * after rewriting it. Addresses known for a host are kept. */
int  tlshosts_reload(void);
void tlshosts_close(void);
/* Ask the DNS again (at most every few seconds). */
void tlshosts_refresh(void);
/* How many hosts are configured. */
size_t tlshosts_count(void);

/*
 * The names of the configured hosts that peer (address and port) belongs
 * to, up to max, into namev; their count. A host without a port is at
 * its SRV targets' ports, or 5061. An IP address host's name is
 * its address text; *is_ipv tells which are.
 */
size_t tlshosts_match(const struct sa *peer, const char **namev,
		      bool *is_ipv, size_t max);

#endif
