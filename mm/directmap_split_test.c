/*
 * Self-tests of splitting the direct map's 2 MiB entries and merging them back, with exact
 * costs. Each case works on a 2 MiB block of free lowmem it allocates (an order-9 block is
 * one 2 MiB-aligned region), so nothing else reads or changes those entries meanwhile.
 */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/smp.h"
#include "guest/lib/format.h"
#include "mm/directmap.h"
#include "mm/gfp.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "mm/zone.h"

#define REGION_ORDER 9 /* 512 pages: one L2 slot */
_Static_assert(MAX_ORDER >= REGION_ORDER, "the buddy allocator must hand out 2 MiB blocks");
_Static_assert(PTRS_PER_PTE == 1u << REGION_ORDER, "an order-9 block is one 2 MiB region");

struct region {
	struct page *block;
	u32 va;
	pfn_t pfn;
	pmd_t large; /* the 2 MiB entry as paging_init() wrote it */
};

/* Allocate a free 2 MiB region that one 2 MiB entry maps; false (and a failure) if none. */
static bool region_get(struct ktest *t, struct region *r)
{
	pmd_t *slot;

	r->block = alloc_pages(GFP_KERNEL, REGION_ORDER);
	if (!KT_EXPECT(t, r->block != NULL))
		return false;
	r->pfn = page_to_pfn(r->block);
	r->va = (u32)(uintptr_t)page_address(r->block);
	if (!KT_EXPECT_EQ(t, r->va % PMD_SIZE, 0) || !KT_EXPECT(t, lookup_large(r->va, &slot))) {
		__free_pages(r->block, REGION_ORDER);
		return false;
	}
	r->large = *slot;
	return true;
}

/* Merge the region back (it must become its old 2 MiB entry again) and free it. */
static void region_put(struct ktest *t, struct region *r)
{
	pmd_t *slot;

	directmap_try_merge(r->va, PTRS_PER_PTE);
	if (KT_EXPECT(t, lookup_large(r->va, &slot)))
		KT_EXPECT_EQ(t, slot->val, r->large.val);
	__free_pages(r->block, REGION_ORDER);
}

static u64 lowmem_free_pages(void)
{
	return zones[ZONE_DMA].free_pages + zones[ZONE_NORMAL].free_pages;
}

static u32 page_va(const struct region *r, unsigned i)
{
	return r->va + i * PAGE_SIZE;
}

/* Add one flush_tlb_kernel_all()'s natively counted cost to @want: the local flush with one
 * CPU; with N, one shootdown that flushes all N (mm/tlbflush.c, pv/native/shootdown.c). */
static void want_flush_all(u64 *want)
{
	want[PV_FLUSH_ALL] += nr_cpus_online;
	want[PV_FLUSH_MULTI] += nr_cpus_online > 1;
}

/* Every operation moved by exactly @want since @s, @splits and @merges events were counted,
 * and @flushes shootdowns sent their IPIs. Returns what was counted in @d. */
static void expect_costs_d(struct ktest *t, const struct pv_counts *s, const u64 *want,
			   unsigned splits, unsigned merges, unsigned flushes, struct pv_counts *d)
{
	pv_counts_since(s, d);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		ktest_check(t, d->op[op] == want[op], __FILE__, __LINE__,
			    "%s: %llu operations, expected %llu", pv_op_names[op], d->op[op],
			    want[op]);
	KT_EXPECT_EQ(t, d->ev[PV_EV_SPLITS], splits);
	KT_EXPECT_EQ(t, d->ev[PV_EV_MERGES], merges);
	KT_EXPECT_EQ(t, d->ev[PV_EV_IPIS_SENT], flushes * (nr_cpus_online - 1));
}

static void expect_costs(struct ktest *t, const struct pv_counts *s, const u64 *want,
			 unsigned splits, unsigned merges, unsigned flushes)
{
	struct pv_counts d;

	expect_costs_d(t, s, want, splits, merges, flushes, &d);
}

/* Nothing at all happened since @s. */
static void expect_nothing(struct ktest *t, const struct pv_counts *s)
{
	u64 want[PV_OP_NR] = {0};

	expect_costs(t, s, want, 0, 0, 0);
}

/* Set entry @i of a split region to map its own frame with @prot, and shoot it down. */
static void set_entry(struct region *r, unsigned i, u64 prot)
{
	pv_set_pte_va(page_va(r, i), lookup_pte(page_va(r, i)), pfn_pte(r->pfn + i, prot), false);
	flush_tlb_kernel_all();
}

/*
 * directmap_pte() inside a 2 MiB entry: one page allocated and prepared as a table, 512
 * entries written with the large entry's frames and attributes, the table hooked with one
 * set_pmd, one global flush everywhere, one split event. A second lookup in the same
 * region, or one in a region that is 4 KiB already, costs nothing.
 */
