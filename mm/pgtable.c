#include "mm/pgtable.h"

pud_t *kernel_pud;
pmd_t *kernel_pmd;
pfn_t kernel_pud_pfn;

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
