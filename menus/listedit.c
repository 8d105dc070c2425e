/*
 * A list setting (proxies, localnet) edited item by item in a libmenu
 * window: add, change and delete one value at a time, each through the
 * type's parse, a refusal shown with the core's message and the text
 * kept for correcting.
 */
#include <menu.h>
#include <string.h>
#include "re_base.h"
#include "setup.h"

#define ITEMS_MAX 64

/* Replaces value k (or appends when k == n) keeping the others' order. */
static int list_put(struct inst *i, const struct setting *s, size_t k,
		    const char *canon)
{
	const struct val *v = inst_val(i, s);
	char *keep[ITEMS_MAX];
	size_t n = v->n, j;
	int err = 0;

	if (n > ITEMS_MAX)
		return E2BIG;

	for (j = 0; j < n; j++)
		keep[j] = mem_ref(v->v[j]);

	inst_clear(i, s);
	for (j = 0; j < n && !err; j++) {
		if (j == k) {
			if (canon)
				err = inst_add(i, s, canon);
		}
		else {
			err = inst_add(i, s, keep[j]);
		}
	}
	if (!err && k >= n && canon)
		err = inst_add(i, s, canon);

	for (j = 0; j < n; j++)
		mem_deref(keep[j]);

	return err;
}

/* Asks for one value until the type accepts it or the user cancels. */
static int ask_item(struct app *a, const struct setting *s, const char *init,
		    char **canonp)
{
	char text[512], prompt[MSG_SZ];
	struct diag dg = {"", ""};

	(void)a;
	re_snprintf(text, sizeof(text), "%s", init ? init : "");
	re_snprintf(prompt, sizeof(prompt), "%s:", s->help);

	for (;;) {
		if (dlg_input(s->label, prompt, false, text, text,
			      sizeof(text)))
			return ECANCELED;
		if (!text[0])
			return ECANCELED;

		if (!s->type->parse(s, text, canonp, &dg))
			return 0;

		re_snprintf(prompt, sizeof(prompt), "Refused: %s",
			    dg.err[0] ? dg.err : "invalid value");
	}
}

int list_edit(struct app *a, struct inst *i, const struct setting *s)
{
	ITEM *items[ITEMS_MAX + 2];
	MENU *menu = NULL;
	WINDOW *win = NULL, *sub = NULL;
	int h, w = 70, ch, cur = 0, err = 0;
	bool done = false;

	while (!done) {
		const struct val *v = inst_val(i, s);
		size_t n = v->n < ITEMS_MAX ? v->n : ITEMS_MAX, k;
		char *canon = NULL;

		for (k = 0; k < n; k++)
			items[k] = new_item(v->v[k], "");
		items[n] = new_item("<Add>", "");
		items[n + 1] = NULL;

		h = (int)n + 6;
		if (h > LINES - 2)
			h = LINES - 2;
		if (w > COLS - 4)
			w = COLS - 4;

		menu = new_menu(items);
		win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
		if (!menu || !win) {
			err = ENOMEM;
			goto next;
		}
		keypad(win, TRUE);
		box(win, 0, 0);
		mvwprintw(win, 0, 2, " %s ", s->label);
		mvwaddnstr(win, h - 2, 2, "Enter: change  a: add  d: delete  "
			   "Esc: done", w - 4);
		sub = derwin(win, h - 4, w - 4, 1, 2);
		set_menu_win(menu, win);
		set_menu_sub(menu, sub);
		set_menu_format(menu, h - 4, 1);
		set_menu_mark(menu, "> ");
		post_menu(menu);
		if (cur > (int)n)
			cur = (int)n;
		set_current_item(menu, items[cur]);
		wrefresh(win);

		ch = term_key(win, 0);
		cur = item_index(current_item(menu));

		switch (ch) {

		case KEY_UP:
			if (cur > 0)
				--cur;
			break;

		case KEY_DOWN:
		case '\t':
			if (cur < (int)n)
				++cur;
			break;

		case 'a':
		case KEY_IC:
			if (!ask_item(a, s, NULL, &canon)) {
				err = list_put(i, s, n, canon);
				cur = (int)n;
				app_changed(a);
			}
			break;

		case 'd':
		case KEY_DC:
			if (cur < (int)n) {
				err = list_put(i, s, (size_t)cur, NULL);
				app_changed(a);
			}
			break;

		case '\r':
		case '\n':
		case KEY_ENTER:
			if (!ask_item(a, s, cur < (int)n ? v->v[cur] : NULL,
				      &canon)) {
				err = list_put(i, s, (size_t)cur, canon);
				app_changed(a);
			}
			break;

		case KEY_ESC1:
		case KEY_ESCESC:
		case KEY_SIGNAL:
			done = true;
			break;

		default:
			break;
		}

	next:
		mem_deref(canon);
		if (menu) {
			unpost_menu(menu);
			free_menu(menu);
			menu = NULL;
		}
		for (k = 0; k <= n; k++)
			free_item(items[k]);
		if (sub)
			delwin(sub);
		if (win) {
			werase(win);
			wrefresh(win);
			delwin(win);
		}
		sub = win = NULL;
		touchwin(stdscr);
		refresh();
		if (err)
			break;
	}

	return err;
}
