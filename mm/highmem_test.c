/*
 * Every highmem page of the machine, written through kmap() and read back through
 * kmap_atomic(): a frame mapped twice, or a slot left pointing at the wrong frame, shows up
 * as a mismatch. One word per 64-byte line keeps it quick under emulation.
 */
#include "guest/ktest.h"
#include "mm/highmem.h"
#include "mm/zone.h"

#define STEP 16 /* words: one per 64-byte line */

static u32 pattern(pfn_t pfn, unsigned word)
{
	return (pfn * 0x9e3779b1u) ^ (word * 0x85ebca6bu) ^ 0x5a5a5a5au;
}

static const char *no_highmem(void)
{
	return zones[ZONE_HIGHMEM].free_pages > 0 ? NULL : "no highmem on this machine";
}

static void every_highmem_page_through_kmap_and_kmap_atomic(struct ktest *t)
{
	struct zone *z = &zones[ZONE_HIGHMEM];
	u64 want = z->free_pages, pages = 0, checked = 0, mismatches = 0;
	struct list_head taken;
	struct page *page;

	list_init(&taken);
	while (z->free_pages && (page = alloc_page(GFP_HIGHMEM))) {
		u32 *v = kmap(page);

		for (unsigned w = 0; w < PAGE_SIZE / 4; w += STEP)
			v[w] = pattern(page_to_pfn(page), w);
		kunmap(page);
		list_add(&page->lru, &taken);
		pages++;
		ktest_progress(t, pages, want, "highmem pages written through kmap");
	}
	KT_EXPECT_EQ(t, pages, want);
	while (!list_empty(&taken)) {
		u32 *v;

		page = list_first_entry(&taken, struct page, lru);
		list_del(&page->lru);
		v = kmap_atomic(page);
		for (unsigned w = 0; w < PAGE_SIZE / 4; w += STEP)
			mismatches += v[w] != pattern(page_to_pfn(page), w);
		kunmap_atomic(v);
		__free_pages(page, 0);
		ktest_progress(t, ++checked, want, "highmem pages read through kmap_atomic");
	}
	kmap_flush_unused();
	KT_EXPECT_EQ(t, mismatches, 0);
	KT_EXPECT_EQ(t, z->free_pages, want);
	kt_info("%llu highmem pages written through kmap, read through kmap_atomic", pages);
}

KTEST_SUITE_IF(highmem, no_highmem, KTEST_CASE(every_highmem_page_through_kmap_and_kmap_atomic));
