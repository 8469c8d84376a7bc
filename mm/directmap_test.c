/* Self-tests of the kernel page tables paging_init() built. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "mm/directmap.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/init.h"
#include "mm/pgtable.h"

extern char _text[], _etext[], _rodata[], _erodata[];

/*
 * The 2 MiB regions paging_init() should have mapped with one entry each, worked out from
 * the layout alone: those wholly inside lowmem with no text or rodata boundary strictly
 * inside them (a boundary at a region's start does not split it). None when the map is 4
 * KiB only.
 */
static u32 expected_large_regions(const struct mm_layout *l)
{
	const u32 bounds[] = {(u32)(uintptr_t)_text, (u32)(uintptr_t)_etext,
			      (u32)(uintptr_t)_rodata, (u32)(uintptr_t)_erodata};
	u32 n = 0;

	if (directmap_4k_only_why())
		return 0;
	for (u32 v = PAGE_OFFSET; v + PMD_SIZE <= l->high_memory; v += PMD_SIZE) {
		bool boundary = false;

		for (unsigned i = 0; i < ARRAY_SIZE(bounds); i++)
			boundary |= bounds[i] > v && bounds[i] < v + PMD_SIZE;
		n += !boundary;
	}
	return n;
}

/*
 * One set_pmd per 2 MiB entry, one set_pte per lowmem frame outside them, one set_pmd per
 * page table, one PDPT entry, every table frame (PDPT and page directory included) prepared
 * once, one pin, one switch, one flush.
 */
static void directmap_built_with_exact_counts(struct ktest *t)
{
	const struct mm_layout *l = &mm_layout;
	u32 large = expected_large_regions(l);
	u32 tables =
	    directmap_tables_for(PAGE_OFFSET, l->high_memory - 1) - large +
	    directmap_tables_for(l->pkmap_base, l->pkmap_base + LAST_PKMAP * PAGE_SIZE - 1) +
	    directmap_tables_for(l->fixaddr_start, l->fixaddr_top);

	KT_EXPECT_EQ(t, directmap_stats.large_entries, large);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_SET_PTE], l->max_low_pfn - large * PTRS_PER_PTE);
	KT_EXPECT_EQ(t, directmap_stats.page_tables, tables);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_SET_PMD], tables + large);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_SET_PUD], 1);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_ALLOC_TABLE], tables + 2);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_PIN], 1);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_LOAD_CR3], 1);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_FLUSH_ALL], 1);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_LAZY_ENTER], 1);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_LAZY_LEAVE], 1);
	KT_EXPECT_EQ(t,
		     directmap_stats.ops[PV_SET_PTE_VA] + directmap_stats.ops[PV_PTE_CLEAR] +
			 directmap_stats.ops[PV_FLUSH_ONE] + directmap_stats.ops[PV_FLUSH_LOCAL],
		     0);
	kt_info("direct map: %u PTEs, %u 2 MiB entries, %u page tables",
		l->max_low_pfn - large * PTRS_PER_PTE, large, tables);
}

/*
 * Every lowmem frame is readable at its direct-map address and maps back to its frame,
 * whichever page size maps it, but for pages taken out of the direct map (pagealloc_debug's
 * free pages): those have no address and no present entry.
 */
static void directmap_maps_every_lowmem_page(struct ktest *t)
{
	u64 unreadable = 0, wrong_frame = 0, out = 0, out_but_mapped = 0;

	for (pfn_t pfn = 0; pfn < mm_layout.max_low_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		u32 *va = phys_to_virt(PFN_PHYS(pfn));
		bool present;
		pfn_t mapped;
		u64 prot;
		u32 v;

		present =
		    lookup_mapping((u32)(uintptr_t)va, &mapped, &prot) && (prot & _PAGE_PRESENT);
		if (page->flags & PG_unmapped) {
			out++;
			out_but_mapped += page_address(page) != NULL || present;
			continue;
		}
		unreadable += probe_read_u32(va, &v) != 0 || page_address(page) != va;
		wrong_frame += !present || mapped != pfn;
	}
	KT_EXPECT_EQ(t, unreadable, 0);
	KT_EXPECT_EQ(t, wrong_frame, 0);
	KT_EXPECT_EQ(t, out_but_mapped, 0);
	if (out)
		kt_info("%llu pages out of the direct map", out);
}

