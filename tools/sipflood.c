/*
 * sipflood: a flood of SIP INVITEs over UDP, for the flood test and the
 * flood benchmark. It plays a caller that is not an allowed proxy: a
 * source address of its own (127.0.0.x on loopback), or SOURCES
 * consecutive addresses in turn, COUNT INVITEs at RATE a second, each a
 * new call, optionally each sent again a fixed number of times, and it
 * counts what comes back, per status code and per INVITE. Bounded in count and in time whatever the peer does; it
 * never ACKs, as flooders do not.
 *
 *   sipflood -d ADDR:PORT -s SRCADDR [-S SOURCES] [-p SRCPORT] [-n COUNT]
 *            [-r RATE] [-x RETRANS] [-i INTERVAL_MS] [-w LINGER_MS] [-t LIMIT_S]
 *            [-u USER]
 *
 * It prints "key value" lines: sent, retransmitted, replies, one
 * "status CODE N" line per code seen, invites_answered (INVITEs that got
 * at least one reply), max_replies_per_invite, and elapsed_ms.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	COUNT_MAX  = 1000000,
	RATE_MAX   = 100000,
	RETRANS_MAX = 10,
	LIMIT_MAX  = 600,      /* s */
	CODE_MAX   = 700,
	SRC_MAX    = 256,
};

struct opts {
	struct sockaddr_in dst;
	struct sockaddr_in src;
	unsigned sources;
	unsigned count;
	unsigned rate;
	unsigned retrans;
	unsigned interval_ms;
	unsigned linger_ms;
	unsigned limit_s;
	const char *user;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void usage(FILE *f)
{
	fputs("usage: sipflood -d ADDR:PORT -s SRCADDR [-S SOURCES] "
	      "[-p SRCPORT] [-n COUNT]\n"
	      "                [-r RATE] [-x RETRANS] [-i INTERVAL_MS] "
	      "[-w LINGER_MS] [-t LIMIT_S]\n"
	      "                [-u USER]\n"
	      "  -S  send from SRCADDR and the next SOURCES-1 addresses in "
	      "turn (default 1)\n"
	      "  -n  INVITEs, each a new call (default 100)\n"
	      "  -r  INVITEs a second (default 100)\n"
	      "  -x  times each INVITE is sent again (default 0)\n"
	      "  -i  ms between those (default 500)\n"
	      "  -w  ms to wait for replies after the last send "
	      "(default 1000)\n"
	      "  -t  s after which it stops whatever is left (default 60)\n"
	      "  -u  the Request-URI's user (default 1001)\n", f);
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *vp)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return EINVAL;
	*vp = (unsigned)v;
	return 0;
}

static int parse_addr(const char *s, bool port, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n = colon && port ? (size_t)(colon - s) : strlen(s);
	unsigned p = 0;

	if (n >= sizeof(host) || (port && !colon))
		return EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (port && parse_uint(colon + 1, 1, 65535, &p))
		return EINVAL;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return EINVAL;

	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	unsigned sport = 0;
	bool dst = false, src = false;
	int c, err = 0;

	memset(o, 0, sizeof(*o));
	o->sources = 1;
	o->count = 100;
	o->rate = 100;
	o->interval_ms = 500;
	o->linger_ms = 1000;
	o->limit_s = 60;
	o->user = "1001";

	while ((c = getopt(argc, argv, "d:s:S:p:n:r:x:i:w:t:u:")) != -1) {
		switch (c) {
		case 'd': err |= parse_addr(optarg, true, &o->dst); dst = true;
			  break;
		case 's': err |= parse_addr(optarg, false, &o->src); src = true;
			  break;
		case 'S': err |= parse_uint(optarg, 1, SRC_MAX, &o->sources);
			  break;
		case 'p': err |= parse_uint(optarg, 0, 65535, &sport); break;
		case 'n': err |= parse_uint(optarg, 1, COUNT_MAX, &o->count);
			  break;
		case 'r': err |= parse_uint(optarg, 1, RATE_MAX, &o->rate);
			  break;
		case 'x': err |= parse_uint(optarg, 0, RETRANS_MAX,
					    &o->retrans); break;
		case 'i': err |= parse_uint(optarg, 1, 60000,
					    &o->interval_ms); break;
		case 'w': err |= parse_uint(optarg, 0, 600000,
					    &o->linger_ms); break;
		case 't': err |= parse_uint(optarg, 1, LIMIT_MAX, &o->limit_s);
			  break;
		case 'u': o->user = optarg; break;
		default: return EINVAL;
		}
	}

	if (err || !dst || !src || optind != argc ||
	    strlen(o->user) > 64 || strpbrk(o->user, " \t\r\n@<>"))
		return EINVAL;
	o->src.sin_port = htons((uint16_t)sport);

	return 0;
}

