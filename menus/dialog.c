/*
 * Dialogs over the page: a message (scrolled when long), a question with
 * buttons, a line of input (hidden for passwords: never drawn), and a
 * choice list. Input and choices are libform and libmenu objects, so the
 * editing keys are ncurses' own. Each dialog restores the page under it
 * by leaving it to be redrawn: callers redraw after every dialog.
 */
#include <ctype.h>
#include <form.h>
#include <menu.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "setup.h"

#define WRAP_MAX 400

struct wline {
	const char *p;
	int len;
};

/* Splits text into lines of at most width, at blanks where it can. */
static int wrap(const char *text, int width, struct wline *out, int max)
{
	const char *p = text;
	int n = 0;

	while (*p && n < max) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (len > width) {
			int cut = width;

			while (cut > width / 2 && p[cut] != ' ')
				--cut;
			if (p[cut] != ' ')
				cut = width;
			out[n].p = p;
			out[n++].len = cut;
			p += cut;
			while (*p == ' ')
				++p;
			continue;
		}

		out[n].p = p;
		out[n++].len = len;
		p += len;
		if (*p == '\n')
			++p;
	}

	return n;
}

static WINDOW *box_open(int h, int w, const char *title)
{
	WINDOW *win;

	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 2)
		w = COLS - 2;

	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (!win)
		return NULL;

	keypad(win, TRUE);
	box(win, 0, 0);
	if (title) {
		wattron(win, A_BOLD);
		mvwprintw(win, 0, 2, " %.*s ", w - 6, title);
		wattroff(win, A_BOLD);
	}

	return win;
}

static void box_close(WINDOW *win)
{
	if (!win)
		return;
	werase(win);
	wrefresh(win);
	delwin(win);
	touchwin(stdscr);
}

static void buttons_draw(WINDOW *win, int y, const char *const *buttons,
			 int cur)
{
	int w = getmaxx(win), total = 0, x, k;

	for (k = 0; buttons[k]; k++)
		total += (int)strlen(buttons[k]) + 6;

	x = (w - total) / 2;
	if (x < 1)
		x = 1;

	for (k = 0; buttons[k]; k++) {
		if (k == cur)
			wattron(win, A_REVERSE);
		mvwprintw(win, y, x, "< %s >", buttons[k]);
		if (k == cur)
			wattroff(win, A_REVERSE);
		x += (int)strlen(buttons[k]) + 6;
	}
}

/* Text with buttons; returns the button chosen, or ANS_CANCEL. */
static int text_box(const char *title, const char *text,
		    const char *const *buttons)
{
	static struct wline lines[WRAP_MAX];
	int w = 70, n, h, body, top = 0, cur = 0, nb = 0, ch, k, rc;
	WINDOW *win;

	while (buttons[nb])
		++nb;

	if (w > COLS - 4)
		w = COLS - 4;
	n = wrap(text, w - 4, lines, WRAP_MAX);
	h = n + 4 + (nb ? 1 : 0);
	if (h > LINES - 2)
		h = LINES - 2;
	body = h - 3 - (nb ? 1 : 0);

	win = box_open(h, w, title);
	if (!win)
		return ANS_CANCEL;

	for (;;) {
		for (k = 0; k < body; k++) {
			wmove(win, 1 + k, 1);
			for (rc = 1; rc < w - 1; rc++)
				waddch(win, ' ');
			if (top + k < n)
				mvwaddnstr(win, 1 + k, 2, lines[top + k].p,
					   lines[top + k].len);
		}
		if (n > body)
			mvwprintw(win, h - 1, w - 12, " %d/%d ",
				  top + body < n ? top + body : n, n);
		buttons_draw(win, h - 2, buttons, cur);
		wrefresh(win);

		ch = term_key(win, 0);
		switch (ch) {

		case KEY_UP:
			if (top > 0)
				--top;
			break;

		case KEY_DOWN:
			if (top + body < n)
				++top;
			break;

		case KEY_PPAGE:
			top = top > body ? top - body : 0;
			break;

		case KEY_NPAGE:
			if (top + body < n)
				top += body;
			break;

		case KEY_LEFT:
		case KEY_BTAB:
			cur = (cur + nb - 1) % nb;
			break;

		case KEY_RIGHT:
		case '\t':
			cur = (cur + 1) % nb;
			break;

		case '\r':
		case '\n':
		case KEY_ENTER:
			box_close(win);
			return cur;

		case KEY_ESC1:
		case KEY_ESCESC:
		case KEY_SIGNAL:
			box_close(win);
			return ANS_CANCEL;

		case KEY_RESIZE:
			box_close(win);
			return text_box(title, text, buttons);

		default:
			/* A button's first letter chooses it. */
			for (k = 0; k < nb; k++) {
				if (ch < 256 && tolower(ch) ==
				    tolower((unsigned char)buttons[k][0])) {
					box_close(win);
					return k;
				}
			}
			break;
		}
	}
}

void dlg_message(const char *title, const char *text)
{
	static const char *const ok[] = {"OK", NULL};

	text_box(title, text, ok);
}

int dlg_ask(const char *title, const char *text, const char *const *buttons)
{
	return text_box(title, text, buttons);
}

static void trim_copy(char *out, size_t sz, const char *buf)
{
	size_t n = strlen(buf);

	while (n && buf[n - 1] == ' ')
		--n;
	while (n && *buf == ' ') {
		++buf;
		--n;
	}
	if (n >= sz)
		n = sz - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
}

/*
 * One line of input in a libform field. Hidden input is never drawn
 * (O_PUBLIC off). Returns 0 with out set, or ANS_CANCEL.
 */
