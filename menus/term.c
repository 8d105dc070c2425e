/*
 * The terminal under the menu: curses started in the modes the pages
 * need, colours only where the terminal has them and the user wants them
 * (NO_COLOR), keys read with Esc Esc told from a lone Esc, and the
 * terminal restored on every way out: a normal exit, an error exit, a
 * hangup, Ctrl-C and a kill all end in term_close().
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>
#include "re_base.h"
#include "setup.h"

static volatile sig_atomic_t caught;
static bool up;
static bool colour;
static SCREEN *scr;

static void on_signal(int sig)
{
	caught = sig;
}

/* Signals end the menu through the main loop, which restores the
 * terminal: a handler may not call curses itself. No SA_RESTART, so a
 * read in progress returns at once. */
static void signals_catch(void)
{
	static const int sigs[] = {SIGINT, SIGHUP, SIGTERM, SIGQUIT};
	struct sigaction sa;
	size_t k;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);
}

/*
 * F1 to F4 as the common terminals send them (xterm and VT100's SS3 form,
 * VT220's CSI form), where the terminal's own description names other
 * sequences: a console described as linux but reached through tmux or
 * screen, or an SSH client that says xterm and sends VT220 keys, still
 * gets Save and Apply on F2 and F3. A sequence the description binds to
 * something else is left to it.
 */
static void fkeys_define(void)
{
	static const char *const seq[][2] = {
		{"\033OP", "\033[11~"}, {"\033OQ", "\033[12~"},
		{"\033OR", "\033[13~"}, {"\033OS", "\033[14~"},
	};
	size_t n, k;

	for (n = 0; n < sizeof(seq) / sizeof(seq[0]); n++) {
		for (k = 0; k < 2; k++) {
			if (!key_defined(seq[n][k]))
				define_key(seq[n][k], KEY_F((int)n + 1));
		}
	}
}

static void at_exit(void)
{
	term_close();
}

int term_open(char *why, size_t sz)
{
	const char *t = getenv("TERM");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		re_snprintf(why, sz, "standard input and output must be a "
			    "terminal");
		return ENOTTY;
	}

	if (!t || !*t || !strcmp(t, "dumb")) {
		re_snprintf(why, sz, "TERM is %s: a terminal with cursor "
			    "movement is needed (xterm, vt100, linux)",
			    t && *t ? t : "not set");
		return ENOTTY;
	}

	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		re_snprintf(why, sz, "the terminal type '%s' is unknown", t);
		return ENOTTY;
	}

	up = true;
	atexit(at_exit);
	signals_catch();

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	fkeys_define();
	/* Long enough for an arrow key's bytes over SSH to arrive together. */
	set_escdelay(100);
	curs_set(0);

	colour = has_colors() && !getenv("NO_COLOR");
	if (colour && start_color() == OK) {
		use_default_colors();
		init_pair(ROLE_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(ROLE_ERROR, COLOR_RED, -1);
		init_pair(ROLE_FIELD, COLOR_BLACK, COLOR_CYAN);
		init_pair(ROLE_BAD, COLOR_WHITE, COLOR_RED);
		init_pair(ROLE_KEYS, COLOR_BLACK, COLOR_WHITE);
	}
	else {
		colour = false;
	}

	return 0;
}

void term_close(void)
{
	if (!up)
		return;

	up = false;
	curs_set(1);
	endwin();
	delscreen(scr);
	scr = NULL;
}

bool term_colour(void)
{
	return colour;
}

/* Without colours every role is still told apart by an attribute. */
attr_t term_attr(int role)
{
	if (colour) {
		switch (role) {

		case ROLE_ERROR: return COLOR_PAIR(role) | A_BOLD;
		case ROLE_BAD:   return COLOR_PAIR(role) | A_BOLD;
		default:         return COLOR_PAIR(role);
		}
	}

	switch (role) {

	case ROLE_TITLE: return A_REVERSE;
	case ROLE_ERROR: return A_BOLD;
	case ROLE_FIELD: return A_UNDERLINE;
	case ROLE_BAD:   return A_REVERSE | A_BOLD;
	case ROLE_KEYS:  return A_REVERSE;
	default:         return A_NORMAL;
	}
}

bool term_too_small(void)
{
	return COLS < MENU_MIN_COLS || LINES < MENU_MIN_LINES;
}

/* What a page shows instead of itself while the terminal is too small. */
int term_small_wait(void)
{
	int ch;

	if (!term_too_small())
		return 0;

	term_size_screen();
	ch = term_key(stdscr, 0);

	return ch == KEY_ESCESC || ch == KEY_SIGNAL ? -1 : 1;
}

void term_size_screen(void)
{
	erase();
	mvprintw(0, 0, "sipsh-menu needs a terminal of at least %dx%d; "
		 "this one is %dx%d.", MENU_MIN_COLS, MENU_MIN_LINES, COLS,
		 LINES);
	mvprintw(1, 0, "Make it larger, or press Esc Esc to leave.");
	refresh();
}

int term_signal(void)
{
	return caught;
}

/*
 * One key within ms (-1: wait): curses' key code, an ASCII character, or
 * a character beyond ASCII with KEY_WCHAR set; ERR when none came. Read
 * as wide characters so that UTF-8 typed into a field arrives as one
 * character, not as its bytes.
 */
static int key_read(WINDOW *w, int ms)
{
	wint_t wc;
	int r;

	wtimeout(w, ms);
	r = wget_wch(w, &wc);
	if (r == ERR)
		return ERR;
	if (r == KEY_CODE_YES || wc < 0x80)
		return (int)wc;

	return (int)(wc | KEY_WCHAR);
}

static void key_unread(int ch)
{
	if (ch & KEY_WCHAR)
		unget_wch((wchar_t)(ch & ~KEY_WCHAR));
	else
		ungetch(ch);
}

/*
 * The next key. Esc followed by Esc within a moment is KEY_ESCESC, a lone
 * Esc KEY_ESC1; KEY_TICK when tick_ms passed with nothing typed (0:
 * wait), KEY_SIGNAL once a signal asked the menu to end.
 */
int term_key(WINDOW *w, int tick_ms)
{
	int ch, waited = 0;

	for (;;) {
		if (caught)
			return KEY_SIGNAL;

		ch = key_read(w, 200);
		if (caught)
			return KEY_SIGNAL;

		if (ch == ERR) {
			waited += 200;
			if (tick_ms && waited >= tick_ms)
				return KEY_TICK;
			continue;
		}

		break;
	}

	if (ch != 27)
		return ch;

	ch = key_read(w, 300);
	if (ch == 27)
		return KEY_ESCESC;
	if (ch != ERR)
		key_unread(ch);

	return KEY_ESC1;
}

/* A character to type into a field: printable ASCII, or beyond ASCII
 * anything but a C1 control or a character the locale cannot print. */
bool term_is_text(int ch)
{
	wchar_t wc;

	if (!(ch & KEY_WCHAR))
		return ch >= 32 && ch < 127;

	wc = (wchar_t)(ch & ~KEY_WCHAR);

	return !(wc >= 0x80 && wc < 0xa0) && iswprint((wint_t)wc);
}

/* Type ch into the form's current field, as the one character it is. */
void term_type(FORM *form, int ch)
{
	if (ch & KEY_WCHAR)
		form_driver_w(form, OK, (wchar_t)(ch & ~KEY_WCHAR));
	else
		form_driver(form, ch);
}
