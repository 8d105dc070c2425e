/*
 * The menu's state and its main loop. The state is the configuration as
 * read (and the id of that content, the base a commit is conditional
 * on), the candidate the pages edit, and the values the core refused,
 * which stay marked at their fields. The main loop is the page list: a
 * libmenu of the pages, opening each, following search hits, and asking
 * before it leaves with changes that were not applied.
 */
#include <errno.h>
#include <menu.h>
#include <stdarg.h>
#include <string.h>
#include "re_base.h"
#include "conf_read.h"
#include "setup.h"

int app_load(struct app *a, const char *path)
{
	struct cfg *c = NULL;
	struct store_id id;
	int err;

	memset(a, 0, sizeof(*a));
	a->path = path;

	err = cfg_load(&c, path, &id, NULL);
	if (err == ENOENT) {
		/* No file yet: the defaults, saved on the first Apply. */
		memset(&id, 0, sizeof(id));
		err = cfg_alloc(&c);
	}
	if (err)
		return err;

	err = cfg_dup(&a->cand, c);
	if (err) {
		mem_deref(c);
		return err;
	}

	a->file = c;
	a->base = id;
	return 0;
}

void app_free(struct app *a)
{
	while (a->bad)
		app_bad_clear(a, a->bad->sect, a->bad->id, a->bad->s);
	a->cand = mem_deref(a->cand);
	a->file = mem_deref(a->file);
}

bool app_dirty(const struct app *a)
{
	return a->bad || !cfg_equal(a->cand, a->file);
}

void app_msg(struct app *a, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	re_vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->msg_err = err;
}

/* A change invalidates the last Save: it checked something else. */
void app_changed(struct app *a)
{
	a->checked = false;
}

struct bad_val *app_bad(const struct app *a, enum sect_id sect, int id,
			const struct setting *s)
{
	struct bad_val *b;

	for (b = a->bad; b; b = b->next) {
		if (b->sect == sect && b->id == id && b->s == s)
			return b;
	}

	return NULL;
}

int app_bad_set(struct app *a, enum sect_id sect, int id,
		const struct setting *s, const char *text, const char *msg)
{
	struct bad_val *b = app_bad(a, sect, id, s);
	char *t = NULL;
	int err;

	err = str_dup(&t, text);
	if (err)
		return err;

	if (!b) {
		b = mem_zalloc(sizeof(*b), NULL);
		if (!b) {
			mem_deref(t);
			return ENOMEM;
		}
		b->sect = sect;
		b->id = id;
		b->s = s;
		b->next = a->bad;
		a->bad = b;
	}

	mem_deref(b->text);
	b->text = t;
	re_snprintf(b->msg, sizeof(b->msg), "%s", msg);
	a->checked = false;
	return 0;
}

void app_bad_clear(struct app *a, enum sect_id sect, int id,
		   const struct setting *s)
{
	struct bad_val **pp;

	for (pp = &a->bad; *pp; pp = &(*pp)->next) {
		struct bad_val *b = *pp;

		if (b->sect != sect || b->id != id || b->s != s)
			continue;

		*pp = b->next;
		mem_deref(b->text);
		mem_deref(b);
		return;
	}
}

void app_bad_drop_inst(struct app *a, enum sect_id sect, int id)
{
	struct bad_val *b, *next;

	for (b = a->bad; b; b = next) {
		next = b->next;
		if (b->sect == sect && b->id == id)
			app_bad_clear(a, sect, id, b->s);
	}
}

unsigned app_bad_count(const struct app *a)
{
	const struct bad_val *b;
	unsigned n = 0;

	for (b = a->bad; b; b = b->next)
		++n;

	return n;
}

/* Leaving with changes not applied asks first; true: leave. */
static bool may_leave(struct app *a)
{
	static const char *const b[] = {"Apply and leave", "Discard",
		"Cancel", NULL};
	int ans;

	if (!app_dirty(a))
		return true;

	ans = dlg_ask("Unsaved changes", "There are changes that were not "
		      "applied. Apply them before leaving, or discard "
		      "them?", b);
	if (ans == 0)
		return save_apply(a) == 0 && !app_dirty(a);

	return ans == 1;
}

static int open_page(struct app *a, int k)
{
	int rc;

	for (;;) {
		rc = pages[k].run(a, &pages[k]);
		if (rc != PAGE_JUMP)
			return rc;
		k = a->jump_page;
	}
}

int app_run(struct app *a)
{
	ITEM *items[32];
	MENU *menu = NULL;
	WINDOW *sub = NULL;
	size_t k;
	int ch, cur = 0, rc = 0;

	for (k = 0; k < pages_n; k++)
		items[k] = new_item(pages[k].title, "");
	items[k] = NULL;

	while (!a->quit) {
		if (term_signal())
			break;

		int small = term_small_wait();
		if (small < 0)
			break;
		if (small)
			continue;

		menu = new_menu(items);
		if (!menu) {
			rc = ENOMEM;
			break;
		}
		screen_frame(a, "pages", "Enter open  ? keys  / search  "
			     "F2 save  F3 apply  Esc Esc leave");
		sub = derwin(stdscr, (int)pages_n, 40, 3, 4);
		set_menu_sub(menu, sub);
		set_menu_format(menu, (int)pages_n, 1);
		set_menu_mark(menu, "> ");
		post_menu(menu);
		set_current_item(menu, items[cur]);
		mvprintw(2, 2, "Pages:");
		mvprintw(3 + (int)pages_n + 1, 2, "File: %.*s", COLS - 10,
			 a->path);
		screen_status(a, pages[cur].help, false);
		refresh();

		ch = term_key(stdscr, 0);
		a->msg[0] = '\0';
		cur = item_index(current_item(menu));

		switch (ch) {

		case KEY_UP:
		case KEY_BTAB:
			if (cur > 0)
				--cur;
			break;

		case KEY_DOWN:
		case '\t':
			if (cur + 1 < (int)pages_n)
				++cur;
			break;

		case KEY_HOME:
		case KEY_PPAGE:
			cur = 0;
			break;

		case KEY_END:
		case KEY_NPAGE:
			cur = (int)pages_n - 1;
			break;

		case '\r':
		case '\n':
		case KEY_ENTER:
		case KEY_RIGHT:
			unpost_menu(menu);
			rc = open_page(a, cur);
			if (rc == PAGE_QUIT)
				a->quit = true;
			break;

		case KEY_ESCESC:
		case 'q':
			if (may_leave(a))
				a->quit = true;
			break;

		case KEY_SIGNAL:
			a->quit = true;
			break;

		default:
			if (page_common_key(a, ch, NULL) == PAGE_JUMP) {
				unpost_menu(menu);
				rc = open_page(a, a->jump_page);
				if (rc == PAGE_QUIT)
					a->quit = true;
			}
			break;
		}

		unpost_menu(menu);
		free_menu(menu);
		menu = NULL;
		delwin(sub);
		sub = NULL;
	}

	for (k = 0; k < pages_n; k++)
		free_item(items[k]);

	a->sig = term_signal();
	return rc == ENOMEM ? rc : 0;
}
