/*
 * SIP DiffServ from the first packet of every TCP/TLS connection.
 * libre 1.1.0 creates and connects a SIP transport's socket inside
 * libre.so (sip/transp.c calls tcp_connect(): tcp_conn_alloc() makes the
 * socket, tcp_conn_connect() calls connect()), and the TLS handshake then
 * runs on that socket, so a socket marked before its connect() sends its
 * SYN, its ClientHello and its first request with the configured TOS.
 * The scan (tos.c) would find it only up to a second later. Likewise a
 * listener marked before libre's listen() answers its first SYN with the
 * TOS, and Linux gives an accepted socket its listener's TOS: libre's
 * TCP listeners in this phone are the SIP transports (baresip's and
 * sipaddr's on every address), so every one is marked.
 *
 * libre's own PLT slots for libc's connect() and listen() are pointed
 * here (common/got_hook.h); nothing else's are. Of libre's calls in this
 * phone only TCP sockets are looked at: UDP sockets (RTP, STUN, SIP over
 * UDP) are bound, never connected by SIP, and sipsh's ctrl socket is a
 * UNIX socket of our own module. libre's TCP clients here are the
 * SIP transports and its DNS client's fallback to TCP, told apart by the
 * peer (port 53 or a configured dns_server): every other TCP connection
 * libre opens is a SIP one.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "got_hook.h"
#include "sipwire.h"

/* The socket's address family (a v6 socket also carries IPv4). */
static int sock_af(int fd)
{
	int af = 0;
	socklen_t ol = sizeof(af);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &af, &ol))
		return AF_UNSPEC;

	return af;
}

static bool is_stream(int fd)
{
	int type = 0;
	socklen_t ol = sizeof(type);

	return !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ol) &&
		type == SOCK_STREAM;
}

static int tos_listen(int fd, int backlog)
{
	int af = sock_af(fd), tos = sw.tos;

	if (tos && (af == AF_INET || af == AF_INET6) && is_stream(fd) &&
	    tos_sock_set(fd, af, tos))
		warning("sipwire: TOS %d on a SIP TCP/TLS listener failed\n",
			tos);

	return listen(fd, backlog);
}

static int tos_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int tos = sw.tos;
	struct sa peer;

	if (!tos || !addr ||
	    (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
		goto out;
	if (!is_stream(fd))
		goto out;
	if (sa_set_sa(&peer, addr) || tos_dns_peer(&peer))
		goto out;

	if (tos_sock_set(fd, sock_af(fd), tos))
		warning("sipwire: TOS %d before connecting to %J failed\n",
			tos, &peer);
	else
		debug("sipwire: TOS %d on SIP TCP/TLS to %J before its SYN\n",
		      tos, &peer);

 out:
	return connect(fd, addr, len);
}

/* A refusal leaves the scan to mark new sockets, up to a second late. */
void tos_hooks_init(void)
{
	int err;

	/* Our own references to connect and listen are the addresses the
	 * dynamic linker bound libre's slots to (BIND_NOW); tcp_conn_alloc
	 * lies in libre. */
	err = got_hook_in_alloc(&sw.connect_hook, "connect",
				(void *)tos_connect, (void *)connect,
				(const void *)tcp_conn_alloc, NULL);
	if (err)
		warning("sipwire: cannot see libre's connect() (%m): new "
			"SIP TCP/TLS connections are marked only by the next "
			"scan\n", err);

	err = got_hook_in_alloc(&sw.listen_hook, "listen",
				(void *)tos_listen, (void *)listen,
				(const void *)tcp_conn_alloc, NULL);
	if (err)
		warning("sipwire: cannot see libre's listen() (%m): new "
			"SIP TCP/TLS listeners are marked only by the next "
			"scan\n", err);

	if (sw.connect_hook && sw.listen_hook)
		info("sipwire: SIP TCP/TLS sockets marked before their "
		     "first packet\n");
}

void tos_hooks_close(void)
{
	sw.connect_hook = mem_deref(sw.connect_hook);
	sw.listen_hook = mem_deref(sw.listen_hook);
}
