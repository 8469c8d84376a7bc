/*
 * Boot-time page allocation, before the buddy allocator exists: highest fit over the memory
 * map's free ranges below a limit, each allocation recorded as reserved so the buddy
 * allocator never sees it. Pages come back untouched: under Xen they may not be mapped yet.
 */
#ifndef MM_BOOTMEM_H
#define MM_BOOTMEM_H

#include "mm/memmap.h"

/* Allocate from @m, below frame @limit_pfn (memory the kernel can already address). */
void bootmem_init(struct memmap *m, pfn_t limit_pfn);
/* @n contiguous pages, not zeroed; panics when none are left (boot cannot continue). */
pfn_t bootmem_alloc_pages(u32 n);
/* Pages handed out so far. */
u64 bootmem_pages_allocated(void);

#endif
