/*
 * The configuration commands, made from the schema: for every section its
 * mode-entering command, and for every setting its set, 'no' and
 * 'default' forms, shaped by the setting's type (a flag, one value, a
 * list, a block). No setting has code of its own here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "session.h"
#include "modules.h"
#include "conf_print.h"

#define MAX_KEY_WORDS 6

static const char help_no[] = "Negate a command or set its defaults";
static const char help_default[] = "Set a command to its defaults";
static const char help_exit[] = "Leave this mode";
static const char help_end[] = "Leave configure mode";

static int h_enter(struct session *s, const struct cmdctx *c);

/*
 * A one-line form ('account 1 registrar r.example' in configure mode)
 * begins with the words that enter the section: its node is the one of
 * h_enter, followed by the setting's words.
 */
static const struct section *oneline_sect(const struct cmdctx *c, int *idp)
{
	size_t i;

	for (i = 0; i + 1 < c->m->n; i++) {
		const struct gnode *n = c->m->path[i];
		const struct section *sec = n->arg;

		if (n->h != h_enter)
			continue;

		*idp = sec->singleton ? 0 : atoi(c->t->v[c->first + i].text);
		return sec;
	}

	return NULL;
}

/* The instance a setting command acts on: the current section's, or
 * the one a one-line form names (made when new, as entering it does). */
static struct inst *cur_inst(struct session *s, const struct cmdctx *c)
{
	const struct section *sec;
	struct inst *i = NULL;
	int id = 0;

	sec = oneline_sect(c, &id);
	if (!sec)
		return sess_inst(s);

	if (cfg_inst_add(s->cand, sec->id, id, &i))
		return NULL;

	return i;
}

/* The nth value of the setting command, after a one-line form's
 * instance number. */
static const char *set_value(const struct cmdctx *c, size_t nth)
{
	const struct section *sec;
	int id;

	sec = oneline_sect(c, &id);

	return ctx_value(c, nth + (sec && !sec->singleton ? 1 : 0));
}

static int report(struct session *s, int err, const struct setting *st)
{
	if (err)
		sess_error(s, NOCOL, "%s: %m", st->key, err);

	return err ? EXIT_CMD : 0;
}

static int h_on(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;

	return report(s, inst_set(cur_inst(s, c), st, "yes"), st);
}

static int h_off(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;

	return report(s, inst_set(cur_inst(s, c), st, "no"), st);
}

static int h_reset(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;

	return report(s, inst_reset(cur_inst(s, c), st), st);
}

/*
 * 'no KEY VALUE': resets the setting only when VALUE is what it holds,
 * as IOS refuses 'no' of a value that is not configured; a secret is
 * compared, never named.
 */
static int h_reset_value(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->set;
	const char *text = set_value(c, 0);
	const struct val *v = inst_val(cur_inst(s, c), st);
	const char *now = v->n ? v->v[0] : "";

	if (st->type == &vt_secret && text_is_mask(text) && v->n)
		text = now;

	if (strcmp(now, text)) {
		if (st->type == &vt_secret)
			sess_error(s, NOCOL, "%s: that is not the password "
				   "stored; not changed ('no %s' alone "
				   "removes it)", st->key, st->key);
		else if (v->n)
			sess_error(s, NOCOL, "%s is %H, not %H; not changed "
				   "('no %s' alone resets it)", st->key,
				   word_print, now, word_print, text,
				   st->key);
		else
			sess_error(s, NOCOL, "%s is not set; not changed",
				   st->key);
		return EXIT_CMD;
	}

	return report(s, inst_reset(cur_inst(s, c), st), st);
}

static int h_clear(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;

	inst_clear(cur_inst(s, c), st);
	return 0;
}

/* A masked secret ("********") stands for the one already stored. */
static bool keep_secret(struct session *s, const struct inst *i,
			const struct setting *st, const char *text, int *errp)
{
	const struct val *v;

	if (st->type != &vt_secret || !text_is_mask(text))
		return false;

	v = inst_val(i, st);
	if (!v->n) {
		sess_error(s, NOCOL, "%s: '%s' is the masked form of a stored "
			   "password, and none is stored; type the password "
			   "itself", st->key, text);
		*errp = EXIT_CMD;
	}
	else {
		*errp = 0;
	}

	return true;
}

