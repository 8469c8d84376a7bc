/*
 * Building and reading the kernel's page tables. Entries are made only by these
 * constructors (the backend converts frames and masks bits its platform refuses) and written
 * only through pv/ops.h.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "pv/ops.h"
#include "mm/gfp.h"

/* @prot with the bits this platform refuses taken out: for a hot path to compute once. */
static inline u64 pgprot_masked(u64 prot)
{
	return prot & pv_mmu->prot_mask;
}

/* An entry mapping @pfn with a protection already passed through pgprot_masked(). */
static inline pte_t pfn_pte_masked(pfn_t pfn, u64 masked_prot)
{
	return (pte_t){(pv_pfn_to_frame(pfn) << PAGE_SHIFT) | masked_prot};
}

/* Every platform accepts the present bit: kept out of the mask so the compiler sees it. */
static inline pte_t pfn_pte(pfn_t pfn, u64 prot)
{
	return pfn_pte_masked(pfn, (prot & _PAGE_PRESENT) | pgprot_masked(prot));
}

static inline pmd_t pmd_make_table(pfn_t pt_pfn)
{
	return (pmd_t){(pv_pfn_to_frame(pt_pfn) << PAGE_SHIFT) | PAGE_TABLE};
}

static inline pud_t pud_make_table(pfn_t pmd_pfn)
{
	return (pud_t){(pv_pfn_to_frame(pmd_pfn) << PAGE_SHIFT) | PAGE_PDPT};
}

static inline pfn_t pte_pfn(pte_t pte)
{
	return (pfn_t)pv_frame_to_pfn((pte.val & PTE_FRAME_MASK) >> PAGE_SHIFT);
}

static inline pfn_t pmd_pfn(pmd_t pmd)
{
	return (pfn_t)pv_frame_to_pfn((pmd.val & PTE_FRAME_MASK) >> PAGE_SHIFT);
}

/* The kernel's PDPT and the page directory of its top gigabyte (PDPT slot 3). */
extern pud_t *kernel_pud;
extern pmd_t *kernel_pmd;
extern pfn_t kernel_pud_pfn, kernel_pmd_pfn;

/* The L1 entry for kernel address @vaddr, or NULL when no page table covers it. */
pte_t *lookup_pte(u32 vaddr);

/*
 * Frames in use as page tables (the kernel's tree, a loader's boot tables), so the direct
 * map can map them read-only when the backend requires it. At most PT_RANGES_MAX runs.
 */
#define PT_RANGES_MAX 4
void pgtable_note_table_frames(pfn_t first, u32 n);
void pgtable_forget_table_frames(pfn_t first, u32 n);
bool pgtable_is_table_frame(pfn_t pfn);

/*
 * A lowmem frame to become a page table at run time: zeroed by the backend (pv_alloc_table)
 * and, where tables must be read-only (Xen), its direct-map entry made read-only and flushed
 * here, before anything hooks it into a tree. NULL when lowmem is exhausted. Costs one
 * alloc_table, plus one set_pte_va with its folded flush where tables are read-only.
 */
struct page *pgtable_alloc_frame(void);
/* Give back a frame no tree uses any more (unpinned or never hooked); NULL is ignored. Its
 * direct-map entry becomes writable again where it was made read-only. */
void pgtable_free_frame(struct page *page);

#endif
