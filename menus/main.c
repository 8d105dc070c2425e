/*
 * sipsh-menu: the setup menu, a form-filling front-end on the same
 * configuration core as the shell. It takes the shell's -C FILE and
 * environment, edits the schema's settings and commits through the one
 * commit path. Exit statuses are in sipsh-menu(1).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "confirm.h"
#include "lock.h"
#include "phone.h"
#include "setup.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sipsh-menu [-C FILE]\n"
		"  -C FILE  the configuration file (default: $SIPSH_CONF, "
		"else %s/sipsh/sipsh.conf)\n"
		"  -V       print the version\n"
		"  -h       print this help\n",
		SIPSH_SYSCONFDIR);
}

static const char *conf_path(const char *opt)
{
	const char *env = getenv("SIPSH_CONF");

	if (opt)
		return opt;
	if (env && *env)
		return env;

	return SIPSH_SYSCONFDIR "/sipsh/sipsh.conf";
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	const char *path = NULL;
	char why[256];
	struct app a;
	int c, err, sig;

	setlocale(LC_CTYPE, "");

	while ((c = getopt_long(argc, argv, "C:hV", longopts, NULL)) != -1) {
		switch (c) {

		case 'C':
			path = optarg;
			break;

		case 'V':
			printf("sipsh-menu %s\n", SIPSH_VERSION);
			return MENU_EXIT_OK;

		case 'h':
			usage(stdout);
			return MENU_EXIT_OK;

		default:
			usage(stderr);
			return MENU_EXIT_USAGE;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "sipsh-menu: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return MENU_EXIT_USAGE;
	}

	path = conf_path(path);
	err = app_load(&a, path);
	if (err) {
		if (err != EINVAL)
			re_fprintf(stderr, "sipsh-menu: %s: %m\n", path, err);
		return MENU_EXIT_FILE;
	}

	/* The commit path's observers, in the order the shell has them: who
	 * may commit, the phone, a pending commit-confirmed rollback. */
	err = lock_commit_register();
	if (!err)
		err = phone_commit_register();
	if (!err)
		err = confirm_commit_register();
	if (err) {
		re_fprintf(stderr, "sipsh-menu: cannot set up the commit "
			   "path: %m\n", err);
		app_free(&a);
		return MENU_EXIT_FILE;
	}

	if (term_open(why, sizeof(why))) {
		fprintf(stderr, "sipsh-menu: %s\n", why);
		app_free(&a);
		return MENU_EXIT_TERM;
	}

	if (term_too_small()) {
		int cols = COLS, lines = LINES;

		term_close();
		fprintf(stderr, "sipsh-menu: the terminal is %dx%d; it must "
			"be at least %dx%d\n", cols, lines, MENU_MIN_COLS,
			MENU_MIN_LINES);
		app_free(&a);
		return MENU_EXIT_TERM;
	}

	err = app_run(&a);
	sig = a.sig;
	term_close();
	app_free(&a);

	if (sig) {
		/* Ended by a signal: die of it, the terminal restored. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}

	return err ? MENU_EXIT_TERM : MENU_EXIT_OK;
}
