/*
 * Taking a request line apart: exactly one JSON object, with an integer
 * "id" and a string "command". Only libre is used, so the same code runs
 * inside baresip and under the fuzzer (tests/fuzz/fuzz_ctrl.c).
 */
#include <errno.h>
#include <string.h>
#include "re_base.h"
#include "req_parse.h"

static int fail(char *why, size_t whysz, int err, const char *msg)
{
	str_ncpy(why, msg, whysz);
	return err;
}

/*
 * Fills rl as far as the line could be read: rl->od is the caller's to
 * release whatever is returned, and rl->id is set once the id is known
 * to be an integer, for the reply. Returns 0 for a request to run,
 * ENODATA for a blank line (no reply), or an errno value with the reason
 * in why.
 */
int req_parse(struct req_line *rl, char *why, size_t whysz, const char *p,
	      size_t len)
{
	const char *problem;
	size_t i;
	int err;

	if (!rl || !why || !whysz || (!p && len))
		return EINVAL;

	memset(rl, 0, sizeof(*rl));

	if (len && p[len - 1] == '\r')
		--len;

	for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i == len)
		return ENODATA;

	/* libre's decoder accepts more than one object: shape it first. */
	problem = json_shape(p, len);
	if (problem) {
		(void)re_snprintf(why, whysz, "malformed JSON: %s", problem);
		return EBADMSG;
	}

	err = json_decode_odict(&rl->od, 16, p, len, REQ_JSON_DEPTH + 1);
	if (err)
		return fail(why, whysz, err, err == EBADMSG ?
			    "malformed JSON: invalid syntax" :
			    "malformed JSON: cannot decode");

	rl->id = odict_lookup(rl->od, "id");
	if (!rl->id)
		return fail(why, whysz, EINVAL, "missing 'id'");
	if (rl->id->type != ODICT_INT) {
		rl->id = NULL;
		return fail(why, whysz, EINVAL, "'id' must be an integer");
	}

	rl->command = odict_string(rl->od, "command");
	if (!rl->command)
		return fail(why, whysz, EINVAL,
			    "missing 'command' (a string)");

	return 0;
}
