/*
 * The record of the last commit (see commit_log.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_base.h"
#include "afile.h"
#include "sidefile.h"
#include "commit_log.h"

/* Room for the longest record commit_log_write makes. */
enum { LOG_MAX = COMMIT_REPORT_SZ + 256 };

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
	struct stat own;
	int err;

	err = side_path(&path, cm->path, SIDE_LAST);
	if (!err)
		err = re_sdprintf(&text, "%ld %u %lld %H %s\t%s\n",
				  (long)getpid(), (unsigned)getuid(),
				  (long long)time(NULL), id_hex, &cm->id,
				  cm->origin ? cm->origin : "commit",
				  cm->report);
	/* Whole or absent, never part of it, but without a directory fsync
	 * of its own: the first record of a commit is followed at once by
	 * the save's fsync of the same directory, and a power cut can at
	 * worst bring back the record before it ("being applied"), which
	 * tells the other sessions nothing wrong about who changed the
	 * file. Two fsyncs of the directory fewer per commit. Every
	 * admin's session reads it from the first when the file is the
	 * group's (side_owner_of), or it would say the file changed
	 * outside sipsh. */
	if (!err) {
		side_owner_of(cm->path, &own);
		err = afile_replace(path, own.st_mode, &own, text,
				    strlen(text));
	}

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

/* The record, never read through a link: one planted there could make
 * a session print the first line of any file it can read. */
static int log_read(const char *path, char **textp)
{
	char *text;
	ssize_t n;
	int fd, err;

	err = side_open(path, SIDE_LAST, O_RDONLY, &fd);
	if (err)
		return err;

	text = mem_alloc(LOG_MAX + 1, NULL);
	if (!text) {
		(void)close(fd);
		return ENOMEM;
	}

	n = pread(fd, text, LOG_MAX, 0);
	err = n < 0 ? errno : 0;
	(void)close(fd);
	if (err) {
		mem_deref(text);
		return err;
	}

	text[n] = '\0';
	*textp = text;
	return 0;
}

int commit_log_read(const char *path, struct commit_note *note)
{
	char *text = NULL, *p, *end, *tab;
	int err;

	memset(note, 0, sizeof(*note));

	err = log_read(path, &text);
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
