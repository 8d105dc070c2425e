/*
 * SIP DiffServ: the SIP stack's sockets found among the process's file
 * descriptors by their local address and given the configured TOS: at
 * load (baresip made its transports before loading us), at once on every
 * SIP socket when a reload brings another value, and again every second.
 * New TCP/TLS connections and listeners are marked before their first
 * packet by tos_hooks.c; the second's scan stays for UDP sockets of
 * transports rebuilt after a network change and for the case where
 * those hooks are refused.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "sipwire.h"

static size_t sip_laddrs(struct sa *v, enum sip_transp *tpv, size_t max)
{
	static const enum sip_transp tps[] = {
		SIP_TRANSP_UDP, SIP_TRANSP_TCP, SIP_TRANSP_TLS
	};
	static const int afs[] = {AF_INET, AF_INET6};
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(tps); i++) {
		for (j = 0; j < ARRAY_SIZE(afs) && n < max; j++) {
			struct sa dst;

			sa_init(&dst, afs[j]);
			if (sip_transp_laddr(sw.sip, &v[n], tps[i], &dst))
				continue;
			if (sa_af(&v[n]) != afs[j])
				continue;
			tpv[n++] = tps[i];
		}
	}

	return n;
}

enum verdict { V_LATER, V_OTHER, V_SIP };

bool tos_dns_peer(const struct sa *peer)
{
	size_t i;

	if (sa_port(peer) == 53)
		return true;

	for (i = 0; i < sw.nsc; i++) {
		if (sa_cmp(&sw.nsv[i], peer, SA_ALL))
			return true;
	}

	return false;
}

/* Whether fd is one of the SIP stack's sockets. */
static enum verdict classify(int fd, const struct sa *lav,
			     const enum sip_transp *tpv, size_t lac)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sa local, peer;
	int type = 0, acc = 0;
	socklen_t ol = sizeof(type);
	size_t i;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return V_OTHER;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return V_OTHER;
	if (sa_set_sa(&local, (struct sockaddr *)&ss))
		return V_OTHER;
	if (!sa_port(&local))
		return V_LATER;                  /* not bound yet */

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol))
		return V_OTHER;

	if (type == SOCK_DGRAM) {
		for (i = 0; i < lac; i++) {
			if (tpv[i] == SIP_TRANSP_UDP &&
			    sa_cmp(&lav[i], &local, SA_ALL))
				return V_SIP;
		}
		return V_OTHER;
	}

	if (type != SOCK_STREAM)
		return V_OTHER;

	/* A listener or a connection it accepted: the transport's port, on
	 * any address (sipaddr listens on every address with the transports'
	 * port). No other TCP listener lives in this process: ctrl is a UNIX
	 * socket, and outgoing connections come from ephemeral ports. */
	for (i = 0; i < lac; i++) {
		if (tpv[i] != SIP_TRANSP_UDP &&
		    sa_port(&lav[i]) == sa_port(&local))
			return V_SIP;
	}

	ol = sizeof(acc);
	if (!getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol) && acc)
		return V_OTHER;

	/* An outgoing connection: from the transport's address, any port.
	 * baresip's only other TCP client is DNS over TCP. */
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return errno == ENOTCONN ? V_LATER : V_OTHER;
	if (sa_set_sa(&peer, (struct sockaddr *)&ss))
		return V_OTHER;
	if (tos_dns_peer(&peer))
		return V_OTHER;

	for (i = 0; i < lac; i++) {
		if (tpv[i] != SIP_TRANSP_UDP &&
		    (sa_cmp(&lav[i], &local, SA_ADDR) ||
		     !sa_isset(&lav[i], SA_ADDR)))
			return V_SIP;
	}

	return V_OTHER;
}

int tos_sock_set(int fd, int af, int tos)
{
	int err = 0;

	if (af == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
			       sizeof(tos)))
			err = errno;
		/* IPv4 traffic of a dual-stack socket */
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	else if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos))) {
		err = errno;
	}

	return err;
}

static void tos_apply(int fd, int stype)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sa local;
	int tos = sw.tos;
	int err;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    sa_set_sa(&local, (struct sockaddr *)&ss))
		return;

	err = tos_sock_set(fd, ss.ss_family, tos);

	if (err)
		warning("sipwire: TOS %d on SIP socket %J failed: %m\n",
			tos, &local, err);
	else if (stype == SOCK_DGRAM)
		info("sipwire: TOS %d (DSCP %d) on SIP UDP %J\n", tos,
		     tos >> 2, &local);
	else
		debug("sipwire: TOS %d on SIP TCP/TLS socket %J\n", tos,
		      &local);
}

static bool seen(const uint64_t *v, size_t n, uint64_t ino)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == ino)
			return true;
	}

	return false;
}

/* One pass over our file descriptors: mark SIP sockets not seen before. */
void tos_scan(void)
{
	struct sa lav[LADDR_MAX];
	enum sip_transp tpv[LADDR_MAX];
	uint64_t newv[SEEN_MAX];
	size_t lac, newc = 0;
	struct dirent *de;
	DIR *d;

	if (!sw.sip)
		return;

	lac = sip_laddrs(lav, tpv, LADDR_MAX);
	if (!lac)
		return;

	d = opendir("/proc/self/fd");
	if (!d)
		return;

	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *end;
		long fd;
		int type = 0;
		socklen_t ol = sizeof(type);

		fd = strtol(de->d_name, &end, 10);
		if (end == de->d_name || *end || fd < 0 || fd == dirfd(d))
			continue;
		if (fstat((int)fd, &st) || !S_ISSOCK(st.st_mode))
			continue;

		if (seen(sw.seenv, sw.seenc, (uint64_t)st.st_ino)) {
			if (newc < SEEN_MAX)
				newv[newc++] = (uint64_t)st.st_ino;
			continue;
		}

		switch (classify((int)fd, lav, tpv, lac)) {

		case V_SIP:
			(void)getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type,
					 &ol);
			tos_apply((int)fd, type);
			/*@fallthrough@*/
		case V_OTHER:
			if (newc < SEEN_MAX)
				newv[newc++] = (uint64_t)st.st_ino;
			break;

		case V_LATER:
			break;
		}
	}

	(void)closedir(d);

	memcpy(sw.seenv, newv, newc * sizeof(newv[0]));
	sw.seenc = newc;
}

/* A reload's TOS, on the SIP sockets at once: every socket is looked at
 * again, the ones marked before included. */
void tos_take(int tos)
{
	sw.tos = tos;
	sw.seenc = 0;
	tos_scan();
	info("sipwire: SIP TOS now %d (DSCP %d)\n", tos, tos >> 2);
}

void tos_scan_handler(void *arg)
{
	(void)arg;

	tos_scan();
	tmr_start(&sw.tmr_scan, SCAN_MS, tos_scan_handler, NULL);
}

int tos_ns_handler(const struct pl *pl, void *arg)
{
	struct pl addr = *pl;
	const char *comma;
	(void)arg;

	/* "host:port" or "host:port,fallback"? keep the address */
	comma = pl_strchr(&addr, ',');
	if (comma)
		addr.l = (size_t)(comma - addr.p);

	if (sw.nsc < NS_MAX && 0 == sa_decode(&sw.nsv[sw.nsc], addr.p,
					      addr.l))
		++sw.nsc;

	return 0;
}