static int h_set(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->set;
	const char *text = set_value(c, 0);
	int err;

	if (keep_secret(s, cur_inst(s, c), st, text, &err))
		return err;

	return report(s, inst_set(cur_inst(s, c), st, text), st);
}

static int h_add(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->set;

	return report(s, inst_add(cur_inst(s, c), st, set_value(c, 0)), st);
}

static int h_remove(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->set;
	const char *text = set_value(c, 0);
	int err;

	err = inst_remove(cur_inst(s, c), st, text);
	if (err == ENOENT) {
		sess_error(s, NOCOL, "%s: '%s' is not in the list", st->key,
			   text);
		return EXIT_CMD;
	}

	return report(s, err, st);
}

/* 'password' with no value: asked for without echo, at a terminal. */
static int h_secret_prompt(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;
	struct diag dg;
	char *text = NULL, *again = NULL, *canon = NULL;
	int err;

	memset(&dg, 0, sizeof(dg));

	err = sess_read_secret(s, "Password: ", &text);
	if (err == ENOTTY) {
		sess_error(s, NOCOL, "%s needs a value here (it is asked for "
			   "without echo only at a terminal)", st->key);
		return EXIT_CMD;
	}
	if (!err)
		err = sess_read_secret(s, "Again: ", &again);
	if (err) {
		sess_error(s, NOCOL, "%s: not changed", st->key);
		err = EXIT_CMD;
		goto out;
	}

	if (strcmp(text, again)) {
		sess_error(s, NOCOL, "%s: the two entries differ; not changed",
			   st->key);
		err = EXIT_CMD;
		goto out;
	}

	err = st->type->parse(st, text, &canon, &dg);
	if (err) {
		sess_error(s, NOCOL, "%s: %s", st->key, dg.err);
		err = EXIT_CMD;
		goto out;
	}

	err = report(s, inst_set(cur_inst(s, c), st, canon), st);

 out:
	mem_deref(text);
	mem_deref(again);
	mem_deref(canon);
	return err;
}

static int block_add(const char *pem, size_t len, void *arg)
{
	struct inst *i = ((void **)arg)[0];
	const struct setting *st = ((void **)arg)[1];
	char *one;
	int err;

	err = re_sdprintf(&one, "%b", pem, len);
	if (err)
		return err;

	err = inst_add(i, st, one);
	mem_deref(one);

	return err;
}

static int h_block(struct session *s, const struct cmdctx *c)
{
	const struct setting *st = c->m->node->arg;
	struct diag dg;
	char *text = NULL, *canon = NULL;
	void *args[2] = {cur_inst(s, c), (void *)st};
	int err;

	memset(&dg, 0, sizeof(dg));

	err = sess_read_block(s, &text);
	if (err)
		return EXIT_CMD;

	err = st->type->parse(st, text, &canon, &dg);
	if (err) {
		sess_error(s, NOCOL, "%s: %s", st->key, dg.err);
		err = EXIT_CMD;
		goto out;
	}
	if (dg.warn[0])
		sess_warn(s, NOCOL, "%s: %s", st->key, dg.warn);

	err = report(s, pem_foreach(canon, block_add, args), st);

 out:
	mem_deref(text);
	mem_deref(canon);
	return err;
}

static int h_enter(struct session *s, const struct cmdctx *c)
{
	const struct section *sec = c->m->node->arg;
	const char *num = ctx_value(c, 0);
	int id = num ? atoi(num) : 0;
	int err;

	err = cfg_inst_add(s->cand, sec->id, id, NULL);
	if (err)
		return report(s, err, schema + sec->first);

	s->mode = MODE_SECT + sec->id;
	s->inst = id;

	return 0;
}

/* 'default sip', 'default account N': every setting of the section
 * back to its default; the instance stays. */
static int h_default_sect(struct session *s, const struct cmdctx *c)
{
	const struct section *sec = c->m->node->arg;
	const char *num = ctx_value(c, 0);
	int id = num ? atoi(num) : 0;
	struct inst *i = cfg_inst(s->cand, sec->id, id);
	size_t k;
	int err = 0;

	if (!i && !sec->singleton) {
		sess_error(s, NOCOL, "%s %d is not configured", sec->name, id);
		return EXIT_CMD;
	}
	if (!i)
		return 0;   /* not there: all its settings are the defaults */

	for (k = 0; k < sec->count && !err; k++)
		err = inst_reset(i, &schema[sec->first + k]);

	return report(s, err, schema + sec->first);
}

