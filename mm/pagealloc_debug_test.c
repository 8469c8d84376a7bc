/*
 * Self-tests of pagealloc_debug=on: what an allocation and a free cost (exact), that a free
 * lowmem page has no mapping and a touch of it is caught and reported with its frame and
 * who freed it, and that highmem costs nothing extra.
 */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/smp.h"
#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/pagealloc_debug.h"
#include "mm/pgtable.h"
#include "mm/test_expect.h"
#include "pv/ops.h"

static const char *needs_pagealloc_debug(void)
{
	return pagealloc_debug ? NULL : "needs pagealloc_debug=on";
}

static u32 direct_va(const struct page *page)
{
	return PAGE_OFFSET + (page_to_pfn(page) << PAGE_SHIFT);
}

static void __attribute__((noinline)) free_it(struct page *page, unsigned order)
{
	__free_pages(page, order);
	__asm__ volatile("" ::: "memory"); /* keep the return address inside free_it */
}

/* An allocation maps its pages (one set_pte each, no flush); a free unmaps them (one
 * pte_clear each, one shootdown), at every order tried. */
static void pagealloc_debug_alloc_free_exact_counts(struct ktest *t)
{
	for (unsigned order = 0; order <= 2; order += 2) {
		struct pv_counts before, d;
		struct page *page;
		u32 v;

		pv_counts_snapshot(&before);
		page = alloc_pages(GFP_KERNEL, order);
		pv_counts_since(&before, &d);
		if (!KT_EXPECT(t, page != NULL))
			return;
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], 1u << order);
		KT_EXPECT_EQ(t, d.op[PV_FLUSH_ONE] + d.op[PV_FLUSH_ALL] + d.op[PV_FLUSH_MULTI], 0);
		KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)direct_va(page), &v), 0);
		KT_EXPECT(t, page_address(page) == (void *)(uintptr_t)direct_va(page));

		pv_counts_snapshot(&before);
		free_it(page, order);
		pv_counts_since(&before, &d);
		KT_EXPECT_EQ(t, d.op[PV_PTE_CLEAR], 1u << order);
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], 0);
		expect_one_shootdown(t, &d, 1u << order);
		kt_info("order %u: alloc %u set_pte, free %llu pte_clear + one shootdown", order,
			1u << order, d.op[PV_PTE_CLEAR]);
	}
}

/* A touch of a freed page faults and is reported: its frame, and free_it as who freed it. */
static void pagealloc_debug_catches_use_after_free(struct ktest *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u64 reports = pagealloc_debug_last.count;
	u32 *va, v;

	if (!KT_EXPECT(t, page != NULL))
		return;
	va = (u32 *)(uintptr_t)direct_va(page);
	*va = 0xfeed;
	free_it(page, 0);
	KT_EXPECT(t, probe_read_u32(va, &v) != 0);
	KT_EXPECT_EQ(t, pagealloc_debug_last.count, reports + 1);
	KT_EXPECT_EQ(t, pagealloc_debug_last.pfn, page_to_pfn(page));
	KT_EXPECT(t, (const char *)pagealloc_debug_last.freed_by > (const char *)free_it &&
			 (const char *)pagealloc_debug_last.freed_by < (const char *)free_it + 64);
	KT_EXPECT(t, probe_write_u32(va + 100, 1) != 0);
	KT_EXPECT_EQ(t, pagealloc_debug_last.count, reports + 2);
	/* Allocated again, it is mapped again and not reported. */
	page = alloc_page(GFP_KERNEL);
	KT_EXPECT(t, page && page_address(page) != NULL);
	if (page) {
		KT_EXPECT_EQ(t, probe_read_u32(page_address(page), &v), 0);
		free_it(page, 0);
	}
	KT_EXPECT_EQ(t, pagealloc_debug_last.count, reports + 2);
}

/* Every free lowmem page is out of the direct map; highmem pages cost nothing. */
static void pagealloc_debug_free_pages_unmapped(struct ktest *t)
{
	struct page *high = alloc_page(GFP_HIGHMEM);
	struct pv_counts before, d;
	u64 mapped_free = 0;

	for (pfn_t pfn = 0; pfn < mm_layout.max_low_pfn; pfn++) {
		struct page *p = pfn_to_page(pfn);
		pte_t *ptep;

		if (!(p->flags & PG_buddy))
			continue;
		for (u32 i = 0; i < 1u << p->order; i++) {
			ptep = lookup_pte(direct_va(p + i));
			mapped_free += !(p[i].flags & PG_unmapped) || !ptep || pte_present(*ptep);
		}
	}
	KT_EXPECT_EQ(t, mapped_free, 0);
	if (!high || page_to_pfn(high) < mm_layout.max_low_pfn) {
		if (high)
			__free_pages(high, 0);
		return;
	}
	pv_counts_snapshot(&before);
	__free_pages(high, 0);
	pv_counts_since(&before, &d);
	KT_EXPECT_EQ(t, d.op[PV_PTE_CLEAR] + d.op[PV_FLUSH_ONE] + d.op[PV_FLUSH_MULTI], 0);
}

KTEST_SUITE_IF(pagealloc_debug, needs_pagealloc_debug,
	       KTEST_CASE(pagealloc_debug_alloc_free_exact_counts),
	       KTEST_CASE(pagealloc_debug_catches_use_after_free),
	       KTEST_CASE(pagealloc_debug_free_pages_unmapped));
