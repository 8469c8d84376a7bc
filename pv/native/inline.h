/*
 * The native backend's operations as inline code. pv/ops.h expands them at every call site
 * when the native backend is active (pv_is_native(), pv/branch.h), so a native PTE write is a store
 * or two and not two indirect calls: the effect Linux gets by patching native code over its
 * paravirt call sites. Only pv/ includes this file.
 */
#ifndef PV_NATIVE_INLINE_H
#define PV_NATIVE_INLINE_H

#include "pv/pte_store.h"

#define X86_CR4_PGE (1u << 7)

static inline u32 native_read_cr0(void)
{
	u32 v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void native_write_cr0(u32 v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline u32 native_read_cr3(void)
{
	u32 v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void native_write_cr3(u32 v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u32 native_read_cr4(void)
{
	u32 v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void native_write_cr4(u32 v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void native_set_pte(pte_t *ptep, pte_t pte)
{
	pte_store_halves(&ptep->val, pte.val);
}

static inline void native_flush_tlb_one(u32 vaddr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(vaddr) : "memory");
}

static inline void native_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush)
{
	pte_store_halves(&ptep->val, pte.val);
	if (flush)
		native_flush_tlb_one(vaddr);
}

static inline void native_pte_clear(pte_t *ptep)
{
	pte_store_halves(&ptep->val, 0);
}

static inline void native_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	pte_store_halves(&pmdp->val, pmd.val);
}

static inline void native_flush_tlb_local(void)
{
	native_write_cr3(native_read_cr3());
}

/* Toggling CR4.PGE drops global entries too; without PGE there are none. */
static inline void native_flush_tlb_all(void)
{
	u32 cr4 = native_read_cr4();

	if (cr4 & X86_CR4_PGE) {
		native_write_cr4(cr4 & ~X86_CR4_PGE);
		native_write_cr4(cr4);
	} else {
		native_write_cr3(native_read_cr3());
	}
}

static inline void native_load_cr3(pfn_t pud_pfn)
{
	native_write_cr3(pud_pfn << PAGE_SHIFT);
}

#endif
