/*
 * Moving a SIP listener of ours to the head of libre's list (see
 * lsnr_first.h).
 */
#include "re_base.h"
#include "lsnr_first.h"

int sipsh_lsnr_first(struct sip_lsnr *lsnr)
{
	struct le *le = (struct le *)(void *)lsnr;
	struct list *l;

	if (!lsnr)
		return EINVAL;

	l = le->list;
	if (le->data != (void *)lsnr || !l)
		return ENOTSUP;

	list_unlink(le);
	list_prepend(l, le, lsnr);

	return 0;
}
