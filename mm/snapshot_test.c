/*
 * The suspend hazard of the 2008 thread, as a test: a snapshot pass that copies every RAM
 * page the allocator manages through kmap_local (what a hibernation image writer does). Each
 * page is mapped with its registered type, so the pass never makes a WB alias of a WC or UC
 * page; a page out of the direct map is copied through its slot like a highmem page. Every
 * temporary mapping the pass makes is checked against the registry.
 */
#include "guest/ktest.h"
#include "guest/lib/string.h"
#include "mm/highmem.h"
#include "mm/memtype.h"
#include "mm/pgtable.h"
#include "mm/set_memory.h"
#include "pv/ops.h"

struct snapshot_stats {
	u64 pages, through_slots, typed, wrong_type, wrong_frame, checksum_mismatch;
};

static u32 checksum(const u32 *v)
{
	u32 sum = 0;

	for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
		sum = (sum << 1 | sum >> 31) ^ v[w];
	return sum;
}

/*
 * Copy every managed page into @bounce through kmap_local. The slot's entry must map the
 * page's frame with the registered type; pages whose checksum is known (@watch) must match.
 */
static void snapshot_pass(struct snapshot_stats *st, void *bounce, struct page *const *watch,
			  const u32 *sums, unsigned nwatch)
{
	for (pfn_t pfn = 0; pfn < mem_map_pfns; pfn++) {
		struct page *page = pfn_to_page(pfn);
		enum page_cache_mode want;
		u32 va;
		void *v;

		if (page->flags & PG_reserved)
			continue; /* holes and memory the kernel keeps */
		want = memtype_lookup(pfn, NULL);
		v = kmap_local_page(page);
		va = (u32)(uintptr_t)v;
		if (va < PAGE_OFFSET || va >= mm_layout.high_memory) {
			pte_t *ptep = lookup_pte(va);

			st->through_slots++;
			st->wrong_frame += !ptep || pte_pfn(*ptep) != pfn;
			st->wrong_type += !ptep || pte_bits_cachemode(ptep->val) != want;
		} else {
			/* The direct map: its entry carries the type (set_memory keeps it so). */
			pte_t *ptep = lookup_pte(va);

			st->wrong_type += ptep && pte_bits_cachemode(ptep->val) != want;
		}
		memcpy(bounce, v, PAGE_SIZE);
		for (unsigned i = 0; i < nwatch; i++)
			if (watch[i] == page)
				st->checksum_mismatch += checksum(bounce) != sums[i];
		kunmap_local(v);
		st->typed += want != PCM_WB;
		st->pages++;
	}
}

static void fill(struct page *page, u32 seed)
{
	u32 *v = kmap_local_page(page);

	for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
		v[w] = seed * 0x9e3779b1u + w;
	kunmap_local(v);
}

static u32 sum_of(struct page *page)
{
	u32 *v = kmap_local_page(page), s = checksum(v);

	kunmap_local(v);
	return s;
}

/*
 * With a WC lowmem page (natively), a lowmem page out of the direct map and, where there is
 * highmem, a WC-registered highmem page present, the pass copies every page with the right
 * type and contents.
 */
static void snapshot_maps_every_page_with_its_type(struct ktest *t)
{
	bool types = pv_mmu->cache_modes & PCM_BIT(PCM_WC);
	struct page *wc = alloc_page(GFP_KERNEL), *gone = alloc_page(GFP_KERNEL);
	struct page *high = alloc_page(GFP_HIGHMEM);
	struct page *bounce = alloc_page(GFP_KERNEL), *watch[3];
	struct snapshot_stats st = {0};
	u32 sums[3];
	unsigned nwatch = 0;

	if (!KT_EXPECT(t, wc && gone && high && bounce))
		return;
	if (page_to_pfn(high) < mm_layout.max_low_pfn) {
		__free_pages(high, 0); /* no highmem here */
		high = NULL;
	}
	fill(wc, 1);
	fill(gone, 2);
	watch[nwatch] = gone;
	sums[nwatch++] = sum_of(gone);
	if (types) {
		KT_EXPECT_EQ(t, set_memory_wc((u32)(uintptr_t)page_address(wc), 1), 0);
		watch[nwatch] = wc;
		sums[nwatch++] = sum_of(wc);
	}
	kernel_map_pages(gone, 1, false);
	if (high && types) {
		fill(high, 3);
		KT_EXPECT_EQ(t, memtype_reserve(page_to_pfn(high), 1, PCM_WC, "snapshot test"), 0);
		watch[nwatch] = high;
		sums[nwatch++] = sum_of(high);
	}

	snapshot_pass(&st, page_address(bounce), watch, sums, nwatch);

	KT_EXPECT_EQ(t, st.wrong_type, 0);
	KT_EXPECT_EQ(t, st.wrong_frame, 0);
	KT_EXPECT_EQ(t, st.checksum_mismatch, 0);
	KT_EXPECT_EQ(t, st.typed, types ? 1 + (high != NULL) : 0);
	KT_EXPECT(t, st.through_slots >= 1);
	kt_info("snapshot: %llu pages copied, %llu through kmap_local slots, %llu with a non-WB "
		"type",
		st.pages, st.through_slots, st.typed);

	kernel_map_pages(gone, 1, true);
	if (types)
		KT_EXPECT_EQ(t, set_memory_wb((u32)(uintptr_t)page_address(wc), 1), 0);
	if (high && types)
		KT_EXPECT_EQ(t, memtype_free(page_to_pfn(high), 1), 0);
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
	__free_pages(wc, 0);
	__free_pages(gone, 0);
	__free_pages(bounce, 0);
	if (high)
		__free_pages(high, 0);
}

KTEST_SUITE(snapshot, KTEST_CASE(snapshot_maps_every_page_with_its_type));
