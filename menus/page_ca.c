/*
 * The Trusted CA page, as the router's view has it: Add, paste the
 * certificate into a window, Save, Apply. The page lists every trusted
 * certificate with its subject, expiry and fingerprint (the core's own
 * printer, so the shell and the menu name a certificate alike). The
 * paste window is a multi-line libform field; what is pasted goes
 * through the PEM type's parse, and a paste that is not a CA
 * certificate is refused with its reason under the field.
 */
#include <form.h>
#include <string.h>
#include "re_base.h"
#include "pf_mbuf.h"
#include "tls_info.h"
#include "setup.h"

#define CERTS_MAX 32
#define PASTE_W 72

struct cert_row {
	size_t val;                /* which value of the list */
	char lines[4][128];        /* subject, expires, fingerprint (2) */
};

struct certs {
	struct cert_row row[CERTS_MAX];
	size_t n;
	size_t val;                /* the value being split */
};

static void field_of(char *out, size_t sz, const char *text,
		     const char *key)
{
	const char *p = strstr(text, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;

	p += strlen(key);
	n = strcspn(p, "\n");
	re_snprintf(out, sz, "%b", p, n);
}

static int cert_add(const char *pem, size_t len, void *arg)
{
	struct certs *cs = arg;
	struct cert_row *r;
	char text[2048], fp[128];
	struct re_printf pf;
	struct mbuf *mb;
	size_t k;

	if (cs->n >= CERTS_MAX)
		return 0;

	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;

	pf_mbuf_init(&pf, mb);
	if (pem_cert_print(&pf, pem, len)) {
		mem_deref(mb);
		return 0;
	}
	re_snprintf(text, sizeof(text), "%b", mb->buf, mb->end);
	mem_deref(mb);

	r = &cs->row[cs->n++];
	r->val = cs->val;
	field_of(fp, sizeof(fp), text, "subject: ");
	re_snprintf(r->lines[0], sizeof(r->lines[0]), "Subject:  %s", fp);
	field_of(fp, sizeof(fp), text, "expires: ");
	re_snprintf(r->lines[1], sizeof(r->lines[1]), "Expires:  %s", fp);
	/* 95 characters of SHA-256: split where a pair ends. */
	field_of(fp, sizeof(fp), text, "sha256: ");
	k = strlen(fp) > 48 ? 48 : strlen(fp);
	re_snprintf(r->lines[2], sizeof(r->lines[2]), "SHA-256:  %b", fp, k);
	re_snprintf(r->lines[3], sizeof(r->lines[3]), "          %s",
		    fp + k);
	return 0;
}

static void certs_load(struct certs *cs, const struct inst *i,
		       const struct setting *s)
{
	const struct val *v = inst_val(i, s);

	cs->n = 0;
	for (cs->val = 0; cs->val < v->n; cs->val++)
		pem_foreach(v->v[cs->val], cert_add, cs);
}

/* The pasted field's rows as lines, blanks at the ends dropped. */
static int paste_text(FIELD *f, struct mbuf *mb)
{
	const char *buf = field_buffer(f, 0);
	int rows, cols, max, r;

	if (dynamic_field_info(f, &rows, &cols, &max) != E_OK)
		return EINVAL;

	for (r = 0; r < rows; r++) {
		const char *p = buf + (size_t)r * (size_t)cols;
		int n = cols;

		while (n && p[n - 1] == ' ')
			--n;
		while (n && *p == ' ') {
			++p;
			--n;
		}
		if (n)
			mbuf_printf(mb, "%b\n", p, (size_t)n);
	}

	return mbuf_write_u8(mb, 0);
}

/* The paste window; 0 when a certificate was added. */
static int paste(struct app *a, struct inst *i, const struct setting *s)
{
	FIELD *fld[2] = {NULL, NULL};
	FORM *form = NULL;
	WINDOW *win = NULL, *sub = NULL;
	int h = LINES - 2, w = PASTE_W + 6, ch, rc = ECANCELED;
	char why[MSG_SZ] = "";

	if (w > COLS - 2)
		w = COLS - 2;

	win = newwin(h, w, 1, (COLS - w) / 2);
	fld[0] = new_field(h - 7, w - 6, 0, 0, 0, 0);
	if (!win || !fld[0])
		goto out;

	keypad(win, TRUE);
	field_opts_off(fld[0], O_STATIC | O_WRAP | O_AUTOSKIP);
	set_max_field(fld[0], 0);
	form = new_form(fld);
	sub = derwin(win, h - 7, w - 6, 3, 3);
	if (!form || !sub)
		goto out;
	set_form_win(form, win);
	set_form_sub(form, sub);
	post_form(form);
	curs_set(1);

	for (;;) {
		werase(win);
		box(win, 0, 0);
		mvwprintw(win, 0, 2, " Add a trusted CA certificate ");
		mvwaddnstr(win, 1, 2, "Paste the certificate (PEM: "
			   "-----BEGIN CERTIFICATE----- ...) below.", w - 4);
		if (why[0]) {
			wattron(win, term_attr(ROLE_ERROR));
			mvwaddnstr(win, h - 4, 2, why, w - 4);
			wattroff(win, term_attr(ROLE_ERROR));
		}
		mvwaddnstr(win, h - 2, 2, "F2 or Ctrl-D: Save   Esc: cancel",
			   w - 4);
		unpost_form(form);
		post_form(form);
		form_driver(form, REQ_END_FIELD);
		wrefresh(win);
		pos_form_cursor(form);
		wrefresh(sub);

		for (;;) {
			ch = term_key(win, 0);
			if (why[0] && term_is_text(ch)) {
				/* Typing again: the old refusal is gone. */
				why[0] = '\0';
				mvwprintw(win, h - 4, 2, "%*s", w - 4, "");
				wrefresh(win);
			}

			if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
				form_driver(form, REQ_NEW_LINE);
			else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8)
				form_driver(form, REQ_DEL_PREV);
			else if (ch == KEY_UP)
				form_driver(form, REQ_UP_CHAR);
			else if (ch == KEY_DOWN)
				form_driver(form, REQ_DOWN_CHAR);
			else if (ch == KEY_LEFT)
				form_driver(form, REQ_PREV_CHAR);
			else if (ch == KEY_RIGHT)
				form_driver(form, REQ_NEXT_CHAR);
			else if (term_is_text(ch))
				term_type(form, ch);
			else
				break;
			wrefresh(sub);
		}

		if (ch == KEY_F(2) || ch == 4) {
			struct mbuf *mb = mbuf_alloc(4096);
			struct diag dg = {"", ""};
			char *canon = NULL;
			int err;

			if (!mb)
				break;
			form_driver(form, REQ_VALIDATION);
			err = paste_text(fld[0], mb);
			if (!err && mb->end <= 1) {
				re_snprintf(why, sizeof(why), "Refused: "
					    "nothing was pasted");
				mem_deref(mb);
				continue;
			}
			if (!err)
				err = s->type->parse(s, (const char *)mb->buf,
						     &canon, &dg);
			mem_deref(mb);
			if (err) {
				re_snprintf(why, sizeof(why), "Refused: %s",
					    dg.err[0] ? dg.err :
					    "not a certificate");
				continue;
			}
			err = inst_add(i, s, canon);
			mem_deref(canon);
			if (!err) {
				app_changed(a);
				app_msg(a, false, "Certificate added; Apply "
					"commits it%s%s", dg.warn[0] ? ": " :
					"", dg.warn);
				rc = 0;
			}
			break;
		}
		if (ch == KEY_ESC1 || ch == KEY_ESCESC || ch == KEY_SIGNAL ||
		    ch == KEY_RESIZE)
			break;
	}

 out:
	curs_set(0);
	if (form) {
		unpost_form(form);
		free_form(form);
	}
	if (fld[0])
		free_field(fld[0]);
	if (sub)
		delwin(sub);
	if (win)
		delwin(win);
	touchwin(stdscr);
	return rc;
}

