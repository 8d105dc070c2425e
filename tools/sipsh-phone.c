/*
 * sipsh-phone: the telephone on a simulated phone line. The phoneline
 * module's 'sim' backend makes each analog port a UNIX socket
 * (baresip-mods/phoneline/sim_proto.h); this tool is what plugs into it:
 * the tests script it ("hook off", "dial 123", "wait ring 5") and a
 * person without gateway hardware uses it as a phone, with WAV files for
 * microphone and earpiece.
 *
 * Three threads share the socket: the main one runs the commands, one
 * sends a microphone frame every 20 ms on absolute CLOCK_MONOTONIC
 * deadlines (so the rate does not drift with scheduling), and one reads
 * what the line sends: earpiece audio to the recording, events to stdout
 * and to the queue 'wait' searches.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sim_proto.h"
#include "wav.h"

#ifndef SIPSH_RUNDIR
#define SIPSH_RUNDIR "/run/sipsh"
#endif

/* Exit statuses, also the results of the commands. */
enum {
	EX_OK = 0,
	EX_FAIL = 1,		/* usage, a bad command or file */
	EX_LINE = 2,		/* no line, line busy, the line hung up */
	EX_TIMEOUT = 3,		/* a 'wait' saw no matching event */
};

#define DIGIT_GAP_MS   100	/* between the digits of 'dial' */
#define ANSWER_MS      1000	/* for the line's first packet */
#define EVQ_LEN        256	/* events kept for 'wait' */
#define PROG           "sipsh-phone"

struct phone {
	int sock;
	const char *name;	/* "line 3", for messages */
	struct timespec t0;	/* when connected: events are stamped T+ */
	bool print_events;

	pthread_mutex_t lock;	/* guards everything below */
	pthread_cond_t cond;	/* an event came, or the line went */
	int16_t *play;		/* the microphone's WAV, or NULL */
	size_t play_n, play_pos;
	struct wav_out rec;	/* fd -1 when not recording */
	char evq[EVQ_LEN][SIM_EVENT_MAX + 1];
	size_t evq_head, evq_len;	/* events 'wait' has not consumed */
	bool lost;		/* the line closed the connection */

	atomic_bool stop;	/* the sender's end */
	int wake[2];		/* written when the line goes: wakes stdin */
};

/* Time */

static struct timespec now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static struct timespec ts_add_ns(struct timespec t, long long ns)
{
	long long total = (long long)t.tv_nsec + ns;

	t.tv_sec += (time_t)(total / 1000000000LL);
	t.tv_nsec = (long)(total % 1000000000LL);
	if (t.tv_nsec < 0) {
		t.tv_nsec += 1000000000L;
		t.tv_sec--;
	}
	return t;
}

static long long ts_diff_ns(struct timespec a, struct timespec b)
{
	return (long long)(a.tv_sec - b.tv_sec) * 1000000000LL +
		(a.tv_nsec - b.tv_nsec);
}

/* Sending */

static int send_event(struct phone *p, const char *text)
{
	char pkt[1 + SIM_EVENT_MAX];
	size_t len = strlen(text);

	if (len > SIM_EVENT_MAX)
		return EINVAL;
	pkt[0] = SIM_EVENT;
	memcpy(pkt + 1, text, len);
	if (send(p->sock, pkt, 1 + len, MSG_NOSIGNAL) < 0)
		return errno;
	return 0;
}

/*
 * The microphone: a frame every 20 ms from the first deadline on. After a
 * stall of more than 100 ms (the process stopped) it starts afresh rather
 * than send a burst.
 */
