/*
 * pagealloc_debug=on (Linux's debug_pagealloc): free lowmem pages are out of the direct map,
 * so a touch of a freed page faults at once and is reported with the frame and the code that
 * freed it. The direct map is then 4 KiB pages (no split is ever needed on a free). Highmem
 * pages have no permanent mapping to remove.
 */
#ifndef MM_PAGEALLOC_DEBUG_H
#define MM_PAGEALLOC_DEBUG_H

#include "mm/page.h"

extern bool pagealloc_debug;

/* Turn it on at boot, once the allocator holds every free page: unmaps them all. */
void pagealloc_debug_init(void);
/* The allocator's hooks, called only when pagealloc_debug is on, outside the zone lock. */
void pagealloc_debug_alloc(struct page *page, unsigned order);
void pagealloc_debug_free(struct page *page, unsigned order, const void *caller);
/*
 * A page fault at @vaddr (@eip): if it touched a free page that pagealloc_debug unmapped,
 * report it (one line: frame, address, eip, who freed it) and return true.
 */
bool pagealloc_debug_report_fault(u32 vaddr, u32 eip);

/*
 * What the hooks have done since boot, for exact-count tests of code that allocates: each
 * allocation maps its pages (set_pte each, one lazy section), each free unmaps them (pte_clear
 * each, one lazy section, one shootdown: of one page or of everything). Updated atomically;
 * 32 bits, which wrap, since only differences are used (and 64-bit atomics need libatomic).
 */
struct pagealloc_debug_stats {
	u32 allocs, pages_mapped;
	u32 frees_one_page, frees_more, pages_unmapped;
};
extern struct pagealloc_debug_stats pagealloc_debug_stats;
/* pagealloc_debug_stats now, read without tearing a count. */
void pagealloc_debug_stats_snapshot(struct pagealloc_debug_stats *s);

/* The last report, for tests. */
struct pagealloc_debug_fault {
	u64 count;
	pfn_t pfn;
	u32 eip;
	const void *freed_by;
};
extern struct pagealloc_debug_fault pagealloc_debug_last;

#endif
