/*
 * PLT slot redirection (see got_hook.h), from the loaded objects' own
 * ELF dynamic sections as glibc's dl_iterate_phdr() shows them. A slot
 * in an object's RELRO segment is read-only once the dynamic linker has
 * bound it: it is made writable for the one store and read-only again.
 * Everything is checked before the first slot is written, so a layout
 * that is not what we expect changes nothing.
 */
#include <errno.h>
#include <elf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "re_base.h"
#include "got_hook.h"

enum { SLOTS_MAX = 16 };

struct slot {
	void **addr;
	bool relro;
};

struct got_hook {
	struct slot slotv[SLOTS_MAX];
	size_t n;
	void *fn;
	void *real;
};

struct scan {
	const char *sym;
	const void *real;
	const void *self;
	const void *only;       /* only the object holding this, or NULL */
	struct slot slotv[SLOTS_MAX];
	size_t n;
	bool in_definer;        /* a slot of the object that defines sym */
	int err;
};

static bool in_loads(const struct dl_phdr_info *info, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	ElfW(Half) i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && a >= lo && a < lo + ph->p_memsz)
			return true;
	}

	return false;
}

/* Whether the page of addr stays read-only after relocation: inside the
 * RELRO segment, up to its last whole page (the dynamic linker protects
 * no more). */
static bool in_relro(const struct dl_phdr_info *info, const void *addr)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)addr;
	ElfW(Half) i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_GNU_RELRO)
			continue;

		if (a >= (lo & ~(pg - 1)) && a < ((lo + ph->p_memsz) & ~(pg - 1)))
			return true;
	}

	return false;
}

/* glibc relocates the dynamic section's addresses in place; the vDSO's
 * are left as the file has them. */
static uintptr_t dyn_addr(const struct dl_phdr_info *info, ElfW(Addr) v)
{
	return v < info->dlpi_addr ? info->dlpi_addr + v : v;
}

static int phdr_handler(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scan *sc = arg;
	const ElfW(Dyn) *dyn = NULL;
	const ElfW(Rela) *rel = NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	size_t relsz = 0, strsz = 0, i;
	bool rela = false, definer;
	ElfW(Half) k;

	(void)size;

	if (sc->err)
		return 1;
	if (sc->self && in_loads(info, sc->self))
		return 0;
	if (sc->only && !in_loads(info, sc->only))
		return 0;

	for (k = 0; k < info->dlpi_phnum; k++) {
		if (info->dlpi_phdr[k].p_type == PT_DYNAMIC)
			dyn = (const void *)(info->dlpi_addr +
					     info->dlpi_phdr[k].p_vaddr);
	}
	if (!dyn)
		return 0;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {

		case DT_JMPREL:
			rel = (const void *)dyn_addr(info, dyn->d_un.d_ptr);
			break;
		case DT_PLTRELSZ:
			relsz = dyn->d_un.d_val;
			break;
		case DT_PLTREL:
			rela = dyn->d_un.d_val == DT_RELA;
			break;
		case DT_SYMTAB:
			symtab = (const void *)dyn_addr(info, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = (const void *)dyn_addr(info, dyn->d_un.d_ptr);
			break;
		case DT_STRSZ:
			strsz = dyn->d_un.d_val;
			break;
		default:
			break;
		}
	}

	if (!rel || !relsz || !symtab || !strtab)
		return 0;
	if (!rela) {
		sc->err = ENOTSUP;      /* x86_64 has only RELA */
		return 1;
	}

	definer = in_loads(info, sc->real);

	for (i = 0; i < relsz / sizeof(*rel); i++) {
		const ElfW(Sym) *s;
		void **slot;

		if (ELF64_R_TYPE(rel[i].r_info) != R_X86_64_JUMP_SLOT)
			continue;

		s = &symtab[ELF64_R_SYM(rel[i].r_info)];
		if (s->st_name >= strsz || strcmp(strtab + s->st_name, sc->sym))
			continue;

		slot = (void **)(info->dlpi_addr + rel[i].r_offset);
		if (!in_loads(info, slot) || *slot != sc->real ||
		    sc->n >= SLOTS_MAX) {
			sc->err = EPROTO;
			return 1;
		}

		sc->slotv[sc->n].addr = slot;
		sc->slotv[sc->n].relro = in_relro(info, slot);
		++sc->n;
		sc->in_definer |= definer;
	}

	return 0;
}

static int slot_store(const struct slot *s, void *val)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	void *page = (void *)((uintptr_t)s->addr & ~(pg - 1));

	if (s->relro && mprotect(page, pg, PROT_READ | PROT_WRITE))
		return errno;

	*s->addr = val;

	if (s->relro && mprotect(page, pg, PROT_READ))
		return errno;

	return 0;
}

static void destructor(void *arg)
{
	struct got_hook *h = arg;
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (*h->slotv[i].addr == h->fn)
			(void)slot_store(&h->slotv[i], h->real);
	}
}

static int hook_alloc(struct got_hook **hp, const char *sym, void *fn,
		      void *real, const void *self, const void *only,
		      size_t *np)
{
	struct scan sc;
	struct got_hook *h;
	size_t i;
	int err = 0;

	if (!hp || !sym || !fn || !real)
		return EINVAL;

	memset(&sc, 0, sizeof(sc));
	sc.sym = sym;
	sc.real = real;
	sc.self = self;
	sc.only = only;

	(void)dl_iterate_phdr(phdr_handler, &sc);
	if (sc.err)
		return sc.err;
	/* One object: it must import sym. All: the definer's own calls
	 * must be among them, or the hook would miss most calls. */
	if (only ? !sc.n : !sc.in_definer)
		return ENOENT;

	h = mem_zalloc(sizeof(*h), destructor);
	if (!h)
		return ENOMEM;

	h->fn = fn;
	h->real = real;

	for (i = 0; i < sc.n && !err; i++) {
		err = slot_store(&sc.slotv[i], fn);
		if (!err)
			h->slotv[h->n++] = sc.slotv[i];
	}

	if (err) {
		mem_deref(h);   /* puts back the slots already redirected */
		return err;
	}

	if (np)
		*np = h->n;
	*hp = h;

	return 0;
}


int got_hook_alloc(struct got_hook **hp, const char *sym, void *fn,
		   void *real, const void *self, size_t *np)
{
	return hook_alloc(hp, sym, fn, real, self, NULL, np);
}


int got_hook_in_alloc(struct got_hook **hp, const char *sym, void *fn,
		      void *real, const void *in, size_t *np)
{
	if (!in)
		return EINVAL;

	return hook_alloc(hp, sym, fn, real, NULL, in, np);
}
