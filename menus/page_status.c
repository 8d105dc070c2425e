/*
 * The Status page: the phone's registrations, lines and calls, asked of
 * its control socket every second while the page is open. The
 * configuration it is read against is the one in the file (what the
 * phone runs), not the candidate being edited. When the phone is not
 * running the page says so plainly.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "re_base.h"
#include "phone.h"
#include "ctrl_data.h"
#include "setup.h"

#define ERRSZ 256

static int row(int y, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (y >= LINES - 3)
		return y;

	va_start(ap, fmt);
	re_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, 2, buf, COLS - 4);
	return y + 1;
}

static int registrations(const struct cfg *c, const struct odict *regs,
			 int y)
{
	int id;

	attron(A_BOLD);
	y = row(y, "%-8s%-28s%-14s%-20s%s", "Account", "Address", "State",
		"Last response", "Expires");
	attroff(A_BOLD);

	for (id = 0; id < INST_MAX; id++) {
		const struct odict *r;
		char *aor = NULL;

		if (!cfg_inst(c, SECT_ACCOUNT, id))
			continue;

		phone_account_aor(&aor, c, id);
		r = aor ? ctrl_find_aor(regs, aor) : NULL;
		y = row(y, "%-8d%-28s%-14s%-20s%ld", id, aor ? aor : "",
			r ? ctrl_str(r, "state") :
			cfg_bool(c, SECT_ACCOUNT, id, "shutdown") ?
			"shutdown" : "absent",
			ctrl_str(r, "last"), ctrl_num(r, "expires"));
		mem_deref(aor);
	}

	return y;
}

static int lines(const struct cfg *c, const struct odict *calls, int y)
{
	int l;

	attron(A_BOLD);
	y = row(y, "%-6s%-20s%-9s%-12s%s", "Line", "Name", "Account",
		"State", "Peer");
	attroff(A_BOLD);

	for (l = 0; l < INST_MAX; l++) {
		const char *acc, *state = "idle", *peer = "";
		const struct odict *call = NULL;
		char *aor = NULL;

		if (!cfg_inst(c, SECT_LINE, l))
			continue;

		acc = cfg_str(c, SECT_LINE, l, "account");
		if (cfg_bool(c, SECT_LINE, l, "shutdown"))
			state = "shutdown";
		else if (acc[0] &&
			 !phone_account_aor(&aor, c, atoi(acc)))
			call = ctrl_find_aor(calls, aor);
		if (call) {
			state = ctrl_str(call, "state");
			peer = ctrl_str(call, "peer");
		}

		y = row(y, "%-6d%-20s%-9s%-12s%s", l,
			cfg_str(c, SECT_LINE, l, "name"), acc[0] ? acc : "-",
			state, peer);
		mem_deref(aor);
	}

	return y;
}

static int calls_list(const struct odict *calls, int y)
{
	struct le *le;
	unsigned n = 0;

	attron(A_BOLD);
	y = row(y, "%-30s%-5s%-13s%-7s%s", "Account", "Dir", "State", "Time",
		"Peer");
	attroff(A_BOLD);

	for (le = calls ? calls->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const struct odict *call;

		if (e->type != ODICT_OBJECT)
			continue;
		call = e->u.odict;
		y = row(y, "%-30s%-5s%-13s%-7ld%s", ctrl_str(call, "aor"),
			ctrl_str(call, "direction"), ctrl_str(call, "state"),
			ctrl_num(call, "duration"), ctrl_str(call, "peer"));
		++n;
	}
	if (!n)
		y = row(y, "(no calls)");

	return y;
}

static void draw(struct app *a, const struct page *pg)
{
	struct odict *regs = NULL, *calls = NULL;
	struct phone_status st;
	char err[ERRSZ] = "";
	int y = 2;

	screen_frame(a, pg->title, "refreshed every second   Esc Esc back");

	if (phone_svc_status(&st) || !st.running) {
		y = row(y, "The phone is stopped: there are no registrations, "
			"lines or calls to show.");
		row(y + 1, "Start it from the shell with 'phone start'.");
		screen_status(a, pg->help, false);
		refresh();
		return;
	}

	y = row(y, "Phone: running under %s, PID %d, up %ld s",
		st.supervisor, (int)st.pid, st.uptime);

	if (ctrl_request(&regs, "registrations", NULL, err, sizeof(err)) ||
	    ctrl_request(&calls, "calls", NULL, err, sizeof(err))) {
		row(y + 1, "The phone does not answer on its control socket: "
		    "%s", err);
	}
	else {
		y = registrations(a->file, regs, y + 1);
		y = lines(a->file, calls, y + 1);
		calls_list(calls, y + 1);
	}

	mem_deref(regs);
	mem_deref(calls);
	screen_status(a, pg->help, false);
	refresh();
}

int page_status_run(struct app *a, const struct page *pg)
{
	int ch;

	a->jump = NULL;

	for (;;) {
		if (term_too_small())
			term_size_screen();
		else
			draw(a, pg);

		ch = term_key(stdscr, 1000);
		if (ch != KEY_TICK)
			a->msg[0] = '\0';

		if (ch == KEY_SIGNAL)
			return PAGE_QUIT;
		if (ch == KEY_ESCESC || ch == KEY_LEFT)
			return PAGE_BACK;
		if (ch == '?' || ch == KEY_F(1))
			help_keys();
	}
}
