/*
 * Loading the configuration file. The file is in the shell's own
 * language, so it is read by the same parser as typed commands, in a
 * session of its own that starts in configure mode and knows no exec
 * commands. A bad line refuses the whole file: the caller keeps what it
 * had, never half of the new one.
 */
#include <errno.h>
#include <string.h>
#include "re_base.h"
#include "input.h"
#include "store.h"

int cfg_parse_text(struct cfg **cp, const char *name, const char *text,
		    struct re_printf *errpf)
{
	struct session *s = NULL;
	struct text_input ti;
	int err;

	(void)errpf;

	if (!cp || !name || !text)
		return EINVAL;

	err = sess_alloc(&s, SESS_LOAD, name, NULL);
	if (err)
		return err;

	err = sess_configure(s);
	if (err)
		goto out;

	input_text_init(&ti, name, text);
	err = sess_run_input(s, &ti.in);
	if (err == EILSEQ) {
		sess_error(s, NOCOL, "a NUL byte in the line");
		err = EINVAL;
	}
	else if (err) {
		err = EINVAL;
	}
	if (err)
		goto out;

	*cp = mem_ref(s->cand);

 out:
	mem_deref(s);
	return err;
}

int cfg_load(struct cfg **cp, const char *path, struct store_id *idp,
	      struct re_printf *errpf)
{
	char *text = NULL;
	int err;

	if (!cp || !path)
		return EINVAL;

	err = store_read(path, &text, idp);
	if (err)
		return err;

	err = cfg_parse_text(cp, path, text, errpf);
	mem_deref(text);

	return err;
}
