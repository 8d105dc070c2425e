/*
 * The interactive shell on a terminal. libedit edits the line; our own
 * read function waits on the terminal and on a pipe fed by signal
 * handlers, so a hangup, a resize or the idle timeout are handled between
 * keystrokes rather than inside a signal handler. '?' and TAB are keys
 * bound to the grammar walkers of help.c; output goes through a pager.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <histedit.h>
#include "re_base.h"
#include "session.h"
#include "help.h"
#include "tty.h"

struct tty {
	struct input in;
	EditLine *el;
	History *hist;
	struct session *s;
	char prompt[128];
	char histfile[512];
	mbstate_t mbs;
	unsigned rows, cols;
	bool hup;               /* hangup or terminate: end the session */
	bool idle;              /* the idle timeout struck */
	bool cancel;            /* Ctrl-C: drop the line */
	bool ctrl_z;            /* Ctrl-Z: 'end' */
	unsigned lines;         /* printed since the last --More-- */
	unsigned col;           /* of the cursor, to count wrapped lines */
	bool quiet;             /* 'q' at --More--: drop the rest */
	struct re_printf pager;
};

static int sigpipe_fd[2] = {-1, -1};

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (write(sigpipe_fd[1], &c, 1) < 0) {
		/* The pipe is full: a signal is pending already. */
	}
	errno = saved;
}

static void signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
}

static void size_update(struct tty *t)
{
	struct winsize ws;

	t->rows = 24;
	t->cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col ? ws.ws_col : 80;
	}
}

/* Signals that arrived: 0, or -1 when the session must end. */
static int signals_drain(struct tty *t)
{
	unsigned char c;

	while (read(sigpipe_fd[0], &c, 1) == 1) {
		switch (c) {

		case SIGHUP:
		case SIGTERM:
			t->hup = true;
			break;

		case SIGWINCH:
			size_update(t);
			if (t->el)
				el_resize(t->el);
			break;

		default:
			break;
		}
	}

	return t->hup ? -1 : 0;
}

static int idle_ms(const struct tty *t)
{
	long secs = cfg_int(t->s->running, SECT_SYSTEM, 0, "exec-timeout");

	return secs > 0 ? (int)(secs * 1000) : -1;
}

/* libedit's read function: one character, or 0 at the end, -1 to stop. */
static int tty_getc(EditLine *el, wchar_t *wc)
{
	struct tty *t = NULL;
	struct pollfd pfd[3];
	unsigned n;

	el_get(el, EL_CLIENTDATA, &t);

	for (n = 0; n < 1000000; n++) {
		char byte;
		size_t r;
		int rc;

		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = sigpipe_fd[0];
		pfd[1].events = POLLIN;
		pfd[2].fd = t->s->watch_fd;
		pfd[2].events = POLLIN;
		pfd[2].revents = 0;

		rc = poll(pfd, t->s->watch_fd >= 0 ? 3 : 2, idle_ms(t));
		if (rc == 0) {
			t->idle = true;
			return -1;
		}
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}

		if (pfd[1].revents && signals_drain(t))
			return -1;

		/* Something to show (a trace): print it above the line being
		 * edited, then draw that line again. */
		if (pfd[2].revents && t->s->watch_h) {
			fputc('\n', stdout);
			t->s->watch_h(t->s);
			fflush(stdout);
			el_set(el, EL_REFRESH);
		}

		if (!pfd[0].revents)
			continue;

		rc = (int)read(STDIN_FILENO, &byte, 1);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}

		r = mbrtowc(wc, &byte, 1, &t->mbs);
		if (r == (size_t)-2)
			continue;       /* more bytes of this character */
		if (r == (size_t)-1) {
			memset(&t->mbs, 0, sizeof(t->mbs));
			*wc = (unsigned char)byte;
		}
		return 1;
	}

	return -1;
}

static void prompt_set(struct tty *t, const char *override)
{
	const struct session *s = t->s;
	const char *host = cfg_str(s->running, SECT_SYSTEM, 0, "hostname");
	const struct section *sec;

	if (override) {
		str_ncpy(t->prompt, override, sizeof(t->prompt));
		return;
	}

	if (s->mode == MODE_EXEC) {
		re_snprintf(t->prompt, sizeof(t->prompt), "%s> ", host);
		return;
	}

	if (s->mode == MODE_CONFIG) {
		re_snprintf(t->prompt, sizeof(t->prompt), "%s(config)# ",
			    host);
		return;
	}

	sec = section_get(s->mode - MODE_SECT);
	if (sec->singleton)
		re_snprintf(t->prompt, sizeof(t->prompt), "%s(config-%s)# ",
			    host, sec->name);
	else
		re_snprintf(t->prompt, sizeof(t->prompt),
			    "%s(config-%s-%d)# ", host, sec->name, s->inst);
}