/*
 * DirectMap4k/2M as directmap_sizes() reports them match the tree: 2 MiB for each large
 * entry over lowmem, 4 KiB for every other lowmem frame, together all of lowmem.
 */
static void directmap_sizes_match_the_tree(struct ktest *t)
{
	u64 b4k, b2m, large = 0;

	for (u32 v = PAGE_OFFSET; v < mm_layout.high_memory; v += PMD_SIZE)
		large += directmap_is_large(v);
	directmap_sizes(&b4k, &b2m);
	KT_EXPECT_EQ(t, b2m, large * PMD_SIZE);
	KT_EXPECT_EQ(t, b4k + b2m, (u64)mm_layout.max_low_pfn * PAGE_SIZE);
	KT_EXPECT_EQ(t, b4k + b2m, mm_layout.high_memory - PAGE_OFFSET);
	if (directmap_4k_only_why())
		KT_EXPECT_EQ(t, b2m, 0);
	kt_info("DirectMap4k %llu KiB, DirectMap2M %llu KiB", b4k >> 10, b2m >> 10);
}

/*
 * Writable everywhere but the kernel's text and rodata, and, where the backend requires it
 * (Xen), the page-table frames: those must refuse a write, except that with Xen's writable
 * page tables a store to a live L1 table is emulated (the upper levels still refuse).
 */
static void directmap_protects_kernel_text(struct ktest *t)
{
	u64 unwritable = 0, writable_ro = 0;

	for (pfn_t pfn = 0; pfn < mm_layout.max_low_pfn; pfn++) {
		u32 *va = phys_to_virt(PFN_PHYS(pfn));
		bool table = pv_mmu->tables_readonly && pgtable_is_table_frame(pfn);
		bool upper = pfn == kernel_pud_pfn || pfn == kernel_pud_pfn + 1;
		bool ro = ((char *)va >= _text && (char *)va < _etext) ||
			  ((char *)va >= _rodata && (char *)va < _erodata) ||
			  (table && (upper || !pv_mmu->l1_writes_emulated));
		u32 v;

		if ((pfn_to_page(pfn)->flags & PG_unmapped) || probe_read_u32(va, &v))
			continue; /* counted by directmap_maps_every_lowmem_page */
		/* Write back what is there: harmless even on live data, and it faults if RO. */
		if (ro)
			writable_ro += probe_write_u32(va, v) == 0;
		else
			unwritable += probe_write_u32(va, v) != 0;
	}
	KT_EXPECT_EQ(t, unwritable, 0);
	KT_EXPECT_EQ(t, writable_ro, 0);
}

/* The boot identity map is gone, and nothing is mapped past the direct map. */
static void directmap_has_no_identity_or_stray_mappings(struct ktest *t)
{
	u32 v;

	KT_EXPECT_EQ(t, probe_read_u32((void *)KERNEL_PHYS_LOAD, &v), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)mm_layout.high_memory, &v), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)mm_layout.vmalloc_start, &v), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)mm_layout.pkmap_base, &v), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)fix_to_virt(FIX_SCRATCH), &v), -EFAULT);
}

/* page_address(): the direct map for lowmem, NULL for highmem (no permanent address). */
static void page_address_is_null_for_highmem(struct ktest *t)
{
	KT_EXPECT_EQ(t, (uintptr_t)page_address(pfn_to_page(0)), PAGE_OFFSET);
	if (!(pfn_to_page(mm_layout.max_low_pfn - 1)->flags & PG_unmapped))
		KT_EXPECT_EQ(t, (uintptr_t)page_address(pfn_to_page(mm_layout.max_low_pfn - 1)),
			     mm_layout.high_memory - PAGE_SIZE);
	if (mm_layout.max_pfn > mm_layout.max_low_pfn) {
		kmap_flush_unused(); /* no pkmap slot left holding an earlier test's page */
		KT_EXPECT(t, page_address(pfn_to_page(mm_layout.max_low_pfn)) == NULL);
		KT_EXPECT(t, page_address(pfn_to_page(mm_layout.max_pfn - 1)) == NULL);
	}
}

KTEST_SUITE(directmap, KTEST_CASE(directmap_built_with_exact_counts),
	    KTEST_CASE(directmap_maps_every_lowmem_page),
	    KTEST_CASE(directmap_sizes_match_the_tree), KTEST_CASE(directmap_protects_kernel_text),
	    KTEST_CASE(directmap_has_no_identity_or_stray_mappings),
	    KTEST_CASE(page_address_is_null_for_highmem));
