/*
 * The typed page pool: pages for non-WB use (WC, UC, ...) mapped with their type and with no
 * mapping of another type anywhere, without shattering the direct map (the 2008 thread's
 * "physically distinct area", TTM's pool of highmem pages).
 *
 * Where pages come from, in order:
 *   1. ZONE_HIGHMEM: no direct-map alias at all, so nothing to split and no alias to fix;
 *      the frames are registered as the type (mm/memtype.h) and vmapped with it.
 *   2. Units of lowmem reserved at boot (typed_pool=, whole 2 MiB-aligned blocks, each one
 *      2 MiB direct-map entry where the direct map has large pages). A unit takes the type
 *      of its first user: its whole direct map changes once (set_pages_type on the 512
 *      frames: natively a split, 512 entries and a merge back into one typed 2 MiB entry),
 *      and later allocations from it cost only their vmap. Only requests of that type are
 *      served from it; it goes back to WB (the same change the other way) when its last
 *      allocation is freed.
 * WB requests are plain: any free page (highmem first), vmapped WB, no registry entry.
 *
 * The backend rule (Xen PV): a type the backend refuses (pv_mmu->cache_modes) is refused
 * with NULL and one line naming the backend's reason, having issued no MMU operation. WB is
 * never handed out in place of a type asked for: a caller asking for WC relies on it (write
 * combining, no snooping) and a silent WB would be a different contract. No units are
 * reserved when the backend takes no type but WB.
 */
#ifndef MM_TYPED_POOL_H
#define MM_TYPED_POOL_H

#include "mm/page.h"
#include "pv/pat.h"

#define TYPED_POOL_UNIT_ORDER 9 /* one 2 MiB direct-map entry: also the largest order served */
#define TYPED_POOL_UNIT_PAGES (1u << TYPED_POOL_UNIT_ORDER)
#define TYPED_POOL_UNITS_MAX 32
#define TYPED_POOL_DEFAULT MiB(4)

/*
 * At boot, once the backend knows its memory types: take @bytes (a multiple of 2 MiB) of
 * lowmem as units, in 2 MiB blocks of ZONE_NORMAL, at most an eighth of that zone. Fewer
 * (or none) when the zone has fewer free blocks, the eighth is smaller, or the backend takes
 * no type but WB; typed_pool_print() says which.
 */
void typed_pool_reserve(u64 bytes);
/* The boot report's line: units reserved and where, or why none. */
void typed_pool_print(void);

/*
 * 2^@order physically contiguous pages (not zeroed) of memory type @type, mapped by vmap
 * with that type; returns the mapping's address (vmalloc_to_page() gives the first page,
 * the others follow it). NULL after one line when @type is refused by the backend (no MMU
 * operation issued), @order is above TYPED_POOL_UNIT_ORDER, or neither highmem nor a unit
 * can give the pages. May not be called from interrupts.
 */
void *alloc_pages_type(enum page_cache_mode type, unsigned order);
/*
 * Give back what alloc_pages_type(@type, @order) returned at @addr: vunmap, the frames WB
 * again (a unit when its last allocation goes), freed. Panics, naming the address and the
 * caller, on an address the pool did not return or returned already, or a @type or @order
 * other than the allocation's: a caller bug that would otherwise free pages still mapped.
 */
void free_pages_type(void *addr, enum page_cache_mode type, unsigned order);

/* Unit @i's state, for tests and reports: false when there is no unit @i. */
struct typed_pool_unit_info {
	struct page *first;
	enum page_cache_mode type; /* PCM_WB: free, nobody's type */
	unsigned used;		   /* pages handed out */
};
bool typed_pool_unit(unsigned i, struct typed_pool_unit_info *info);
unsigned typed_pool_units(void);

#endif
