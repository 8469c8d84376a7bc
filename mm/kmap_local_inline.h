/*
 * The kmap_local/kmap_atomic fast path as inline code, for mm/kmap_local.c and for the page
 * helpers (mm/highmem_copy.c), where two calls would cost more than the mapping itself. Only
 * mm/ includes this; everyone else calls the functions in mm/highmem.h.
 */
#ifndef MM_KMAP_LOCAL_INLINE_H
#define MM_KMAP_LOCAL_INLINE_H

#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "guest/sched.h"

/*
 * Each CPU's window, found once: slot 0's address and entry. Slot i sits i << slot_shift
 * pages below slot 0, and its entry as many entries below slot 0's, since the whole fixmap
 * is one page table (checked in kmap_configure). slot_shift is 1 with guard slots.
 */
struct kmap_window {
	u32 va0;
	pte_t *pte0;
};
DECLARE_PER_CPU(struct kmap_window, kmap_window);
extern unsigned kmap_slot_shift;
/* Debug checks or lazy unmapping: maps take the general path, not the strict fast one. */
extern bool kmap_general;

/* The general path (mm/kmap_local.c), and its report of a bad unmap. */
void *kmap_map_slot(struct page *page, const void *caller);
void kmap_unmap_slot(void *vaddr, const void *caller);
void kmap_unmap_misuse(struct thread *t, unsigned cpu, u32 va, const void *caller) __noreturn;

/* Slot addresses sit above high_memory: that comparison first decides most calls. */
static inline bool is_direct_address(const void *vaddr)
{
	u32 va = (u32)(uintptr_t)vaddr;

	return !(va >= mm_layout.high_memory || va < PAGE_OFFSET);
}

/*
 * Who called the exported function these are inlined into (kmap_atomic's caller, ...), read
 * only on the paths that report it, so the fast path keeps no register for it.
 */
#define KMAP_CALLER __builtin_return_address(0)

/*
 * The fast path, for strict unmapping without debug checks (the default, and Linux's only
 * mode): consecutive slots, no flush on map (every free slot is empty and flushed), and the
 * same store order as map_slot/unmap_slot. Everything else takes those.
 */
static __always_inline void *map_strict(struct page *page)
{
	struct thread *t = current_thread();
	/* _PAGE_PRESENT lets the store skip a test */
	pte_t pte = pfn_pte_masked(page_to_pfn(page), page_kmap_prot(page) | _PAGE_PRESENT);
	unsigned idx = t->kmap_local.stack.depth;
	u32 va;

	if (unlikely(idx >= KM_MAX_IDX))
		kmap_stack_overflow(&t->kmap_local.stack, KMAP_CALLER);
	WRITE_ONCE(t->kmap_local.stack.depth, idx + 1);
	va = this_cpu_read(kmap_window.va0) - idx * PAGE_SIZE;
	pv_set_pte_va(va, this_cpu_read(kmap_window.pte0) - idx, pte, false);
	pv_lazy_flush();
	return (void *)(uintptr_t)va;
}

/*
 * Unmap the top slot at @va, which the caller mapped itself a moment ago with nothing mapped
 * since (a page helper): there is no misuse to look for.
 */
static __always_inline void unmap_strict_own(u32 va)
{
	struct thread *t = current_thread();
	unsigned idx = t->kmap_local.stack.depth - 1;

	pv_set_pte_va(va, this_cpu_read(kmap_window.pte0) - idx, (pte_t){0}, true);
	WRITE_ONCE(t->kmap_local.stack.depth, idx);
}

/*
 * The top slot's address is checked first: it is the common case and one comparison covers
 * foreign addresses, guard slots, disorder and underflow (as in kmap_unmap_slot). Only an
 * address that fails it may still be a lowmem page's direct-map address.
 */
static __always_inline void unmap_strict(void *vaddr)
{
	struct thread *t = current_thread();
	u32 va = (u32)(uintptr_t)vaddr & PAGE_MASK;
	unsigned idx = t->kmap_local.stack.depth - 1;

	if (unlikely((this_cpu_read(kmap_window.va0) - va) >> PAGE_SHIFT != idx)) {
		if (is_direct_address(vaddr))
			return;
		kmap_unmap_misuse(t, smp_processor_id(), (u32)(uintptr_t)vaddr, KMAP_CALLER);
	}
	pv_set_pte_va(va, this_cpu_read(kmap_window.pte0) - idx, (pte_t){0}, true);
	WRITE_ONCE(t->kmap_local.stack.depth, idx);
}

static __always_inline void *map_local(struct page *page)
{
	pfn_t pfn = page_to_pfn(page);

	if (likely(!kmap_general)) {
		if (page_in_direct_map(page))
			return phys_to_virt(PFN_PHYS(pfn));
		return map_strict(page);
	}
	if (!kmap_debug && page_in_direct_map(page))
		return phys_to_virt(PFN_PHYS(pfn));
	return kmap_map_slot(page, KMAP_CALLER);
}

static __always_inline void unmap_local(void *vaddr)
{
	if (likely(!kmap_general))
		unmap_strict(vaddr);
	else if (kmap_debug || !is_direct_address(vaddr))
		kmap_unmap_slot(vaddr, KMAP_CALLER);
}

#endif
