/*
 * The User-Agent: baresip's software string in libre's struct sip swapped
 * for ours once the layout is proven and the string is baresip's, and put
 * back when the stack shuts down or the module is unloaded. A reload
 * replaces ours with the new text at once: libre prints the string into
 * each message as it sends it and keeps no copy.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "version_check.h"
#include "sipwire.h"

/* %XX -> byte. The result must be one line of text: no control bytes. */
int pct_decode(char *out, size_t sz, const char *in)
{
	size_t o = 0;

	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '%') {
			char hex[3];
			char *end;

			if (!isxdigit((unsigned char)in[1]) ||
			    !isxdigit((unsigned char)in[2]))
				return EINVAL;
			hex[0] = in[1];
			hex[1] = in[2];
			hex[2] = '\0';
			ch = (unsigned char)strtoul(hex, &end, 16);
			if (*end)
				return EINVAL;
			in += 2;
		}

		if (ch < 0x20 || ch == 0x7f)
			return EINVAL;
		if (o + 1 >= sz)
			return E2BIG;
		out[o++] = (char)ch;
	}

	out[o] = '\0';
	return o ? 0 : EINVAL;
}

int ua_swap(const char *text)
{
	struct sip_v110 *s = (void *)sw.sip;
	char cur[UA_MAX], want[48];
	const char *ver = sipsh_baresip_running_version();
	char *ours = NULL, *p;
	size_t n, wl;
	int err;

	if (!sw.layout_ok) {
		warning("sipwire: libre's struct sip is not the 1.1.0 layout:"
			" the User-Agent stays baresip's\n");
		return ENOTSUP;
	}

	p = s->software;
	if (!p) {
		warning("sipwire: the SIP stack has no software string: the "
			"User-Agent is left alone\n");
		return ENOENT;
	}

	n = peek_str(cur, sizeof(cur), p);
	if (!n || !memchr(cur, '\0', n)) {
		warning("sipwire: the SIP stack's software string is not "
			"readable text: the User-Agent is left alone\n");
		return EFAULT;
	}

	wl = (size_t)re_snprintf(want, sizeof(want), "baresip v%s (", ver);
	n = strlen(cur);
	if (strncmp(cur, want, wl) || n <= wl || cur[n - 1] != ')') {
		warning("sipwire: the SIP stack's software string is '%s', "
			"not baresip's '%s...)': the User-Agent is left "
			"alone\n", cur, want);
		return ENOENT;
	}

	err = str_dup(&ours, text);
	if (err)
		return err;

	sw.ua_orig = p;
	sw.ua_ours = ours;
	s->software = ours;

	info("sipwire: User-Agent '%s' (was '%s')\n", ours, cur);
	return 0;
}

/* The User-Agent of a reload: ours (a new string, which it takes) in
 * place of the one we put there, or in place of baresip's when we had
 * not swapped it yet. */
int ua_take(char *ours)
{
	struct sip_v110 *s = (void *)sw.sip;
	int err;

	if (!sw.ua_ours) {
		err = ua_swap(ours);
		mem_deref(ours);
		return err;
	}

	if (!s || uag_sip() != sw.sip || s->software != sw.ua_ours) {
		warning("sipwire: the SIP stack's software string is no "
			"longer ours: the User-Agent '%s' is not taken\n",
			ours);
		mem_deref(ours);
		return ENOENT;
	}

	s->software = ours;
	info("sipwire: User-Agent '%s' (was '%s')\n", ours, sw.ua_ours);
	mem_deref(sw.ua_ours);
	sw.ua_ours = ours;

	return 0;
}

/* Gives the stack its own string back while it runs; once it is gone it
 * has freed ours, and baresip's original is left for us to free. */
void ua_restore(void)
{
	struct sip_v110 *s = (void *)sw.sip;

	if (!sw.ua_ours)
		return;

	if (s && uag_sip() == sw.sip && s->software == sw.ua_ours) {
		s->software = sw.ua_orig;
		mem_deref(sw.ua_ours);
		info("sipwire: User-Agent given back to baresip\n");
	}
	else {
		mem_deref(sw.ua_orig);
	}

	sw.ua_ours = NULL;
	sw.ua_orig = NULL;
}
