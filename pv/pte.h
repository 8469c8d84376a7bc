/*
 * The PAE page-table entry format (Intel SDM vol. 3, 4.4): three levels, 64-bit entries.
 * L3 = PDPT (4 entries, "pud" here), L2 = page directory ("pmd"), L1 = page table ("pte").
 * Entries hold frame numbers: pseudo-physical natively, machine frames under Xen; the
 * conversion belongs to the backend (pv_pfn_to_frame(), pv/ops.h), and mm/ builds entries
 * only with the constructors of mm/pgtable.h.
 */
#ifndef PV_PTE_H
#define PV_PTE_H

#include "guest/lib/types.h"

typedef struct {
	u64 val;
} pte_t;
typedef struct {
	u64 val;
} pmd_t;
typedef struct {
	u64 val;
} pud_t;

#define _PAGE_PRESENT (1ull << 0)
#define _PAGE_RW (1ull << 1)
#define _PAGE_USER (1ull << 2)
#define _PAGE_PWT (1ull << 3)
#define _PAGE_PCD (1ull << 4)
#define _PAGE_ACCESSED (1ull << 5)
#define _PAGE_DIRTY (1ull << 6)
#define _PAGE_PSE (1ull << 7)
#define _PAGE_GLOBAL (1ull << 8)
#define _PAGE_NX (1ull << 63)

/* Address bits of an entry: 12..51 (PAE allows up to 52-bit frames). */
#define PTE_FRAME_MASK 0x000ffffffffff000ull

/* Protections for kernel mappings (WB; typed ones in pv/pat.h); the backend drops bits its
 * platform refuses. */
#define PAGE_KERNEL                                                                                \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RX (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
/* A page directory entry pointing at a page table. */
#define PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/* A PDPT entry: only P (and caching bits) are allowed in PAE mode; RW/US are reserved. */
#define PAGE_PDPT (_PAGE_PRESENT)

#define PTRS_PER_PTE 512
#define PTRS_PER_PMD 512
#define PTRS_PER_PUD 4
#define PUD_SHIFT 30

static inline bool pte_present(pte_t p)
{
	return p.val & _PAGE_PRESENT;
}

static inline bool pmd_present(pmd_t p)
{
	return p.val & _PAGE_PRESENT;
}

static inline bool pud_present(pud_t p)
{
	return p.val & _PAGE_PRESENT;
}

static inline unsigned pte_index(u32 vaddr)
{
	return (vaddr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

static inline unsigned pmd_index(u32 vaddr)
{
	return (vaddr >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}

static inline unsigned pud_index(u32 vaddr)
{
	return vaddr >> PUD_SHIFT;
}

#endif
