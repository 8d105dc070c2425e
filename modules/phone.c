/*
 * The phone module: exec commands that look at and drive the running
 * phone through its control socket: its service, registrations, calls,
 * lines, call control per line, and a live SIP trace. Every 'show' has a
 * JSON form for scripts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "re_base.h"
#include "session.h"
#include "modules.h"
#include "phone.h"
#include "ctrl_data.h"
#include "ctrl_client.h"
#include "roles.h"
#include <openssl/crypto.h>

#define ERRSZ 256

static int fail(struct session *s, const char *what, const char *why)
{
	sess_error(s, NOCOL, "%s: %s", what, why);
	return EXIT_CMD;
}

/* The configured account a phone AOR belongs to, or -1. */
static int account_of(const struct cfg *c, const char *aor)
{
	int id;

	for (id = 0; id < INST_MAX; id++) {
		char *mine = NULL;
		bool eq;

		if (!cfg_inst(c, SECT_ACCOUNT, id) ||
		    phone_account_aor(&mine, c, id))
			continue;

		eq = ctrl_aor_match(mine, aor);
		mem_deref(mine);
		if (eq)
			return id;
	}

	return -1;
}

static int json_out(struct session *s, struct odict *o)
{
	return sess_printf(s, "%H\n", json_encode_odict, o) ? EXIT_CMD : 0;
}

/* --- the service ------------------------------------------------------ */

static int h_show_phone(struct session *s, const struct cmdctx *c)
{
	struct phone_status st;
	struct odict *ver = NULL, *o = NULL;
	char err[ERRSZ] = "";
	const struct odict_entry *mods;
	struct le *le;
	int rc = 0;

	(void)c;

	if (phone_svc_status(&st))
		return fail(s, "show phone", "cannot read the service state");

	if (st.running)
		ctrl_request(&ver, "version", NULL, err, sizeof(err));

	if (s->json) {
		odict_alloc(&o, 8);
		odict_entry_add(o, "state", ODICT_STRING,
				st.running ? "running" : "stopped");
		odict_entry_add(o, "supervisor", ODICT_STRING, st.supervisor);
		odict_entry_add(o, "supervised", ODICT_BOOL, st.supervised);
		odict_entry_add(o, "pid", ODICT_INT, (int64_t)st.pid);
		odict_entry_add(o, "uptime", ODICT_INT, (int64_t)st.uptime);
		if (ver)
			odict_entry_add(o, "phone", ODICT_OBJECT, ver);
		rc = json_out(s, o);
		goto out;
	}

	sess_printf(s, "Phone:       %s\n", st.running ? "running" :
		    st.want_up ? "starting" : "stopped");
	sess_printf(s, "Supervisor:  %s%s\n", st.supervisor,
		    st.supervised ? "" : " (not running)");
	if (st.running) {
		sess_printf(s, "PID:         %d\n", (int)st.pid);
		sess_printf(s, "Uptime:      %ld s\n", st.uptime);
	}
	if (ver) {
		sess_printf(s, "Versions:    baresip %s, libre %s\n",
			    ctrl_str(ver, "baresip"), ctrl_str(ver, "libre"));
		sess_printf(s, "Modules:    ");
		mods = odict_lookup(ver, "modules");
		for (le = mods && mods->type == ODICT_ARRAY ?
			     mods->u.odict->lst.head : NULL; le; le = le->next) {
			const struct odict_entry *e = le->data;

			if (e->type == ODICT_STRING)
				sess_printf(s, " %s", e->u.str);
		}
		sess_printf(s, "\n");
	}
	else if (st.running && err[0]) {
		sess_printf(s, "Control:     %s\n", err);
	}
	sess_printf(s, "Runtime:     %s\n", phone_rundir());

 out:
	mem_deref(o);
	mem_deref(ver);
	return rc;
}

/* Our modules among the names of a 'version' reply's module list. */
static void ours_print(struct session *s, const struct odict *ver)
{
	const struct odict_entry *mods = odict_lookup(ver, "modules");
	struct le *le;
	unsigned n = 0;

	for (le = mods && mods->type == ODICT_ARRAY ?
		     mods->u.odict->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type != ODICT_STRING || !phone_module_ours(e->u.str))
			continue;
		sess_printf(s, "%s%s", n++ ? " " : "", e->u.str);
	}
}