static char *prompt_fn(EditLine *el)
{
	struct tty *t = NULL;

	el_get(el, EL_CLIENTDATA, &t);
	return t->prompt;
}

/* The line up to the cursor, for '?' and TAB. */
static int line_before_cursor(EditLine *el, char **textp)
{
	const LineInfo *li = el_line(el);

	return re_sdprintf(textp, "%b", li->buffer,
			   (size_t)(li->cursor - li->buffer));
}

static bool in_quotes(const char *text)
{
	bool q = false;

	for (; *text; text++) {
		if (*text == '\\' && q && text[1])
			++text;
		else if (*text == '"')
			q = !q;
	}

	return q;
}

static unsigned char key_help(EditLine *el, int ch)
{
	struct tty *t = NULL;
	struct help *h;
	char *text = NULL;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &t);

	if (line_before_cursor(el, &text))
		return CC_ERROR;

	/* Inside a quoted word, '?' is just a character. */
	if (in_quotes(text)) {
		mem_deref(text);
		el_insertstr(el, "?");
		return CC_REFRESH;
	}

	h = mem_zalloc(sizeof(*h), NULL);
	if (h && !help_collect(h, t->s, text)) {
		fputs("?\n", stdout);
		if (h->error) {
			size_t k;

			for (k = 0; k < strlen(t->prompt) + h->errcol; k++)
				fputc(' ', stdout);
			fputs("^\n", stdout);
		}
		/* Long help pages like other output; the line with the
		 * '?' is on the screen already. */
		t->lines = 1;
		t->col = 0;
		t->quiet = false;
		help_print(&t->pager, h, t->cols);
		t->quiet = false;
		fflush(stdout);
	}

	mem_deref(h);
	mem_deref(text);
	return CC_REDISPLAY;
}

static void list_words(const struct help *h, unsigned cols)
{
	size_t i, width = 0, col = 0;

	for (i = 0; i < h->n; i++) {
		if (h->v[i].completes && strlen(h->v[i].word) > width)
			width = strlen(h->v[i].word);
	}
	width += 2;

	fputc('\n', stdout);
	for (i = 0; i < h->n; i++) {
		if (!h->v[i].completes)
			continue;
		if (col && col + width > cols) {
			fputc('\n', stdout);
			col = 0;
		}
		re_fprintf(stdout, "%s", h->v[i].word);
		for (size_t k = strlen(h->v[i].word); k < width; k++)
			fputc(' ', stdout);
		col += width;
	}
	fputc('\n', stdout);
	fflush(stdout);
}

static unsigned char key_complete(EditLine *el, int ch)
{
	struct tty *t = NULL;
	struct help *h;
	char *text = NULL, *ins = NULL;
	bool list = false;
	unsigned char rc = CC_REFRESH_BEEP;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &t);

	if (line_before_cursor(el, &text))
		return CC_ERROR;

	h = mem_zalloc(sizeof(*h), NULL);
	if (!h || in_quotes(text) || help_collect(h, t->s, text) || h->error)
		goto out;

	if (help_complete(h, &ins, &list))
		goto out;

	if (ins[0]) {
		el_insertstr(el, ins);
		rc = CC_REFRESH;
	}
	else if (list) {
		list_words(h, t->cols);
		rc = CC_REDISPLAY;
	}

 out:
	mem_deref(ins);
	mem_deref(h);
	mem_deref(text);
	return rc;
}

static unsigned char key_cancel(EditLine *el, int ch)
{
	struct tty *t = NULL;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &t);
	t->cancel = true;
	fputs("^C\n", stdout);
	return CC_NEWLINE;
}

static unsigned char key_end(EditLine *el, int ch)
{
	struct tty *t = NULL;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &t);
	t->ctrl_z = true;
	return CC_NEWLINE;
}

/* One key at the --More-- prompt, read with the terminal in raw mode. */
static int more_key(struct tty *t)
{
	struct termios old, raw;
	struct pollfd pfd[2];
	char c = 'q';
	bool restore;

	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}

	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[1].fd = sigpipe_fd[0];
	pfd[1].events = POLLIN;

	for (;;) {
		int rc = poll(pfd, 2, idle_ms(t));

		if (rc <= 0) {
			if (rc < 0 && errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents) {
			unsigned char sig = 0;

			if (read(sigpipe_fd[0], &sig, 1) == 1 &&
			    sig == SIGWINCH) {
				size_update(t);
				continue;
			}
			if (sig == SIGHUP || sig == SIGTERM)
				t->hup = true;
			break;   /* Ctrl-C and the rest: stop the output */
		}
		if (read(STDIN_FILENO, &c, 1) != 1)
			c = 'q';
		break;
	}

	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);

	return c;
}

