#ifndef MM_DIRECTMAP_H
#define MM_DIRECTMAP_H

#include "mm/layout.h"
#include "pv/ops.h"

/* MMU operations paging_init() issued, kept so a self-test can check them exactly. */
struct directmap_stats {
	u64 ops[PV_OP_NR];
	u32 page_tables;   /* L1 pages allocated */
	u32 large_entries; /* 2 MiB entries written into the direct map */
};
extern struct directmap_stats directmap_stats;

/*
 * Build the lowmem direct map in 4 KiB pages only, for @why (a phrase for the boot report:
 * "directmap=4k", or a debug mode that must change single pages without allocating). Must
 * come before paging_init(); panics after it, since the map is built by then.
 */
void directmap_force_4k(const char *why);
/* Why the direct map is 4 KiB pages only (the backend's reason first), or NULL if not. */
const char *directmap_4k_only_why(void);

/*
 * Build the kernel's page tables for @l with boot memory: the lowmem direct map (text
 * read-only and executable, rodata read-only, page-table frames read-only where the backend
 * requires it, the rest no-execute), and empty page tables for the pkmap window and the
 * fixmap. Each 2 MiB-aligned lowmem region whose 512 frames all get one protection is one
 * 2 MiB entry unless directmap_4k_only_why() says why not; the others (the one holding the
 * kernel's start, those holding a text/rodata boundary or the end of lowmem) are 4 KiB
 * pages. The tree is written only through the operations table, never read back, so it
 * need not be mapped while it is built. Then pin it and switch to it; the boot map,
 * identity half included, is gone afterwards.
 */
void paging_init(const struct mm_layout *l);
/* The protection the direct map gives frame @pfn (WB; its memory type is the registry's). */
u64 directmap_prot(pfn_t pfn);
/* Page tables needed to map [first, last] (inclusive): one per 2 MiB region touched. */
u32 directmap_tables_for(u32 first, u32 last);

/*
 * The 4 KiB entry that maps direct-map address @va, for code that changes one (set_memory_*,
 * kernel_map_pages). Where a 2 MiB entry covers @va it is split into a page table of 512
 * entries with the same frames and attributes first (counted as PV_EV_SPLITS) and every CPU's
 * TLB flushed. NULL if @va is not in the direct map or no page could be had for the table.
 * Callers serialise on set_memory's lock.
 */
pte_t *directmap_pte(u32 va);
/*
 * After entries of [@va, @va + @n pages) changed: every 2 MiB range in it that an earlier
 * split made 4 KiB and whose 512 entries are again contiguous frames with identical
 * attributes becomes one 2 MiB entry again (counted as PV_EV_MERGES), and its table is freed.
 */
void directmap_try_merge(u32 va, u32 n);
/* Whether a 2 MiB entry maps direct-map address @va (false outside the direct map). */
bool directmap_is_large(u32 va);

/*
 * Bytes of the direct map mapped by 4 KiB entries and by 2 MiB entries now (Linux's
 * DirectMap4k and DirectMap2M); splits and merges move 2 MiB between them, and they always
 * sum to the lowmem size.
 */
void directmap_sizes(u64 *bytes_4k, u64 *bytes_2m);
/* The boot report's line on the direct map's page sizes. */
void directmap_print(void);

#endif
