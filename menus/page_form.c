/*
 * A page of one section instance's settings as a libform form: a row per
 * setting with its label, its value field and, beside it, its range or
 * what Enter does; the setting's help on the status line. Rows beyond
 * one screen go on further form pages. Text and numbers are typed in
 * place (Enter starts and ends the edit, Esc cancels it); the other
 * kinds open their widget (field.c). A value the core refuses stays in
 * its field, marked, with the core's message.
 */
#include <form.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "setup.h"

#define LABEL_X 1
#define LABEL_W 30
#define VALUE_X 32
#define VALUE_W 22
#define HINT_X 55
#define HINT_W 24
#define TOP 2

struct fpage {
	struct app *a;
	const char *title;
	enum sect_id sect;
	int id;
	const struct section *sec;
	size_t n;                  /* settings */
	FIELD **fields;            /* label, value, hint per setting, NULL */
	FORM *form;
	WINDOW *sub;
	int rows;                  /* setting rows per form page */
	size_t cur;                /* the setting under the cursor */
	bool editing;
};

static const struct setting *row_setting(const struct fpage *fp, size_t k)
{
	return &schema[fp->sec->first + k];
}

static FIELD *value_field(const struct fpage *fp, size_t k)
{
	return fp->fields[3 * k + 1];
}

static struct inst *fp_inst(const struct fpage *fp)
{
	struct inst *i = cfg_inst(fp->a->cand, fp->sect, fp->id);

	if (!i)
		cfg_inst_add(fp->a->cand, fp->sect, fp->id, &i);

	return i;
}

/* Puts every setting's current text, hint and marking in its fields. */
static void fill(struct fpage *fp)
{
	struct inst *i = fp_inst(fp);
	char buf[1024];
	size_t k;

	if (!i)
		return;

	for (k = 0; k < fp->n; k++) {
		const struct setting *s = row_setting(fp, k);
		const struct bad_val *b = app_bad(fp->a, fp->sect, fp->id, s);
		FIELD *v = value_field(fp, k);
		attr_t at = term_attr(ROLE_FIELD);

		if (b) {
			set_field_buffer(v, 0, b->text);
			set_field_buffer(fp->fields[3 * k + 2], 0,
					 "! refused");
			at = term_attr(ROLE_BAD);
		}
		else {
			fld_text(buf, sizeof(buf), i, s);
			set_field_buffer(v, 0, buf);
			fld_hint(buf, sizeof(buf), i, s);
			set_field_buffer(fp->fields[3 * k + 2], 0, buf);
		}

		if (k == fp->cur && !fp->editing)
			at |= A_REVERSE;
		set_field_back(v, at);
	}
}

static void fp_free(struct fpage *fp)
{
	size_t k;

	if (fp->form) {
		unpost_form(fp->form);
		free_form(fp->form);
		fp->form = NULL;
	}

	for (k = 0; fp->fields && fp->fields[k]; k++)
		free_field(fp->fields[k]);
	free(fp->fields);
	fp->fields = NULL;

	if (fp->sub) {
		delwin(fp->sub);
		fp->sub = NULL;
	}
}

static FIELD *static_field(int y, int x, int w, const char *text)
{
	FIELD *f = new_field(1, w, y, x, 0, 0);

	if (!f)
		return NULL;

	field_opts_off(f, O_ACTIVE | O_EDIT);
	set_field_buffer(f, 0, text);
	return f;
}

