/*
 * Scratch files of the unit tests: written as something other than
 * sipsh would write them, and their directories removed whole when a
 * test ends.
 */
#include <ftw.h>
#include <stdio.h>
#include "unit.h"

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int unit_scratch_remove(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) ? errno : 0;
}

int unit_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fputs(text, f) == EOF)
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}