static void *sender(void *arg)
{
	struct phone *p = arg;
	struct timespec next = p->t0;
	uint8_t pkt[SIM_PACKET_MAX];
	int16_t s[SIM_FRAME_SAMPS];

	pkt[0] = SIM_AUDIO;
	while (!atomic_load(&p->stop)) {
		size_t i, k = 0;

		pthread_mutex_lock(&p->lock);
		if (p->play) {
			k = p->play_n - p->play_pos;
			if (k > SIM_FRAME_SAMPS)
				k = SIM_FRAME_SAMPS;
			memcpy(s, p->play + p->play_pos, k * sizeof(*s));
			p->play_pos += k;
			if (p->play_pos >= p->play_n) {
				free(p->play);
				p->play = NULL;
			}
		}
		pthread_mutex_unlock(&p->lock);
		for (i = k; i < SIM_FRAME_SAMPS; i++)
			s[i] = 0;
		for (i = 0; i < SIM_FRAME_SAMPS; i++) {
			pkt[1 + 2 * i] = (uint8_t)((uint16_t)s[i] & 0xff);
			pkt[2 + 2 * i] = (uint8_t)((uint16_t)s[i] >> 8);
		}

		/* A line that does not read loses frames, not the clock. */
		if (send(p->sock, pkt, sizeof(pkt),
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			break;

		next = ts_add_ns(next, SIM_PTIME_MS * 1000000LL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		if (ts_diff_ns(now_mono(), next) > 100000000LL)
			next = now_mono();
	}
	return NULL;
}

/* Receiving */

static void print_event(const struct phone *p, const char *text)
{
	long long ms = ts_diff_ns(now_mono(), p->t0) / 1000000LL;

	printf("T+%lld.%03lld %s\n", ms / 1000, ms % 1000, text);
}

static void *receiver(void *arg)
{
	struct phone *p = arg;
	uint8_t pkt[SIM_PACKET_MAX + 1];
	int16_t s[SIM_FRAME_SAMPS];
	bool warned = false;

	for (;;) {
		ssize_t n = recv(p->sock, pkt, sizeof(pkt), 0);
		char text[SIM_EVENT_MAX + 1];
		size_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;

		if (pkt[0] == SIM_AUDIO && n == SIM_PACKET_MAX) {
			for (i = 0; i < SIM_FRAME_SAMPS; i++)
				s[i] = (int16_t)(pkt[1 + 2 * i] |
						 pkt[2 + 2 * i] << 8);
			pthread_mutex_lock(&p->lock);
			if (p->rec.fd >= 0) {
				int e = wav_append(&p->rec, s, SIM_FRAME_SAMPS);

				if (e) {
					fprintf(stderr, PROG ": recording: %s; "
						"recording stopped\n",
						strerror(e));
					wav_close(&p->rec);
				}
			}
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		if (pkt[0] != SIM_EVENT || n - 1 > SIM_EVENT_MAX) {
			if (!warned)
				fprintf(stderr, PROG ": %s sent a packet of "
					"type 0x%02x, %zd bytes: ignored\n",
					p->name, pkt[0], n);
			warned = true;
			continue;
		}

		/* Events are text: anything unprintable is shown as '?'. */
		for (i = 0; i < (size_t)n - 1; i++)
			text[i] = pkt[1 + i] >= 0x20 && pkt[1 + i] < 0x7f ?
				(char)pkt[1 + i] : '?';
		text[i] = '\0';
		if (p->print_events)
			print_event(p, text);

		pthread_mutex_lock(&p->lock);
		if (p->evq_len == EVQ_LEN) {
			p->evq_head = (p->evq_head + 1) % EVQ_LEN;
			p->evq_len--;
		}
		snprintf(p->evq[(p->evq_head + p->evq_len) % EVQ_LEN],
			 sizeof(p->evq[0]), "%s", text);
		p->evq_len++;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}

	pthread_mutex_lock(&p->lock);
	p->lost = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* One byte, once: the pipe cannot be full. */
	if (write(p->wake[1], "x", 1) < 0)
		fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
	return NULL;
}

/* Commands */

/*
 * Waits until the deadline, or until the line goes away (EX_LINE). With
 * re, also until an event matches it: the events searched are those not
 * yet consumed, and a match consumes it and all events before it.
 */
static int pause_until(struct phone *p, struct timespec deadline,
		       const regex_t *re)
{
	int rc = EX_OK;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (re) {
			bool hit = false;

			while (p->evq_len && !hit) {
				hit = !regexec(re, p->evq[p->evq_head], 0,
					       NULL, 0);
				p->evq_head = (p->evq_head + 1) % EVQ_LEN;
				p->evq_len--;
			}
			if (hit)
				break;
		}
		if (p->lost) {
			rc = EX_LINE;
			break;
		}
		if (ts_diff_ns(now_mono(), deadline) >= 0) {
			rc = re ? EX_TIMEOUT : EX_OK;
			break;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &deadline);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc == EX_LINE)
		fprintf(stderr, PROG ": %s closed the connection\n", p->name);
	return rc;
}

static int parse_seconds(const char *s, struct timespec *deadline)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 86400) {
		fprintf(stderr, PROG ": not a time in seconds (0 to 86400): "
			"'%s'\n", s);
		return EX_FAIL;
	}
	*deadline = ts_add_ns(now_mono(), llround(v * 1e9));
	return EX_OK;
}

static int sent(struct phone *p, const char *ev)
{
	int e = send_event(p, ev);

	if (!e)
		return EX_OK;
	fprintf(stderr, PROG ": sending '%s' to %s: %s\n", ev, p->name,
		strerror(e));
	return EX_LINE;
}

static int cmd_hook(struct phone *p, char *arg)
{
	if (!strcmp(arg, "off"))
		return sent(p, "hook off");
	if (!strcmp(arg, "on"))
		return sent(p, "hook on");
	fprintf(stderr, PROG ": hook: 'on' or 'off', not '%s'\n", arg);
	return EX_FAIL;
}

static int cmd_flash(struct phone *p, char *arg)
{
	if (*arg) {
		fprintf(stderr, PROG ": flash takes no argument\n");
		return EX_FAIL;
	}
	return sent(p, "flash");
}

static int cmd_dial(struct phone *p, char *arg)
{
	struct timespec t = now_mono();
	char ev[16];
	size_t i, n = strlen(arg);
	int rc;

	if (!n || strspn(arg, "0123456789*#ABCDabcd") != n) {
		fprintf(stderr, PROG ": dial: digits 0-9 * # A-D, not '%s'\n",
			arg);
		return EX_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (i) {
			t = ts_add_ns(t, DIGIT_GAP_MS * 1000000LL);
			rc = pause_until(p, t, NULL);
			if (rc)
				return rc;
		}
		snprintf(ev, sizeof(ev), "digit %c", arg[i] >= 'a' ?
			 arg[i] - 'a' + 'A' : arg[i]);
		rc = sent(p, ev);
		if (rc)
			return rc;
	}
	return EX_OK;
}

static int cmd_sleep(struct phone *p, char *arg)
{
	struct timespec t;
	int rc = parse_seconds(arg, &t);

	return rc ? rc : pause_until(p, t, NULL);
}

/* wait REGEX SECONDS: the last word is the time, the rest the regex. */
static int cmd_wait(struct phone *p, char *arg)
{
	char *sp = strrchr(arg, ' '), *rx = arg, ebuf[200];
	struct timespec t;
	regex_t re;
	size_t len;
	int rc, e;

	if (!sp) {
		fprintf(stderr, PROG ": wait: EVENT-REGEX SECONDS\n");
		return EX_FAIL;
	}
	*sp = '\0';
	rc = parse_seconds(sp + 1, &t);
	if (rc)
		return rc;
	len = strlen(rx);
	while (len && rx[len - 1] == ' ')
		rx[--len] = '\0';
	/* "wait 'ring on' 5" from a script: the quotes are not the regex. */
	if (len >= 2 && (rx[0] == '"' || rx[0] == '\'') &&
	    rx[len - 1] == rx[0]) {
		rx[len - 1] = '\0';
		rx++;
	}
	e = regcomp(&re, rx, REG_EXTENDED | REG_NOSUB);
	if (e) {
		regerror(e, &re, ebuf, sizeof(ebuf));
		fprintf(stderr, PROG ": wait: '%s': %s\n", rx, ebuf);
		return EX_FAIL;
	}
	rc = pause_until(p, t, &re);
	regfree(&re);
	if (rc == EX_TIMEOUT)
		fprintf(stderr, PROG ": wait: no event matching '%s' within "
			"%s s\n", rx, sp + 1);
	return rc;
}

static int play_file(struct phone *p, const char *path)
{
	int16_t *s = NULL, *old;
	size_t n = 0;
	char err[512];

	if (wav_load(path, &s, &n, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return EX_FAIL;
	}
	if (!n) {
		free(s);
		s = NULL;
	}
	pthread_mutex_lock(&p->lock);
	old = p->play;
	p->play = s;
	p->play_n = n;
	p->play_pos = 0;
	pthread_mutex_unlock(&p->lock);
	free(old);
	return EX_OK;
}

static int cmd_play(struct phone *p, char *arg)
{
	int16_t *old;

	if (!*arg) {
		fprintf(stderr, PROG ": play: WAV or 'stop'\n");
		return EX_FAIL;
	}
	if (strcmp(arg, "stop"))
		return play_file(p, arg);
	pthread_mutex_lock(&p->lock);
	old = p->play;
	p->play = NULL;
	pthread_mutex_unlock(&p->lock);
	free(old);
	return EX_OK;
}

static int record_file(struct phone *p, const char *path)
{
	struct wav_out w = { .fd = -1 };
	char err[512];

	if (path && wav_create(&w, path, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return EX_FAIL;
	}
	pthread_mutex_lock(&p->lock);
	wav_close(&p->rec);
	p->rec = w;
	pthread_mutex_unlock(&p->lock);
	return EX_OK;
}

static int cmd_record(struct phone *p, char *arg)
{
	if (!*arg) {
		fprintf(stderr, PROG ": record: WAV or 'stop'\n");
		return EX_FAIL;
	}
	return record_file(p, strcmp(arg, "stop") ? arg : NULL);
}

static int cmd_help(struct phone *p, char *arg);

/* The command words; 'quit' is handled by the loop. */
static const struct command {
	const char *name;
	int (*fn)(struct phone *p, char *arg);
	const char *args;
	const char *help;
} commands[] = {
	{ "hook",   cmd_hook,   "off|on",      "lift or put down the handset" },
	{ "flash",  cmd_flash,  "",            "hook flash" },
	{ "dial",   cmd_dial,   "DIGITS",      "press keys 0-9 * # A-D, "
						"100 ms apart" },
	{ "wait",   cmd_wait,   "REGEX SECONDS", "wait for an event from "
						"the line (status 3: none)" },
	{ "sleep",  cmd_sleep,  "SECONDS",     "do nothing for a while" },
	{ "play",   cmd_play,   "WAV|stop",    "speak this file into the "
						"microphone, once" },
	{ "record", cmd_record, "WAV|stop",    "record the earpiece" },
	{ "help",   cmd_help,   "",            "this list" },
	{ "quit",   NULL,       "",            "hang up and exit" },
};

static void print_commands(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-6s %-14s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
}

static int cmd_help(struct phone *p, char *arg)
{
	(void)p;
	(void)arg;
	print_commands(stdout);
	return EX_OK;
}

/* Runs one command line; *quit is set by 'quit'. */
static int run_line(struct phone *p, char *line, bool *quit)
{
	char *w, *arg, *end;
	size_t i, len;

	/* Blanks to spaces, then the ends trimmed. A '#' first or after a
	 * blank starts a comment, as in the shell, so that a line pasted
	 * from a manual with its comment works; the '#' key in 'dial 12#'
	 * follows a digit. */
	for (w = line; *w; w++)
		if (*w == '\t' || *w == '\r' || *w == '\n')
			*w = ' ';
	for (w = line; *w; w++) {
		if (*w == '#' && (w == line || w[-1] == ' ')) {
			*w = '\0';
			break;
		}
	}
	while (*line == ' ')
		line++;
	len = strlen(line);
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	if (!*line || *line == '#')
		return EX_OK;

	w = line;
	end = strchr(line, ' ');
	arg = end ? end + 1 : line + len;
	if (end)
		*end = '\0';
	while (*arg == ' ')
		arg++;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(w, commands[i].name))
			continue;
		if (!commands[i].fn) {
			*quit = true;
			return EX_OK;
		}
		return commands[i].fn(p, arg);
	}
	fprintf(stderr, PROG ": unknown command '%s' (try 'help')\n", w);
	return EX_FAIL;
}

/*
 * Commands from standard input, a line at a time, until EOF or 'quit'.
 * It also watches the line, so that a phone left idle at a prompt hears
 * of the hang-up. An interactive user's errors do not end the program.
 */
static int run_stdin(struct phone *p, bool interactive)
{
	char buf[4096];
	size_t have = 0;
	bool quit = false;
	int rc = EX_OK;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = p->wake[0], .events = POLLIN },
		};
		char *nl;
		ssize_t n;

		/* Whole lines first, then more input. */
		nl = memchr(buf, '\n', have);
		if (nl) {
			size_t used = (size_t)(nl - buf) + 1;

			*nl = '\0';
			rc = run_line(p, buf, &quit);
			memmove(buf, buf + used, have - used);
			have -= used;
			if (quit || (rc && !interactive) || rc == EX_LINE)
				return rc;
			continue;
		}
		if (have == sizeof(buf) - 1) {
			fprintf(stderr, PROG ": an input line over %zu bytes\n",
				sizeof(buf) - 1);
			return EX_FAIL;
		}
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return EX_FAIL;
		}
		if (pfd[1].revents) {
			fprintf(stderr, PROG ": %s closed the connection\n",
				p->name);
			return EX_LINE;
		}
		n = read(0, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": standard input: %s\n",
				strerror(errno));
			return EX_FAIL;
		}
		if (n == 0) {
			/* The last line may lack its newline. */
			buf[have] = '\0';
			rc = have ? run_line(p, buf, &quit) : rc;
			return interactive ? EX_OK : rc;
		}
		have += (size_t)n;
	}
}

