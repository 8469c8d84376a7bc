/*
 * The MMU operations table: the only way anything outside pv/ changes a page-table entry,
 * CR3 or the TLB. One backend per platform (pv/native, pv/xen) fills it in; every call goes
 * through a wrapper here that counts it per CPU, so each workload's MMU cost is visible
 * operation by operation and the same code runs against either backend.
 */
#ifndef PV_OPS_H
#define PV_OPS_H

#include "pv/pte.h"
#include "pv/pat.h"
#include "pv/native/inline.h"
#include "pv/branch.h"
#include "pv/cpu_ops.h"
#include "guest/x86/cpu.h"
#include "guest/x86/percpu.h"
#include "guest/smp.h"

/* flush_tlb_multi's address for "every non-global entry... and global ones": everything. */
#define FLUSH_ALL_ADDRESSES 0xffffffffu

/* Counted operations, in report order. */
enum pv_op {
	PV_SET_PTE,	/* write an L1 entry */
	PV_SET_PTE_VA,	/* write the L1 entry that maps a known address */
	PV_PTE_CLEAR,	/* zero an L1 entry */
	PV_SET_PMD,	/* write an L2 entry */
	PV_SET_PUD,	/* write an L3 (PDPT) entry */
	PV_FLUSH_ONE,	/* invalidate one address in this CPU's TLB */
	PV_FLUSH_LOCAL, /* this CPU's non-global TLB entries */
	PV_FLUSH_ALL,	/* the whole TLB, global entries too */
	PV_LOAD_CR3,	/* switch to another page-table tree */
	PV_PIN,		/* pin a page-table tree (Xen validates it once) */
	PV_UNPIN,	/* unpin it */
	PV_LAZY_ENTER,	/* start batching updates */
	PV_LAZY_LEAVE,	/* issue the batch and stop batching */
	PV_ALLOC_TABLE, /* turn a frame into an empty page table */
	PV_FLUSH_MULTI, /* invalidate one address or everything on a set of CPUs */
	PV_OP_NR
};

struct pv_counts;

/* Which backend runs: for code that must know (tests, reports), never read from a capability. */
enum pv_backend_kind { PV_BACKEND_NATIVE, PV_BACKEND_XEN };

