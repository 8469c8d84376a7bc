/* Self-tests of the operations table: each wrapper counts exactly its own operation. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/lib/string.h"
#include "mm/fixmap.h"
#include "mm/layout.h"
#include "mm/gfp.h"
#include "mm/pgtable.h"

/* The counters moved by exactly @want (indexed by op) since @s. */
static void expect_deltas(struct ktest *t, const struct pv_counts *s, const u64 *want)
{
	struct pv_counts d;

	pv_counts_since(s, &d);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		ktest_check(t, d.op[op] == want[op], __FILE__, __LINE__,
			    "%s: %llu operations, expected %llu", pv_op_names[op], d.op[op],
			    want[op]);
}

/* Map a page at the scratch fixmap, use it, unmap: a set with flush and a clear with flush. */
static void scratch_map_counts_and_unmaps(struct ktest *t)
{
	u32 va = fix_to_virt(FIX_SCRATCH), v;
	pte_t *ptep = lookup_pte(va);
	struct page *page = alloc_page(GFP_KERNEL);
	struct pv_counts s;
	u64 want[PV_OP_NR] = {0};

	if (!KT_EXPECT(t, ptep && page))
		return;
	*(u32 *)page_address(page) = 0x5ca1ab1e;
	pv_counts_snapshot(&s);
	pv_set_pte_va(va, ptep, pfn_pte(page_to_pfn(page), PAGE_KERNEL), true);
	KT_EXPECT_EQ(t, *(u32 *)(uintptr_t)va, 0x5ca1ab1e);
	pv_pte_clear(ptep);
	pv_flush_tlb_one(va);
	want[PV_SET_PTE_VA] = 1;
	want[PV_FLUSH_ONE] = 2; /* the folded one and the explicit one */
	want[PV_PTE_CLEAR] = 1;
	expect_deltas(t, &s, want);
	/* No stale mapping survives the unmap. */
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)va, &v), -EFAULT);
	KT_EXPECT_EQ(t, ptep->val, 0); /* non-present entries are all-zero (Xen's L1TF rule) */
	__free_pages(page, 0);
}

static void flushes_and_lazy_mode_count_once_each(struct ktest *t)
{
	struct pv_counts s;
	u64 want[PV_OP_NR] = {0};

	pv_counts_snapshot(&s);
	pv_flush_tlb_local();
	pv_flush_tlb_all();
	pv_lazy_enter();
	pv_lazy_leave();
	pv_load_cr3(kernel_pud_pfn);
	want[PV_FLUSH_LOCAL] = want[PV_FLUSH_ALL] = want[PV_LAZY_ENTER] = want[PV_LAZY_LEAVE] = 1;
	want[PV_LOAD_CR3] = 1;
	expect_deltas(t, &s, want);
}

/* A set_pte without flush, then an explicit flush: the new frame is what the address shows. */
static void remap_shows_new_frame_after_flush(struct ktest *t)
{
	u32 va = fix_to_virt(FIX_SCRATCH);
	pte_t *ptep = lookup_pte(va);
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);

	if (!KT_EXPECT(t, ptep && a && b))
		return;
	*(u32 *)page_address(a) = 0xaaaa0001;
	*(u32 *)page_address(b) = 0xbbbb0002;
	pv_set_pte_va(va, ptep, pfn_pte(page_to_pfn(a), PAGE_KERNEL), true);
	KT_EXPECT_EQ(t, *(volatile u32 *)(uintptr_t)va, 0xaaaa0001);
	pv_set_pte(ptep, pfn_pte(page_to_pfn(b), PAGE_KERNEL));
	pv_flush_tlb_one(va);
	KT_EXPECT_EQ(t, *(volatile u32 *)(uintptr_t)va, 0xbbbb0002);
	pv_set_pte_va(va, ptep, (pte_t){0}, true);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

KTEST_SUITE(pvops, KTEST_CASE(scratch_map_counts_and_unmaps),
	    KTEST_CASE(flushes_and_lazy_mode_count_once_each),
	    KTEST_CASE(remap_shows_new_frame_after_flush));
