/*
 * Memory zones, as Linux i386 has them: DMA below 16 MiB (ISA DMA reach), NORMAL the rest of
 * lowmem (permanently mapped), HIGHMEM every frame above lowmem (no permanent address).
 */
#ifndef MM_ZONE_H
#define MM_ZONE_H

#include "guest/spinlock.h"
#include "mm/layout.h"
#include "mm/memmap.h"
#include "mm/page.h"

#define MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */
#define DMA_LIMIT_PFN PFN_DOWN(MiB(16))

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };

struct free_area {
	struct list_head list;
	u32 nr_free; /* blocks on the list */
};

struct zone {
	const char *name;
	pfn_t start_pfn, end_pfn; /* span [start, end); may contain holes */
	u64 present_pages;	  /* RAM frames in the span */
	u64 managed_pages;	  /* frames given to the buddy allocator at boot */
	u64 free_pages;
	struct free_area free_area[MAX_ORDER + 1];
	spinlock_t lock;
};

extern struct zone zones[MAX_NR_ZONES];

/* Set each zone's span and present pages for @l and @m; mem_map must cover @l->max_pfn. */
void zones_init(const struct mm_layout *l, const struct memmap *m);
/* Mark every page reserved and in its zone, then give @m's free ranges to the allocator. */
void zones_populate(const struct memmap *m);

static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

static inline bool zone_is_highmem(const struct zone *z)
{
	return z == &zones[ZONE_HIGHMEM];
}

void zones_print(void);

#endif