static int pager_vph(const char *p, size_t size, void *arg)
{
	struct tty *t = arg;
	int len = t->s->term_length;
	unsigned page = len < 0 ? t->rows : (unsigned)len;
	size_t i;

	for (i = 0; i < size && !t->quiet; i++) {
		fputc(p[i], stdout);

		/* A line longer than the terminal is wide takes several;
		 * bytes that continue a UTF-8 character take no column. */
		if (p[i] != '\n') {
			if (((unsigned char)p[i] & 0xc0) == 0x80)
				continue;
			if (++t->col < t->cols)
				continue;
		}
		t->col = 0;

		if (!page || ++t->lines < page - 1)
			continue;

		fputs(" --More-- ", stdout);
		fflush(stdout);
		switch (more_key(t)) {

		case ' ':
			t->lines = 0;
			break;

		case '\r':
		case '\n':
			t->lines = page - 2;
			break;

		default:
			t->quiet = true;
			break;
		}
		fputs("\r          \r", stdout);
	}

	fflush(stdout);
	return 0;
}

/* Secrets, and answers to questions: read without libedit. */
static int plain_readline(struct tty *t, const char *prompt, bool echo,
			  char **linep)
{
	struct termios old, quiet;
	char buf[512];
	size_t n = 0;
	bool restore = false;
	int err = 0;

	fputs(prompt, stdout);
	fflush(stdout);

	if (!echo && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
	}

	for (;;) {
		struct pollfd pfd[2] = {{STDIN_FILENO, POLLIN, 0},
					{sigpipe_fd[0], POLLIN, 0}};
		char c;
		int rc = poll(pfd, 2, idle_ms(t));

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			err = ENODATA;
			break;
		}
		if (pfd[1].revents) {
			signals_drain(t);
			err = ENODATA;
			break;
		}
		if (read(STDIN_FILENO, &c, 1) != 1) {
			err = ENODATA;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 < sizeof(buf))
			buf[n++] = c;
	}

	if (restore) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stdout);
	}

	buf[n] = '\0';
	if (!err)
		err = str_dup(linep, buf);
	memset(buf, 0, sizeof(buf));

	return err;
}

static int tty_readline(struct input *in, const char *prompt, bool echo,
			char **linep)
{
	struct tty *t = (struct tty *)in;
	const char *line;
	int count = 0, err;

	if (prompt)
		return plain_readline(t, prompt, echo, linep);

	prompt_set(t, NULL);
	t->cancel = false;
	t->ctrl_z = false;

	line = el_gets(t->el, &count);
	if (!line || count <= 0)
		return ENODATA;

	++in->lineno;
	err = str_dup(linep, t->ctrl_z ? "end" : line);
	if (err)
		return err;

	(*linep)[strcspn(*linep, "\r\n")] = '\0';
	if (t->cancel)
		(*linep)[0] = '\0';

	return 0;
}

static void history_setup(struct tty *t)
{
	const char *home = getenv("HOME");
	HistEvent ev;

	history(t->hist, &ev, H_SETSIZE, 500);
	history(t->hist, &ev, H_SETUNIQUE, 1);

	if (!home || !*home)
		return;

	re_snprintf(t->histfile, sizeof(t->histfile), "%s/.sipsh_history",
		    home);
	history(t->hist, &ev, H_LOAD, t->histfile);
}

static void history_remember(struct tty *t, const char *line)
{
	HistEvent ev;

	if (!line[0])
		return;

	history(t->hist, &ev, H_ENTER, line);
	sess_history_add(t->s, line);
}

static void history_save(struct tty *t)
{
	HistEvent ev;
	mode_t old;

	if (!t->histfile[0])
		return;

	old = umask(077);
	history(t->hist, &ev, H_SAVE, t->histfile);
	umask(old);
}

static bool dumb_terminal(void)
{
	const char *term = getenv("TERM");

	return !term || !*term || !strcmp(term, "dumb");
}

