/*
 * The system commands: entering and leaving configure mode, committing,
 * and showing the configuration. 'show running-config' can name one
 * section; those words come from the schema's sections.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "re_base.h"
#include "session.h"
#include "modules.h"
#include "conf_print.h"
#include "txn.h"

static int h_configure(struct session *s, const struct cmdctx *c)
{
	int err;

	(void)c;

	if (s->cand)
		return 0;

	err = txn_configure(s, false);
	if (err)
		return err;

	err = sess_configure(s);
	if (err) {
		sess_error(s, NOCOL, "Cannot enter configure mode: %m", err);
		return EXIT_CMD;
	}

	return 0;
}

static int h_commit(struct session *s, const struct cmdctx *c)
{
	(void)c;

	/* A batch commits once, at its end, and only if every command
	 * succeeded: a 'commit' in it changes nothing by itself. */
	if (s->kind == SESS_BATCH)
		return 0;

	if (!sess_dirty(s)) {
		if (s->kind == SESS_TTY)
			sess_printf(s, "%% No changes to commit\n");
		return 0;
	}

	return sess_commit(s, 0);
}

/* 'exit' from exec, or 'do exit' from configure mode, which first asks
 * about staged changes as leaving configure mode does. */
static int h_quit(struct session *s, const struct cmdctx *c)
{
	bool left = true;
	int err = 0;

	(void)c;

	if (s->cand && s->kind == SESS_TTY)
		err = config_leave(s, &left);

	if (left)
		s->stop = true;
	return err;
}

static int show_conf(struct session *s, const struct cmdctx *c,
		     const struct cfg *conf)
{
	struct print_sel sel = {-1, -1};
	unsigned flags = ctx_word(c, "all") ? PR_ALL : 0;
	const struct section *sec = c->m->node->arg;
	const char *num;
	int err;

	if (sec) {
		sel.sect = sec->id;
		num = ctx_value(c, 0);
		sel.id = num ? atoi(num) : (sec->singleton ? 0 : -1);
		if (num && !cfg_inst(conf, sec->id, sel.id)) {
			sess_error(s, NOCOL, "%s %s is not configured",
				   sec->name, num);
			return EXIT_CMD;
		}
	}

	if (s->json)
		err = cfg_json(s->pf, conf, &sel);
	else
		err = cfg_print(s->pf, conf, flags, &sel);
	return err ? EXIT_CMD : 0;
}

static int h_show_running(struct session *s, const struct cmdctx *c)
{
	return show_conf(s, c, s->running);
}

static int h_terminal_length(struct session *s, const struct cmdctx *c)
{
	s->term_length = atoi(ctx_value(c, 0));
	return 0;
}

static int h_show_history(struct session *s, const struct cmdctx *c)
{
	size_t i;
	int err = 0;

	(void)c;

	for (i = 0; i < s->nhist && !err; i++)
		err = sess_printf(s, "  %s\n", s->hist[i]);

	return err ? EXIT_CMD : 0;
}

/*
 * The setup menu's binary: beside this one (build/ or the installed
 * bin/), else found on PATH.
 */
static void menu_binary(char *buf, size_t sz)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	re_snprintf(buf, sz, "sipsh-menu");
	if (n <= 0)
		return;

	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return;

	*slash = '\0';
	re_snprintf(buf, sz, "%s/sipsh-menu", self);
	if (access(buf, X_OK))
		re_snprintf(buf, sz, "sipsh-menu");
}

/* 'setup': the menu on this session's file, with its environment. The
 * shell waits, its own Ctrl-C ignored meanwhile, and reads the file
 * again afterwards: the menu may have committed. */
