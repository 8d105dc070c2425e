/*
 * libFuzzer target: the Contact user of the line suffix
 * (baresip-mods/phoneline/contact_user.c). Four bytes are a set of lines,
 * the rest a received message decoded by libre (a REGISTER, an INVITE).
 * Checked, for the To user as the account user: the Contact user made
 * from it reads back as that user and exactly those lines; and for a To
 * user that sipsh can write in an account, put into the message's
 * Contact in place of its user, the Contact parses again with that user
 * and keeps every other part. And a Request-URI user that
 * reads as a suffix is its base, '_', and line characters only.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "re_base.h"
#include "contact_user.h"
#include "sipmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool pl_same(const struct pl *a, const struct pl *b)
{
	return a->l == b->l && (!a->l || !memcmp(a->p, b->p, a->l));
}

/* Whether a user is one sipsh's generator can write in an account's
 * URI (shell/phone/gen_account.c): RFC 3261's unreserved and
 * user-unreserved characters but ';', and %HH escapes. */
static bool account_user(const struct pl *u)
{
	size_t i;

	for (i = 0; i < u->l; i++) {
		const char c = u->p[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr("-_.!~*'()&=+$,?/",
							   c)))
			continue;
		if (c == '%' && i + 2 < u->l &&
		    isxdigit((unsigned char)u->p[i + 1]) &&
		    isxdigit((unsigned char)u->p[i + 2])) {
			i += 2;
			continue;
		}
		return false;
	}

	return u->l > 0;
}

/* The Contact header with its URI's user replaced: every other part of
 * the address, its parameters too, must be what it was. */
static void contact_check(const struct sip_msg *msg, const char *cuser)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr a, b;
	char *text = NULL;
	size_t pre;

	/* A Contact whose user is one baresip could have written (ours
	 * are "<user>-0x..."): garbage around a user parses differently
	 * once the user changes. */
	if (!h || sip_addr_decode(&a, &h->val) || !account_user(&a.uri.user))
		return;
	if (a.uri.user.p < h->val.p ||
	    a.uri.user.p + a.uri.user.l > h->val.p + h->val.l)
		return;

	pre = (size_t)(a.uri.user.p - h->val.p);
	if (re_sdprintf(&text, "%b%s%b", h->val.p, pre, cuser,
			a.uri.user.p + a.uri.user.l,
			h->val.l - pre - a.uri.user.l))
		return;

	{
		/* its length, not strlen(): the header may hold NUL bytes */
		struct pl t = {text, h->val.l - a.uri.user.l + strlen(cuser)};

		if (sip_addr_decode(&b, &t))
			abort();
	}

	if (pl_strcmp(&b.uri.user, cuser) ||
	    !pl_same(&a.dname, &b.dname) ||
	    !pl_same(&a.uri.scheme, &b.uri.scheme) ||
	    !pl_same(&a.uri.password, &b.uri.password) ||
	    !pl_same(&a.uri.host, &b.uri.host) ||
	    a.uri.port != b.uri.port || a.uri.af != b.uri.af ||
	    !pl_same(&a.uri.params, &b.uri.params) ||
	    !pl_same(&a.uri.headers, &b.uri.headers) ||
	    !pl_same(&a.params, &b.params))
		abort();

	mem_deref(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct sip_msg *msg = NULL;
	struct pl base;
	uint32_t mask = 0, got;
	char *cuser = NULL;
	size_t i;
	int err;

	if (size > 16384)
		return 0;

	for (i = 0; i < 4; i++)
		mask = mask << 8 | fuzz_byte(&in);

	if (fuzz_sip_msg(&msg, in.p, in.n))
		return 0;

	/* The account user, as the To URI of a REGISTER carries it. */
	if (pl_isset(&msg->to.uri.user)) {
		const struct pl *u = &msg->to.uri.user;
		bool nul = memchr(u->p, '\0', u->l) != NULL;

		err = contact_user_make(&cuser, u, mask);
		if (err && !(err == ENOENT && !mask) && !(err == EINVAL && nul))
			abort();
		if (!err) {
			struct pl c;

			pl_set_str(&c, cuser);
			if (contact_user_split(&c, &base, &got))
				abort();
			if (got != mask || !pl_same(&base, &msg->to.uri.user))
				abort();
			if (account_user(&msg->to.uri.user))
				contact_check(msg, cuser);
		}
	}

	/* An incoming Request-URI user read as a suffix. */
	if (!contact_user_split(&msg->uri.user, &base, &got)) {
		char *again = NULL;
		struct pl b2, a2;
		uint32_t m2;

		if (!got || base.p != msg->uri.user.p || !base.l ||
		    base.l + 1 >= msg->uri.user.l || base.p[base.l] != '_')
			abort();
		if (memchr(base.p, '\0', base.l))
			goto out;       /* no account user holds one */
		if (contact_user_make(&again, &base, got))
			abort();
		pl_set_str(&a2, again);
		if (contact_user_split(&a2, &b2, &m2) || m2 != got ||
		    !pl_same(&b2, &base))
			abort();
		mem_deref(again);
	}

 out:
	mem_deref(cuser);
	mem_deref(msg);
	return 0;
}