/* Connecting */

/*
 * Connects to the line and waits for its first packet: a line sends
 * audio from the moment it accepts, and closes a second telephone's
 * connection at once. A line that has not yet seen the previous
 * telephone hang up does the same, so a closed connection is tried again
 * for a second before the line counts as busy. Returns 0 or an exit
 * status, having said why.
 */
static int dial_in(struct phone *p, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec give_up = ts_add_ns(now_mono(), ANSWER_MS * 1000000LL);
	struct pollfd pfd;
	uint8_t b;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, PROG ": the socket path is too long: %s\n",
			path);
		return EX_FAIL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

 again:
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		fprintf(stderr, PROG ": socket: %s\n", strerror(errno));
		return EX_FAIL;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
			fprintf(stderr, PROG ": %s does not exist or the phone "
				"is not running: %s\n", p->name, path);
		else if (e == EAGAIN)
			fprintf(stderr, PROG ": %s is busy: another telephone "
				"is connected (%s)\n", p->name, path);
		else if (e == EPROTOTYPE || e == ENOTSOCK)
			fprintf(stderr, PROG ": not a phone line socket: %s\n",
				path);
		else
			fprintf(stderr, PROG ": cannot connect to %s: %s: %s\n",
				p->name, strerror(e), path);
		close(fd);
		return EX_LINE;
	}

	pfd.fd = fd;
	pfd.events = POLLIN;
	do
		r = poll(&pfd, 1, ANSWER_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0 && recv(fd, &b, 1, MSG_PEEK) > 0)
		r = 1;
	else if (r > 0)
		r = -1;
	if (r < 0 && ts_diff_ns(now_mono(), give_up) < 0) {
		struct timespec t = ts_add_ns(now_mono(), 50000000LL);

		close(fd);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
		goto again;
	}
	if (r <= 0) {
		fprintf(stderr, PROG ": %s is busy: another telephone is "
			"connected (%s: %s)\n", p->name, path,
			r == 0 ? "no answer within 1 s" :
			"the line closes the connection");
		close(fd);
		return EX_LINE;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		fprintf(stderr, PROG ": fcntl: %s\n", strerror(errno));
		close(fd);
		return EX_FAIL;
	}
	p->sock = fd;
	return EX_OK;
}

