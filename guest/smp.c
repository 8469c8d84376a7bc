/*
 * Bringing up the other CPUs, and what CPUs ask of each other. The backend starts a CPU and
 * carries interrupts between them; the protocol for a cross-CPU call is here: each CPU has
 * one slot a caller posts a request into (compare-and-swap, so callers to one CPU take
 * turns), then an IPI; the target runs the request and acknowledges it. A CPU waiting for
 * a slot or for acknowledgements runs what was posted to itself meanwhile, so it may wait
 * with interrupts off without deadlocking against a CPU that is waiting for it.
 */
#include "guest/smp.h"
#include "guest/irqflags.h"
#include "guest/panic.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/sched.h"
#include "guest/x86/cpu.h"
#include "mm/gfp.h"
#include "pv/cpu_ops.h"

DEFINE_PER_CPU(u32, cpu_number);
cpumask_t cpu_online_mask = {1};
unsigned nr_cpus_online = 1;

struct call_request {
	void (*fn)(void *arg);
	void *arg;
	u32 pending; /* targets that have not acknowledged yet */
};

static struct call_request *posted[NR_CPUS];
static u64 ipis_sent[NR_CPUS], ipis_acked[NR_CPUS];

void smp_cpu_local_init(unsigned cpu)
{
	per_cpu(cpu_number, cpu) = cpu;
	per_cpu(__preempt_count, cpu) = PREEMPT_NEED_RESCHED; /* no switch due */
}

cpumask_t cpu_others_mask(void)
{
	cpumask_t m = cpu_online_mask;

	m.bits &= ~(1u << smp_processor_id());
	return m;
}

/* Run the request posted to this CPU, if any, and acknowledge it. Interrupts are off. */
static void run_posted_call(void)
{
	unsigned cpu = smp_processor_id();
	struct call_request *r = __atomic_load_n(&posted[cpu], __ATOMIC_ACQUIRE);

	if (!r)
		return;
	r->fn(r->arg);
	__atomic_store_n(&posted[cpu], NULL, __ATOMIC_RELEASE);
	ipis_acked[cpu]++;
	__atomic_fetch_sub(&r->pending, 1, __ATOMIC_RELEASE); /* @r may be gone after this */
}

void smp_call_function_many(const cpumask_t *mask, void (*fn)(void *arg), void *arg)
{
	struct call_request r = {fn, arg, 0};
	unsigned long flags = local_irq_save();
	unsigned self = smp_processor_id();

	for_each_cpu(cpu, mask) if (cpu != self && cpumask_test(&cpu_online_mask, cpu)) r.pending++;
	for_each_cpu(cpu, mask)
	{
		struct call_request *none = NULL;

		if (cpu == self || !cpumask_test(&cpu_online_mask, cpu))
			continue;
		while (!__atomic_compare_exchange_n(&posted[cpu], &none, &r, false,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			none = NULL;
			run_posted_call();
			cpu_relax();
		}
		ipis_sent[self]++;
		pv_cpu->send_ipi(cpu, IPI_CALL_FUNCTION);
	}
	while (__atomic_load_n(&r.pending, __ATOMIC_ACQUIRE)) {
		run_posted_call();
		cpu_relax();
	}
	local_irq_restore(flags);
}

void resched_cpu(unsigned cpu)
{
	if (cpu == smp_processor_id()) {
		set_need_resched();
	} else if (cpumask_test(&cpu_online_mask, cpu)) {
		pv_cpu->send_ipi(cpu, IPI_RESCHEDULE);
	}
}

void smp_ipi_received(enum ipi_kind kind)
{
	switch (kind) {
	case IPI_RESCHEDULE:
		set_need_resched(); /* acted on when the interrupt returns */
		break;
	case IPI_CALL_FUNCTION:
		run_posted_call();
		break;
	default:
		pr_warn("smp: IPI of unknown kind %u on cpu %u: ignored\n", kind,
			smp_processor_id());
	}
}

static u64 sum(const u64 *per_cpu_counts)
{
	u64 s = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		s += ((const volatile u64 *)per_cpu_counts)[cpu]; /* read when the CPUs are quiet */
	return s;
}

u64 smp_ipis_sent(void)
{
	return sum(ipis_sent);
}

u64 smp_ipis_acked(void)
{
	return sum(ipis_acked);
}

void smp_ap_start(unsigned cpu)
{
	if (cpu != smp_processor_id())
		panic("smp: cpu %u started with the per-CPU data of cpu %u", cpu,
		      smp_processor_id());
	sched_init_ap();
	__atomic_or_fetch(&cpu_online_mask.bits, 1u << cpu, __ATOMIC_RELEASE);
	__atomic_add_fetch(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	sched_idle(); /* this boot thread is the CPU's idle thread from here on */
}

static bool cpu_online(unsigned cpu)
{
	return __atomic_load_n(&cpu_online_mask.bits, __ATOMIC_ACQUIRE) & (1u << cpu);
}

/* Wait up to @ticks timer ticks of this CPU for @cpu to say it is up. */
static bool wait_for_cpu(unsigned cpu, u64 ticks)
{
	u64 end = jiffies + ticks;

	while (!cpu_online(cpu) && jiffies < end)
		yield();
	return cpu_online(cpu);
}

void smp_boot(unsigned max_cpus)
{
	const char *what = platform == PLATFORM_XEN_PV ? "vCPUs" : "CPUs";
	unsigned offered = pv_cpu->cpus_offered ? pv_cpu->cpus_offered() : 1;
	unsigned wanted = offered, offline = 0;

	if (!offered) {
		cprintf("cpu: 1 CPU used (the firmware describes none)\n");
		return;
	}
	if (wanted > NR_CPUS) {
		pr_warn("cpu: %u %s offered, %u used (NR_CPUS)\n", offered, what, NR_CPUS);
		wanted = NR_CPUS;
	}
	if (max_cpus && wanted > max_cpus)
		wanted = max_cpus;
	if (wanted > 1 && !pv_cpu->cpu_start) {
		cprintf("cpu: 1 of %u %s up (backend %s starts no CPUs)\n", offered, what,
			pv_cpu->name);
		return;
	}
	for (unsigned cpu = 1; cpu < wanted; cpu++) {
		u32 stack_top = sched_prepare_ap(cpu);
		int rc;

		if (!stack_top) {
			pr_err("cpu: no memory for cpu %u's stack: not started\n", cpu);
			continue;
		}
		smp_cpu_local_init(cpu);
		per_cpu(__preempt_count, cpu) += PREEMPT_OFFSET; /* until its scheduler runs */
		rc = pv_cpu->cpu_start(cpu, stack_top);
		if (rc > 0)
			offline++;
		else if (rc == 0 && !wait_for_cpu(cpu, 300)) /* rc < 0: the backend said why */
			pr_err("cpu: cpu %u did not come up within 3 s: left out\n", cpu);
	}
	cprintf("cpu: %u of %u %s up", nr_cpus_online, wanted - offline, what);
	if (offline)
		cprintf(" (%u more offline by the platform)", offline);
	if (wanted < offered)
		cprintf(" (%u offered)", offered);
	cprintf("\n");
}
