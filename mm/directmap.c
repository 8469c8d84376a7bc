#include "mm/directmap.h"
#include "mm/bootmem.h"
#include "mm/pgtable.h"

struct directmap_stats directmap_stats;

extern char _text[], _etext[], _rodata[], _erodata[];

static u64 prot_for(pfn_t pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);

	if (pa >= virt_to_phys(_text) && pa < virt_to_phys(_etext))
		return PAGE_KERNEL_RX;
	if (pa >= virt_to_phys(_rodata) && pa < virt_to_phys(_erodata))
		return PAGE_KERNEL_RO;
	return PAGE_KERNEL;
}

/* The page table covering @vaddr, allocated and hooked into the kernel PMD on first use. */
static pte_t *ensure_page_table(u32 vaddr)
{
	pmd_t *pmdp = &kernel_pmd[pmd_index(vaddr)];

	if (!pmd_present(*pmdp)) {
		pfn_t pt = bootmem_alloc_pages(1);

		pv_set_pmd(pmdp, pmd_make_table(pt));
		directmap_stats.page_tables++;
	}
	return lookup_pte(vaddr);
}

/* Page tables for [first, last], inclusive: the fixmap ends at 4 GiB, where u32 wraps. */
static void ensure_page_tables(u32 first, u32 last)
{
	for (u32 v = first & PMD_MASK;; v += PMD_SIZE) {
		ensure_page_table(v);
		if (v == (last & PMD_MASK))
			break;
	}
}

void paging_init(const struct mm_layout *l)
{
	u64 before[PV_OP_NR];
	pfn_t pmd_pfn;

	for (unsigned op = 0; op < PV_OP_NR; op++)
		before[op] = pv_count(op);
	kernel_pud_pfn = bootmem_alloc_pages(1);
	kernel_pud = phys_to_virt(PFN_PHYS(kernel_pud_pfn));
	pmd_pfn = bootmem_alloc_pages(1);
	kernel_pmd = phys_to_virt(PFN_PHYS(pmd_pfn));
	/* Slots 0-2 (user space) stay empty: that drops the boot identity map. */
	pv_set_pud(&kernel_pud[pud_index(PAGE_OFFSET)], pud_make_table(pmd_pfn));

	pv_lazy_enter();
	for (pfn_t pfn = 0; pfn < l->max_low_pfn; pfn++) {
		u32 vaddr = PAGE_OFFSET + (pfn << PAGE_SHIFT);

		pv_set_pte(ensure_page_table(vaddr), pfn_pte(pfn, prot_for(pfn)));
	}
	pv_lazy_leave();
	ensure_page_tables(l->pkmap_base, l->pkmap_base + LAST_PKMAP * PAGE_SIZE - 1);
	ensure_page_tables(l->fixaddr_start, l->fixaddr_top + PAGE_SIZE - 1);

	pv_load_cr3(kernel_pud_pfn);
	pv_flush_tlb_all();
	for (unsigned op = 0; op < PV_OP_NR; op++)
		directmap_stats.ops[op] = pv_count(op) - before[op];
}