static void usage(FILE *f)
{
	fputs("usage: " PROG " [-S SOCKET | -l LINE] [-R RUNDIR] [--play WAV]"
	      " [--record WAV]\n"
	      "                   [--events | --no-events] [-i] "
	      "[COMMAND...]\n"
	      "  -l LINE     the line RUNDIR/lines/lineLINE.sock (default 0)\n"
	      "  -R RUNDIR   default $SIPSH_RUNDIR, else " SIPSH_RUNDIR "\n"
	      "  -i          read commands from standard input even from "
	      "a terminal\n"
	      "commands (arguments first, then standard input):\n", f);
	print_commands(f);
}

int main(int argc, char **argv)
{
	static const struct option lopt[] = {
		{ "socket",    required_argument, NULL, 'S' },
		{ "line",      required_argument, NULL, 'l' },
		{ "rundir",    required_argument, NULL, 'R' },
		{ "play",      required_argument, NULL, 'p' },
		{ "record",    required_argument, NULL, 'r' },
		{ "events",    no_argument,       NULL, 'e' },
		{ "no-events", no_argument,       NULL, 'E' },
		{ "interactive", no_argument,     NULL, 'i' },
		{ "help",      no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct phone ph = { .sock = -1, .rec = { .fd = -1 },
				   .wake = { -1, -1 } };
	struct phone *p = &ph;
	const char *sock = NULL, *rundir = NULL, *play = NULL, *rec = NULL;
	char path[PATH_MAX], name[64] = "the line";
	long line = -1;
	int events = -1, opt, rc = EX_OK, i;
	bool interactive = false, read_stdin, tty = isatty(0), quit = false;
	pthread_condattr_t ca;
	pthread_t tx, rx;

	while ((opt = getopt_long(argc, argv, "+S:l:R:ih", lopt, NULL)) != -1) {
		char *end;

		switch (opt) {
		case 'S': sock = optarg; break;
		case 'R': rundir = optarg; break;
		case 'p': play = optarg; break;
		case 'r': rec = optarg; break;
		case 'e': events = 1; break;
		case 'E': events = 0; break;
		case 'i': interactive = true; break;
		case 'l':
			errno = 0;
			line = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || line < 0 ||
			    line > 9999) {
				fprintf(stderr, PROG ": -l: a line number, "
					"not '%s'\n", optarg);
				return EX_FAIL;
			}
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_FAIL;
		}
	}
	if (sock && line >= 0) {
		fprintf(stderr, PROG ": -S and -l name the same thing: "
			"one of them\n");
		return EX_FAIL;
	}

	if (sock) {
		snprintf(path, sizeof(path), "%s", sock);
	}
	else {
		if (!rundir)
			rundir = getenv("SIPSH_RUNDIR");
		if (!rundir || !*rundir)
			rundir = SIPSH_RUNDIR;
		if (line < 0)
			line = 0;
		if ((size_t)snprintf(path, sizeof(path), "%s/lines/line%ld.sock",
				     rundir, line) >= sizeof(path)) {
			fprintf(stderr, PROG ": the run directory's path is "
				"too long\n");
			return EX_FAIL;
		}
		snprintf(name, sizeof(name), "line %ld", line);
	}
	p->name = name;

	/* Arguments first, then stdin; with neither, a terminal's stdin. */
	read_stdin = interactive || !tty || optind == argc;
	p->print_events = events >= 0 ? events : optind < argc || tty;
	setvbuf(stdout, NULL, _IOLBF, 0);

	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pipe2(p->wake, O_CLOEXEC) < 0) {
		fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
		return EX_FAIL;
	}

	/* The files before the line: a bad file is no reason to pick up. */
	if (play && play_file(p, play))
		return EX_FAIL;
	if (rec && record_file(p, rec))
		return EX_FAIL;

	rc = dial_in(p, path);
	if (rc)
		return rc;
	p->t0 = now_mono();
	if (pthread_create(&rx, NULL, receiver, p) ||
	    pthread_create(&tx, NULL, sender, p)) {
		fprintf(stderr, PROG ": cannot start threads\n");
		return EX_FAIL;
	}
	if (tty && read_stdin)
		fprintf(stderr, PROG ": connected to %s; type 'help' for the "
			"commands\n", p->name);

	for (i = optind; i < argc && !rc && !quit; i++) {
		char *cmd = strdup(argv[i]);

		if (!cmd) {
			rc = EX_FAIL;
			break;
		}
		rc = run_line(p, cmd, &quit);
		free(cmd);
	}
	if (!rc && !quit && read_stdin)
		rc = run_stdin(p, tty);

	/* Hang up: the line takes a closed connection as the handset down. */
	atomic_store(&p->stop, true);
	shutdown(p->sock, SHUT_RDWR);
	pthread_join(tx, NULL);
	pthread_join(rx, NULL);
	close(p->sock);
	record_file(p, NULL);
	free(p->play);
	return rc;
}