/*
 * The versions of sipsh and the parts it runs: the phone says its own
 * (baresip, the libre it runs on, the modules it loaded) when it runs;
 * otherwise what is installed is said, and that the phone is stopped.
 */
static int h_show_version(struct session *s, const struct cmdctx *c)
{
	struct phone_status st;
	struct odict *ver = NULL;
	char err[ERRSZ] = "", bv[32] = "", mods[256] = "";

	(void)c;

	sess_printf(s, "sipsh    %s\n", SIPSH_VERSION);

	if (!phone_svc_status(&st) && st.running)
		ctrl_request(&ver, "version", NULL, err, sizeof(err));

	if (ver) {
		sess_printf(s, "baresip  %s (running, pid %d)\n",
			    ctrl_str(ver, "baresip"), (int)st.pid);
		sess_printf(s, "libre    %s\n", ctrl_str(ver, "libre"));
	}
	else {
		if (phone_baresip_installed(bv, sizeof(bv)))
			sess_printf(s, "baresip  not found (%s)\n",
				    phone_baresip_bin());
		else
			sess_printf(s, "baresip  %s (installed; the phone is "
				    "not running)\n", bv);
		sess_printf(s, "libre    %s\n", sys_libre_version_get());
	}

	sess_printf(s, "OpenSSL  %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));

	if (ver) {
		sess_printf(s, "Modules  ");
		ours_print(s, ver);
		sess_printf(s, " (loaded)\n");
	}
	else if (!phone_modules_installed(mods, sizeof(mods)) && mods[0]) {
		sess_printf(s, "Modules  %s (installed in %s)\n", mods,
			    phone_moddir());
	}
	else {
		sess_printf(s, "Modules  none installed in %s\n",
			    phone_moddir());
	}

	mem_deref(ver);
	return 0;
}

static int h_phone(struct session *s, const struct cmdctx *c)
{
	const char *verb = c->m->node->arg;
	char err[ERRSZ] = "";
	int rc;

	/* Said before any file says it less clearly; a viewer's session
	 * holds the masked view, never to be made a phone's files. */
	if (roles_self() != ROLE_ADMIN) {
		sess_error(s, NOCOL, "Permission denied: phone %s needs the "
			   "%s group", verb, roles_admin_group());
		return EXIT_CMD;
	}

	/* A phone starts with our modules and for this file, or not at
	 * all: generating is what a start by init does first. */
	if (!strcmp(verb, "generate") || !strcmp(verb, "start") ||
	    !strcmp(verb, "restart")) {
		rc = phone_modules_check(err, sizeof(err));
		if (!rc)
			rc = phone_paths_claim(err, sizeof(err));
		if (!rc)
			rc = phone_generate(s->running, err, sizeof(err));
		if (rc)
			return fail(s, "phone", err);
		if (!strcmp(verb, "generate"))
			return 0;
	}

	if (!strcmp(verb, "start"))
		rc = phone_svc_start(err, sizeof(err));
	else if (!strcmp(verb, "stop"))
		rc = phone_svc_stop(err, sizeof(err));
	else
		rc = phone_svc_restart(err, sizeof(err));

	/* The next 'sipsh -C FILE' finds this phone by itself. */
	if (!rc && strcmp(verb, "stop"))
		rc = phone_paths_started(err, sizeof(err));

	return rc ? fail(s, "phone", err) : 0;
}

/* --- registrations ---------------------------------------------------- */

/*
 * Seconds since the registrar last confirmed the binding (its 200 OK to a
 * REGISTER), or -1: never. A registrar that lost its bindings says
 * nothing until the next refresh; this is as far as the phone can know.
 */
static long confirmed_ago(const struct odict *r)
{
	long t = ctrl_num(r, "confirmed");

	if (t <= 0)
		return -1;

	return (long)time(NULL) - t;
}

/* One cell of a table: the value, then blanks to the column's width, and
 * always at least one, so that no two values ever run together. */
static int cell(struct session *s, size_t width, const char *value)
{
	static const char blanks[] = "                                ";
	size_t n = strlen(value);
	size_t pad = n < width ? width - n : 1;

	return sess_printf(s, "%s%b", value, blanks,
			   pad < sizeof(blanks) ? pad : sizeof(blanks) - 1);
}

/* An account of 'show registrations' in 80 columns: its state on the
 * first line (the account first, for grep), where it registers on the
 * second, a last answer too long for its column on a third. What came
 * from the network is printed escaped. */
static void reg_row(struct session *s, int id, const char *aor,
		    const char *state, const char *registrar,
		    const struct odict *r)
{
	char num[24], head[22], ago[24] = "-", *last = NULL;
	bool long_last;

	if (re_sdprintf(&last, "%H", ctrl_text_print, ctrl_str(r, "last")))
		last = NULL;
	long_last = last && strlen(last) >= sizeof(head);

	/* A long answer (a TLS failure names the certificate) gets a line
	 * of its own below: its first word stays in the column. */
	str_ncpy(head, last && last[0] ? last : "-", sizeof(head));
	if (long_last && strchr(head, ' '))
		*strchr(head, ' ') = '\0';

	re_snprintf(num, sizeof(num), "%d", id);
	cell(s, 4, num);
	cell(s, 13, state);
	re_snprintf(num, sizeof(num), "%ld", ctrl_num(r, "expires"));
	cell(s, 8, num);
	cell(s, 22, head);
	re_snprintf(num, sizeof(num), "%ld", ctrl_num(r, "attempts"));
	cell(s, 9, num);
	if (confirmed_ago(r) >= 0)
		re_snprintf(ago, sizeof(ago), "%lds ago", confirmed_ago(r));
	sess_printf(s, "%s\n", ago);

	if (4 + strlen(aor) + 4 + strlen(registrar) <= 80)
		sess_printf(s, "    %s -> %s\n", aor, registrar);
	else
		sess_printf(s, "    %s\n    -> %s\n", aor, registrar);
	if (long_last)
		sess_printf(s, "    %s\n", last);

	mem_deref(last);
}

static int h_show_registrations(struct session *s, const struct cmdctx *c)
{
	struct odict *regs = NULL, *out = NULL;
	char err[ERRSZ] = "";
	int id, rc = 0;

	(void)c;

	if (ctrl_request(&regs, "registrations", NULL, err, sizeof(err)))
		return fail(s, "show registrations", err);

	if (s->json)
		odict_alloc(&out, 8);
	else
		sess_note(s, "Acc State        Expires Last response         "
			  "Attempts Confirmed\n"
			  "    Address -> registrar\n");

	for (id = 0; id < INST_MAX; id++) {
		const struct odict *r = NULL;
		struct le *le;
		char *aor = NULL;

		if (!cfg_inst(s->running, SECT_ACCOUNT, id))
			continue;

		phone_account_aor(&aor, s->running, id);
		for (le = regs ? regs->lst.head : NULL; le; le = le->next) {
			const struct odict_entry *e = le->data;

			if (e->type == ODICT_OBJECT &&
			    ctrl_aor_match(ctrl_str(e->u.odict, "aor"), aor))
				r = e->u.odict;
		}

		if (out) {
			struct odict *o = NULL;
			char key[8];

			odict_alloc(&o, 8);
			odict_entry_add(o, "account", ODICT_INT, (int64_t)id);
			odict_entry_add(o, "aor", ODICT_STRING, aor);
			odict_entry_add(o, "state", ODICT_STRING,
					r ? ctrl_str(r, "state") :
					cfg_bool(s->running, SECT_ACCOUNT, id,
						 "shutdown") ? "shutdown" :
					"absent");
			odict_entry_add(o, "registrar", ODICT_STRING,
					cfg_str(s->running, SECT_ACCOUNT, id,
						"registrar"));
			odict_entry_add(o, "expires", ODICT_INT,
					(int64_t)ctrl_num(r, "expires"));
			odict_entry_add(o, "last", ODICT_STRING,
					ctrl_str(r, "last"));
			odict_entry_add(o, "attempts", ODICT_INT,
					(int64_t)ctrl_num(r, "attempts"));
			odict_entry_add(o, "confirmed_ago", ODICT_INT,
					(int64_t)confirmed_ago(r));
			odict_entry_add(o, "realm_asked", ODICT_STRING,
					ctrl_str(r, "realm_asked"));
			odict_entry_add(o, "auth_refused", ODICT_STRING,
					ctrl_str(r, "auth_refused"));
			re_snprintf(key, sizeof(key), "%d", id);
			odict_entry_add(out, key, ODICT_OBJECT, o);
			mem_deref(o);
		}
		else {
			reg_row(s, id, aor,
				r ? ctrl_str(r, "state") :
				cfg_bool(s->running, SECT_ACCOUNT, id,
					 "shutdown") ? "shutdown" : "absent",
				r ? ctrl_str(r, "registrar") :
				cfg_str(s->running, SECT_ACCOUNT, id,
					"registrar"), r);

			/* Why the last REGISTER got no credentials, on a
			 * line of its own under the account. */
			if (ctrl_str(r, "auth_refused")[0])
				sess_printf(s, "    %H\n", ctrl_text_print,
					    ctrl_str(r, "auth_refused"));
		}
		mem_deref(aor);
	}

	if (out)
		rc = json_out(s, out);

	mem_deref(out);
	mem_deref(regs);
	return rc;
}

/* --- calls and lines -------------------------------------------------- */

static int h_show_calls(struct session *s, const struct cmdctx *c)
{
	struct odict *calls = NULL, *out = NULL;
	char err[ERRSZ] = "";
	struct le *le;
	unsigned n = 0;
	int rc = 0;

	(void)c;

	if (ctrl_request(&calls, "calls", NULL, err, sizeof(err)))
		return fail(s, "show calls", err);

	if (s->json)
		odict_alloc(&out, 8);
	else
		sess_note(s, "%-7s%-8s%-5s%-13s%-9s%-5s%s\n", "Lines",
			    "Account", "Dir", "State", "Time", "Held",
			    "Peer");

	for (le = calls ? calls->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const struct odict *call;
		int acc;
		char lines[32];

		if (e->type != ODICT_OBJECT)
			continue;
		call = e->u.odict;
		acc = account_of(s->running, ctrl_str(call, "aor"));
		str_ncpy(lines, ctrl_str(call, "lines"), sizeof(lines));

		if (out) {
			struct odict *o = NULL;
			char key[8];

			odict_alloc(&o, 8);
			odict_entry_add(o, "id", ODICT_STRING, ctrl_str(call, "id"));
			odict_entry_add(o, "account", ODICT_INT, (int64_t)acc);
			odict_entry_add(o, "lines", ODICT_STRING, lines);
			odict_entry_add(o, "direction", ODICT_STRING,
					ctrl_str(call, "direction"));
			odict_entry_add(o, "state", ODICT_STRING,
					ctrl_str(call, "state"));
			odict_entry_add(o, "duration", ODICT_INT,
					(int64_t)ctrl_num(call, "duration"));
			odict_entry_add(o, "held", ODICT_BOOL,
					ctrl_bool(call, "held"));
			odict_entry_add(o, "peer", ODICT_STRING,
					ctrl_str(call, "peer"));
			re_snprintf(key, sizeof(key), "%u", n);
			odict_entry_add(out, key, ODICT_OBJECT, o);
			mem_deref(o);
		}
		else {
			char num[24];

			cell(s, 7, lines[0] ? lines : "-");
			re_snprintf(num, sizeof(num), "%d", acc);
			cell(s, 8, num);
			cell(s, 5, ctrl_str(call, "direction"));
			cell(s, 13, ctrl_str(call, "state"));
			re_snprintf(num, sizeof(num), "%ld",
				    ctrl_num(call, "duration"));
			cell(s, 9, num);
			cell(s, 5, ctrl_bool(call, "held") ? "yes" : "no");
			sess_printf(s, "%H\n", ctrl_text_print,
				    ctrl_str(call, "peer"));
		}
		++n;
	}

	if (out)
		rc = json_out(s, out);
	else if (!n)
		sess_note(s, "No calls\n");

	mem_deref(out);
	mem_deref(calls);
	return rc;
}

/* Whether line number l is in a list of the phone's "lines", "0,2". */
static bool line_in(const char *lines, int l)
{
	while (*lines) {
		char *end;
		long n = strtol(lines, &end, 10);

		if (end == lines)
			return false;
		if (n == l)
			return true;
		lines = *end == ',' ? end + 1 : end;
	}

	return false;
}

/* The call of a line: on its account, the first (or one in 'state'). */
static int line_call(struct session *s, int line, const char *want_state,
		     char *id, size_t idsz, int *accp)
{
	struct odict *calls = NULL;
	char err[ERRSZ] = "", *aor = NULL;
	const char *a = cfg_str(s->running, SECT_LINE, line, "account");
	struct le *le;
	int acc, rc = ENOENT;

	if (!cfg_inst(s->running, SECT_LINE, line)) {
		sess_error(s, NOCOL, "line %d is not configured", line);
		return EXIT_CMD;
	}
	acc = atoi(a);
	*accp = acc;
	if (!a[0] || !cfg_inst(s->running, SECT_ACCOUNT, acc)) {
		sess_error(s, NOCOL, "line %d has no account", line);
		return EXIT_CMD;
	}

	/* The phone knows nothing of what is shut down: say it here. */
	if (cfg_bool(s->running, SECT_LINE, line, "shutdown")) {
		sess_error(s, NOCOL, "line %d is shut down ('no shutdown' in "
			   "line %d puts it in service)", line, line);
		return EXIT_CMD;
	}
	if (cfg_bool(s->running, SECT_ACCOUNT, acc, "shutdown")) {
		sess_error(s, NOCOL, "line %d: its account %d is shut down "
			   "('no shutdown' in account %d puts it in service)",
			   line, acc, acc);
		return EXIT_CMD;
	}

	if (!id)
		return 0;

	if (ctrl_request(&calls, "calls", NULL, err, sizeof(err))) {
		sess_error(s, NOCOL, "line %d: %s", line, err);
		return EXIT_CMD;
	}

	phone_account_aor(&aor, s->running, acc);
	for (le = calls ? calls->lst.head : NULL; le && rc; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type != ODICT_OBJECT ||
		    !ctrl_aor_match(ctrl_str(e->u.odict, "aor"), aor))
			continue;
		if (want_state && strcmp(ctrl_str(e->u.odict, "state"), want_state))
			continue;
		/* Two lines on one account: the call of this line. */
		if (!line_in(ctrl_str(e->u.odict, "lines"), line))
			continue;

		str_ncpy(id, ctrl_str(e->u.odict, "id"), idsz);
		rc = 0;
	}

	mem_deref(aor);
	mem_deref(calls);

	if (rc) {
		if (want_state)
			sess_error(s, NOCOL, "line %d has no %s call", line,
				   want_state);
		else
			sess_error(s, NOCOL, "line %d has no call", line);
		return EXIT_CMD;
	}

	return 0;
}

