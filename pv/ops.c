/* Counting wrappers around the active backend's MMU operations. */
#include "pv/ops.h"
#include "guest/cpu.h"
#include "guest/percpu.h"

const struct pv_mmu_ops *pv_mmu;
const struct pv_cpu_ops *pv_cpu;
struct pv_counters pv_counters[NR_CPUS];

const char *const pv_op_names[PV_OP_NR] = {
	[PV_SET_PTE] = "set_pte",	      [PV_SET_PTE_VA] = "set_pte_va",
	[PV_PTE_CLEAR] = "pte_clear",	      [PV_SET_PMD] = "set_pmd",
	[PV_SET_PUD] = "set_pud",	      [PV_FLUSH_ONE] = "flush_tlb_one",
	[PV_FLUSH_LOCAL] = "flush_tlb_local", [PV_FLUSH_ALL] = "flush_tlb_all",
	[PV_LOAD_CR3] = "load_cr3",	      [PV_PIN] = "pin_table",
	[PV_UNPIN] = "unpin_table",	      [PV_LAZY_ENTER] = "lazy_mmu_enter",
	[PV_LAZY_LEAVE] = "lazy_mmu_leave",     [PV_ALLOC_TABLE] = "alloc_table",
};

#if defined(PVKMAP_NO_COUNTERS)
#define COUNTED(op, call) call
#elif defined(PVKMAP_OP_CYCLES)
/* Count and time one call (make OP_CYCLES=1): two TSC reads per operation. */
#define COUNTED(op, call)                                                   \
	do {                                                                \
		struct pv_counters *c = &pv_counters[smp_processor_id()];   \
		u64 t0 = rdtsc();                                           \
		call;                                                       \
		c->cycles[op] += rdtsc() - t0;                              \
		c->count[op]++;                                             \
	} while (0)
#else
/*
 * Count one call: a per-CPU increment, two instructions, made before the call so the
 * wrapper stays a tail call. Timing every operation too would cost more than a native PTE
 * write itself; the benchmarks time operations instead.
 */
#define COUNTED(op, call)                                                   \
	do {                                                                \
		pv_counters[smp_processor_id()].count[op]++;                \
		call;                                                       \
	} while (0)
#endif

const bool pv_op_cycles_measured =
#ifdef PVKMAP_OP_CYCLES
	true;
#else
	false;
#endif

void pv_set_pte(pte_t *ptep, pte_t pte)
{
	COUNTED(PV_SET_PTE, pv_mmu->set_pte(ptep, pte));
}

void pv_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush)
{
#ifndef PVKMAP_NO_COUNTERS
	/* A folded flush is still a flush: counted, its time included in the update's. */
	pv_counters[smp_processor_id()].count[PV_FLUSH_ONE] += flush;
#endif
	COUNTED(PV_SET_PTE_VA, pv_mmu->set_pte_va(vaddr, ptep, pte, flush));
}

void pv_pte_clear(pte_t *ptep)
{
	COUNTED(PV_PTE_CLEAR, pv_mmu->pte_clear(ptep));
}

void pv_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	COUNTED(PV_SET_PMD, pv_mmu->set_pmd(pmdp, pmd));
}

void pv_set_pud(pud_t *pudp, pud_t pud)
{
	COUNTED(PV_SET_PUD, pv_mmu->set_pud(pudp, pud));
}

void pv_flush_tlb_one(u32 vaddr)
{
	COUNTED(PV_FLUSH_ONE, pv_mmu->flush_tlb_one(vaddr));
}

void pv_flush_tlb_local(void)
{
	COUNTED(PV_FLUSH_LOCAL, pv_mmu->flush_tlb_local());
}

void pv_flush_tlb_all(void)
{
	COUNTED(PV_FLUSH_ALL, pv_mmu->flush_tlb_all());
}

void pv_load_cr3(pfn_t pud_pfn)
{
	COUNTED(PV_LOAD_CR3, pv_mmu->load_cr3(pud_pfn));
}

void pv_pin_table(pfn_t pud_pfn)
{
	COUNTED(PV_PIN, pv_mmu->pin_table(pud_pfn));
}

void pv_unpin_table(pfn_t pud_pfn)
{
	COUNTED(PV_UNPIN, pv_mmu->unpin_table(pud_pfn));
}

void pv_lazy_enter(void)
{
	COUNTED(PV_LAZY_ENTER, pv_mmu->lazy_enter());
}

void pv_lazy_leave(void)
{
	COUNTED(PV_LAZY_LEAVE, pv_mmu->lazy_leave());
}

void pv_alloc_table(pfn_t pfn)
{
	COUNTED(PV_ALLOC_TABLE, pv_mmu->alloc_table(pfn));
}

u64 pv_count(enum pv_op op)
{
	u64 sum = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		sum += pv_counters[cpu].count[op];
	return sum;
}
