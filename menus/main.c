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
#include "store.h"
#include "frontend.h"
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	const char *path = NULL;
	char why[512], *real = NULL;
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

	err = frontend_open(&real, path, why, sizeof(why));
	if (err) {
		fprintf(stderr, "sipsh-menu: %s\n", why);
		return MENU_EXIT_FILE;
	}

	err = app_load(&a, real);
	if (err) {
		if (err != EINVAL)
			re_fprintf(stderr, "sipsh-menu: %s: %s\n", real,
				   store_strerror(err));
		mem_deref(real);
		return MENU_EXIT_FILE;
	}

	if (term_open(why, sizeof(why))) {
		fprintf(stderr, "sipsh-menu: %s\n", why);
		app_free(&a);
		mem_deref(real);
		return MENU_EXIT_TERM;
	}

	if (term_too_small()) {
		int cols = COLS, lines = LINES;

		term_close();
		fprintf(stderr, "sipsh-menu: the terminal is %dx%d; it must "
			"be at least %dx%d\n", cols, lines, MENU_MIN_COLS,
			MENU_MIN_LINES);
		app_free(&a);
		mem_deref(real);
		return MENU_EXIT_TERM;
	}

	err = app_run(&a);
	sig = a.sig;
	term_close();
	app_free(&a);
	mem_deref(real);

	if (sig) {
		/* Ended by a signal: die of it, the terminal restored. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}

	return err ? MENU_EXIT_TERM : MENU_EXIT_OK;
}