static int h_show_lines(struct session *s, const struct cmdctx *c)
{
	struct odict *calls = NULL, *out = NULL;
	char err[ERRSZ] = "";
	int l, rc = 0;

	(void)c;

	ctrl_request(&calls, "calls", NULL, err, sizeof(err));

	if (s->json)
		odict_alloc(&out, 8);
	else
		sess_note(s, "%-6s%-20s%-9s%-12s%s\n", "Line", "Name",
			    "Account", "State", "Peer");

	for (l = 0; l < INST_MAX; l++) {
		const char *a, *state = "idle", *peer = "";
		char *aor = NULL;
		struct le *le;

		if (!cfg_inst(s->running, SECT_LINE, l))
			continue;

		a = cfg_str(s->running, SECT_LINE, l, "account");
		if (cfg_bool(s->running, SECT_LINE, l, "shutdown"))
			state = "shutdown";
		else if (!calls && err[0])
			state = "unknown";
		else if (a[0] &&
			 !phone_account_aor(&aor, s->running, atoi(a))) {
			for (le = calls ? calls->lst.head : NULL; le;
			     le = le->next) {
				const struct odict_entry *e = le->data;

				if (e->type == ODICT_OBJECT &&
				    ctrl_aor_match(ctrl_str(e->u.odict, "aor"), aor) &&
				    line_in(ctrl_str(e->u.odict, "lines"), l)) {
					state = ctrl_str(e->u.odict, "state");
					peer = ctrl_str(e->u.odict, "peer");
					break;
				}
			}
		}

		if (out) {
			struct odict *o = NULL;
			char key[8];

			odict_alloc(&o, 8);
			odict_entry_add(o, "line", ODICT_INT, (int64_t)l);
			odict_entry_add(o, "name", ODICT_STRING,
					cfg_str(s->running, SECT_LINE, l,
						"name"));
			odict_entry_add(o, "account", ODICT_INT,
					(int64_t)atoi(a));
			odict_entry_add(o, "state", ODICT_STRING, state);
			odict_entry_add(o, "peer", ODICT_STRING, peer);
			re_snprintf(key, sizeof(key), "%d", l);
			odict_entry_add(out, key, ODICT_OBJECT, o);
			mem_deref(o);
		}
		else {
			char num[24];

			re_snprintf(num, sizeof(num), "%d", l);
			cell(s, 6, num);
			cell(s, 20, cfg_str(s->running, SECT_LINE, l, "name"));
			cell(s, 9, a[0] ? a : "-");
			cell(s, 12, state);
			sess_printf(s, "%H\n", ctrl_text_print, peer);
		}
		mem_deref(aor);
	}

	if (out)
		rc = json_out(s, out);
	else if (!calls && err[0])
		sess_note(s, "%% %s\n", err);

	mem_deref(out);
	mem_deref(calls);
	return rc;
}

