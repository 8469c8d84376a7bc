#include "mm/zone.h"
#include "mm/buddy.h"
#include "guest/printk.h"

struct zone zones[MAX_NR_ZONES];
static const char *const zone_names[MAX_NR_ZONES] = {"DMA", "Normal", "HighMem"};

void zones_init(const struct mm_layout *l, const struct memmap *m)
{
	pfn_t dma_end = MIN(DMA_LIMIT_PFN, l->max_low_pfn);
	pfn_t bounds[MAX_NR_ZONES + 1] = {0, dma_end, l->max_low_pfn,
					  MAX(l->max_pfn, l->max_low_pfn)};

	for (unsigned i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		*z = (struct zone){.name = zone_names[i]};
		z->start_pfn = bounds[i];
		z->end_pfn = bounds[i + 1];
		z->present_pages = memmap_ram_pages(m, z->start_pfn, z->end_pfn);
		for (unsigned o = 0; o <= MAX_ORDER; o++)
			list_init(&z->free_area[o].list);
	}
}

static unsigned zone_of(pfn_t pfn)
{
	unsigned i = 0;

	while (i + 1 < MAX_NR_ZONES && pfn >= zones[i].end_pfn)
		i++;
	return i;
}

void zones_populate(const struct memmap *m)
{
	struct mem_range free[MEMMAP_MAX * 2];
	unsigned n = memmap_free_ranges(m, free, ARRAY_SIZE(free));

	for (pfn_t pfn = 0; pfn < mem_map_pfns; pfn++)
		pfn_to_page(pfn)->flags = PG_reserved | (zone_of(pfn) << PG_ZONE_SHIFT);
	for (unsigned i = 0; i < n; i++) {
		pfn_t start = PFN_UP(free[i].start), end = PFN_DOWN(free[i].end);

		/* Split each free range where it crosses a zone boundary. */
		for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
			pfn_t s = MAX(start, zones[z].start_pfn), e = MIN(end, zones[z].end_pfn);

			if (s < e)
				buddy_add_range(&zones[z], s, e);
		}
	}
}

void zones_print(void)
{
	cprintf("Zones:\n");
	cprintf("  %-8s %-25s %10s %10s %10s %8s\n", "zone", "span (pfn)", "present", "managed",
		"free", "MiB");
	for (unsigned i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		cprintf("  %-8s [0x%07x, 0x%07x)  %10llu %10llu %10llu %8llu\n", z->name,
			z->start_pfn, z->end_pfn, z->present_pages, z->managed_pages, z->free_pages,
			z->present_pages >> (20 - PAGE_SHIFT));
	}
}
