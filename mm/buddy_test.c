/* Self-tests of the buddy allocator on the real zones of the booted machine. */
#include "guest/ktest.h"
#include "guest/lib/string.h"
#include "mm/buddy.h"
#include "mm/gfp.h"

/* A word unique to each frame and word offset, so a page aliasing another shows up. */
static u32 pattern(pfn_t pfn, unsigned word)
{
	return (pfn * 0x9e3779b1u) ^ (word * 0x85ebca6bu) ^ 0xa5a5a5a5u;
}

struct zone_snapshot {
	u64 free_pages;
	u32 nr_free[MAX_ORDER + 1];
};

static void snapshot(const struct zone *z, struct zone_snapshot *s)
{
	s->free_pages = z->free_pages;
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		s->nr_free[o] = z->free_area[o].nr_free;
}

static void expect_snapshot(struct ktest *t, const struct zone *z, const struct zone_snapshot *s)
{
	KT_EXPECT_EQ(t, z->free_pages, s->free_pages);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		KT_EXPECT_EQ(t, z->free_area[o].nr_free, s->nr_free[o]);
}

/*
 * Take every free page of @z one at a time: each must be in the zone, not reserved and handed
 * out once. Lowmem pages are filled through the direct map and all checked after the zone is
 * empty, so two frames sharing memory cannot both keep their pattern. Then give everything
 * back: the free lists must be exactly as before.
 */
static void exhaust_zone(struct ktest *t, struct zone *z)
{
	struct zone_snapshot before;
	struct list_head taken;
	u64 count = 0, dup = 0, outside = 0, reserved = 0, mismatches = 0;
	struct page *page;

	snapshot(z, &before);
	list_init(&taken);
	while ((page = buddy_alloc(z, 0))) {
		pfn_t pfn = page_to_pfn(page);
		u32 *va = page_address(page);

		dup += !!(page->flags & PG_test);
		outside += pfn < z->start_pfn || pfn >= z->end_pfn;
		reserved += !!(page->flags & PG_reserved);
		page->flags |= PG_test;
		if (va)
			for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
				va[w] = pattern(pfn, w);
		list_add(&page->lru, &taken);
		count++;
	}
	KT_EXPECT_EQ(t, count, before.free_pages);
	KT_EXPECT_EQ(t, z->free_pages, 0);
	KT_EXPECT_EQ(t, dup, 0);
	KT_EXPECT_EQ(t, outside, 0);
	KT_EXPECT_EQ(t, reserved, 0);
	while (!list_empty(&taken)) {
		u32 *va;

		page = list_first_entry(&taken, struct page, lru);
		list_del(&page->lru);
		va = page_address(page);
		if (va)
			for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
				mismatches += va[w] != pattern(page_to_pfn(page), w);
		page->flags &= ~PG_test;
		buddy_free(z, page, 0);
	}
	KT_EXPECT_EQ(t, mismatches, 0);
	expect_snapshot(t, z, &before);
	kt_info("zone %s: %llu pages allocated, verified and freed", z->name, count);
}

static void buddy_exhausts_dma_zone(struct ktest *t)
{
	exhaust_zone(t, &zones[ZONE_DMA]);
}

static void buddy_exhausts_normal_zone(struct ktest *t)
{
	exhaust_zone(t, &zones[ZONE_NORMAL]);
}

static void buddy_exhausts_highmem_zone(struct ktest *t)
{
	exhaust_zone(t, &zones[ZONE_HIGHMEM]);
}

/* Blocks of every order are aligned to their size, cost exactly 2^order pages, and merge back. */
static void buddy_orders_align_and_coalesce(struct ktest *t)
{
	struct zone *z = &zones[ZONE_NORMAL];
	struct zone_snapshot before;

	snapshot(z, &before);
	for (unsigned order = 0; order <= MAX_ORDER; order++) {
		u64 free = z->free_pages;
		struct page *page = buddy_alloc(z, order);

		if (!KT_EXPECT(t, page != NULL))
			return;
		KT_EXPECT_EQ(t, page_to_pfn(page) & ((1u << order) - 1), 0);
		KT_EXPECT_EQ(t, z->free_pages, free - (1u << order));
		buddy_free(z, page, order);
		KT_EXPECT_EQ(t, z->free_pages, free);
	}
	expect_snapshot(t, z, &before);
}

/* Two order-0 pages split from one block go back as that block. */
static void buddy_merges_split_pair(struct ktest *t)
{
	struct zone *z = &zones[ZONE_NORMAL];
	struct zone_snapshot before;
	struct page *a, *b;

	snapshot(z, &before);
	a = buddy_alloc(z, 0);
	b = buddy_alloc(z, 0);
	if (!KT_EXPECT(t, a && b))
		return;
	buddy_free(z, a, 0);
	buddy_free(z, b, 0);
	expect_snapshot(t, z, &before);
}

KTEST_SUITE(buddy, KTEST_CASE(buddy_exhausts_dma_zone), KTEST_CASE(buddy_exhausts_normal_zone),
	    KTEST_CASE(buddy_exhausts_highmem_zone), KTEST_CASE(buddy_orders_align_and_coalesce),
	    KTEST_CASE(buddy_merges_split_pair));