static void remove_val(struct app *a, struct inst *i, const struct setting *s,
		       size_t val)
{
	static const char *const b[] = {"Delete", "Keep", NULL};
	const struct val *v = inst_val(i, s);
	char *keep;

	if (val >= v->n)
		return;
	if (dlg_ask("Delete", "Delete this certificate (and any pasted "
		    "with it)? It is removed when the change is applied.",
		    b) != 0)
		return;

	keep = mem_ref(v->v[val]);
	inst_remove(i, s, keep);
	mem_deref(keep);
	app_changed(a);
	app_msg(a, false, "Certificate deleted; Apply commits it");
}

int page_ca_run(struct app *a, const struct page *pg)
{
	const struct setting *s = schema_find(SECT_SIP, "trusted-ca");
	static struct certs cs;
	struct inst *i = cfg_inst(a->cand, SECT_SIP, 0);
	size_t cur = 0, top = 0, k, per;
	int ch, rc = PAGE_BACK, y, l;

	a->jump = NULL;
	if (!s || (!i && cfg_inst_add(a->cand, SECT_SIP, 0, &i)))
		return PAGE_BACK;

	for (;;) {
		int small = term_small_wait();
		if (small < 0)
			break;
		if (small)
			continue;

		certs_load(&cs, i, s);
		if (cur >= cs.n)
			cur = cs.n ? cs.n - 1 : 0;
		per = (size_t)(LINES - 6) / 5;
		if (cur < top)
			top = cur;
		if (cur >= top + per)
			top = cur - per + 1;

		screen_frame(a, pg->title, "n add (paste)  d delete  "
			     "? help  F2 save  F3 apply  Esc Esc back");
		mvprintw(2, 2, "%zu trusted CA certificate%s%s", cs.n,
			 cs.n == 1 ? "" : "s",
			 cs.n ? ":" : " (the system's CA store is used); "
			 "n adds one");
		for (k = top, y = 4; k < cs.n && k < top + per; k++) {
			for (l = 0; l < 4; l++, y++) {
				if (k == cur && l == 0)
					attron(A_REVERSE);
				mvprintw(y, 2, "%s %-.*s", l ? " " :
					 k == cur ? ">" : " ", COLS - 6,
					 cs.row[k].lines[l]);
				if (k == cur && l == 0)
					attroff(A_REVERSE);
			}
			++y;
		}
		screen_status(a, pg->help, false);
		refresh();

		ch = term_key(stdscr, 0);
		if (ch != KEY_TICK)
			a->msg[0] = '\0';

		if (ch == KEY_ESCESC || ch == KEY_LEFT)
			break;
		if (ch == KEY_SIGNAL) {
			rc = PAGE_QUIT;
			break;
		}

		switch (ch) {

		case KEY_UP:
			if (cur)
				--cur;
			break;

		case KEY_DOWN:
		case '\t':
			if (cur + 1 < cs.n)
				++cur;
			break;

		case 'n':
		case KEY_IC:
		case '\r':
		case '\n':
		case KEY_ENTER:
			if (!paste(a, i, s))
				cur = cs.n;
			break;

		case 'd':
		case KEY_DC:
			if (cs.n)
				remove_val(a, i, s, cs.row[cur].val);
			break;

		case '?':
		case KEY_F(1):
			help_show(s);
			break;

		default:
			rc = page_common_key(a, ch, s);
			if (rc == PAGE_JUMP)
				return rc;
			rc = PAGE_BACK;
			break;
		}
	}

	return rc;
}
