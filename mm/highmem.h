/*
 * Temporary kernel mappings of (highmem) pages, the three kinds Linux has had:
 *
 *   kmap(page) / kunmap(page)                persistent: any context that may sleep, any
 *                                            number of CPUs; 512 slots in the pkmap window
 *   kmap_atomic(page) / kunmap_atomic(addr)  no sleeping, no preemption until unmapped;
 *                                            usable from interrupts
 *   kmap_local_page(page) / kunmap_local(a)  preemptible: the thread's slots follow it
 *                                            across switches
 *
 * Atomic and local maps share one mechanism (as Linux does since 5.11): a stack of slots per
 * CPU in the fixmap, indexed by the running thread's nesting depth, strictly LIFO.
 */
#ifndef MM_HIGHMEM_H
#define MM_HIGHMEM_H

#include "mm/gfp.h"
#include "mm/layout.h"

/* Map @page for as long as needed; may sleep until a pkmap slot frees. Lowmem: its address. */
void *kmap(struct page *page);
void kunmap(struct page *page);

void *kmap_atomic(struct page *page);
void kunmap_atomic(void *vaddr);

void *kmap_local_page(struct page *page);
void kunmap_local(void *vaddr);

void copy_highpage(struct page *to, struct page *from);
void clear_highpage(struct page *page);
void memcpy_to_page(struct page *page, size_t offset, const void *from, size_t len);
void memcpy_from_page(void *to, struct page *page, size_t offset, size_t len);

/* Clear every unused pkmap slot now and flush once, as a wrap would (Linux's name). */
void kmap_flush_unused(void);
/* pkmap state for tests and reports: wraps that flushed, the round-robin cursor, sleeps. */
u64 pkmap_flushes(void);
unsigned pkmap_cursor(void);
/* The count and last owner of the pkmap slot behind @vaddr; false outside the window. */
bool pkmap_slot_info(u32 vaddr, int *count, const void **owner);
extern u64 pkmap_sleeps;

/* The pkmap window's address for @page while it is kmapped, else NULL (mm/page_address.c). */
void *page_address_highmem(const struct page *page);
void set_page_address(const struct page *page, void *vaddr);

/*
 * Unmap strategy for kmap_atomic/kmap_local (kmap=):
 *   strict  clear the PTE and flush that entry on every unmap (Linux's way)
 *   lazy    leave the PTE on unmap; the next map of the slot replaces it and flushes the
 *           entry in the same update. Gives up: a stale mapping of the last page stays
 *           reachable through the slot until it is reused, so a use after unmap reads the
 *           old page instead of faulting. Refused while the debug checks are on.
 */
enum kmap_unmap { KMAP_STRICT, KMAP_LAZY };
extern enum kmap_unmap kmap_unmap_mode;
/*
 * Debug checks (kmap_debug=, on by default and always in tests): an unmapped guard slot
 * between kmap slots, lowmem pages forced through the slots, and a fault on a released slot
 * reported with the slot's last owner.
 */
extern bool kmap_debug;
/*
 * Apply the kmap= and kmap_debug= options (also between benchmarks); prints why when lazy is
 * refused. No map may be held; slots lazy mode left mapped are cleared.
 */
void kmap_configure(bool debug, bool lazy);

/* A page fault at @vaddr: if it hit a released kmap slot, report its last owner. */
bool kmap_report_stale_fault(u32 vaddr, u32 eip);
extern u64 kmap_stale_faults;

/* PAGE_KERNEL as this platform takes it, found once for every kmap (Linux's kmap_prot). */
extern u64 kmap_prot;
/* kmap_prot with each memory type's bits, by the page flags' type field (6 and 7: UC). */
extern u64 kmap_prot_of[(PG_CACHE_MASK >> PG_CACHE_SHIFT) + 1];

/*
 * kmap_prot with @page's registered memory type (page->flags mirrors the registry,
 * mm/memtype.h): every temporary mapping carries the type, so none makes a WB alias of a WC
 * or UC page. A table lookup: the kmap fast path pays a shift, a mask and a load for it.
 */
static inline u64 page_kmap_prot(const struct page *page)
{
	return kmap_prot_of[(page->flags & PG_CACHE_MASK) >> PG_CACHE_SHIFT];
}

/* A lowmem page that kernel_map_pages() has not taken out of the direct map. */
static inline bool page_in_direct_map(const struct page *page)
{
	return page_to_pfn(page) < mm_layout.max_low_pfn && !(page->flags & PG_unmapped);
}

/* The fixmap address of this CPU's slot @idx (the guard slots counted out). */
u32 kmap_slot_vaddr(unsigned cpu, unsigned idx);

#endif