static void split_costs_exactly_once(struct ktest *t)
{
	u64 want[PV_OP_NR] = {0}, b4k, b2m, a4k, a2m;
	struct pv_counts s, d;
	struct region r;
	pte_t *ptep, *again;
	unsigned wrong = 0;

	if (!region_get(t, &r))
		return;
	directmap_sizes(&b4k, &b2m);
	pv_counts_snapshot(&s);
	ptep = directmap_pte(page_va(&r, 5));
	want[PV_SET_PTE] = PTRS_PER_PTE;
	want[PV_SET_PMD] = 1;
	want[PV_ALLOC_TABLE] = 1;
	want_flush_all(want);
	expect_costs_d(t, &s, want, 1, 0, 1, &d);
	kt_info("split on %u CPUs: %llu set_pte, %llu set_pmd, %llu alloc_table, %llu flush_all, "
		"%llu flush_multi, %llu IPIs, %llu split",
		nr_cpus_online, d.op[PV_SET_PTE], d.op[PV_SET_PMD], d.op[PV_ALLOC_TABLE],
		d.op[PV_FLUSH_ALL], d.op[PV_FLUSH_MULTI], d.ev[PV_EV_IPIS_SENT],
		d.ev[PV_EV_SPLITS]);

	if (!KT_EXPECT(t, ptep != NULL) || !KT_EXPECT(t, ptep == lookup_pte(page_va(&r, 5))))
		goto out;
	KT_EXPECT(t, !directmap_is_large(r.va));
	for (unsigned i = 0; i < PTRS_PER_PTE; i++) {
		pte_t e = *(ptep - 5 + i);

		wrong += pte_pfn(e) != r.pfn + i || pte_prot(e) != pmd_large_prot(r.large);
	}
	KT_EXPECT_EQ(t, wrong, 0);
	directmap_sizes(&a4k, &a2m);
	KT_EXPECT_EQ(t, a4k, b4k + PMD_SIZE);
	KT_EXPECT_EQ(t, a2m, b2m - PMD_SIZE);
	/* The memory behind it is still there, writable. */
	*(volatile u32 *)(uintptr_t)page_va(&r, 5) = 0x5b117u;
	KT_EXPECT_EQ(t, *(volatile u32 *)(uintptr_t)page_va(&r, 5), 0x5b117u);

	pv_counts_snapshot(&s);
	again = directmap_pte(page_va(&r, 100));
	KT_EXPECT(t, directmap_pte(PAGE_OFFSET) == lookup_pte(PAGE_OFFSET)); /* 4 KiB from boot */
	KT_EXPECT(t, directmap_pte(PAGE_OFFSET - PAGE_SIZE) == NULL);
	KT_EXPECT(t, directmap_pte(mm_layout.high_memory) == NULL);
	expect_nothing(t, &s);
	KT_EXPECT(t, again == ptep + 95);
out:
	region_put(t, &r);
}

/*
 * One entry made read-only (and really read-only: a store faults) keeps the region split;
 * restored, a merge writes one set_pmd, flushes once everywhere, frees the table, and the
 * region reads back as the very 2 MiB entry it was. A second merge finds nothing to do.
 */
static void restored_entry_merges_back(struct ktest *t)
{
	u64 want[PV_OP_NR] = {0}, b4k, b2m, a4k, a2m;
	struct pv_counts s, d;
	struct region r;
	pmd_t *slot;
	u64 free_before;

	if (!region_get(t, &r))
		return;
	directmap_sizes(&b4k, &b2m);
	if (!KT_EXPECT(t, directmap_pte(page_va(&r, 7)) != NULL))
		goto out;
	set_entry(&r, 7, PAGE_KERNEL_RO);
	KT_EXPECT(t, probe_write_u32((void *)(uintptr_t)page_va(&r, 7), 1) != 0);
	pv_counts_snapshot(&s);
	directmap_try_merge(r.va, PTRS_PER_PTE);
	expect_nothing(t, &s);
	KT_EXPECT(t, !directmap_is_large(r.va));

	set_entry(&r, 7, PAGE_KERNEL);
	free_before = lowmem_free_pages();
	pv_counts_snapshot(&s);
	directmap_try_merge(page_va(&r, 7), 1);
	want[PV_SET_PMD] = 1;
	want_flush_all(want);
	expect_costs_d(t, &s, want, 0, 1, 1, &d);
	kt_info("merge on %u CPUs: %llu set_pmd, %llu flush_all, %llu flush_multi, %llu IPIs, "
		"%llu merge",
		nr_cpus_online, d.op[PV_SET_PMD], d.op[PV_FLUSH_ALL], d.op[PV_FLUSH_MULTI],
		d.ev[PV_EV_IPIS_SENT], d.ev[PV_EV_MERGES]);
	KT_EXPECT_EQ(t, lowmem_free_pages(), free_before + 1); /* the table page */
	if (KT_EXPECT(t, lookup_large(r.va, &slot)))
		KT_EXPECT_EQ(t, slot->val, r.large.val);
	directmap_sizes(&a4k, &a2m);
	KT_EXPECT_EQ(t, a4k, b4k);
	KT_EXPECT_EQ(t, a2m, b2m);
	KT_EXPECT_EQ(t, probe_write_u32((void *)(uintptr_t)page_va(&r, 7), 2), 0);

	pv_counts_snapshot(&s);
	directmap_try_merge(r.va, PTRS_PER_PTE);
	directmap_try_merge(PAGE_OFFSET, PTRS_PER_PTE); /* 4 KiB from boot, never split */
	expect_nothing(t, &s);
out:
	region_put(t, &r);
}

