/* Self-tests: the zones of the booted machine match its RAM size and the layout. */
#include "guest/cmdline.h"
#include "guest/ktest.h"
#include "mm/init.h"
#include "mm/zone.h"

static void zones_split_at_16m_and_lowmem_limit(struct ktest *t)
{
	const struct mm_layout *l = &mm_layout;
	pfn_t maxmem_pfn = l->maxmem >> PAGE_SHIFT;

	KT_EXPECT_EQ(t, l->max_pfn, memmap_max_pfn(&boot_memmap));
	KT_EXPECT_EQ(t, l->max_low_pfn, MIN(l->max_pfn, maxmem_pfn));
	KT_EXPECT_EQ(t, zones[ZONE_DMA].start_pfn, 0);
	KT_EXPECT_EQ(t, zones[ZONE_DMA].end_pfn, MIN(DMA_LIMIT_PFN, l->max_low_pfn));
	KT_EXPECT_EQ(t, zones[ZONE_NORMAL].start_pfn, zones[ZONE_DMA].end_pfn);
	KT_EXPECT_EQ(t, zones[ZONE_NORMAL].end_pfn, l->max_low_pfn);
	KT_EXPECT_EQ(t, zones[ZONE_HIGHMEM].start_pfn, l->max_low_pfn);
	KT_EXPECT_EQ(t, zones[ZONE_HIGHMEM].end_pfn, MAX(l->max_pfn, l->max_low_pfn));
	KT_EXPECT_EQ(t, l->high_memory, PAGE_OFFSET + (l->max_low_pfn << PAGE_SHIFT));
	kt_info("max_pfn 0x%x max_low_pfn 0x%x (limit 0x%x)", l->max_pfn, l->max_low_pfn,
		maxmem_pfn);
}

/* Every RAM frame is in exactly one zone, and highmem is all RAM above lowmem. */
static void zones_account_for_all_ram(struct ktest *t)
{
	u64 sum = 0, ram = memmap_ram_pages(&boot_memmap, 0, mm_layout.max_pfn);

	for (unsigned i = 0; i < MAX_NR_ZONES; i++) {
		sum += zones[i].present_pages;
		KT_EXPECT(t, zones[i].managed_pages <= zones[i].present_pages);
	}
	KT_EXPECT_EQ(t, sum, ram);
	KT_EXPECT_EQ(t, zones[ZONE_HIGHMEM].present_pages,
		     memmap_ram_pages(&boot_memmap, mm_layout.max_low_pfn, mm_layout.max_pfn));
	if (mm_layout.max_pfn <= mm_layout.max_low_pfn)
		KT_EXPECT_EQ(t, zones[ZONE_HIGHMEM].present_pages, 0);
	kt_info("RAM %llu MiB: DMA %llu, Normal %llu, HighMem %llu pages", ram >> 8,
		zones[ZONE_DMA].present_pages, zones[ZONE_NORMAL].present_pages,
		zones[ZONE_HIGHMEM].present_pages);
}

/* Each struct page carries the zone its frame belongs to; holes are reserved. */
static void pages_know_their_zone(struct ktest *t)
{
	u64 wrong = 0, unreserved_holes = 0;

	for (pfn_t pfn = 0; pfn < mem_map_pfns; pfn++) {
		const struct page *page = pfn_to_page(pfn);
		const struct zone *z = page_zone(page);

		wrong += pfn < z->start_pfn || pfn >= z->end_pfn;
		if (!memmap_is_ram(&boot_memmap, pfn))
			unreserved_holes += !(page->flags & PG_reserved);
	}
	KT_EXPECT_EQ(t, wrong, 0);
	KT_EXPECT_EQ(t, unreserved_holes, 0);
}

/* The regions are stacked as Linux's mem_init() checks, below the hypervisor hole. */
static void layout_regions_are_ordered(struct ktest *t)
{
	const struct mm_layout *l = &mm_layout;

	KT_EXPECT(t, l->high_memory <= l->vmalloc_start);
	KT_EXPECT(t, l->vmalloc_start - l->high_memory >= VMALLOC_OFFSET);
	KT_EXPECT(t, l->vmalloc_start < l->vmalloc_end);
	KT_EXPECT(t, l->vmalloc_end <= l->pkmap_base);
	KT_EXPECT_EQ(t, l->pkmap_base & ~PMD_MASK, 0);
	KT_EXPECT(t, l->pkmap_base + LAST_PKMAP * PAGE_SIZE <= l->fixaddr_start);
	KT_EXPECT(t, l->hypervisor_start == 0 || l->fixaddr_top < l->hypervisor_start);
	KT_EXPECT_EQ(t, l->maxmem, (l->vmalloc_end - PAGE_OFFSET - l->vmalloc_reserve) & PAGE_MASK);
}

/* mem= caps the RAM the kernel uses. */
static void mem_limit_is_honoured(struct ktest *t)
{
	if (boot_options.mem_limit)
		KT_EXPECT(t, PFN_PHYS(mm_layout.max_pfn) <= boot_options.mem_limit);
	else
		KT_EXPECT_EQ(t, mm_layout.max_pfn, memmap_max_pfn(&boot_memmap));
}

KTEST_SUITE(zones, KTEST_CASE(zones_split_at_16m_and_lowmem_limit),
	    KTEST_CASE(zones_account_for_all_ram), KTEST_CASE(pages_know_their_zone),
	    KTEST_CASE(layout_regions_are_ordered), KTEST_CASE(mem_limit_is_honoured));