struct pv_mmu_ops {
	const char *name;
	enum pv_backend_kind kind;
	/* How entries are written: "n/a" natively, the pvmmu= strategy under Xen. */
	const char *strategy;
	/* Entry updates one issued batch of a lazy section holds; 1 when each goes alone. */
	unsigned updates_per_batch;
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
	/* Memory types an entry may carry (PCM_BIT()s; WB always), and when that is not every
	 * type, why not, in a phrase for error lines ("Xen refuses ..."). */
	u32 cache_modes;
	const char *cache_modes_why;
	/* What finding cache_modes cost at boot, in operations and backend events (Xen: its
	 * probing update_va_mapping); NULL when nothing was probed. */
	const struct pv_counts *cache_modes_probe_cost;
	/* L2 entries may map 2 MiB (PSE): natively with CPUID.PSE; never under Xen PV. When
	 * they may not, why not, in a phrase for the boot report ("Xen PV has no ..."). */
	bool large_pages;
	const char *large_pages_why;
	/*
	 * After a memory-type change of [@va, @va + @len), mapped there: no cache line of it
	 * left, where the caches could keep lines of the old type (a CPU that does not snoop
	 * its own caches, CPUID.1:EDX.SS clear: Linux's cpa flush). Counts
	 * PV_EV_CACHE_FLUSH_PAGES. NULL when nothing is needed: a self-snooping CPU, Xen PV
	 * (WB only).
	 */
	void (*flush_cache_range)(u32 va, u32 len);

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
	/*
	 * A shootdown: flush @vaddr (or everything: FLUSH_ALL_ADDRESSES, global entries too) on
	 * every CPU in @mask, this one included when it is in @mask, and return when all are
	 * done. Xen: one MMUEXT_*_MULTI hypercall whatever the number of CPUs; natively IPIs to
	 * the others and a wait for their acknowledgements (as Linux's flush_tlb_multi).
	 */
	void (*flush_tlb_multi)(const cpumask_t *mask, u32 vaddr);
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

extern const struct pv_mmu_ops *pv_mmu;

/*
 * Per-CPU counters, written only by their own CPU, so no lock on the fast path. An operation
 * adds one to its 32-bit pending count (one instruction); pv_counters_fold() moves pending
 * counts into the 64-bit totals on every tick and whenever the counts are read, long before
 * 32 bits could wrap.
 */
struct pv_counters {
	u64 count[PV_OP_NR];
	u64 cycles[PV_OP_NR];
	u32 pending[PV_OP_NR];
};

DECLARE_PER_CPU(struct pv_counters, pv_counters);
/* Whether cycles[] is filled (make OP_CYCLES=1); counts always are, unless COUNTERS=0. */
extern const bool pv_op_cycles_measured;
extern const char *const pv_op_names[PV_OP_NR];

/* Move this CPU's pending counts into its totals: on each tick, and before counts are read. */
void pv_counters_fold(void);
/* Sum of @op's count over all CPUs: what tests compare before and after a workload. */
u64 pv_count(enum pv_op op);

/*
 * What a paravirtual backend counts besides the MMU operations: entries into the hypervisor
 * by hypercall (a multicall is one; calls inside it are counted as calls by the backend, not
 * here) and the entries and extended operations those carried. Native backends count none.
 */
enum pv_event {
	PV_EV_MMU_UPDATE,
	PV_EV_UPDATE_VA_MAPPING,
	PV_EV_MMUEXT_OP,
	PV_EV_MULTICALL,
	PV_EV_EVTCHN_OP,
	PV_EV_SCHED_OP,
	PV_EV_SET_TIMER_OP,
	PV_EV_XEN_VERSION,
	PV_EV_CONSOLE_IO,
	PV_EV_MEMORY_OP,
	PV_EV_VCPU_OP,
	PV_EV_CALLBACK_OP,
	PV_EV_PAGE_UPDATES,	 /* entries written by mmu_update and update_va_mapping */
	PV_EV_MMUEXT_OPS,	 /* extended operations carried by mmuext_op */
	PV_EV_IPIS_SENT,	 /* cross-CPU calls sent by IPI (guest/smp.c), any backend */
	PV_EV_IPIS_ACKED,	 /* ...and acknowledged by their targets */
	PV_EV_SPLITS,		 /* 2 MiB direct-map entries split into 512 (mm/directmap.c) */
	PV_EV_MERGES,		 /* ...and 512 entries merged back into one */
	PV_EV_CACHE_FLUSH_PAGES, /* pages flushed from the caches after a memory-type change */
	PV_EV_NR
};
extern const char *const pv_event_names[PV_EV_NR];

/* Every operation's and backend event's count at one moment, summed over CPUs. */
struct pv_counts {
	u64 op[PV_OP_NR];
	u64 ev[PV_EV_NR];
};

void pv_counts_snapshot(struct pv_counts *s);
/* Count one PV_EV_SPLITS, _MERGES or _CACHE_FLUSH_PAGES on this CPU: events the kernel counts
 * itself. */
void pv_count_kernel_event(enum pv_event ev);
/* What happened since @before: @delta = now - @before. */
void pv_counts_since(const struct pv_counts *before, struct pv_counts *delta);

static inline void pv_count_op(enum pv_op op, unsigned n)
{
#ifndef PVKMAP_NO_COUNTERS
	if (!__builtin_constant_p(n) || n) /* a folded flush that is not one costs nothing */
		this_cpu_add(pv_counters.pending[op], n);
#else
	(void)op, (void)n;
#endif
}

/*
 * Count one operation, then run it natively inline (pv/branch.h) or through the backend's
 * table. With
 * make OP_CYCLES=1 each is also timed (two TSC reads: dear next to a native PTE write).
 */
#ifdef PVKMAP_OP_CYCLES
#define PV_OP(op, native_call, backend_call)                                                       \
	do {                                                                                       \
		u64 t0_ = rdtsc();                                                                 \
		pv_count_op(op, 1);                                                                \
		if (pv_is_native())                                                                \
			native_call;                                                               \
		else                                                                               \
			backend_call;                                                              \
		this_cpu_ptr(pv_counters)->cycles[op] += rdtsc() - t0_;                            \
	} while (0)
#else
#define PV_OP(op, native_call, backend_call)                                                       \
	do {                                                                                       \
		pv_count_op(op, 1);                                                                \
		if (pv_is_native())                                                                \
			native_call;                                                               \
		else                                                                               \
			backend_call;                                                              \
	} while (0)
#endif

/* An operation that always goes through the backend's table. */
#define PV_BACKEND_OP(op, call) PV_OP(op, call, call)

/*
 * The backend's side of the hottest operations, out of line and cold: an inline indirect
 * call with a 64-bit argument would take registers from the native path around it. Entries
 * travel as u64, which goes in registers, where a pte_t would go through the stack.
 */
u64 pv_backend_pfn_to_frame(u64 pfn) __attribute__((cold));
void pv_backend_set_pte(pte_t *ptep, u64 val) __attribute__((cold));
void pv_backend_set_pte_va(u32 vaddr, pte_t *ptep, u64 val, bool flush) __attribute__((cold));
void pv_backend_lazy_flush(void) __attribute__((cold));

static inline u64 pv_pfn_to_frame(u64 pfn)
{
	return pv_is_native() ? pfn : pv_backend_pfn_to_frame(pfn);
}

static inline u64 pv_frame_to_pfn(u64 frame)
{
	return pv_is_native() ? frame : pv_mmu->frame_to_pfn(frame);
}

static inline void pv_set_pte(pte_t *ptep, pte_t pte)
{
	PV_OP(PV_SET_PTE, native_set_pte(ptep, pte), pv_backend_set_pte(ptep, pte.val));
}

/* A folded flush is still a flush: counted, its time included in the update's. */
static inline void pv_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush)
{
	pv_count_op(PV_FLUSH_ONE, flush);
	PV_OP(PV_SET_PTE_VA, native_set_pte_va(vaddr, ptep, pte, flush),
	      pv_backend_set_pte_va(vaddr, ptep, pte.val, flush));
}