/*
 * Entries that differ keep a split region 4 KiB: a different memory type, one not present
 * (a page taken out of the direct map), frames out of order. Each costs no operation.
 */
static void differing_entries_do_not_merge(struct ktest *t)
{
	struct pv_counts s;
	struct region r;
	pte_t *p0, *p1;

	if (!region_get(t, &r))
		return;
	if (!KT_EXPECT(t, (p0 = directmap_pte(r.va)) != NULL))
		goto out;
	p1 = p0 + 1;

	set_entry(&r, 300, pgprot_cachemode(PAGE_KERNEL, PCM_WT));
	pv_counts_snapshot(&s);
	directmap_try_merge(r.va, PTRS_PER_PTE);
	expect_nothing(t, &s);
	set_entry(&r, 300, PAGE_KERNEL);

	pv_pte_clear(lookup_pte(page_va(&r, 511)));
	flush_tlb_kernel_all();
	pv_counts_snapshot(&s);
	directmap_try_merge(r.va, PTRS_PER_PTE);
	expect_nothing(t, &s);
	set_entry(&r, 511, PAGE_KERNEL);

	pv_set_pte_va(r.va, p0, pfn_pte(r.pfn + 1, PAGE_KERNEL), false);
	pv_set_pte_va(page_va(&r, 1), p1, pfn_pte(r.pfn, PAGE_KERNEL), false);
	flush_tlb_kernel_all();
	pv_counts_snapshot(&s);
	directmap_try_merge(r.va, PTRS_PER_PTE);
	expect_nothing(t, &s);
	KT_EXPECT(t, !directmap_is_large(r.va));
	set_entry(&r, 0, PAGE_KERNEL);
	set_entry(&r, 1, PAGE_KERNEL);
out:
	region_put(t, &r);
}

/*
 * A memory type survives a merge and a split at either PAT bit position: a region all WC
 * (PAT index 4, so the PAT bit) merges into a 2 MiB entry with bit 12 set and PSE in bit 7,
 * and splits back into 4 KiB entries with bit 7 set as the PAT bit.
 */
static void cache_mode_survives_merge_and_split(struct ktest *t)
{
	u64 wc = pgprot_masked(PAGE_KERNEL_WC);
	struct region r;
	pmd_t *slot;
	pte_t *ptep;

	if (!region_get(t, &r))
		return;
	if (!KT_EXPECT(t, directmap_pte(r.va) != NULL))
		goto out;
	for (unsigned i = 0; i < PTRS_PER_PTE; i++)
		pv_set_pte(lookup_pte(page_va(&r, i)), pfn_pte(r.pfn + i, wc));
	flush_tlb_kernel_all();
	directmap_try_merge(r.va, PTRS_PER_PTE);
	if (KT_EXPECT(t, lookup_large(r.va, &slot))) {
		KT_EXPECT_EQ(t, slot->val & (_PAGE_PAT_LARGE | _PAGE_PSE | _PAGE_CACHE_MASK),
			     _PAGE_PAT_LARGE | _PAGE_PSE);
		KT_EXPECT_EQ(t, pmd_large_prot(*slot), wc);
	}
	ptep = directmap_pte(page_va(&r, 9));
	if (!KT_EXPECT(t, ptep != NULL))
		goto out;
	KT_EXPECT_EQ(t, pte_prot(*ptep), wc);
	KT_EXPECT_EQ(t, pte_bits_cachemode(ptep->val), PCM_WC);
	for (unsigned i = 0; i < PTRS_PER_PTE; i++)
		pv_set_pte(lookup_pte(page_va(&r, i)), pfn_pte(r.pfn + i, PAGE_KERNEL));
	flush_tlb_kernel_all();
out:
	region_put(t, &r);
}

static const char *no_large_direct_map(void)
{
	static char why[160];
	const char *reason = directmap_4k_only_why();

	if (!reason)
		return NULL;
	snprintf(why, sizeof(why), "the direct map is 4 KiB pages only: %s", reason);
	return why;
}

KTEST_SUITE_IF(directmap_split, no_large_direct_map, KTEST_CASE(split_costs_exactly_once),
	       KTEST_CASE(restored_entry_merges_back), KTEST_CASE(differing_entries_do_not_merge),
	       KTEST_CASE(cache_mode_survives_merge_and_split));
