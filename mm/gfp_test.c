/* Self-tests of the gfp interface: zone choice, fallback, and the GFP_HIGHMEM refusal. */
#include "guest/ktest.h"
#include "guest/lib/string.h"
#include "mm/buddy.h"
#include "mm/gfp.h"

static u64 total_free(void)
{
	return zones[ZONE_DMA].free_pages + zones[ZONE_NORMAL].free_pages +
	       zones[ZONE_HIGHMEM].free_pages;
}

static void get_free_pages_refuses_highmem(struct ktest *t)
{
	u64 before = total_free();

	KT_EXPECT_EQ(t, __get_free_pages(GFP_HIGHMEM, 0), 0);
	KT_EXPECT_EQ(t, __get_free_pages(GFP_HIGHMEM, 3), 0);
	KT_EXPECT_EQ(t, total_free(), before);
}

static void get_zeroed_page_refuses_highmem(struct ktest *t)
{
	u64 before = total_free();

	KT_EXPECT_EQ(t, get_zeroed_page(GFP_HIGHMEM), 0);
	KT_EXPECT_EQ(t, total_free(), before);
}

static void get_zeroed_page_is_zeroed_lowmem(struct ktest *t)
{
	unsigned long v = __get_free_pages(GFP_KERNEL, 0);
	u32 nonzero = 0;

	if (!KT_EXPECT(t, v != 0))
		return;
	memset((void *)v, 0xab, PAGE_SIZE); /* dirty it, so the next zeroing is visible */
	free_pages(v, 0);
	v = get_zeroed_page(GFP_KERNEL);
	if (!KT_EXPECT(t, v != 0))
		return;
	KT_EXPECT(t, v >= PAGE_OFFSET && v < mm_layout.high_memory);
	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		nonzero += ((u32 *)v)[i] != 0;
	KT_EXPECT_EQ(t, nonzero, 0);
	free_pages(v, 0);
}

static void gfp_kernel_and_dma_stay_in_their_zones(struct ktest *t)
{
	struct page *k = alloc_page(GFP_KERNEL), *d = alloc_page(GFP_DMA);

	if (!KT_EXPECT(t, k && d))
		return;
	KT_EXPECT(t, page_zonenum(k) != ZONE_HIGHMEM);
	KT_EXPECT(t, page_address(k) != NULL);
	KT_EXPECT_EQ(t, page_zonenum(d), ZONE_DMA);
	KT_EXPECT(t, page_to_pfn(d) < DMA_LIMIT_PFN);
	__free_pages(k, 0);
	__free_pages(d, 0);
}

/* GFP_HIGHMEM takes highmem first and falls back to lowmem only when highmem is empty. */
static void gfp_highmem_prefers_highmem_then_falls_back(struct ktest *t)
{
	struct zone *hz = &zones[ZONE_HIGHMEM];
	struct list_head held;
	struct page *page;
	u64 taken = 0;

	list_init(&held);
	while (hz->free_pages) {
		page = alloc_page(GFP_HIGHMEM);
		if (!KT_EXPECT(t, page && page_zonenum(page) == ZONE_HIGHMEM))
			break;
		list_add(&page->lru, &held);
		taken++;
	}
	page = alloc_page(GFP_HIGHMEM);
	if (KT_EXPECT(t, page != NULL)) {
		KT_EXPECT_EQ(t, page_zonenum(page), ZONE_NORMAL);
		__free_pages(page, 0);
	}
	while (!list_empty(&held)) {
		page = list_first_entry(&held, struct page, lru);
		list_del(&page->lru);
		__free_pages(page, 0);
	}
	KT_EXPECT_EQ(t, hz->free_pages, taken);
}

KTEST_SUITE(gfp, KTEST_CASE(get_free_pages_refuses_highmem),
	    KTEST_CASE(get_zeroed_page_refuses_highmem),
	    KTEST_CASE(get_zeroed_page_is_zeroed_lowmem),
	    KTEST_CASE(gfp_kernel_and_dma_stay_in_their_zones),
	    KTEST_CASE(gfp_highmem_prefers_highmem_then_falls_back));
