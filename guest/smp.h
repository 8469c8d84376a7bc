/*
 * Several CPUs: which are online, bringing the others up, and the two things CPUs ask of
 * each other (a reschedule, a function call). The backend starts a CPU and carries the
 * interrupt (pv_cpu->cpu_start, ->send_ipi: LAPIC INIT-SIPI-SIPI and the ICR natively,
 * VCPUOP_initialise/up and event channels under Xen); everything else is here.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "guest/x86/percpu.h"

typedef struct {
	u32 bits;
} cpumask_t;
_Static_assert(NR_CPUS <= 32, "cpumask_t is one word");

static inline bool cpumask_test(const cpumask_t *m, unsigned cpu)
{
	return m->bits & (1u << cpu);
}

static inline unsigned cpumask_weight(const cpumask_t *m)
{
	unsigned n = 0;

	for (u32 b = m->bits; b; b &= b - 1) /* no popcnt on i686 */
		n++;
	return n;
}

#define for_each_cpu(cpu, mask)                                                                    \
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)                                               \
		if (cpumask_test(mask, cpu))

/* CPUs running the kernel (the boot CPU from the start; others once smp_boot brings them). */
extern cpumask_t cpu_online_mask;
extern unsigned nr_cpus_online;
#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_mask)

/* What a CPU asks of another by interrupt. */
enum ipi_kind {
	IPI_RESCHEDULE,	   /* a thread of yours became runnable */
	IPI_CALL_FUNCTION, /* run the function posted for you (smp_call_function_many) */
	IPI_NR
};

/* This CPU's per-CPU basics, first thing on every CPU (the boot CPU: at its entry). */
void smp_cpu_local_init(unsigned cpu);

/*
 * Bring up the CPUs the platform offers, up to NR_CPUS and the cpus= option, after the
 * scheduler runs on the boot CPU. A CPU that does not come up is reported and skipped.
 * Prints "cpu: N of M vCPUs up" (or CPUs natively).
 */
void smp_boot(unsigned max_cpus);

/* The first C code on an application processor: the backend's entry calls it once the CPU
 * runs on the kernel's page tables with its %fs, traps and interrupt controller set up. */
void smp_ap_start(unsigned cpu) __noreturn;

/* The backend calls this (in interrupt context) when IPI @kind arrives on this CPU. */
void smp_ipi_received(enum ipi_kind kind);

/* Make @cpu look at its run queue: a flag here, an IPI there. */
void resched_cpu(unsigned cpu);

/*
 * Run @fn(@arg) on every CPU of @mask except this one, by IPI, and return once all have run
 * it. May be called with interrupts off: while it waits it runs calls posted to this CPU, so
 * two CPUs calling each other do not deadlock. Counts IPIs sent and acknowledged.
 */
void smp_call_function_many(const cpumask_t *mask, void (*fn)(void *arg), void *arg);

/* Every online CPU but this one. */
cpumask_t cpu_others_mask(void);

/* IPIs sent and acknowledgements received by smp_call_function_many and resched_cpu, over
 * all CPUs (the native shootdown's cost in interrupts; tests count them). */
u64 smp_ipis_sent(void);
u64 smp_ipis_acked(void);

#endif