/* What a call command did: a line of text, or JSON for scripts. */
static int result(struct session *s, int line, const char *cmd,
		  const char *call, const char *uri)
{
	struct odict *o = NULL;
	int rc;

	if (!s->json)
		return sess_printf(s, uri ? "%% Line %d: calling %s\n" :
				   "%% Line %d: %s\n", line,
				   uri ? uri : cmd) ? EXIT_CMD : 0;

	odict_alloc(&o, 4);
	odict_entry_add(o, "line", ODICT_INT, (int64_t)line);
	odict_entry_add(o, "command", ODICT_STRING, cmd);
	odict_entry_add(o, "call", ODICT_STRING, call ? call : "");
	if (uri)
		odict_entry_add(o, "uri", ODICT_STRING, uri);
	rc = json_out(s, o);
	mem_deref(o);

	return rc;
}

static int h_dial(struct session *s, const struct cmdctx *c)
{
	int line = atoi(ctx_value(c, 0)), acc;
	const char *number = ctx_value(c, 1);
	struct odict *p = NULL, *r = NULL;
	char err[ERRSZ] = "", *aor = NULL, *uri = NULL;
	int rc;

	rc = line_call(s, line, NULL, NULL, 0, &acc);
	if (rc)
		return rc;

	phone_account_aor(&aor, s->running, acc);

	/* A bare number is called in the account's domain. */
	if (strchr(number, ':'))
		re_sdprintf(&uri, "%s", number);
	else
		re_sdprintf(&uri, "%s:%s@%s", strncmp(aor, "sips:", 5) ?
			    "sip" : "sips", number, strchr(aor, '@') + 1);

	/* The line places the call, so its telephone follows it; a phone
	 * without that command places it on the account alone. */
	odict_alloc(&p, 4);
	odict_entry_add(p, "line", ODICT_INT, (int64_t)line);
	odict_entry_add(p, "aor", ODICT_STRING, aor);
	odict_entry_add(p, "uri", ODICT_STRING, uri);
	rc = ctrl_request(&r, "line_dial", p, err, sizeof(err));
	if (rc == EPROTO && strstr(err, "unknown command"))
		rc = ctrl_request(&r, "dial", p, err, sizeof(err));
	if (rc)
		rc = fail(s, "dial", err);
	else
		rc = result(s, line, "dial", ctrl_str(r, "id"), uri);

	mem_deref(r);
	mem_deref(p);
	mem_deref(uri);
	mem_deref(aor);
	return rc;
}

