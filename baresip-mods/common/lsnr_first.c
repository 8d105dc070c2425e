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

/* libre 1.1.0's struct sip_lsnr (src/sip/sip.c), as far as it is read. */
struct lsnr_v110 {
	struct le le;
	struct sip_lsnr **lsnrp;
	sip_msg_h *msgh;
	void *arg;
	bool req;
};

int sipsh_lsnr_after_libre(struct sip_lsnr *lsnr, const struct sip *sip)
{
	struct le *le = (struct le *)(void *)lsnr, *at = NULL, *e;
	struct list *l;

	if (!lsnr || !sip)
		return EINVAL;

	l = le->list;
	if (le->data != (void *)lsnr || !l)
		return ENOTSUP;

	/* sip_alloc() adds libre's listeners, each with the stack as its
	 * argument (listeners of ours may have been moved before them):
	 * ours goes after the last of them. */
	for (e = list_head(l); e && e != le; e = e->next) {
		const struct lsnr_v110 *x = e->data;

		if (e->data != (void *)e)
			return ENOTSUP;
		if (x->arg == (const void *)sip)
			at = e;
	}

	if (!at)
		return ENOTSUP;

	list_unlink(le);
	list_insert_after(l, at, le, lsnr);

	return 0;
}
