/*
 * Redirecting the calls that other loaded objects make to one libre
 * function through their PLT: libre 1.1.0 and baresip 1.0.0 call
 * sip_auth_authenticate() from inside their own code with no hook of
 * their own, so the only place a module can see a digest challenge
 * before it is answered is that call.
 */
#ifndef ACCTAUTH_GOT_HOOK_H
#define ACCTAUTH_GOT_HOOK_H

#include <stddef.h>

struct got_hook;

/*
 * Points every loaded object's PLT slot (an R_X86_64_JUMP_SLOT
 * relocation) for sym at fn, except the slots of the object holding
 * 'self'. Each slot must already hold real, the function the dynamic
 * linker bound (Debian binds libre and baresip at load, BIND_NOW); any
 * other value is refused with EPROTO and nothing is changed. The object
 * defining sym (its own internal calls) must be among those redirected,
 * or ENOENT. *np says how many slots were redirected. Freeing the hook
 * (mem_deref) puts real back in every slot that still holds fn.
 */
int got_hook_alloc(struct got_hook **hp, const char *sym, void *fn,
		   void *real, const void *self, size_t *np);

#endif