static int fp_build(struct fpage *fp)
{
	size_t k;
	int err = ENOMEM;

	fp->rows = LINES - TOP - 3;
	fp->fields = calloc(3 * fp->n + 1, sizeof(*fp->fields));
	if (!fp->fields)
		return ENOMEM;

	for (k = 0; k < fp->n; k++) {
		const struct setting *s = row_setting(fp, k);
		int y = (int)k % fp->rows;
		FIELD *l, *v, *h;

		l = static_field(y, LABEL_X, LABEL_W, s->label);
		v = new_field(1, VALUE_W, y, VALUE_X, 0, 0);
		h = static_field(y, HINT_X, HINT_W, "");
		fp->fields[3 * k] = l;
		fp->fields[3 * k + 1] = v;
		fp->fields[3 * k + 2] = h;
		if (!l || !v || !h)
			goto out;

		if (k && y == 0)
			set_new_page(l, TRUE);

		field_opts_off(v, O_AUTOSKIP | O_STATIC | O_BLANK);
		set_max_field(v, 1024);
		if (!fld_inline(s))
			field_opts_off(v, O_EDIT);
	}

	fp->form = new_form(fp->fields);
	if (!fp->form)
		goto out;

	fp->sub = derwin(stdscr, fp->rows, COLS, TOP, 0);
	if (!fp->sub)
		goto out;

	set_form_win(fp->form, stdscr);
	set_form_sub(fp->form, fp->sub);
	fill(fp);
	if (post_form(fp->form) != E_OK)
		goto out;

	set_current_field(fp->form, value_field(fp, fp->cur));
	err = 0;

 out:
	if (err)
		fp_free(fp);
	return err;
}

static void draw(struct fpage *fp)
{
	const struct setting *s = row_setting(fp, fp->cur);
	const struct bad_val *b = app_bad(fp->a, fp->sect, fp->id, s);
	int npages = ((int)fp->n + fp->rows - 1) / fp->rows;
	char title[128], help[MSG_SZ];

	if (fp->editing) {
		/* The form draws the field being typed in; the rest stays. */
		screen_keys("Enter accept  Esc cancel  Left/Right move  "
			    "Backspace delete  Ctrl-U clear");
		screen_status(fp->a, s->help, false);
		refresh();
		curs_set(1);
		pos_form_cursor(fp->form);
		wrefresh(fp->sub);
		return;
	}

	if (npages > 1)
		re_snprintf(title, sizeof(title), "%s (%d/%d)", fp->title,
			    (int)fp->cur / fp->rows + 1, npages);
	else
		re_snprintf(title, sizeof(title), "%s", fp->title);

	fill(fp);
	screen_frame(fp->a, title, "Enter edit  Space toggle  ? help  "
		     "/ search  F2 save  F3 apply  Esc Esc back");

	/* The form is drawn again over the new frame. */
	unpost_form(fp->form);
	post_form(fp->form);
	set_current_field(fp->form, value_field(fp, fp->cur));
	mvwaddch(fp->sub, (int)fp->cur % fp->rows, 0, '>');

	if (b) {
		re_snprintf(help, sizeof(help), "%s: %s", s->label, b->msg);
		screen_status(fp->a, help, true);
	}
	else {
		screen_status(fp->a, s->help, false);
	}

	curs_set(0);
	refresh();
}

static void trim(char *t)
{
	size_t n = strlen(t);

	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	while (*t == ' ')
		memmove(t, t + 1, strlen(t));
}

static void edit_end(struct fpage *fp, bool accept)
{
	const struct setting *s = row_setting(fp, fp->cur);
	FIELD *v = value_field(fp, fp->cur);
	char text[1100];

	if (accept) {
		form_driver(fp->form, REQ_VALIDATION);
		re_snprintf(text, sizeof(text), "%s", field_buffer(v, 0));
		trim(text);
		fld_set_text(fp->a, fp_inst(fp), s, text);
	}

	form_driver(fp->form, REQ_BEG_LINE);
	fp->editing = false;
}

static void move_to(struct fpage *fp, long k)
{
	if (k < 0)
		k = 0;
	if (k >= (long)fp->n)
		k = (long)fp->n - 1;

	fp->cur = (size_t)k;
	set_current_field(fp->form, value_field(fp, fp->cur));
}

/* A key while typing in a field. */
static void edit_key(struct fpage *fp, int ch)
{
	switch (ch) {

	case '\r':
	case '\n':
	case KEY_ENTER:
		edit_end(fp, true);
		break;

	case KEY_UP:
	case KEY_DOWN:
	case '\t':
	case KEY_BTAB:
		edit_end(fp, true);
		move_to(fp, (long)fp->cur +
			(ch == KEY_UP || ch == KEY_BTAB ? -1 : 1));
		break;

	case KEY_ESC1:
	case KEY_ESCESC:
		edit_end(fp, false);
		break;

	case KEY_LEFT:      form_driver(fp->form, REQ_PREV_CHAR); break;
	case KEY_RIGHT:     form_driver(fp->form, REQ_NEXT_CHAR); break;
	case KEY_HOME:      form_driver(fp->form, REQ_BEG_LINE); break;
	case KEY_END:       form_driver(fp->form, REQ_END_LINE); break;
	case KEY_DC:        form_driver(fp->form, REQ_DEL_CHAR); break;
	case KEY_BACKSPACE:
	case 127:
	case 8:             form_driver(fp->form, REQ_DEL_PREV); break;
	case 21:            form_driver(fp->form, REQ_CLR_FIELD); break;

	default:
		if (fld_char_ok(row_setting(fp, fp->cur), ch))
			term_type(fp->form, ch);
		else
			beep();
		break;
	}
}

