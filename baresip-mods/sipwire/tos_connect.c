/*
 * SIP DiffServ from the first packet of an outgoing TCP/TLS connection.
 * libre 1.1.0 creates and connects a SIP transport's socket inside
 * libre.so (sip/transp.c calls tcp_connect(): tcp_conn_alloc() makes the
 * socket, tcp_conn_connect() calls connect()), and the TLS handshake then
 * runs on that socket, so a socket marked before its connect() sends its
 * SYN, its ClientHello and its first request with the configured TOS.
 * The scan (tos.c) would find it only up to a second later.
 *
 * libre's own PLT slot for libc's connect() is pointed here
 * (common/got_hook.h); nothing else's is. Of libre's connect() calls in
 * this phone only TCP ones are looked at: UDP sockets (RTP, STUN, SIP
 * over UDP) are bound, never connected by SIP, and sipsh's ctrl socket
 * is a UNIX socket of our own module. libre's TCP clients here are the
 * SIP transports and its DNS client's fallback to TCP, told apart by the
 * peer (port 53 or a configured dns_server): every other TCP connection
 * libre opens is a SIP one.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "got_hook.h"
#include "sipwire.h"

static int tos_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int type = 0, af = 0, tos = sw.tos;
	socklen_t ol = sizeof(type);
	struct sa peer;

	if (!tos || !addr ||
	    (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
		goto out;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) ||
	    type != SOCK_STREAM)
		goto out;
	if (sa_set_sa(&peer, addr) || tos_dns_peer(&peer))
		goto out;

	ol = sizeof(af);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &af, &ol))
		goto out;

	if (tos_sock_set(fd, af, tos))
		warning("sipwire: TOS %d before connecting to %J failed\n",
			tos, &peer);
	else
		debug("sipwire: TOS %d on SIP TCP/TLS to %J before its SYN\n",
		      tos, &peer);

 out:
	return connect(fd, addr, len);
}

/* A refusal leaves the scan to mark new connections, a second late. */
void tos_connect_init(void)
{
	size_t n = 0;
	int err;

	/* Our own reference to connect is the address the dynamic linker
	 * bound libre's slot to (BIND_NOW); tcp_conn_alloc lies in libre. */
	err = got_hook_in_alloc(&sw.connect_hook, "connect",
				(void *)tos_connect, (void *)connect,
				(const void *)tcp_conn_alloc, &n);
	if (err) {
		warning("sipwire: cannot see libre's connect() (%m): new "
			"SIP TCP/TLS connections are marked only by the next "
			"scan\n", err);
		return;
	}

	info("sipwire: SIP TCP/TLS connections marked before their SYN "
	     "(%zu PLT slot%s)\n", n, n == 1 ? "" : "s");
}

void tos_connect_close(void)
{
	sw.connect_hook = mem_deref(sw.connect_hook);
}
