/*
 * libre 1.1.0's private SIP structures proven on the live objects before
 * anything is read or written through them, and a reader of memory that
 * does not trust the pointer it is given.
 */
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include "sipwire.h"

/*
 * Our listener, just appended by sip_listen(), must be the tail of the
 * stack's listener list, at &sip->lsnrl, with the fields we gave it; and
 * the stack's DNS client must be baresip's. Together these pin the
 * offsets of every field up to 'software' on the live objects.
 */
bool layout_verified(struct sip *sip)
{
	const struct sip_lsnr_v110 *l = (const void *)sw.lsnr;
	const struct sip_v110 *s = (const void *)sip;

	if (!l || !s)
		return false;

	return l->le.data == (void *)sw.lsnr &&
		l->le.list == &s->lsnrl &&
		s->lsnrl.tail == &l->le &&
		l->lsnrp == &sw.lsnr &&
		l->msgh == request_handler &&
		l->arg == NULL &&
		l->req &&
		s->dnsc && s->dnsc == net_dnsc(baresip_network());
}

/*
 * Copies up to n bytes at src, stopping after a NUL, without trusting
 * src: process_vm_readv() on ourselves fails with EFAULT on memory that
 * is not mapped instead of faulting. Page by page, so a string that ends
 * just before an unmapped page is still read whole. Returns the bytes
 * copied.
 */
size_t peek_str(char *dst, size_t n, const void *src)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)src;
	size_t got = 0;

	if (pg <= 0)
		pg = 4096;

	while (got < n) {
		size_t chunk = (size_t)pg - (a + got) % (size_t)pg;
		struct iovec lv, rv;
		ssize_t r;

		if (chunk > n - got)
			chunk = n - got;

		lv.iov_base = dst + got;
		lv.iov_len = chunk;
		rv.iov_base = (void *)(a + got);
		rv.iov_len = chunk;

		r = process_vm_readv(getpid(), &lv, 1, &rv, 1, 0);
		if (r <= 0)
			break;

		if (memchr(dst + got, '\0', (size_t)r))
			return got + (size_t)r;
		got += (size_t)r;
	}

	return got;
}
