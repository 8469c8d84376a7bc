#ifndef MM_DIRECTMAP_H
#define MM_DIRECTMAP_H

#include "mm/layout.h"
#include "pv/ops.h"

/* MMU operations paging_init() issued, kept so a self-test can check them exactly. */
struct directmap_stats {
	u64 ops[PV_OP_NR];
	u32 page_tables; /* L1 pages allocated */
};
extern struct directmap_stats directmap_stats;

/*
 * Build the kernel's page tables for @l with boot memory: the lowmem direct map in 4 KiB
 * pages (text read-only and executable, rodata read-only, page-table frames read-only where
 * the backend requires it, the rest no-execute), and empty page tables for the pkmap window
 * and the fixmap. The tree is written only through the operations table, never read back,
 * so it need not be mapped while it is built. Then pin it and switch to it; the boot map,
 * identity half included, is gone afterwards.
 */
void paging_init(const struct mm_layout *l);
/* Page tables needed to map [first, last] (inclusive): one per 2 MiB region touched. */
u32 directmap_tables_for(u32 first, u32 last);

#endif
