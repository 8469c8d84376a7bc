/*
 * The vmalloc area [mm_layout.vmalloc_start, vmalloc_end): virtually contiguous kernel
 * mappings of arbitrary pages (Linux's vmap/vunmap). Each area is followed by one unmapped
 * guard page. Page tables are allocated when first needed, through the operations table.
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include "mm/page.h"
#include "pv/pte.h"

/* Frames of an area this small are kept in its record; a larger one allocates a lowmem page
 * (or block) for them, which pagealloc_debug=on maps and unmaps like any other. */
#define VMAP_INLINE_PFNS 4

/*
 * Map @n pages (@pages[0] first) at consecutive addresses with @prot (PAGE_KERNEL, or a
 * typed protection from pv/pat.h) and return the first address. Every frame's registered
 * type (mm/memtype.h) must be @prot's, else NULL after memtype_check_map's line; NULL also
 * when the area has no room or no page table could be allocated (one line each). May not be
 * called from interrupts. Costs n set_pte in one lazy section and no flush; a 2 MiB region's
 * first area adds its page table (alloc_table, set_pmd; under Xen also a read-only direct-map
 * entry for the frame and a set_pmd per live address space).
 */
void *vmap(struct page **pages, unsigned n, u64 prot);
/* Unmap the area vmap returned at @addr and shoot its entries down on every online CPU:
 * n pte_clear in one lazy section, then one flush of the page (1-page area) or of everything
 * (one flush_tlb_multi with several CPUs online). Panics on an address vmap did not return
 * (a caller bug). */
void vunmap(const void *addr);
/*
 * Call @fn(va, ptep, arg) for every vmap entry that maps a frame in [@pfn, @pfn + @n), with
 * the vmap lock held (so @fn may rewrite *ptep but not call vmap/vunmap): how set_memory_*
 * keeps the aliases of a frame in step with its direct mapping.
 */
void vmap_for_each_alias(pfn_t pfn, u32 n, void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg);
/* The page vmap mapped at @addr, or NULL if @addr is not inside a vmap area. */
struct page *vmalloc_to_page(const void *addr);
/* Areas mapped and pages they hold now (for reports and tests). */
unsigned vmap_areas(void);

#endif
