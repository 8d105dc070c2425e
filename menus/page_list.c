/*
 * A page of a numbered section (accounts, lines): the instances in a
 * libmenu list, each opened in a form page of its settings; n adds one
 * (the lowest free number), d deletes one after asking.
 */
#include <menu.h>
#include <string.h>
#include "re_base.h"
#include "setup.h"

struct lrow {
	int id;
	char name[24];
	char desc[96];
};

static void describe(const struct app *a, enum sect_id sect, int id,
		     struct lrow *r)
{
	const struct cfg *c = a->cand;
	const struct section *sec = section_get(sect);

	r->id = id;
	re_snprintf(r->name, sizeof(r->name), "%s %d", sec->name, id);

	if (sect == SECT_ACCOUNT) {
		re_snprintf(r->desc, sizeof(r->desc), "%s@%s  %s%s",
			    cfg_str(c, sect, id, "user"),
			    cfg_str(c, sect, id, "registrar"),
			    cfg_str(c, sect, id, "transport"),
			    cfg_bool(c, sect, id, "shutdown") ?
			    "  (shut down)" : "");
	}
	else {
		const char *acc = cfg_str(c, sect, id, "account");

		re_snprintf(r->desc, sizeof(r->desc), "%-20s account %s%s",
			    cfg_str(c, sect, id, "name"),
			    acc[0] ? acc : "-",
			    cfg_bool(c, sect, id, "shutdown") ?
			    "  (shut down)" : "");
	}
}

static int add_inst(struct app *a, enum sect_id sect)
{
	const struct section *sec = section_get(sect);
	char title[64];
	int id;

	for (id = sec->min; id <= sec->max; id++) {
		if (!cfg_inst(a->cand, sect, id))
			break;
	}
	if (id > sec->max) {
		app_msg(a, true, "All %s numbers %d-%d are in use", sec->name,
			sec->min, sec->max);
		return PAGE_BACK;
	}

	if (cfg_inst_add(a->cand, sect, id, NULL))
		return PAGE_BACK;

	app_changed(a);
	app_msg(a, false, "Added %s %d", sec->name, id);
	re_snprintf(title, sizeof(title), "%s %d", sec->name, id);
	return page_form_inst(a, title, sect, id, NULL);
}

static void del_inst(struct app *a, enum sect_id sect, int id)
{
	static const char *const b[] = {"Delete", "Keep", NULL};
	const struct section *sec = section_get(sect);
	char text[128];

	re_snprintf(text, sizeof(text), "Delete %s %d? It is removed when "
		    "the change is applied.", sec->name, id);
	if (dlg_ask("Delete", text, b) != 0)
		return;

	cfg_inst_del(a->cand, sect, id);
	app_bad_drop_inst(a, sect, id);
	app_changed(a);
	app_msg(a, false, "Deleted %s %d", sec->name, id);
}

int page_list_run(struct app *a, const struct page *pg)
{
	const struct section *sec = section_get(pg->sect);
	struct lrow rows[INST_MAX];
	ITEM *items[INST_MAX + 1];
	const struct setting *focus = a->jump;
	int n, k, id, ch, cur = 0, rc = PAGE_BACK;
	bool done = false;

	a->jump = NULL;

	while (!done) {
		MENU *menu = NULL;
		WINDOW *sub = NULL;
		char title[96];

		int small = term_small_wait();
		if (small < 0)
			break;
		if (small)
			continue;

		for (n = 0, id = 0; id < INST_MAX; id++) {
			if (!cfg_inst(a->cand, pg->sect, id))
				continue;
			describe(a, pg->sect, id, &rows[n]);
			items[n] = new_item(rows[n].name, rows[n].desc);
			++n;
		}
		items[n] = NULL;
		if (cur >= n)
			cur = n ? n - 1 : 0;

		/* A search hit on this page opens the first instance. */
		if (focus && n) {
			re_snprintf(title, sizeof(title), "%s %d", sec->name,
				    rows[0].id);
			rc = page_form_inst(a, title, pg->sect, rows[0].id,
					    focus);
			focus = NULL;
			for (k = 0; k < n; k++)
				free_item(items[k]);
			if (rc != PAGE_BACK)
				return rc;
			continue;
		}
		focus = NULL;

		screen_frame(a, pg->title, "Enter edit  n add  d delete  "
			     "? help  F2 save  F3 apply  Esc Esc back");
		mvprintw(2, 2, "%s (%d of %d-%d in use):", sec->label, n,
			 sec->min, sec->max);
		if (n) {
			menu = new_menu(items);
			sub = derwin(stdscr, LINES - 7, COLS - 4, 4, 2);
			set_menu_sub(menu, sub);
			set_menu_format(menu, LINES - 7, 1);
			set_menu_mark(menu, "> ");
			post_menu(menu);
			set_current_item(menu, items[cur]);
		}
		else {
			mvprintw(4, 4, "None yet: n adds one.");
		}
		screen_status(a, pg->help, false);
		refresh();

		ch = term_key(stdscr, 0);
		if (ch != KEY_TICK)
			a->msg[0] = '\0';

		switch (ch) {

		case KEY_UP:
			if (cur > 0)
				--cur;
			break;

		case KEY_DOWN:
		case '\t':
			if (cur + 1 < n)
				++cur;
			break;

		case '\r':
		case '\n':
		case KEY_ENTER:
		case KEY_RIGHT:
			if (!n)
				break;
			re_snprintf(title, sizeof(title), "%s %d", sec->name,
				    rows[cur].id);
			if (menu)
				unpost_menu(menu);
			rc = page_form_inst(a, title, pg->sect, rows[cur].id,
					    NULL);
			if (rc != PAGE_BACK)
				done = true;
			break;

		case 'n':
		case KEY_IC:
			if (menu)
				unpost_menu(menu);
			rc = add_inst(a, pg->sect);
			if (rc != PAGE_BACK)
				done = true;
			break;

		case 'd':
		case KEY_DC:
			if (n)
				del_inst(a, pg->sect, rows[cur].id);
			break;

		case KEY_ESCESC:
		case KEY_LEFT:
			done = true;
			break;

		case KEY_SIGNAL:
			rc = PAGE_QUIT;
			done = true;
			break;

		case KEY_RESIZE:
			break;

		default:
			rc = page_common_key(a, ch, NULL);
			if (rc == PAGE_JUMP)
				done = true;
			else
				rc = PAGE_BACK;
			break;
		}

		if (menu) {
			unpost_menu(menu);
			free_menu(menu);
		}
		if (sub)
			delwin(sub);
		for (k = 0; k < n; k++)
			free_item(items[k]);
	}

	return rc;
}
