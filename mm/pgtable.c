#include "mm/pgtable.h"

pud_t *kernel_pud;
pmd_t *kernel_pmd;
pfn_t kernel_pud_pfn, kernel_pmd_pfn;

#include "guest/panic.h"

static struct {
	pfn_t first;
	u32 n;
} pt_ranges[PT_RANGES_MAX];

void pgtable_note_table_frames(pfn_t first, u32 n)
{
	for (unsigned i = 0; i < PT_RANGES_MAX; i++) {
		if (!pt_ranges[i].n) {
			pt_ranges[i].first = first;
			pt_ranges[i].n = n;
			return;
		}
	}
	panic("pgtable: more than %u runs of page-table frames", PT_RANGES_MAX);
}

void pgtable_forget_table_frames(pfn_t first, u32 n)
{
	for (unsigned i = 0; i < PT_RANGES_MAX; i++)
		if (pt_ranges[i].first == first && pt_ranges[i].n == n)
			pt_ranges[i].n = 0;
}

static bool in_boot_runs(pfn_t pfn)
{
	for (unsigned i = 0; i < PT_RANGES_MAX; i++)
		if (pfn - pt_ranges[i].first < pt_ranges[i].n)
			return true;
	return false;
}

/* A run-time table's page flags (PG_table and the like), 0 for any other frame. */
static u32 table_flags(pfn_t pfn)
{
	return pfn < mem_map_pfns ? pfn_to_page(pfn)->flags & (PG_table | PG_kernel_pt) : 0;
}

bool pgtable_is_table_frame(pfn_t pfn)
{
	return table_flags(pfn) || in_boot_runs(pfn);
}

bool pgtable_is_kernel_pt(pfn_t pfn)
{
	u32 f = table_flags(pfn);

	return f ? f & PG_kernel_pt : in_boot_runs(pfn);
}

pte_t *lookup_pte(u32 vaddr)
{
	pmd_t pmd;

	if (vaddr < PAGE_OFFSET || !kernel_pmd)
		return NULL;
	pmd = kernel_pmd[pmd_index(vaddr)];
	if (!pmd_present(pmd) || (pmd.val & _PAGE_PSE))
		return NULL;
	return (pte_t *)phys_to_virt(PFN_PHYS(pmd_pfn(pmd))) + pte_index(vaddr);
}

/*
 * Where the backend wants page tables read-only (Xen), a frame becoming one has its
 * direct-map entry made read-only, and writable again once it is a plain page.
 */
static void direct_map_prot(struct page *page, u64 prot)
{
	u32 va = (u32)(uintptr_t)page_address(page);

	if (pv_mmu->tables_readonly)
		pv_set_pte_va(va, lookup_pte(va), pfn_pte(page_to_pfn(page), prot), true);
}

struct page *pgtable_alloc_frame(void)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (page) {
		pv_alloc_table(page_to_pfn(page));
		direct_map_prot(page, PAGE_KERNEL_RO);
		page->flags |= PG_table;
	}
	return page;
}

void pgtable_free_frame(struct page *page)
{
	if (page) {
		page->flags &= ~(PG_table | PG_kernel_pt);
		direct_map_prot(page, PAGE_KERNEL);
		__free_pages(page, 0);
	}
}

void pgtable_hook_kernel_pt(unsigned idx, struct page *pt)
{
	pv_set_pmd(&kernel_pmd[idx], pmd_make_table(page_to_pfn(pt)));
	pt->flags |= PG_kernel_pt;
}

bool lookup_large(u32 vaddr, pmd_t **slot)
{
	if (vaddr < PAGE_OFFSET || !kernel_pmd || !pmd_large(kernel_pmd[pmd_index(vaddr)]))
		return false;
	if (slot)
		*slot = &kernel_pmd[pmd_index(vaddr)];
	return true;
}

bool lookup_mapping(u32 vaddr, pfn_t *pfn, u64 *prot)
{
	pmd_t *pmdp;
	pte_t *ptep;

	if (lookup_large(vaddr, &pmdp)) {
		*pfn = pmd_large_pfn(*pmdp) + pte_index(vaddr);
		*prot = pmd_large_prot(*pmdp);
		return true;
	}
	ptep = lookup_pte(vaddr);
	if (!ptep || !pte_present(*ptep))
		return false;
	*pfn = pte_pfn(*ptep);
	*prot = pte_prot(*ptep);
	return true;
}