static int h_setup(struct session *s, const struct cmdctx *c)
{
	struct sigaction ign, oint, oquit;
	char bin[PATH_MAX];
	int status = 0;
	pid_t pid;

	(void)c;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		sess_error(s, NOCOL, "setup needs a terminal");
		return EXIT_CMD;
	}

	if (s->cand) {
		sess_error(s, NOCOL, "setup: leave configure mode first "
			   "(commit or discard the staged changes)");
		return EXIT_CMD;
	}

	menu_binary(bin, sizeof(bin));
	fflush(NULL);

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);

	pid = fork();
	if (pid == 0) {
		char *argv[] = {"sipsh-menu", "-C", s->path, NULL};

		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		if (strchr(bin, '/'))
			execv(bin, argv);
		else
			execvp(bin, argv);
		fprintf(stderr, "%% setup: cannot run %s: %s\n", bin,
			strerror(errno));
		_exit(127);
	}

	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);

	if (pid < 0) {
		sess_error(s, NOCOL, "setup: %m", errno);
		return EXIT_CMD;
	}

	sess_reload(s);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 127)
			sess_error(s, NOCOL, "setup: the menu ended with "
				   "status %d", WIFEXITED(status) ?
				   WEXITSTATUS(status) :
				   128 + WTERMSIG(status));
		return EXIT_CMD;
	}

	return 0;
}

static const char h_show[] = "Show running system information";
static const char h_running[] = "The configuration in effect";
static const char h_all[] = "Include settings left at their defaults";

static const struct cmd_def system_cmds[] = {
	{MODE_BIT(MODE_EXEC), "configure",
	 {"Enter configure mode"}, h_configure, NULL, 0},
	{MODE_BIT(MODE_EXEC), "configure terminal",
	 {"Enter configure mode", "From this terminal"},
	 h_configure, NULL, 0},
	{MODE_BIT(MODE_EXEC), "exit",
	 {"Leave the shell"}, h_quit, NULL, 0},
	{MODE_BIT(MODE_EXEC), "quit",
	 {"Leave the shell"}, h_quit, NULL, 0},
	{MODES_CONFIG, "commit",
	 {"Check, save and apply the staged changes"}, h_commit, NULL, 0},
	{MODE_BIT(MODE_EXEC), "show running-config",
	 {h_show, h_running}, h_show_running, NULL, CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "show running-config all",
	 {h_show, h_running, h_all}, h_show_running, NULL, CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "terminal length <0-512>",
	 {"Settings of this terminal session", "Lines a page of output "
	  "holds before --More--", "Lines (0: no paging)"},
	 h_terminal_length, NULL, 0},
	{MODE_BIT(MODE_EXEC), "show history",
	 {h_show, "Commands of this session (secrets masked)"},
	 h_show_history, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "setup",
	 {"Open the setup menu (sipsh-menu) on this configuration"},
	 h_setup, NULL, 0},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

/* 'show running-config [all] SECTION [N]', one per schema section. */
static int register_sections(struct grammar *g)
{
	int sect, all, err = 0;

	for (sect = 0; sect < SECT_N && !err; sect++) {
		const struct section *sec = section_get(sect);
		char range[32];

		re_snprintf(range, sizeof(range), "<%d-%d>", sec->min,
			    sec->max);

		for (all = 0; all < 2 && !err; all++) {
			const char *w[6], *h[6];
			size_t n = 0;

			w[n] = "show";           h[n++] = h_show;
			w[n] = "running-config"; h[n++] = h_running;
			if (all) {
				w[n] = "all";    h[n++] = h_all;
			}
			w[n] = sec->name;        h[n++] = sec->help;
			w[n] = NULL;

			err = gnode_insert(g->root[MODE_EXEC], w, h, NULL,
					   h_show_running, sec,
					   CF_OUTPUT | CF_JSON);
			if (err || sec->singleton)
				continue;

			w[n] = range;            h[n++] = "Its number";
			w[n] = NULL;
			err = gnode_insert(g->root[MODE_EXEC], w, h, NULL,
					   h_show_running, sec,
					   CF_OUTPUT | CF_JSON);
		}
	}

	return err;
}

int system_register(struct grammar *g)
{
	int err;

	err = grammar_add_table(g, system_cmds);
	if (err)
		return err;

	return register_sections(g);
}
