/*
 * The interactive front end: libedit reads lines with a prompt naming the
 * host and mode (sipsh(config-account-1)#), and each line goes through
 * the same session code as batch input.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <histedit.h>
#include "re_base.h"
#include "session.h"
#include "tty.h"

struct tty {
	struct input in;
	EditLine *el;
	History *hist;
	struct session *s;
	char prompt[96];
};

static char *prompt_fn(EditLine *el)
{
	struct tty *t = NULL;

	el_get(el, EL_CLIENTDATA, &t);
	return t->prompt;
}

static void prompt_set(struct tty *t, const char *override)
{
	const struct session *s = t->s;
	char host[64] = "sipsh";

	if (override) {
		str_ncpy(t->prompt, override, sizeof(t->prompt));
		return;
	}

	if (s->mode == MODE_EXEC)
		re_snprintf(t->prompt, sizeof(t->prompt), "%s> ", host);
	else if (s->mode == MODE_CONFIG)
		re_snprintf(t->prompt, sizeof(t->prompt), "%s(config)# ",
			    host);
	else if (section_get(s->mode - MODE_SECT)->singleton)
		re_snprintf(t->prompt, sizeof(t->prompt), "%s(config-%s)# ",
			    host, section_get(s->mode - MODE_SECT)->name);
	else
		re_snprintf(t->prompt, sizeof(t->prompt),
			    "%s(config-%s-%d)# ", host,
			    section_get(s->mode - MODE_SECT)->name, s->inst);
}

static int tty_readline(struct input *in, const char *prompt, bool echo,
			char **linep)
{
	struct tty *t = (struct tty *)in;
	const char *line;
	int count = 0, err;

	prompt_set(t, prompt);

	if (!echo) {
		char *buf = getpass(t->prompt);

		if (!buf)
			return ENODATA;
		err = str_dup(linep, buf);
		memset(buf, 0, strlen(buf));
		return err;
	}

	line = el_gets(t->el, &count);
	if (!line || count <= 0)
		return ENODATA;

	++in->lineno;
	err = str_dup(linep, line);
	if (err)
		return err;

	(*linep)[strcspn(*linep, "\r\n")] = '\0';
	if (!prompt && **linep)
		history(t->hist, &(HistEvent){0, NULL}, H_ENTER, *linep);

	return 0;
}

int tty_run(const char *path)
{
	struct tty t;
	HistEvent ev;
	int err;

	memset(&t, 0, sizeof(t));
	t.in.readline = tty_readline;
	t.in.name = "tty";

	err = sess_alloc(&t.s, SESS_TTY, path, NULL);
	if (err) {
		if (err != EINVAL)
			re_fprintf(stderr, "sipsh: %s: %m\n", path, err);
		return EXIT_FILE;
	}

	t.el = el_init("sipsh", stdin, stdout, stderr);
	t.hist = history_init();
	if (!t.el || !t.hist) {
		fprintf(stderr, "sipsh: cannot set up line editing\n");
		err = EXIT_FILE;
		goto out;
	}

	history(t.hist, &ev, H_SETSIZE, 500);
	el_set(t.el, EL_CLIENTDATA, &t);
	el_set(t.el, EL_PROMPT, prompt_fn);
	el_set(t.el, EL_EDITOR, "emacs");
	el_set(t.el, EL_HIST, history, t.hist);
	el_source(t.el, NULL);

	t.s->in = &t.in;

	for (;;) {
		char *line = NULL;

		err = tty_readline(&t.in, NULL, true, &line);
		if (err)
			break;

		sess_exec_line(t.s, line);
		mem_deref(line);
		if (t.s->stop)
			break;
	}

	if (err == ENODATA)
		fputc('\n', stdout);
	err = 0;

 out:
	if (t.el)
		el_end(t.el);
	if (t.hist)
		history_end(t.hist);
	mem_deref(t.s);
	return err;
}