/* INVITE number i, the same bytes each time it is sent. */
static int invite(char *buf, size_t sz, const struct opts *o,
		  const char *src, unsigned sport, unsigned i)
{
	char dst[INET_ADDRSTRLEN], sdp[256];
	unsigned dport = ntohs(o->dst.sin_port);
	int n, m;

	inet_ntop(AF_INET, &o->dst.sin_addr, dst, sizeof(dst));
	m = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=- %u 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
		     "t=0 0\r\nm=audio 9 RTP/AVP 0 8\r\na=sendrecv\r\n",
		     i, src, src);
	if (m < 0 || (size_t)m >= sizeof(sdp))
		return -1;

	n = snprintf(buf, sz,
		     "INVITE sip:%s@%s:%u SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bKflood%u.%u;rport\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:flood@%s>;tag=f%u\r\n"
		     "To: <sip:%s@%s:%u>\r\n"
		     "Call-ID: flood-%u-%u@%s\r\n"
		     "CSeq: 1 INVITE\r\n"
		     "Contact: <sip:flood@%s:%u>\r\n"
		     "Content-Type: application/sdp\r\n"
		     "Content-Length: %d\r\n\r\n%s",
		     o->user, dst, dport, src, sport, (unsigned)getpid(), i,
		     src, i, o->user, dst, dport, (unsigned)getpid(), i, src,
		     src, sport, m, sdp);
	if (n < 0 || (size_t)n >= sz)
		return -1;

	return n;
}

/* The status code and our INVITE's number in a reply; false if not ours. */
static bool reply_parse(const char *buf, size_t len, unsigned *code,
			unsigned *idx)
{
	char tmp[4096];
	const char *p;
	unsigned pid;

	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';

	if (sscanf(tmp, "SIP/2.0 %3u", code) != 1 || *code >= CODE_MAX)
		return false;

	p = strstr(tmp, "flood-");
	if (!p || sscanf(p, "flood-%u-%u@", &pid, idx) != 2 ||
	    pid != (unsigned)getpid())
		return false;

	return true;
}

/* Reads what is waiting on one socket; counts our replies. */
static void drain(int fd, unsigned count, uint16_t *per, unsigned *codes,
		  uint64_t *replies, unsigned *answered, unsigned *maxper)
{
	char buf[4096];

	for (int j = 0; j < 256; j++) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		unsigned code, idx;

		if (r <= 0)
			break;
		if (!reply_parse(buf, (size_t)r, &code, &idx) || idx >= count)
			continue;
		(*replies)++;
		codes[code]++;
		if (per[idx] == UINT16_MAX)
			continue;
		if (!per[idx]++)
			(*answered)++;
		if (per[idx] > *maxper)
			*maxper = per[idx];
	}
}