static inline void pv_pte_clear(pte_t *ptep)
{
	PV_OP(PV_PTE_CLEAR, native_pte_clear(ptep), pv_mmu->pte_clear(ptep));
}

static inline void pv_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	PV_OP(PV_SET_PMD, native_set_pmd(pmdp, pmd), pv_mmu->set_pmd(pmdp, pmd));
}

static inline void pv_set_pud(pud_t *pudp, pud_t pud)
{
	PV_BACKEND_OP(PV_SET_PUD, pv_mmu->set_pud(pudp, pud)); /* rare: no inline version */
}

static inline void pv_flush_tlb_one(u32 vaddr)
{
	PV_OP(PV_FLUSH_ONE, native_flush_tlb_one(vaddr), pv_mmu->flush_tlb_one(vaddr));
}

static inline void pv_flush_tlb_local(void)
{
	PV_OP(PV_FLUSH_LOCAL, native_flush_tlb_local(), pv_mmu->flush_tlb_local());
}

static inline void pv_flush_tlb_all(void)
{
	PV_OP(PV_FLUSH_ALL, native_flush_tlb_all(), pv_mmu->flush_tlb_all());
}

static inline void pv_flush_tlb_multi(const cpumask_t *mask, u32 vaddr)
{
	PV_BACKEND_OP(PV_FLUSH_MULTI, pv_mmu->flush_tlb_multi(mask, vaddr));
}

static inline void pv_load_cr3(pfn_t pud_pfn)
{
	PV_OP(PV_LOAD_CR3, native_load_cr3(pud_pfn), pv_mmu->load_cr3(pud_pfn));
}

/* Natively pinning and lazy sections do nothing; they are still counted. */
static inline void pv_pin_table(pfn_t pud_pfn)
{
	PV_OP(PV_PIN, (void)0, pv_mmu->pin_table(pud_pfn));
}

static inline void pv_unpin_table(pfn_t pud_pfn)
{
	PV_OP(PV_UNPIN, (void)0, pv_mmu->unpin_table(pud_pfn));
}

static inline void pv_lazy_enter(void)
{
	PV_OP(PV_LAZY_ENTER, (void)0, pv_mmu->lazy_enter());
}

static inline void pv_lazy_leave(void)
{
	PV_OP(PV_LAZY_LEAVE, (void)0, pv_mmu->lazy_leave());
}

static inline void pv_alloc_table(pfn_t pfn)
{
	PV_BACKEND_OP(PV_ALLOC_TABLE, pv_mmu->alloc_table(pfn));
}

/* Not counted itself: the hypercalls it issues are. */
static inline void pv_lazy_flush(void)
{
	if (!pv_is_native())
		pv_backend_lazy_flush();
}

#endif
