/* Counting wrappers around the active backend's MMU operations. */
#include "pv/ops.h"
#include "guest/x86/cpu.h"
#include "guest/x86/percpu.h"
#include "guest/irqflags.h"
#include "guest/panic.h"

const struct pv_mmu_ops *pv_mmu;
const struct pv_cpu_ops *pv_cpu;
DEFINE_PER_CPU(struct pv_counters, pv_counters);

const char *const pv_op_names[PV_OP_NR] = {
    [PV_SET_PTE] = "set_pte",
    [PV_SET_PTE_VA] = "set_pte_va",
    [PV_PTE_CLEAR] = "pte_clear",
    [PV_SET_PMD] = "set_pmd",
    [PV_SET_PUD] = "set_pud",
    [PV_FLUSH_ONE] = "flush_tlb_one",
    [PV_FLUSH_LOCAL] = "flush_tlb_local",
    [PV_FLUSH_ALL] = "flush_tlb_all",
    [PV_LOAD_CR3] = "load_cr3",
    [PV_PIN] = "pin_table",
    [PV_UNPIN] = "unpin_table",
    [PV_LAZY_ENTER] = "lazy_mmu_enter",
    [PV_LAZY_LEAVE] = "lazy_mmu_leave",
    [PV_ALLOC_TABLE] = "alloc_table",
    [PV_FLUSH_MULTI] = "flush_tlb_multi",
};

const bool pv_op_cycles_measured =
#ifdef PVKMAP_OP_CYCLES
    true;
#else
    false;
#endif

u64 pv_backend_pfn_to_frame(u64 pfn)
{
	return pv_mmu->pfn_to_frame(pfn);
}

void pv_backend_set_pte(pte_t *ptep, u64 val)
{
	pv_mmu->set_pte(ptep, (pte_t){val});
}

void pv_backend_set_pte_va(u32 vaddr, pte_t *ptep, u64 val, bool flush)
{
	pv_mmu->set_pte_va(vaddr, ptep, (pte_t){val}, flush);
}

void pv_backend_lazy_flush(void)
{
	pv_mmu->lazy_flush();
}

/* Interrupts off: a tick's fold must not interleave with this one on the same CPU. */
void pv_counters_fold(void)
{
	struct pv_counters *c = this_cpu_ptr(pv_counters);
	unsigned long flags = pv_cpu ? local_irq_save() : 0;

	for (unsigned op = 0; op < PV_OP_NR; op++) {
		c->count[op] += c->pending[op];
		c->pending[op] = 0;
	}
	if (pv_cpu)
		local_irq_restore(flags);
}

const char *const pv_event_names[PV_EV_NR] = {
    [PV_EV_MMU_UPDATE] = "mmu_update",
    [PV_EV_UPDATE_VA_MAPPING] = "update_va_mapping",
    [PV_EV_MMUEXT_OP] = "mmuext_op",
    [PV_EV_MULTICALL] = "multicall",
    [PV_EV_EVTCHN_OP] = "event_channel_op",
    [PV_EV_SCHED_OP] = "sched_op",
    [PV_EV_SET_TIMER_OP] = "set_timer_op",
    [PV_EV_XEN_VERSION] = "xen_version",
    [PV_EV_CONSOLE_IO] = "console_io",
    [PV_EV_MEMORY_OP] = "memory_op",
    [PV_EV_VCPU_OP] = "vcpu_op",
    [PV_EV_CALLBACK_OP] = "callback_op",
    [PV_EV_PAGE_UPDATES] = "page_updates",
    [PV_EV_MMUEXT_OPS] = "mmuext_ops",
    [PV_EV_IPIS_SENT] = "ipis_sent",
    [PV_EV_IPIS_ACKED] = "ipis_acked",
    [PV_EV_SPLITS] = "splits",
    [PV_EV_MERGES] = "merges",
    [PV_EV_CACHE_FLUSH_PAGES] = "cache_flush_pages",
};

/* The events after the IPIs are counted by the kernel, per CPU, whatever the backend. */
#define KERNEL_EV_FIRST PV_EV_SPLITS
static DEFINE_PER_CPU(u64, kernel_events[PV_EV_NR - KERNEL_EV_FIRST]);

void pv_count_kernel_event(enum pv_event ev)
{
	BUG_ON(ev < KERNEL_EV_FIRST || ev >= PV_EV_NR);
	(*this_cpu_ptr(kernel_events))[ev - KERNEL_EV_FIRST]++;
}

/* @op over all CPUs; this CPU's pending count already folded by the caller. */
static u64 sum_op(enum pv_op op)
{
	u64 sum = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		sum += per_cpu(pv_counters, cpu).count[op] + per_cpu(pv_counters, cpu).pending[op];
	return sum;
}

void pv_counts_snapshot(struct pv_counts *s)
{
	pv_counters_fold();
	for (unsigned op = 0; op < PV_OP_NR; op++)
		s->op[op] = sum_op(op);
	for (unsigned ev = 0; ev < PV_EV_IPIS_SENT; ev++)
		s->ev[ev] = pv_cpu && pv_cpu->backend_count ? pv_cpu->backend_count(ev) : 0;
	s->ev[PV_EV_IPIS_SENT] = smp_ipis_sent();
	s->ev[PV_EV_IPIS_ACKED] = smp_ipis_acked();
	for (unsigned ev = KERNEL_EV_FIRST; ev < PV_EV_NR; ev++) {
		s->ev[ev] = 0;
		for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
			s->ev[ev] += per_cpu(kernel_events, cpu)[ev - KERNEL_EV_FIRST];
	}
}

void pv_counts_since(const struct pv_counts *before, struct pv_counts *delta)
{
	pv_counts_snapshot(delta);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		delta->op[op] -= before->op[op];
	for (unsigned ev = 0; ev < PV_EV_NR; ev++)
		delta->ev[ev] -= before->ev[ev];
}

u64 pv_count(enum pv_op op)
{
	pv_counters_fold();
	return sum_op(op);
}