/* One UDP socket per source address: SRCADDR, SRCADDR + 1, ... */
static int sockets_open(const struct opts *o, struct pollfd *pfdv,
			char srcv[][INET_ADDRSTRLEN], unsigned *portv)
{
	for (unsigned i = 0; i < o->sources; i++) {
		struct sockaddr_in sa = o->src, me;
		socklen_t melen = sizeof(me);

		sa.sin_addr.s_addr = htonl(ntohl(o->src.sin_addr.s_addr) + i);
		pfdv[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		pfdv[i].events = POLLIN;
		if (pfdv[i].fd < 0 ||
		    bind(pfdv[i].fd, (struct sockaddr *)&sa, sizeof(sa)) ||
		    getsockname(pfdv[i].fd, (struct sockaddr *)&me, &melen)) {
			perror("sipflood: socket");
			return errno ? errno : EINVAL;
		}
		inet_ntop(AF_INET, &me.sin_addr, srcv[i], INET_ADDRSTRLEN);
		portv[i] = ntohs(me.sin_port);
	}

	return 0;
}

int main(int argc, char **argv)
{
	static unsigned codes[CODE_MAX];
	static struct pollfd pfdv[SRC_MAX];
	static char srcv[SRC_MAX][INET_ADDRSTRLEN];
	static unsigned portv[SRC_MAX];
	unsigned next[RETRANS_MAX + 1] = {0};
	char buf[4096];
	uint64_t t0, end, limit, stop_at = 0, sent = 0, resent = 0,
		replies = 0;
	unsigned answered = 0, maxper = 0, k, i;
	uint16_t *per = NULL;
	struct opts o;
	int rc = 1;

	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < SRC_MAX; i++)
		pfdv[i].fd = -1;

	per = calloc(o.count, sizeof(*per));
	if (!per) {
		perror("sipflood");
		goto out;
	}
	if (sockets_open(&o, pfdv, srcv, portv))
		goto out;

	t0 = now_us();
	limit = t0 + (uint64_t)o.limit_s * 1000000;

	for (;;) {
		uint64_t t = now_us(), due, wake = UINT64_MAX;
		bool left = false;
		int timeout;

		if (t >= limit)
			break;

		/* Round k sends INVITE i at t0 + i/rate + k * interval, from
		 * source i % sources. */
		for (k = 0; k <= o.retrans; k++) {
			while (next[k] < o.count) {
				unsigned s = next[k] % o.sources;
				int n;

				due = t0 + (uint64_t)next[k] * 1000000 / o.rate
					+ (uint64_t)k * o.interval_ms * 1000;
				if (due > t) {
					if (due < wake)
						wake = due;
					break;
				}
				n = invite(buf, sizeof(buf), &o, srcv[s],
					   portv[s], next[k]);
				if (n > 0 && sendto(pfdv[s].fd, buf, (size_t)n,
						    0, (struct sockaddr *)&o.dst,
						    sizeof(o.dst)) == n) {
					if (k)
						resent++;
					else
						sent++;
				}
				next[k]++;
			}
			if (next[k] < o.count)
				left = true;
		}

		if (!left) {
			if (!stop_at)
				stop_at = t + (uint64_t)o.linger_ms * 1000;
			if (t >= stop_at)
				break;
			wake = stop_at;
		}
		if (wake > limit)
			wake = limit;

		timeout = wake > t ? (int)((wake - t + 999) / 1000) : 0;
		if (poll(pfdv, o.sources, timeout) <= 0)
			continue;
		for (i = 0; i < o.sources; i++) {
			if (pfdv[i].revents & POLLIN)
				drain(pfdv[i].fd, o.count, per, codes,
				      &replies, &answered, &maxper);
		}
	}
	end = now_us();

	printf("sent %llu\nretransmitted %llu\nreplies %llu\n",
	       (unsigned long long)sent, (unsigned long long)resent,
	       (unsigned long long)replies);
	for (k = 0; k < CODE_MAX; k++) {
		if (codes[k])
			printf("status %u %u\n", k, codes[k]);
	}
	printf("invites_answered %u\nmax_replies_per_invite %u\n"
	       "elapsed_ms %llu\n", answered, maxper,
	       (unsigned long long)((end - t0) / 1000));
	rc = 0;

 out:
	for (i = 0; i < SRC_MAX; i++) {
		if (pfdv[i].fd >= 0)
			close(pfdv[i].fd);
	}
	free(per);
	return rc;
}
