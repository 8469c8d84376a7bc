/*
 * The MMU operations table: the only way anything outside pv/ changes a page-table entry,
 * CR3 or the TLB. One backend per platform (pv/native, pv/xen) fills it in; every call goes
 * through a wrapper here that counts it per CPU, so each workload's MMU cost is visible
 * operation by operation and the same code runs against either backend.
 */
#ifndef PV_OPS_H
#define PV_OPS_H

#include "pv/pte.h"

/* Counted operations, in report order. */
enum pv_op {
	PV_SET_PTE,	  /* write an L1 entry */
	PV_SET_PTE_VA,	  /* write the L1 entry that maps a known address */
	PV_PTE_CLEAR,	  /* zero an L1 entry */
	PV_SET_PMD,	  /* write an L2 entry */
	PV_SET_PUD,	  /* write an L3 (PDPT) entry */
	PV_FLUSH_ONE,	  /* invalidate one address in this CPU's TLB */
	PV_FLUSH_LOCAL,	  /* this CPU's non-global TLB entries */
	PV_FLUSH_ALL,	  /* the whole TLB, global entries too */
	PV_LOAD_CR3,	  /* switch to another page-table tree */
	PV_PIN,		  /* pin a page-table tree (Xen validates it once) */
	PV_UNPIN,	  /* unpin it */
	PV_LAZY_ENTER,	  /* start batching updates */
	PV_LAZY_LEAVE,	  /* issue the batch and stop batching */
	PV_ALLOC_TABLE,	  /* turn a frame into an empty page table */
	PV_OP_NR
};

struct pv_mmu_ops {
	const char *name;
	/* Frame conversion for entries: identity natively, p2m/m2p under Xen. */
	u64 (*pfn_to_frame)(u64 pfn);
	u64 (*frame_to_pfn)(u64 frame);
	/* Entry bits this platform accepts; constructors mask with it. */
	u64 prot_mask;
	/* Page-table frames must have no writable mapping anywhere (Xen's rule). */
	bool tables_readonly;
	/* ...but a store to a live L1 table is trapped and emulated (Xen's writable tables). */
	bool l1_writes_emulated;
	/* Every PDPT needs its own copy of the kernel's page directory (Xen's PAE rule). */
	bool unshared_kernel_pmd;

	/* Zero frame @pfn, which is about to become a page table; it may not be mapped. */
	void (*alloc_table)(pfn_t pfn);
	void (*set_pte)(pte_t *ptep, pte_t pte);
	/* @ptep maps @vaddr; with @flush, @vaddr's TLB entry is invalidated in the same step. */
	void (*set_pte_va)(u32 vaddr, pte_t *ptep, pte_t pte, bool flush);
	void (*pte_clear)(pte_t *ptep);
	void (*set_pmd)(pmd_t *pmdp, pmd_t pmd);
	void (*set_pud)(pud_t *pudp, pud_t pud);
	void (*flush_tlb_one)(u32 vaddr);
	void (*flush_tlb_local)(void);
	void (*flush_tlb_all)(void);
	/* @pud_pfn is the frame of a PDPT below 4 GiB. */
	void (*load_cr3)(pfn_t pud_pfn);
	void (*pin_table)(pfn_t pud_pfn);
	void (*unpin_table)(pfn_t pud_pfn);
	void (*lazy_enter)(void);
	void (*lazy_leave)(void);
	/* Issue what a lazy section has queued so far, staying in it (before handing out an
	 * address whose mapping may still be queued). */
	void (*lazy_flush)(void);
};

/* What irq_save() returns when interrupts (events) were enabled. */
#define PV_IRQS_ENABLED 1ul

/* Platform operations that are not MMU operations but still differ per backend. */
struct pv_cpu_ops {
	const char *name;
	/* Disable interrupts (events); returns PV_IRQS_ENABLED if they were on, else 0. */
	unsigned long (*irq_save)(void);
	/* Re-enable them if @flags says they were on. */
	void (*irq_restore)(unsigned long flags);
	/* The faulting address of the last page fault. */
	u32 (*read_cr2)(void);
	/* Stop this VM with a verdict; halts forever where there is no way to stop. */
	void (*shutdown)(bool success) __noreturn;
	/* Enable interrupts and wait for one (the idle loop); returns with them enabled. */
	void (*idle_halt)(void);
	/* Call @tick every @period_ns nanoseconds, in interrupt context. */
	void (*timer_start)(void (*tick)(void), u64 period_ns);
	/*
	 * Optional: the backend's own event counts now (Xen: hypercalls issued, by kind, and
	 * page updates), up to @max into @vals with their @names; returns how many.
	 */
	unsigned (*backend_counts)(u64 *vals, const char **names, unsigned max);
	/* Optional: the backend's own counters, as JSON members and as a table. */
	void (*counters_json)(void);
	void (*counters_table)(void);
};

extern const struct pv_mmu_ops *pv_mmu;
extern const struct pv_cpu_ops *pv_cpu;

/* Per-CPU counters: written only by their own CPU, so no lock on the fast path. */
struct pv_counters {
	u64 count[PV_OP_NR];
	u64 cycles[PV_OP_NR];
};

extern struct pv_counters pv_counters[];
/* Whether cycles[] is filled (make OP_CYCLES=1); counts always are, unless COUNTERS=0. */
extern const bool pv_op_cycles_measured;
extern const char *const pv_op_names[PV_OP_NR];

void pv_set_pte(pte_t *ptep, pte_t pte);
void pv_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush);
void pv_pte_clear(pte_t *ptep);
void pv_set_pmd(pmd_t *pmdp, pmd_t pmd);
void pv_set_pud(pud_t *pudp, pud_t pud);
void pv_flush_tlb_one(u32 vaddr);
void pv_flush_tlb_local(void);
void pv_flush_tlb_all(void);
void pv_load_cr3(pfn_t pud_pfn);
void pv_pin_table(pfn_t pud_pfn);
void pv_unpin_table(pfn_t pud_pfn);
void pv_lazy_enter(void);
void pv_lazy_leave(void);
void pv_alloc_table(pfn_t pfn);
/* Not counted itself: the hypercalls it issues are. */
static inline void pv_lazy_flush(void)
{
	pv_mmu->lazy_flush();
}

/* Sum of @op's count over all CPUs: what tests compare before and after a workload. */
u64 pv_count(enum pv_op op);

#endif
