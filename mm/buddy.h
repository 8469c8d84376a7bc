/*
 * The binary buddy allocator of one zone: free blocks of 2^order pages on per-order lists,
 * split on allocation, coalesced with their buddy (pfn ^ 2^order) on free. Blocks are aligned
 * to their size in absolute frame numbers and never cross a zone boundary.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "mm/zone.h"

/* Hand the free frames [start, end) of @z to the allocator in the largest aligned blocks. */
void buddy_add_range(struct zone *z, pfn_t start, pfn_t end);
/* A block of 2^@order pages from @z, or NULL if @z has none that large. */
struct page *buddy_alloc(struct zone *z, unsigned order);
/* Return a block from buddy_alloc(); panics on a double free, a reserved page or misalignment. */
void buddy_free(struct zone *z, struct page *page, unsigned order);

#endif
