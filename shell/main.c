/*
 * sipsh: the gateway's configuration shell. With -c, -f, or a stdin that
 * is not a terminal it runs a batch (commands applied to a candidate,
 * committed at the end, nothing saved if any command fails); otherwise it
 * is an interactive shell on the terminal. With --ssh it serves an SSH
 * session as sshd's ForceCommand (see ssh_session).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "session.h"
#include "input.h"
#include "tty.h"
#include "frontend.h"
#include "modules.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sipsh [-C FILE] [-nkFq] [-c COMMAND]... [-f FILE|-]\n"
		"  -C FILE     the configuration file (default: $SIPSH_CONF, "
		"else %s/sipsh/sipsh.conf)\n"
		"  -c COMMAND  run a command (repeatable); changes are "
		"committed at the end\n"
		"  -f FILE     run the commands in FILE ('-': standard "
		"input)\n"
		"  -n          check only: run and check everything, save "
		"nothing\n"
		"  -k, --keep-going  report every refused command, not just "
		"the first\n"
		"  -F, --force commit even when it ends calls in progress\n"
		"  -q, --quiet say nothing on success (no \"Committed: ...\" "
		"line)\n"
		"  --ssh       serve an SSH session: run SSH_ORIGINAL_COMMAND as "
		"commands,\n"
		"              or interactively when the client asked for "
		"none\n"
		"  -V          print the version\n"
		"  -h          print this help\n"
		"With neither -c nor -f, commands are read from standard input "
		"when it is not a terminal, else interactively.\n",
		SIPSH_SYSCONFDIR);
}

/* The -c arguments as one text, a line each. */
static int join_commands(char **textp, char **cmds, int n)
{
	struct mbuf *mb = mbuf_alloc(256);
	int i, err = 0;

	if (!mb)
		return ENOMEM;

	for (i = 0; i < n && !err; i++)
		err = mbuf_printf(mb, "%s\n", cmds[i]);
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (!err)
		err = str_dup(textp, (const char *)mb->buf);

	mem_deref(mb);
	return err;
}

/*
 * The sshd block sipsh ships (etc/ssh/sshd-sipsh.conf.in) makes
 * "BINDIR/sipsh --ssh" the ForceCommand of every session, and sshd runs
 * it through the login shell: as 'sipsh -c "BINDIR/sipsh --ssh"' when
 * that is sipsh, which is this text.
 */
static bool ssh_forced(const char *text)
{
	static const char cmd[] = "sipsh --ssh";
	size_t n = strlen(text), k = sizeof(cmd) - 1;

	return n >= k && !strcmp(text + n - k, cmd) &&
		(n == k || text[n - k - 1] == '/');
}

/*
 * What the SSH client asked for, which sshd keeps in
 * SSH_ORIGINAL_COMMAND: a command line is run as sipsh commands (so is
 * a subsystem such as sftp, or another shell's command, and refused
 * with the error of an unknown command); nothing, an interactive
 * session or standard input (NULL).
 */
static const char *ssh_session(void)
{
	const char *orig = getenv("SSH_ORIGINAL_COMMAND");

	return orig && *orig ? orig : NULL;
}

struct batch_opts {
	bool check_only;
	bool keep_going;
	bool force;
	bool quiet;
};

static int batch(const char *path, char **cmds, int ncmds,
		 const char *file, const struct batch_opts *o)
{
	struct session *s = NULL;
	struct text_input ti;
	struct stream_input si;
	char *text = NULL;
	FILE *f = NULL;
	int err;

	err = sess_alloc(&s, SESS_BATCH, path, NULL);
	if (err) {
		if (err != EINVAL)
			re_fprintf(stderr, "sipsh: %s: %s\n", path,
				   store_strerror(err));
		return EXIT_FILE;
	}

	err = sess_configure(s);
	if (err)
		goto out;

	s->keep_going = o->keep_going;
	s->force = o->force;
	s->quiet = o->quiet;

	if (ncmds) {
		err = join_commands(&text, cmds, ncmds);
		if (err)
			goto out;
		input_text_init(&ti, "-c", text);
		err = sess_run_input(s, &ti.in);
		if (err && !o->keep_going)
			goto out;
	}

	if (file) {
		f = strcmp(file, "-") ? fopen(file, "r") : stdin;
		if (!f) {
			re_fprintf(stderr, "sipsh: %s: %m\n", file, errno);
			err = EXIT_FILE;
			goto out;
		}
		input_stream_init(&si, strcmp(file, "-") ? file : "stdin", f);
		err = sess_run_input(s, &si.in);
		if (err == EILSEQ || err == EIO) {
			sess_error(s, NOCOL, "%s", err == EIO ? "read error" :
				   "a NUL byte in the line");
			err = EXIT_CMD;
		}
		if (err)
			goto out;
	}

	if (s->failed) {
		err = EXIT_CMD;
		goto out;
	}

	s->in = NULL;
	err = o->check_only ? sess_check(s) : sess_commit(s, 0);

 out:
	if (f && f != stdin)
		fclose(f);
	mem_deref(text);
	mem_deref(s);

	if (err > EXIT_CONFLICT)
		return EXIT_CMD;

	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"keep-going", no_argument, NULL, 'k'},
		{"force", no_argument, NULL, 'F'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"ssh", no_argument, NULL, 'S'},
		{NULL, 0, NULL, 0}
	};
	struct batch_opts o = {false, false, false, false};
	const char *path = NULL, *file = NULL;
	char **cmds, *real = NULL, why[512];
	bool ssh = false;
	int ncmds = 0, c, rc, err;

	setlocale(LC_CTYPE, "");

	cmds = calloc((size_t)argc + 1, sizeof(*cmds));
	if (!cmds)
		return EXIT_FILE;

	while ((c = getopt_long(argc, argv, "C:c:Ff:hknqV", longopts,
				NULL)) != -1) {
		switch (c) {

		case 'n':
			o.check_only = true;
			break;

		case 'k':
			o.keep_going = true;
			break;

		case 'F':
			o.force = true;
			break;

		case 'q':
			o.quiet = true;
			break;

		case 'C':
			path = optarg;
			break;

		case 'c':
			cmds[ncmds++] = optarg;
			break;

		case 'f':
			file = optarg;
			break;

		case 'S':
			ssh = true;
			break;

		case 'V':
			printf("sipsh %s\n", SIPSH_VERSION);
			free(cmds);
			return EXIT_OK;

		case 'h':
			usage(stdout);
			free(cmds);
			return EXIT_OK;

		default:
			usage(stderr);
			free(cmds);
			return EXIT_USAGE;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "sipsh: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		free(cmds);
		return EXIT_USAGE;
	}

	if (ncmds == 1 && !file && ssh_forced(cmds[0])) {
		ssh = true;
		ncmds = 0;
	}
	if (ssh && (ncmds || file)) {
		fprintf(stderr, "sipsh: --ssh takes its commands from "
			"SSH_ORIGINAL_COMMAND, not from -c or -f\n");
		free(cmds);
		return EXIT_USAGE;
	}
	if (ssh && ssh_session())
		cmds[ncmds++] = (char *)ssh_session();

	grammar_modules_set(sipsh_modules);

	err = frontend_open(&real, path, why, sizeof(why));
	if (err) {
		fprintf(stderr, "sipsh: %s\n", why);
		free(cmds);
		return EXIT_FILE;
	}

	if (!ncmds && !file && !isatty(STDIN_FILENO))
		file = "-";

	if (ncmds || file)
		rc = batch(real, cmds, ncmds, file, &o);
	else
		rc = tty_run(real);

	mem_deref(real);

	free(cmds);
	return rc;
}
