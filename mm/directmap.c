#include "mm/directmap.h"
#include "mm/bootmem.h"
#include "mm/pgtable.h"
#include "guest/lib/string.h"

struct directmap_stats directmap_stats;

extern char _text[], _etext[], _rodata[], _erodata[];

/*
 * The table frame hooked at each kernel PMD slot while the tree is built. The tree is not
 * live yet (and under Xen not even mapped), so the build never reads it back.
 */
static pfn_t table_pfn[PTRS_PER_PMD];

u64 directmap_prot(pfn_t pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);

	if (pv_mmu->tables_readonly && pgtable_is_table_frame(pfn))
		return PAGE_KERNEL_RO;
	if (pa >= virt_to_phys(_text) && pa < virt_to_phys(_etext))
		return PAGE_KERNEL_RX;
	if (pa >= virt_to_phys(_rodata) && pa < virt_to_phys(_erodata))
		return PAGE_KERNEL_RO;
	return PAGE_KERNEL;
}

u32 directmap_tables_for(u32 first, u32 last)
{
	return ((last & PMD_MASK) - (first & PMD_MASK)) / PMD_SIZE + 1;
}

/* Hook the next free table frames under every 2 MiB region of [first, last] (inclusive). */
static void hook_tables(u32 first, u32 last, pfn_t *next)
{
	for (u32 v = first & PMD_MASK;; v += PMD_SIZE) {
		unsigned idx = pmd_index(v);

		if (!table_pfn[idx]) {
			table_pfn[idx] = (*next)++;
			pv_set_pmd(&kernel_pmd[idx], pmd_make_table(table_pfn[idx]));
			directmap_stats.page_tables++;
		}
		if (v == (last & PMD_MASK))
			break; /* the fixmap ends at 4 GiB, where u32 wraps */
	}
}

static pte_t *build_pte(u32 vaddr)
{
	return (pte_t *)phys_to_virt(PFN_PHYS(table_pfn[pmd_index(vaddr)])) + pte_index(vaddr);
}

void paging_init(const struct mm_layout *l)
{
	u32 pkmap_last = l->pkmap_base + LAST_PKMAP * PAGE_SIZE - 1;
	u32 tables = directmap_tables_for(PAGE_OFFSET, l->high_memory - 1) +
		     directmap_tables_for(l->pkmap_base, pkmap_last) +
		     directmap_tables_for(l->fixaddr_start, l->fixaddr_top);
	struct pv_counts before, d;
	pfn_t first, next;

	pv_counts_snapshot(&before);
	/* PDPT, the kernel's page directory, then the page tables: one run of frames. */
	first = bootmem_alloc_pages(2 + tables);
	pgtable_note_table_frames(first, 2 + tables);
	kernel_pud_pfn = first;
	kernel_pmd_pfn = first + 1;
	kernel_pud = phys_to_virt(PFN_PHYS(kernel_pud_pfn));
	kernel_pmd = phys_to_virt(PFN_PHYS(kernel_pmd_pfn));
	next = first + 2;

	pv_lazy_enter();
	for (pfn_t pfn = first; pfn < first + 2 + tables; pfn++)
		pv_alloc_table(pfn);
	/* Slots 0-2 (user space) stay empty: that drops the boot identity map. */
	pv_set_pud(&kernel_pud[pud_index(PAGE_OFFSET)], pud_make_table(first + 1));
	hook_tables(PAGE_OFFSET, l->high_memory - 1, &next);
	for (pfn_t pfn = 0; pfn < l->max_low_pfn; pfn++)
		pv_set_pte(build_pte(PAGE_OFFSET + (pfn << PAGE_SHIFT)),
			   pfn_pte(pfn, directmap_prot(pfn)));
	hook_tables(l->pkmap_base, pkmap_last, &next);
	hook_tables(l->fixaddr_start, l->fixaddr_top, &next);
	pv_lazy_leave();

	pv_pin_table(kernel_pud_pfn);
	pv_load_cr3(kernel_pud_pfn);
	pv_flush_tlb_all();
	pv_counts_since(&before, &d);
	memcpy(directmap_stats.ops, d.op, sizeof(directmap_stats.ops));
}