/* answer, hangup, hold, resume: a call command on the line's call. */
static int h_call_cmd(struct session *s, const struct cmdctx *c)
{
	const char *cmd = c->m->node->arg;
	int line = atoi(ctx_value(c, 0)), acc;
	struct odict *p = NULL, *r = NULL;
	char err[ERRSZ] = "", id[128], *aor = NULL;
	int rc;

	rc = line_call(s, line, !strcmp(cmd, "answer") ? "incoming" : NULL,
		       id, sizeof(id), &acc);
	if (rc)
		return rc;

	/* Two local legs of one call share its Call-ID: the AOR tells
	 * which one is this line's. */
	phone_account_aor(&aor, s->running, acc);
	odict_alloc(&p, 4);
	odict_entry_add(p, "call", ODICT_STRING, id);
	odict_entry_add(p, "aor", ODICT_STRING, aor);
	odict_entry_add(p, "line", ODICT_INT, (int64_t)line);

	/* Answered, the call is the line's, as if its handset were lifted. */
	if (!strcmp(cmd, "answer")) {
		rc = ctrl_request(&r, "line_answer", p, err, sizeof(err));
		if (rc != EPROTO || !strstr(err, "unknown command"))
			goto done;
	}
	rc = ctrl_request(&r, cmd, p, err, sizeof(err));
 done:
	if (rc)
		rc = fail(s, cmd, err);
	else
		rc = result(s, line, cmd, id, NULL);

	mem_deref(r);
	mem_deref(p);
	mem_deref(aor);
	return rc;
}

