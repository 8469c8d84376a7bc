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
 * One set_pte per lowmem frame, one set_pmd per page table, one PDPT entry, every table
 * frame (PDPT and page directory included) prepared once, one pin, one switch, one flush.
 */
static void directmap_built_with_exact_counts(struct ktest *t)
{
	const struct mm_layout *l = &mm_layout;
	u32 tables =
	    directmap_tables_for(PAGE_OFFSET, l->high_memory - 1) +
	    directmap_tables_for(l->pkmap_base, l->pkmap_base + LAST_PKMAP * PAGE_SIZE - 1) +
	    directmap_tables_for(l->fixaddr_start, l->fixaddr_top);

	KT_EXPECT_EQ(t, directmap_stats.ops[PV_SET_PTE], l->max_low_pfn);
	KT_EXPECT_EQ(t, directmap_stats.page_tables, tables);
	KT_EXPECT_EQ(t, directmap_stats.ops[PV_SET_PMD], tables);
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
	kt_info("direct map: %u PTEs, %u page tables", l->max_low_pfn, tables);
}

/*
 * Every lowmem frame is readable at its direct-map address and maps back to its frame, but
 * for pages taken out of the direct map (pagealloc_debug's free pages): those have no
 * address and their entry is not present.
 */
static void directmap_maps_every_lowmem_page(struct ktest *t)
{
	u64 unreadable = 0, wrong_frame = 0, out = 0, out_but_mapped = 0;

	for (pfn_t pfn = 0; pfn < mm_layout.max_low_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		u32 *va = phys_to_virt(PFN_PHYS(pfn));
		pte_t *ptep = lookup_pte((u32)(uintptr_t)va);
		u32 v;

		if (page->flags & PG_unmapped) {
			out++;
			out_but_mapped +=
			    page_address(page) != NULL || (ptep && pte_present(*ptep));
			continue;
		}
		unreadable += probe_read_u32(va, &v) != 0 || page_address(page) != va;
		wrong_frame += !ptep || !pte_present(*ptep) || pte_pfn(*ptep) != pfn;
	}
	KT_EXPECT_EQ(t, unreadable, 0);
	KT_EXPECT_EQ(t, wrong_frame, 0);
	KT_EXPECT_EQ(t, out_but_mapped, 0);
	if (out)
		kt_info("%llu pages out of the direct map", out);
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
	    KTEST_CASE(directmap_protects_kernel_text),
	    KTEST_CASE(directmap_has_no_identity_or_stray_mappings),
	    KTEST_CASE(page_address_is_null_for_highmem));