int dlg_input(const char *title, const char *prompt, bool hidden,
	      const char *init, char *out, size_t sz)
{
	int w = 70, h = 7, ch, rc = ANS_CANCEL;
	FIELD *fld[2] = {NULL, NULL};
	FORM *form = NULL;
	WINDOW *win, *sub = NULL;

	if (w > COLS - 4)
		w = COLS - 4;

	win = box_open(h, w, title);
	if (!win)
		return ANS_CANCEL;

	mvwaddnstr(win, 1, 2, prompt, w - 4);
	mvwaddnstr(win, h - 2, 2, "Enter: accept   Esc: cancel", w - 4);

	fld[0] = new_field(1, w - 4, 0, 0, 0, 0);
	if (!fld[0])
		goto out;
	field_opts_off(fld[0], O_STATIC | O_AUTOSKIP);
	set_max_field(fld[0], (int)sz - 1);
	set_field_back(fld[0], term_attr(ROLE_FIELD));
	if (hidden)
		field_opts_off(fld[0], O_PUBLIC);
	else if (init)
		set_field_buffer(fld[0], 0, init);

	form = new_form(fld);
	if (!form)
		goto out;

	sub = derwin(win, 1, w - 4, 3, 2);
	set_form_win(form, win);
	set_form_sub(form, sub);
	if (post_form(form) != E_OK)
		goto out;

	curs_set(1);
	form_driver(form, REQ_END_LINE);
	wrefresh(win);

	for (;;) {
		ch = term_key(win, 0);

		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
			form_driver(form, REQ_VALIDATION);
			trim_copy(out, sz, field_buffer(fld[0], 0));
			rc = 0;
			break;
		}
		if (ch == KEY_ESC1 || ch == KEY_ESCESC || ch == KEY_SIGNAL ||
		    ch == KEY_RESIZE)
			break;

		switch (ch) {

		case KEY_LEFT:      form_driver(form, REQ_PREV_CHAR); break;
		case KEY_RIGHT:     form_driver(form, REQ_NEXT_CHAR); break;
		case KEY_HOME:      form_driver(form, REQ_BEG_LINE); break;
		case KEY_END:       form_driver(form, REQ_END_LINE); break;
		case KEY_DC:        form_driver(form, REQ_DEL_CHAR); break;
		case KEY_BACKSPACE:
		case 127:
		case 8:             form_driver(form, REQ_DEL_PREV); break;
		case 21:            form_driver(form, REQ_CLR_FIELD); break;
		default:
			if (term_is_text(ch))
				term_type(form, ch);
			break;
		}
		wrefresh(win);
	}

 out:
	curs_set(0);
	if (form) {
		unpost_form(form);
		free_form(form);
	}
	if (fld[0]) {
		/* A password must not linger in the field's buffer. */
		set_field_buffer(fld[0], 0, "");
		free_field(fld[0]);
	}
	if (sub)
		delwin(sub);
	box_close(win);
	return rc;
}

/*
 * A libmenu choice list: each value with its meaning beside it. Returns
 * the index chosen, or ANS_CANCEL.
 */
int dlg_choose(const char *title, const char *const *names,
	       const char *const *descs, int current)
{
	ITEM *items[64];
	MENU *menu = NULL;
	WINDOW *win = NULL, *sub;
	int n = 0, k, w = 0, h, ch, rc = ANS_CANCEL;

	for (n = 0; names[n] && n < 63; n++) {
		int l = (int)strlen(names[n]) + 3 +
			(descs && descs[n] ? (int)strlen(descs[n]) : 0);

		if (l > w)
			w = l;
		items[n] = new_item(names[n], descs && descs[n] ? descs[n] :
				    "");
	}
	items[n] = NULL;

	w += 6;
	if (title && (int)strlen(title) + 8 > w)
		w = (int)strlen(title) + 8;
	if (w > COLS - 4)
		w = COLS - 4;
	h = n + 4;

	menu = new_menu(items);
	if (!menu)
		goto out;

	win = box_open(h, w, title);
	if (!win)
		goto out;

	sub = derwin(win, h - 3, w - 4, 1, 2);
	set_menu_win(menu, win);
	set_menu_sub(menu, sub);
	set_menu_format(menu, h - 3, 1);
	set_menu_mark(menu, "> ");
	if (post_menu(menu) != E_OK)
		goto out;

	if (current >= 0 && current < n)
		set_current_item(menu, items[current]);
	mvwaddnstr(win, h - 2, 2, "Enter: choose   Esc: cancel", w - 4);
	wrefresh(win);

	for (;;) {
		ch = term_key(win, 0);

		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER || ch == ' ') {
			rc = item_index(current_item(menu));
			break;
		}
		if (ch == KEY_ESC1 || ch == KEY_ESCESC || ch == KEY_SIGNAL ||
		    ch == KEY_RESIZE)
			break;

		if (ch == KEY_UP)
			menu_driver(menu, REQ_UP_ITEM);
		else if (ch == KEY_DOWN || ch == '\t')
			menu_driver(menu, REQ_DOWN_ITEM);
		else if (ch == KEY_HOME)
			menu_driver(menu, REQ_FIRST_ITEM);
		else if (ch == KEY_END)
			menu_driver(menu, REQ_LAST_ITEM);
		wrefresh(win);
	}

	unpost_menu(menu);

 out:
	if (menu)
		free_menu(menu);
	for (k = 0; k < n; k++)
		free_item(items[k]);
	if (win) {
		delwin(sub);
		box_close(win);
	}
	return rc;
}
