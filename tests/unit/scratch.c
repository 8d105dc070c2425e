/*
 * Scratch directories of the unit tests: removed whole when a test ends.
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