static int h_delete(struct session *s, const struct cmdctx *c)
{
	const struct section *sec = c->m->node->arg;
	int id = atoi(ctx_value(c, 0));

	if (!cfg_inst(s->cand, sec->id, id)) {
		sess_error(s, NOCOL, "%s %d is not configured", sec->name, id);
		return EXIT_CMD;
	}

	cfg_inst_del(s->cand, sec->id, id);
	return 0;
}

/*
 * Leaving configure mode with staged changes asks first, whatever the way
 * out ('exit', 'end', Ctrl-Z, Ctrl-D, 'do exit'). Returns 0 with *leftp
 * set when configure mode was left; a refused commit or an answer that
 * is neither yes nor no stays, with the changes.
 */
int config_leave(struct session *s, bool *leftp)
{
	*leftp = false;

	if (s->kind != SESS_TTY)
		return 0;   /* batch and file stay in configure mode */

	if (sess_dirty(s)) {
		char *ans = NULL;
		int err;

		err = s->in->readline(s->in, "Uncommitted changes found, "
				      "commit them before exiting "
				      "(yes/no/cancel)? [cancel]: ", true,
				      &ans);
		if (err || !ans[0] || !strncasecmp(ans, "cancel",
						   strlen(ans))) {
			mem_deref(ans);
			return 0;   /* stay, with the changes */
		}

		if (!strncasecmp(ans, "yes", strlen(ans))) {
			mem_deref(ans);
			err = sess_commit(s, 0);
			if (err)
				return err;   /* refused: stay */
		}
		else if (!strncasecmp(ans, "no", strlen(ans))) {
			mem_deref(ans);
			sess_printf(s, "%% Staged changes discarded\n");
		}
		else {
			sess_error(s, NOCOL, "Answer yes, no or cancel; still "
				   "in configure mode");
			mem_deref(ans);
			return EXIT_CMD;
		}
	}

	sess_leave_config(s);
	*leftp = true;
	return 0;
}

static int h_exit(struct session *s, const struct cmdctx *c)
{
	bool left;

	(void)c;

	if (s->mode >= MODE_SECT) {
		s->mode = MODE_CONFIG;
		return 0;
	}

	return config_leave(s, &left);
}

/* 'end' from a section: if configure mode is not left after all, the
 * session stays in the section it was in. */
static int h_end(struct session *s, const struct cmdctx *c)
{
	int mode = s->mode;
	bool left;
	int err;

	(void)c;

	/* A batch or the file stays in configure mode, at its top. */
	if (s->kind != SESS_TTY) {
		s->mode = MODE_CONFIG;
		return 0;
	}

	err = config_leave(s, &left);
	if (!left && s->cand)
		s->mode = mode;

	return err;
}

/* Split "diffserv sip" into words; returns how many. */
static size_t key_words(const char *key, char *buf, size_t sz,
			const char **words, size_t max)
{
	size_t n = 0;
	char *p, *save = NULL;

	str_ncpy(buf, key, sz);
	for (p = strtok_r(buf, " ", &save); p && n < max;
	     p = strtok_r(NULL, " ", &save))
		words[n++] = p;

	return n;
}

static const char *group_help(enum sect_id sect, const char *word)
{
	const struct group_word *g;

	for (g = schema_groups; g->word; g++) {
		if (g->sect == sect && !strcmp(g->word, word))
			return g->help;
	}

	return NULL;
}

/*
 * Insert [prefix...] KEY-WORDS [VALUE] into root, with help strings for
 * every word: the prefix's own, the group words', and the setting's.
 */
static int insert_setting(struct gnode *root, const struct setting *st,
			  const char *prefix, const char *prefix_help,
			  bool value, cmd_h *h)
{
	const char *words[MAX_KEY_WORDS + 2], *help[MAX_KEY_WORDS + 2];
	char buf[128];
	size_t n = 0, k, nk;

	if (prefix) {
		words[n] = prefix;
		help[n++] = prefix_help;
	}

	nk = key_words(st->key, buf, sizeof(buf), words + n, MAX_KEY_WORDS);
	for (k = 0; k < nk; k++, n++)
		help[n] = k + 1 < nk ? group_help(st->sect, words[n]) :
			st->help;
	words[n] = NULL;

	return gnode_insert(root, words, help, value ? st : NULL, h,
			    st, 0);
}