/* --- the live SIP trace ----------------------------------------------- */

static int trace_print(struct session *s, const struct odict *ev)
{
	const char *dir = ctrl_str(ev, "dir");

	/* What came from the network is shown, never obeyed by the
	 * terminal: its control characters are escaped. */
	return sess_printf(s, "\n%s %H %s %H\n%H",
			   !strcmp(dir, "send") ? ">>>" : "<<<",
			   ctrl_text_print, ctrl_str(ev, "src"),
			   !strcmp(dir, "send") ? "->" : "<-",
			   ctrl_text_print, ctrl_str(ev, "dst"),
			   ctrl_lines_print, ctrl_str(ev, "text"));
}

/* Batch: follow the trace for a number of seconds. */
static int h_debug_sip_for(struct session *s, const struct cmdctx *c)
{
	long secs = atol(ctx_value(c, 0));
	struct ctrl_reader r;
	struct odict *p = NULL;
	char err[ERRSZ] = "";
	time_t end = time(NULL) + secs;
	int fd = -1, rc, i;

	rc = ctrl_connect(&fd, err, sizeof(err));
	if (rc)
		return fail(s, "debug sip", err);

	odict_alloc(&p, 2);
	odict_entry_add(p, "on", ODICT_BOOL, true);
	rc = ctrl_send(fd, "trace", p, 1);
	mem_deref(p);

	if (!rc)
		sess_printf(s, "%% SIP trace for %ld second%s\n", secs,
			    secs == 1 ? "" : "s");

	ctrl_reader_init(&r, fd);
	for (i = 0; i < 1000000 && !rc && time(NULL) < end; i++) {
		struct odict *ev = NULL;
		int left = (int)(end - time(NULL));

		rc = ctrl_read(&r, &ev, left > 0 ? left * 1000 : 1);
		if (rc == ETIMEDOUT) {
			rc = 0;
			break;
		}
		if (!rc && !strcmp(ctrl_str(ev, "event"), "sip"))
			trace_print(s, ev);
		mem_deref(ev);
	}

	ctrl_reader_reset(&r);
	close(fd);

	if (rc)
		return fail(s, "debug sip", "the phone closed the trace");

	return sess_printf(s, "%% SIP trace ended after %ld second%s\n",
			   secs, secs == 1 ? "" : "s") ? EXIT_CMD : 0;
}

