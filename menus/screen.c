/*
 * The frame every page is drawn in: a title bar naming the page and
 * whether there are changes not yet applied, the status line (a field's
 * help, or a message), and the line of keys.
 */
#include <string.h>
#include "re_base.h"
#include "setup.h"

static void bar(int y, attr_t at, const char *text)
{
	int x;

	attron(at);
	mvaddnstr(y, 0, text, COLS);
	for (x = (int)strlen(text); x < COLS; x++)
		mvaddch(y, x, ' ');
	attroff(at);
}

/* The line of keys alone, for a page that changes mode. */
void screen_keys(const char *keys)
{
	char buf[256];

	re_snprintf(buf, sizeof(buf), " %s", keys);
	bar(LINES - 1, term_attr(ROLE_KEYS), buf);
}

void screen_frame(struct app *a, const char *title, const char *keys)
{
	char buf[256];
	const char *state = app_dirty(a) ? (a->checked ? "[saved, not applied]"
					    : "[changed]") : "";
	int n;

	erase();
	n = re_snprintf(buf, sizeof(buf), " sipsh setup: %s", title);
	bar(0, term_attr(ROLE_TITLE), buf);
	/* The state at the right end of the bar. */
	if (n > 0 && *state && (int)strlen(state) + n + 2 <= COLS) {
		attron(term_attr(ROLE_TITLE));
		mvaddstr(0, COLS - (int)strlen(state) - 1, state);
		attroff(term_attr(ROLE_TITLE));
	}

	screen_keys(keys);
	screen_status(a, NULL, false);
}

/* The status line: the app's message if there is one, else text. */
void screen_status(struct app *a, const char *text, bool err)
{
	const char *t = a->msg[0] ? a->msg : text;
	bool e = a->msg[0] ? a->msg_err : err;

	move(LINES - 2, 0);
	clrtoeol();
	if (!t)
		return;

	if (e)
		attron(term_attr(ROLE_ERROR));
	mvaddnstr(LINES - 2, 0, t, COLS);
	if (e)
		attroff(term_attr(ROLE_ERROR));
}