static int open_field(struct fpage *fp, const struct setting *s)
{
	if (fld_kind(s) == FK_PEM)
		return page_ca_run(fp->a, &pages[page_of_setting(s)]);

	fld_open(fp->a, fp_inst(fp), s);
	return PAGE_BACK;
}

int page_form_inst(struct app *a, const char *title, enum sect_id sect,
		   int id, const struct setting *focus)
{
	struct fpage fp;
	int ch, rc = PAGE_BACK;
	bool done = false;

	memset(&fp, 0, sizeof(fp));
	fp.a = a;
	fp.title = title;
	fp.sect = sect;
	fp.id = id;
	fp.sec = section_get(sect);
	fp.n = fp.sec->count;
	if (focus && focus->sect == sect)
		fp.cur = setting_index(focus);

	if (!fp_inst(&fp))
		return PAGE_BACK;

	while (!done) {
		const struct setting *s;

		int small = term_small_wait();
		if (small < 0)
			break;
		if (small)
			continue;

		if (!fp.form && fp_build(&fp))
			break;

		draw(&fp);
		ch = term_key(stdscr, 0);
		if (ch != KEY_TICK)
			a->msg[0] = '\0';

		if (ch == KEY_SIGNAL) {
			rc = PAGE_QUIT;
			break;
		}
		if (ch == KEY_RESIZE) {
			fp_free(&fp);
			continue;
		}
		if (fp.editing) {
			edit_key(&fp, ch);
			continue;
		}

		s = row_setting(&fp, fp.cur);

		switch (ch) {

		case KEY_UP:
		case KEY_BTAB:
			move_to(&fp, (long)fp.cur - 1);
			break;

		case KEY_DOWN:
		case '\t':
			move_to(&fp, (long)fp.cur + 1);
			break;

		case KEY_PPAGE:
			move_to(&fp, (long)fp.cur - fp.rows);
			break;

		case KEY_NPAGE:
			move_to(&fp, (long)fp.cur + fp.rows);
			break;

		case KEY_HOME:
			move_to(&fp, 0);
			break;

		case KEY_END:
			move_to(&fp, (long)fp.n - 1);
			break;

		case ' ':
			if (fld_kind(s) == FK_BOOL)
				fld_open(a, fp_inst(&fp), s);
			break;

		case '\r':
		case '\n':
		case KEY_ENTER:
			if (fld_inline(s)) {
				fp.editing = true;
				set_field_back(value_field(&fp, fp.cur),
					       term_attr(ROLE_FIELD));
				form_driver(fp.form, REQ_END_LINE);
				break;
			}
			if (open_field(&fp, s) == PAGE_QUIT) {
				rc = PAGE_QUIT;
				done = true;
			}
			break;

		case KEY_ESCESC:
		case KEY_LEFT:
			done = true;
			break;

		default:
			rc = page_common_key(a, ch, s);
			if (rc == PAGE_JUMP) {
				if (a->jump->sect == sect &&
				    page_of_setting(a->jump) ==
				    page_of_setting(s)) {
					move_to(&fp, (long)setting_index(
							a->jump));
					rc = PAGE_BACK;
					break;
				}
				done = true;
			}
			else {
				rc = PAGE_BACK;
			}
			break;
		}
	}

	fp_free(&fp);
	curs_set(0);
	return rc;
}

int page_form_run(struct app *a, const struct page *pg)
{
	const struct setting *focus = a->jump;

	a->jump = NULL;
	return page_form_inst(a, pg->title, pg->sect, 0, focus);
}