/* Interactive: the trace follows the session until turned off. */
static struct ctrl_reader tty_trace = {-1, NULL};

static void trace_drain(struct session *s)
{
	int i, err = 0;

	for (i = 0; i < 100 && !err; i++) {
		struct odict *ev = NULL;

		err = ctrl_read(&tty_trace, &ev, 0);
		if (!err && !strcmp(ctrl_str(ev, "event"), "sip"))
			trace_print(s, ev);
		mem_deref(ev);
	}

	if (err != ETIMEDOUT) {
		sess_printf(s, "%% SIP trace ended: the phone closed it\n");
		close(tty_trace.fd);
		ctrl_reader_reset(&tty_trace);
		tty_trace.fd = -1;
		s->watch_fd = -1;
		s->watch_h = NULL;
	}
}

static int h_debug_sip(struct session *s, const struct cmdctx *c)
{
	struct odict *p = NULL;
	char err[ERRSZ] = "";
	int fd = -1, rc;

	(void)c;

	if (s->kind != SESS_TTY) {
		sess_error(s, NOCOL, "debug sip follows the trace in an "
			   "interactive session; in a batch give the seconds: "
			   "debug sip 10");
		return EXIT_CMD;
	}

	if (tty_trace.fd >= 0)
		return 0;

	rc = ctrl_connect(&fd, err, sizeof(err));
	if (rc)
		return fail(s, "debug sip", err);

	odict_alloc(&p, 2);
	odict_entry_add(p, "on", ODICT_BOOL, true);
	rc = ctrl_send(fd, "trace", p, 1);
	mem_deref(p);
	if (rc) {
		close(fd);
		return fail(s, "debug sip", "the phone refused the trace");
	}

	ctrl_reader_init(&tty_trace, fd);
	s->watch_fd = fd;
	s->watch_h = trace_drain;
	sess_printf(s, "%% SIP trace on; 'no debug sip' turns it off\n");

	return 0;
}