static int editor_setup(struct tty *t)
{
	t->el = el_init("sipsh", stdin, stdout, stderr);
	t->hist = history_init();
	if (!t->el || !t->hist)
		return ENOMEM;

	el_set(t->el, EL_CLIENTDATA, t);
	el_set(t->el, EL_PROMPT, prompt_fn);
	el_set(t->el, EL_EDITOR, "emacs");
	el_set(t->el, EL_HIST, history, t->hist);
	el_set(t->el, EL_GETCFN, tty_getc);

	/* Ctrl-C and Ctrl-Z reach us as keys while a line is edited. */
	el_set(t->el, EL_SETTY, "-d", "-isig", NULL);

	el_set(t->el, EL_ADDFN, "sipsh-help", "Show what may come next",
	       key_help);
	el_set(t->el, EL_ADDFN, "sipsh-complete", "Complete the word",
	       key_complete);
	el_set(t->el, EL_ADDFN, "sipsh-cancel", "Cancel the line",
	       key_cancel);
	el_set(t->el, EL_ADDFN, "sipsh-end", "Leave configure mode",
	       key_end);
	el_set(t->el, EL_BIND, "?", "sipsh-help", NULL);
	el_set(t->el, EL_BIND, "^I", "sipsh-complete", NULL);
	el_set(t->el, EL_BIND, "^C", "sipsh-cancel", NULL);
	el_set(t->el, EL_BIND, "^Z", "sipsh-end", NULL);

	/* A dumb terminal gets plain line input: '?' then works at the
	 * end of a line, answered when Enter is pressed. */
	if (dumb_terminal())
		el_set(t->el, EL_EDITMODE, 0);

	history_setup(t);
	return 0;
}

static void say_end(struct tty *t)
{
	struct session *s = t->s;
	bool dirty = sess_dirty(s);

	if (t->idle)
		re_fprintf(stderr, "\n%% Idle for %ld seconds: session "
			   "closed%s\n",
			   cfg_int(s->running, SECT_SYSTEM, 0, "exec-timeout"),
			   dirty ? "; staged changes discarded" : "");
	else if (t->hup && dirty)
		re_fprintf(stderr, "\n%% Hangup: staged changes discarded\n");
}

int tty_run(const char *path)
{
	struct tty t;
	unsigned n;
	int err;

	memset(&t, 0, sizeof(t));
	t.in.readline = tty_readline;
	t.in.name = "tty";

	if (sigpipe_fd[0] < 0 && pipe2(sigpipe_fd, O_NONBLOCK | O_CLOEXEC)) {
		perror("sipsh: pipe");
		return EXIT_FILE;
	}
	signals_setup();
	size_update(&t);

	err = sess_alloc(&t.s, SESS_TTY, path, NULL);
	if (err) {
		if (err != EINVAL)
			re_fprintf(stderr, "sipsh: %s: %s\n", path,
				   store_strerror(err));
		return EXIT_FILE;
	}

	t.pager.vph = pager_vph;
	t.pager.arg = &t;
	t.s->pf = &t.pager;
	t.s->in = &t.in;
	t.s->term_length = -1;

	err = editor_setup(&t);
	if (err) {
		fprintf(stderr, "sipsh: cannot set up line editing\n");
		err = EXIT_FILE;
		goto out;
	}

	/* The login banner, once, before the first prompt. */
	if (cfg_str(t.s->running, SECT_SYSTEM, 0, "banner")[0])
		re_printf("%s\n", cfg_str(t.s->running, SECT_SYSTEM, 0,
					  "banner"));

	for (n = 0; !t.hup && !t.idle; n++) {
		char *line = NULL;

		/* Another session's commit (or a rollback) is said before
		 * the next prompt. */
		sess_notice(t.s);

		err = tty_readline(&t.in, NULL, true, &line);
		if (err == ENODATA) {
			if (t.hup || t.idle)
				break;
			/* End of input (Ctrl-D): 'end' in configure mode,
			 * leaving the shell in exec mode. */
			fputc('\n', stdout);
			if (t.s->mode == MODE_EXEC)
				break;
			err = str_dup(&line, "end");
		}
		if (err)
			break;

		t.lines = 0;
		t.col = 0;
		t.quiet = false;
		t.s->prompt_len = strlen(t.prompt);
		t.s->last_masked = mem_deref(t.s->last_masked);

		sess_exec_line(t.s, line);
		history_remember(&t, t.s->last_masked ? t.s->last_masked :
				 line);
		signals_drain(&t);
		mem_deref(line);

		if (t.s->stop)
			break;
	}

	say_end(&t);
	history_save(&t);
	err = 0;

 out:
	if (t.el)
		el_end(t.el);
	if (t.hist)
		history_end(t.hist);
	mem_deref(t.s);   /* staged edits are dropped, locks released */
	return err;
}
