/*
 * struct page: one per page frame up to the highest RAM frame (holes included, marked
 * reserved), kept small because for 64 GiB there are 16 Mi of them, all in lowmem.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "guest/kernel_base.h"
#include "guest/lib/list.h"

/* page->flags: the low bits are PG_* flags, the top two bits the zone index. */
#define PG_reserved (1u << 0) /* never handed to the allocator: a hole or kept memory */
#define PG_buddy (1u << 1)    /* head of a free block; page->order is its order */
#define PG_test (1u << 2)     /* scratch mark for self-tests (e.g. "seen once") */
#define PG_unmapped (1u << 3) /* lowmem page taken out of the direct map (kernel_map_pages) */
/* Bits 4-6: the page's registered memory type (enum page_cache_mode; 0 = WB), mirrored from
 * the registry (mm/memtype.c) so kmap finds it without a lookup. */
#define PG_CACHE_SHIFT 4
#define PG_CACHE_MASK (7u << PG_CACHE_SHIFT)
#define PG_table (1u << 7) /* a page table allocated at run time (pgtable_alloc_frame) */
#define PG_kernel_pt                                                                               \
	(1u << 8) /* ...and hooked into the kernel's tree as an L1 (pgtable_hook_kernel_pt) */
/* First page of an alloc_pages_type() allocation (mm/typed_pool.c); page->order is its order. */
#define PG_typed_pool (1u << 9)
#define PG_ZONE_SHIFT 30

struct page {
	u32 flags;
	u32 order;	      /* buddy order while PG_buddy; allocation order while PG_typed_pool */
	struct list_head lru; /* free-list link while free; the owner's while allocated */
};

extern struct page *mem_map; /* indexed by pfn */
extern pfn_t mem_map_pfns;   /* entries in mem_map */

static inline struct page *pfn_to_page(pfn_t pfn)
{
	return mem_map + pfn;
}

static inline pfn_t page_to_pfn(const struct page *page)
{
	return (pfn_t)(page - mem_map);
}

static inline unsigned page_zonenum(const struct page *page)
{
	return page->flags >> PG_ZONE_SHIFT;
}

/* The page's registered memory type, as enum page_cache_mode (pv/pat.h). */
static inline unsigned page_cachemode(const struct page *page)
{
	return (page->flags & PG_CACHE_MASK) >> PG_CACHE_SHIFT;
}

#endif