static int h_no_debug_sip(struct session *s, const struct cmdctx *c)
{
	(void)c;

	if (tty_trace.fd < 0)
		return 0;

	close(tty_trace.fd);
	ctrl_reader_reset(&tty_trace);
	tty_trace.fd = -1;
	s->watch_fd = -1;
	s->watch_h = NULL;
	sess_printf(s, "%% SIP trace off\n");

	return 0;
}

static const char h_show[] = "Show running system information";
static const char h_line[] = "The phone line";

static const struct cmd_def phone_cmds[] = {
	{MODE_BIT(MODE_EXEC), "show phone",
	 {h_show, "The phone: state, process, versions, modules"},
	 h_show_phone, NULL, CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "show version",
	 {h_show, "Versions of sipsh, baresip, libre, OpenSSL and our "
	  "modules"}, h_show_version, NULL, CF_OUTPUT},
	{MODE_BIT(MODE_EXEC), "phone start",
	 {"Control the phone service", "Start it"}, h_phone, "start", 0},
	{MODE_BIT(MODE_EXEC), "phone stop",
	 {"Control the phone service", "Stop it (calls end)"},
	 h_phone, "stop", 0},
	{MODE_BIT(MODE_EXEC), "phone restart",
	 {"Control the phone service", "Restart it (calls end)"},
	 h_phone, "restart", 0},
	{MODE_BIT(MODE_EXEC), "phone generate",
	 {"Control the phone service", "Write its configuration from the "
	  "saved one (at boot, before it starts)"}, h_phone, "generate", 0},
	{MODE_BIT(MODE_EXEC), "show registrations",
	 {h_show, "Registration of each account"},
	 h_show_registrations, NULL, CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "show calls",
	 {h_show, "Calls in progress"}, h_show_calls, NULL,
	 CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "show lines",
	 {h_show, "Phone lines and their state"}, h_show_lines, NULL,
	 CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "dial <line> WORD",
	 {"Call a number or SIP address from a line", h_line,
	  "A number (called in the account's domain) or sip:URI"},
	 h_dial, NULL, CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "answer <line>",
	 {"Answer the incoming call of a line", h_line},
	 h_call_cmd, "answer", CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "hangup <line>",
	 {"End the call of a line", h_line}, h_call_cmd, "hangup",
	 CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "hold <line>",
	 {"Put the call of a line on hold", h_line}, h_call_cmd, "hold",
	 CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "resume <line>",
	 {"Take the call of a line off hold", h_line},
	 h_call_cmd, "resume", CF_OUTPUT | CF_JSON},
	{MODE_BIT(MODE_EXEC), "debug sip",
	 {"Follow what the phone does", "Print every SIP message sent and "
	  "received, until 'no debug sip'"}, h_debug_sip, NULL, 0},
	{MODE_BIT(MODE_EXEC), "no debug sip",
	 {"Turn something off", "Stop following what the phone does",
	  "Stop the SIP trace"}, h_no_debug_sip, NULL, 0},
	{MODE_BIT(MODE_EXEC), "undebug sip",
	 {"Stop following what the phone does", "Stop the SIP trace"},
	 h_no_debug_sip, NULL, 0},
	{MODE_BIT(MODE_EXEC), "no debug all",
	 {"Turn something off", "Stop following what the phone does",
	  "Stop every trace"}, h_no_debug_sip, NULL, 0},
	{MODE_BIT(MODE_EXEC), "undebug all",
	 {"Stop following what the phone does", "Stop every trace"},
	 h_no_debug_sip, NULL, 0},
	{MODE_BIT(MODE_EXEC), "debug sip <1-3600>",
	 {"Follow what the phone does", "Print every SIP message sent and "
	  "received", "For this many seconds"},
	 h_debug_sip_for, NULL, CF_OUTPUT},
	{0, NULL, {NULL}, NULL, NULL, 0}
};

int phone_register(struct grammar *g)
{
	return grammar_add_table(g, phone_cmds);
}
