/* The page allocator's interface, with Linux's names and zone fallback. */
#ifndef MM_GFP_H
#define MM_GFP_H

#include "mm/page.h"

typedef u32 gfp_t;

#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u
#define GFP_KERNEL 0x00u			 /* lowmem: NORMAL, then DMA */
#define GFP_DMA __GFP_DMA			 /* DMA only */
#define GFP_HIGHMEM (GFP_KERNEL | __GFP_HIGHMEM) /* HIGHMEM, then NORMAL, then DMA */

/* 2^@order contiguous pages from the first zone in @gfp's fallback list that has them; NULL if
 * none. */
struct page *alloc_pages(gfp_t gfp, unsigned order);
static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}
void __free_pages(struct page *page, unsigned order);
/*
 * 2^@order contiguous pages from zone @zone (enum zone_type) only, no fallback; NULL if it
 * has none. For callers that need what only one zone gives: highmem's lack of a direct-map
 * alias (mm/typed_pool.c).
 */
struct page *alloc_pages_zone(unsigned zone, unsigned order);

/*
 * Lowmem pages by virtual address. @gfp must not ask for highmem: a highmem page has no
 * permanent address, so these print an error naming the caller and return 0 instead.
 */
unsigned long __get_free_pages(gfp_t gfp, unsigned order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long vaddr, unsigned order);
/* Give a page that was reserved at boot (e.g. a loader's page table) to the allocator. */
void free_reserved_page(struct page *page);

/*
 * Address of a lowmem page in the direct map; for a highmem page, or a lowmem page that
 * kernel_map_pages() took out of the direct map, its pkmap address while kmap()ed (until the
 * slot is recycled), else NULL: never an address that no longer maps it.
 */
void *page_address(const struct page *page);
/* The page behind a direct-map address. */
struct page *virt_to_page(const void *vaddr);

static inline void *phys_to_virt(phys_addr_t phys)
{
	return (void *)(uintptr_t)(phys + PAGE_OFFSET);
}

static inline phys_addr_t virt_to_phys(const void *vaddr)
{
	return (phys_addr_t)((uintptr_t)vaddr - PAGE_OFFSET);
}

#endif
