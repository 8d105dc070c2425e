/*
 * Redirecting the calls that loaded objects make to one function through
 * their PLT. libre 1.1.0 and baresip 1.0.0 call functions such as
 * sip_auth_authenticate() (acctauth's realm) and libc's connect()
 * (sipwire's SIP DiffServ) from inside their own code with no hook of
 * their own, so the only place a module can act before them is that
 * call.
 */
#ifndef SIPSH_GOT_HOOK_H
#define SIPSH_GOT_HOOK_H

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

/*
 * As got_hook_alloc(), but only the PLT slots for sym of the one object
 * whose loaded segments hold 'in' (libre's, for a libc function libre
 * calls): ENOENT if that object imports no sym.
 */
int got_hook_in_alloc(struct got_hook **hp, const char *sym, void *fn,
		      void *real, const void *in, size_t *np);

#endif
