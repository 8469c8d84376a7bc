/* Self-tests of separate address spaces: what building, pinning and freeing one costs. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "mm/addrspace.h"
#include "mm/pgtable.h"
#include "mm/zone.h"

/*
 * 16 pages mapped: 16 PTE writes, the PDE, two PDPT entries (user slot, kernel slot), one
 * pin and one unpin, three table frames (four where the kernel directory is copied, plus
 * one PDE per kernel entry, and a read-only then writable direct-map entry per frame).
 */
static void addrspace_costs_are_exact(struct ktest *t)
{
	struct page *pages[16];
	struct addrspace as;
	struct pv_counts before, d;
	u64 kernel_pdes = 0;
	bool copy = pv_mmu->unshared_kernel_pmd;
	unsigned frames = copy ? 4 : 3;

	for (unsigned i = 0; i < PTRS_PER_PMD; i++)
		kernel_pdes += pmd_present(kernel_pmd[i]);
	for (unsigned i = 0; i < 16; i++)
		pages[i] = alloc_page(GFP_HIGHMEM);
	pv_counts_snapshot(&before);
	if (!KT_EXPECT(t, addrspace_create(&as, pages, 16)))
		return;
	addrspace_destroy(&as);
	pv_counts_since(&before, &d);
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE], 16);
	KT_EXPECT_EQ(t, d.op[PV_SET_PMD], 1 + (copy ? kernel_pdes : 0));
	KT_EXPECT_EQ(t, d.op[PV_SET_PUD], 2);
	KT_EXPECT_EQ(t, d.op[PV_ALLOC_TABLE], frames);
	KT_EXPECT_EQ(t, d.op[PV_PIN], 1);
	KT_EXPECT_EQ(t, d.op[PV_UNPIN], 1);
	/* Read-only table frames (Xen's rule) are made writable and read-only again, each once. */
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE_VA], pv_mmu->tables_readonly ? 2 * frames : 0);
	KT_EXPECT_EQ(t, d.op[PV_LOAD_CR3], 0);
	KT_EXPECT(t, as.pud == NULL);
	for (unsigned i = 0; i < 16; i++)
		__free_pages(pages[i], 0);
	kt_info("address space of 16 pages: %u table frames%s", frames,
		copy ? ", kernel directory copied" : ", kernel directory shared");
}

/* Freed table frames are ordinary writable memory again (Xen: their mapping is RW). */
static void addrspace_frames_come_back_writable(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM);
	struct addrspace as;
	struct page *frames[3];
	u32 x;

	if (!KT_EXPECT(t, addrspace_create(&as, &page, 1)))
		return;
	frames[0] = as.pud;
	frames[1] = as.pmd;
	frames[2] = as.pt;
	addrspace_destroy(&as);
	for (unsigned i = 0; i < 3; i++) {
		u32 *v = page_address(frames[i]);

		KT_EXPECT_EQ(t, probe_read_u32(v, &x), 0);
		KT_EXPECT_EQ(t, probe_write_u32(v, x), 0);
	}
	__free_pages(page, 0);
}

KTEST_SUITE(addrspace, KTEST_CASE(addrspace_costs_are_exact),
	    KTEST_CASE(addrspace_frames_come_back_writable));
