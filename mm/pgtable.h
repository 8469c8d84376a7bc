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

/*
 * An L2 entry mapping the 2 MiB from @pfn (a multiple of 512) with @prot, a protection in
 * the 4 KiB format: in a 2 MiB entry bit 7 is PSE and the PAT bit moves to bit 12
 * (SDM vol. 3 11.12.3), which pgprot_4k_to_large() does.
 */
static inline pmd_t pmd_make_large(pfn_t pfn, u64 prot)
{
	return (pmd_t){(pv_pfn_to_frame(pfn) << PAGE_SHIFT) |
		       pgprot_4k_to_large((prot & _PAGE_PRESENT) | pgprot_masked(prot))};
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

/* A 2 MiB entry's frame: bits 21..51; bit 12 is PAT and 13..20 must be zero. */
#define PMD_LARGE_FRAME_MASK 0x000fffffffe00000ull

static inline bool pmd_large(pmd_t pmd)
{
	return (pmd.val & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE);
}

/* The first frame a 2 MiB entry maps. */
static inline pfn_t pmd_large_pfn(pmd_t pmd)
{
	return (pfn_t)pv_frame_to_pfn((pmd.val & PMD_LARGE_FRAME_MASK) >> PAGE_SHIFT);
}

/* A 2 MiB entry's protection in the 4 KiB format (PAT at bit 7, no PSE): what its 512
 * frames would carry in a page table. */
static inline u64 pmd_large_prot(pmd_t pmd)
{
	return pgprot_large_to_4k(pmd.val & ~PMD_LARGE_FRAME_MASK);
}

/* A 4 KiB entry's bits other than its frame. */
static inline u64 pte_prot(pte_t pte)
{
	return pte.val & ~PTE_FRAME_MASK;
}

/* The kernel's PDPT and the page directory of its top gigabyte (PDPT slot 3). */
extern pud_t *kernel_pud;
extern pmd_t *kernel_pmd;
extern pfn_t kernel_pud_pfn, kernel_pmd_pfn;

/*
 * The L1 entry for kernel address @vaddr, or NULL when no page table covers it: also where
 * a 2 MiB entry maps @vaddr (lookup_large() finds that one).
 */
pte_t *lookup_pte(u32 vaddr);
/*
 * Whether a present 2 MiB entry maps kernel address @vaddr; if so and @slot is not NULL,
 * *@slot points at that entry. For readers of the direct map, which may use either size.
 */
bool lookup_large(u32 vaddr, pmd_t **slot);
/*
 * What kernel address @vaddr maps at either page size: true with its frame in *@pfn and its
 * protection in the 4 KiB format (pmd_large_prot()) in *@prot, false if nothing maps it.
 */
bool lookup_mapping(u32 vaddr, pfn_t *pfn, u64 *prot);

/*
 * Frames in use as page tables, so the direct map can map them read-only when the backend
 * requires it: the runs noted at boot (the kernel's tree, a loader's boot tables; at most
 * PT_RANGES_MAX) and every frame pgtable_alloc_frame() handed out since (PG_table).
 */
#define PT_RANGES_MAX 4
void pgtable_note_table_frames(pfn_t first, u32 n);
void pgtable_forget_table_frames(pfn_t first, u32 n);
bool pgtable_is_table_frame(pfn_t pfn);
/*
 * Frames that are L1 tables of the kernel's own tree: the boot runs and every frame hooked
 * since by pgtable_hook_kernel_pt(). Under Xen these are the tables it has typed as L1 and
 * will emulate stores to (pvmmu=writable); a table still being built for a new address
 * space is a table frame but not one of these.
 */
bool pgtable_is_kernel_pt(pfn_t pfn);

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
/* Hook @pt, from pgtable_alloc_frame(), into kernel_pmd[@idx] (one set_pmd) as a kernel L1. */
void pgtable_hook_kernel_pt(unsigned idx, struct page *pt);

#endif
