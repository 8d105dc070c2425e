/*
 * The record of the last commit (see commit_log.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "afile.h"
#include "sidefile.h"
#include "commit_log.h"

#define LOG_SUFFIX ".last-commit"

static int id_hex(struct re_printf *pf, const struct store_id *id)
{
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(id->b) && !err; i++)
		err = re_hprintf(pf, "%02x", id->b[i]);

	return err;
}

int commit_log_write(const struct commit *cm)
{
	char *path = NULL, *text = NULL;
	int err;

	err = side_path(&path, cm->path, LOG_SUFFIX);
	if (!err)
		err = re_sdprintf(&text, "%ld %u %lld %H %s\t%s\n",
				  (long)getpid(), (unsigned)getuid(),
				  (long long)time(NULL), id_hex, &cm->id,
				  cm->origin ? cm->origin : "commit",
				  cm->report);
	if (!err)
		err = afile_write(path, 0600, text, strlen(text));

	mem_deref(text);
	mem_deref(path);
	return err;
}

static bool hex_parse(const char *p, struct store_id *id)
{
	size_t i;

	for (i = 0; i < sizeof(id->b); i++) {
		char h[3] = {p[2 * i], p[2 * i + 1], '\0'};
		char *end;

		if (!h[0] || !h[1])
			return false;
		id->b[i] = (uint8_t)strtoul(h, &end, 16);
		if (*end)
			return false;
	}

	return p[2 * sizeof(id->b)] == ' ';
}

int commit_log_read(const char *path, struct commit_note *note)
{
	char *lp = NULL, *text = NULL, *p, *end, *tab;
	int err;

	memset(note, 0, sizeof(*note));

	err = side_path(&lp, path, LOG_SUFFIX);
	if (!err)
		err = store_read(lp, &text, NULL);
	if (err)
		goto out;

	note->pid = strtol(text, &end, 10);
	note->uid = (uid_t)strtoul(end, &end, 10);
	note->when = (time_t)strtoll(end, &end, 10);
	p = end + strspn(end, " ");
	tab = strchr(p, '\t');
	if (!tab || !hex_parse(p, &note->id)) {
		err = EBADMSG;
		goto out;
	}
	p += 2 * sizeof(note->id.b) + 1;
	(void)re_snprintf(note->origin, sizeof(note->origin), "%b", p,
			  (size_t)(tab - p));
	tab[1 + strcspn(tab + 1, "\n")] = '\0';
	str_ncpy(note->report, tab + 1, sizeof(note->report));

 out:
	mem_deref(text);
	mem_deref(lp);
	return err;
}

int commit_log_tell(struct re_printf *pf, const char *path,
		    const struct store_id *now)
{
	struct commit_note note;
	char user[64], when[32];

	if (commit_log_read(path, &note) ||
	    !store_id_equal(&note.id, now))
		return re_hprintf(pf, "%s was changed outside sipsh\n", path);

	if (note.pid == (long)getpid())
		return 0;

	side_user(user, sizeof(user), note.uid);
	side_time(when, sizeof(when), note.when, false);

	return re_hprintf(pf, "%s: %s by user %s at %s. %s\n", path,
			  note.origin, user, when, note.report);
}