static int register_setting(struct gnode *root, const struct setting *st)
{
	int err = 0;

	switch (st->type->kind) {

	case VK_BOOL:
		err  = insert_setting(root, st, NULL, NULL, false, h_on);
		err |= insert_setting(root, st, "no", help_no, false, h_off);
		break;

	case VK_BLOCK:
		err  = insert_setting(root, st, NULL, NULL, false, h_block);
		err |= insert_setting(root, st, "no", help_no, false,
				      h_clear);
		break;

	case VK_VALUE:
		if (setting_islist(st)) {
			err  = insert_setting(root, st, NULL, NULL, true,
					      h_add);
			err |= insert_setting(root, st, "no", help_no, true,
					      h_remove);
			err |= insert_setting(root, st, "no", help_no, false,
					      h_clear);
			break;
		}

		err  = insert_setting(root, st, NULL, NULL, true, h_set);
		err |= insert_setting(root, st, "no", help_no, false,
				      h_reset);
		err |= insert_setting(root, st, "no", help_no, true,
				      h_reset_value);
		if (st->type == &vt_secret)
			err |= insert_setting(root, st, NULL, NULL, false,
					      h_secret_prompt);
		break;
	}

	err |= insert_setting(root, st, "default", help_default, false,
			      h_reset);

	return err ? EINVAL : 0;
}

static int register_section(struct grammar *g, const struct section *sec)
{
	struct gnode *cfg = g->root[MODE_CONFIG];
	struct gnode *root = g->root[MODE_SECT + sec->id];
	struct gnode *enter;
	char range[32];
	const char *words[4], *help[4];
	size_t k;
	int err;

	re_snprintf(range, sizeof(range), "<%d-%d>", sec->min, sec->max);

	words[0] = sec->name;
	help[0] = sec->help;
	words[1] = sec->singleton ? NULL : range;
	help[1] = "Its number";
	words[2] = NULL;
	err = gnode_insert(cfg, words, help, NULL, h_enter, sec, 0);
	if (err)
		return err;

	/* After the words that enter it, the section's settings may follow
	 * on the same line. */
	enter = gnode_find(cfg, words);
	if (!enter)
		return ENOENT;
	enter->jump = g->oneline[sec->id];

	if (!sec->singleton) {
		words[0] = "no";
		help[0] = help_no;
		words[1] = sec->name;
		help[1] = sec->help;
		words[2] = range;
		help[2] = "Its number";
		words[3] = NULL;
		err = gnode_insert(cfg, words, help, NULL, h_delete, sec, 0);
		if (err)
			return err;
	}

	words[0] = "default";
	help[0] = "Set a section's settings to their defaults";
	words[1] = sec->name;
	help[1] = sec->help;
	words[2] = sec->singleton ? NULL : range;
	help[2] = "Its number";
	words[3] = NULL;
	err = gnode_insert(cfg, words, help, NULL, h_default_sect, sec, 0);
	if (err)
		return err;

	for (k = 0; k < sec->count && !err; k++) {
		err = register_setting(root, &schema[sec->first + k]);
		if (!err)
			err = register_setting(g->oneline[sec->id],
					       &schema[sec->first + k]);
	}

	return err;
}

int config_register(struct grammar *g)
{
	static const char *const exit_w[] = {"exit", NULL};
	static const char *const exit_h[] = {help_exit};
	static const char *const end_w[] = {"end", NULL};
	static const char *const end_h[] = {help_end};
	static const char *const show_w[] = {"show", NULL};
	const struct gnode *show;
	int sect, m, err = 0;

	for (sect = 0; sect < SECT_N && !err; sect++)
		err = register_section(g, section_get(sect));

	/* No configure-mode command begins with 'show': the exec ones are
	 * taken there without 'do', as IOS-XR does. */
	show = gnode_find(g->root[MODE_EXEC], show_w);
	if (!show)
		return ENOENT;

	for (m = MODE_CONFIG; m < MODE_N && !err; m++) {
		err = gnode_insert(g->root[m], exit_w, exit_h, NULL, h_exit,
				   NULL, 0);
		if (!err)
			err = gnode_insert(g->root[m], end_w, end_h, NULL,
					   h_end, NULL, 0);
		if (!err)
			err = gnode_add_jump(g->root[m], "do", "Run an exec "
					     "command (show ...) from here",
					     g->root[MODE_EXEC]);
		if (!err)
			err = gnode_add_jump(g->root[m], "show", show->help,
					     show);
	}

	return err;
}
