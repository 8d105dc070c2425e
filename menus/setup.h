/*
 * The setup menu's shared declarations: the application state every page
 * works on, and the small services (terminal, keys, dialogs, fields,
 * help, search, saving) each kept in a file of its own. The menu is a
 * front-end of the configuration core only: it includes no header of the
 * shell's command engine.
 */
#ifndef SIPSH_SETUP_H
#define SIPSH_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>
#include <form.h>
#include "conf.h"
#include "store.h"

/* Exit statuses (sipsh-menu(1)). */
enum {
	MENU_EXIT_OK = 0,
	MENU_EXIT_TERM = 1,     /* the terminal cannot run the menu */
	MENU_EXIT_USAGE = 2,
	MENU_EXIT_FILE = 4,     /* the configuration cannot be read */
};

/* The smallest terminal the pages are laid out for. */
#define MENU_MIN_COLS 80
#define MENU_MIN_LINES 24

#define MSG_SZ 512

/* A value typed into a field that the core refused: kept, with the
 * core's message, so that it stays marked and blocks saving. */
struct bad_val {
	struct bad_val *next;
	enum sect_id sect;
	int id;
	const struct setting *s;
	char *text;
	char msg[MSG_SZ];
};

struct app {
	const char *path;          /* the configuration file */
	struct cfg *cand;          /* what the pages edit */
	struct cfg *file;          /* what the file held when read/applied */
	struct store_id base;      /* the id of that content */
	struct bad_val *bad;       /* refused values still shown */
	bool checked;              /* Save passed since the last change */
	char msg[MSG_SZ];          /* the status line's message */
	bool msg_err;              /* ... shown as an error */
	bool quit;                 /* leave the menu */
	int sig;                   /* the signal that ended it, or 0 */
	/* A search hit for the page list to open. */
	const struct setting *jump;
	int jump_page;
};

/* --- app.c: the state and the main loop -------------------------------- */
int  app_load(struct app *a, const char *path);
void app_free(struct app *a);
int  app_run(struct app *a);
bool app_dirty(const struct app *a);
void app_msg(struct app *a, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void app_changed(struct app *a);
struct bad_val *app_bad(const struct app *a, enum sect_id sect, int id,
			const struct setting *s);
int  app_bad_set(struct app *a, enum sect_id sect, int id,
		 const struct setting *s, const char *text, const char *msg);
void app_bad_clear(struct app *a, enum sect_id sect, int id,
		   const struct setting *s);
void app_bad_drop_inst(struct app *a, enum sect_id sect, int id);
unsigned app_bad_count(const struct app *a);

/* --- term.c: the terminal ---------------------------------------------- */
enum {
	KEY_ESCESC = KEY_MAX + 1,  /* Esc Esc: leave */
	KEY_ESC1,                  /* one Esc alone: cancel */
	KEY_TICK,                  /* nothing typed for a while */
	KEY_SIGNAL,                /* a hangup, Ctrl-C, a kill */
};
/* A typed character beyond ASCII: its code point with this bit set, so
 * that it never reads as one of curses' key codes. */
#define KEY_WCHAR 0x1000000

int  term_open(char *why, size_t sz);
void term_close(void);
bool term_colour(void);
bool term_too_small(void);
void term_size_screen(void);
/*
 * In a page's loop: 0 when the terminal is large enough; else says the
 * size needed and waits for a key: 1 to go round again (resized or
 * not), -1 when the user left (Esc Esc) or a signal came.
 */
int  term_small_wait(void);
int  term_key(WINDOW *w, int tick_ms);
bool term_is_text(int ch);
void term_type(FORM *form, int ch);
int  term_signal(void);
attr_t term_attr(int role);
enum {
	ROLE_TITLE = 1,
	ROLE_ERROR,
	ROLE_FIELD,
	ROLE_BAD,
	ROLE_KEYS,
};

/* --- screen.c: the frame every page is drawn in ------------------------ */
void screen_frame(struct app *a, const char *title, const char *keys);
void screen_status(struct app *a, const char *text, bool err);
void screen_keys(const char *keys);

/* --- dialog.c: windows over the page ----------------------------------- */
enum {
	ANS_NO = 0,
	ANS_YES = 1,
	ANS_CANCEL = -1,
};
void dlg_message(const char *title, const char *text);
int  dlg_ask(const char *title, const char *text, const char *const *buttons);
int  dlg_input(const char *title, const char *prompt, bool hidden,
	       const char *init, char *out, size_t sz);
int  dlg_choose(const char *title, const char *const *names,
		const char *const *descs, int current);

/* --- field.c: the widget a setting's kind gets ------------------------- */
enum fkind {
	FK_TEXT = 0,     /* typed in the field */
	FK_NUMBER,       /* typed, digits only, range shown */
	FK_BOOL,         /* a check box */
	FK_CHOICE,       /* a choice list with each value's meaning */
	FK_REF,          /* a choice of the instances of another section */
	FK_LIST,         /* several values, edited item by item */
	FK_SECRET,       /* hidden, asked for without echo */
	FK_PEM,          /* certificates: the Trusted CA page */
};

enum fkind fld_kind(const struct setting *s);
bool fld_inline(const struct setting *s);
void fld_text(char *buf, size_t sz, const struct inst *i,
	      const struct setting *s);
void fld_hint(char *buf, size_t sz, const struct inst *i,
	      const struct setting *s);
int  fld_set_text(struct app *a, struct inst *i, const struct setting *s,
		  const char *text);
int  fld_open(struct app *a, struct inst *i, const struct setting *s);

bool fld_char_ok(const struct setting *s, int ch);

/* --- listedit.c: a list setting, item by item -------------------------- */
int  list_edit(struct app *a, struct inst *i, const struct setting *s);

/* --- help.c: the help window ------------------------------------------- */
void help_show(const struct setting *s);
void help_keys(void);

/* --- search.c: '/' over the labels ------------------------------------- */
int  search_run(struct app *a, const struct setting **hitp, int *pagep);

/* --- save.c: Save (check) and Apply (commit) ---------------------------- */
int  save_check(struct app *a);
int  save_apply(struct app *a);

/* --- pages.c: the page list -------------------------------------------- */
enum page_rc {
	PAGE_BACK = 0,   /* to the page list */
	PAGE_QUIT,       /* leave the menu (asked already) */
	PAGE_JUMP,       /* a search hit: a->jump, a->jump_page */
};

struct page {
	const char *title;
	int (*run)(struct app *a, const struct page *pg);
	enum sect_id sect;
	const char *help;       /* the status line on the page list */
};

extern const struct page pages[];
extern const size_t pages_n;
int  page_of_setting(const struct setting *s);
int  page_common_key(struct app *a, int ch, const struct setting *cur);

/* --- page_form.c, page_list.c, page_ca.c, page_status.c ---------------- */
int  page_form_run(struct app *a, const struct page *pg);
int  page_form_inst(struct app *a, const char *title, enum sect_id sect,
		    int id, const struct setting *focus);
int  page_list_run(struct app *a, const struct page *pg);
int  page_ca_run(struct app *a, const struct page *pg);
int  page_status_run(struct app *a, const struct page *pg);

#endif
