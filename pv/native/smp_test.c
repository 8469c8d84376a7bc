/*
 * Self-tests of native SMP: every other CPU runs with its own per-CPU segment, task register
 * and APIC ID, takes both kinds of IPI, and ticks on its own LAPIC timer.
 */
#include "pv/native/native.h"
#include "pv/native/lapic.h"
#include "guest/ktest.h"
#include "guest/platform.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/x86/cpu.h"
#include "pv/cpu_ops.h"

static DEFINE_PER_CPU(u32, seen_token);
static DEFINE_PER_CPU(u32, seen_fs);
static DEFINE_PER_CPU(u32, seen_tr);
static DEFINE_PER_CPU(u32, seen_apic_id);

static const char *not_native_smp(void)
{
	if (platform == PLATFORM_XEN_PV)
		return "not native";
	return nr_cpus_online > 1 ? NULL : "one CPU online";
}

/* Runs on another CPU, from its IPI: what it is, through its own %fs. */
static void record_self(void *token)
{
	u32 fs, tr = 0;

	__asm__ volatile("mov %%fs, %0" : "=r"(fs));
	__asm__ volatile("str %w0" : "+r"(tr));
	this_cpu_write(seen_token, (u32)(uintptr_t)token);
	this_cpu_write(seen_fs, fs & 0xffff);
	this_cpu_write(seen_tr, tr & 0xffff);
	this_cpu_write(seen_apic_id, lapic_id());
}

static void every_cpu_runs_a_call_on_its_own_segments(struct ktest *t)
{
	cpumask_t others = cpu_others_mask();
	u32 token = 0x5eed0000 + (u32)jiffies;
	u64 sent = smp_ipis_sent(), acked = smp_ipis_acked();
	unsigned n = cpumask_weight(&others);

	smp_call_function_many(&others, record_self, (void *)(uintptr_t)token);
	KT_EXPECT_EQ(t, smp_ipis_sent() - sent, n);
	KT_EXPECT_EQ(t, smp_ipis_acked() - acked, n);
	for_each_cpu(cpu, &others)
	{
		/* Written through that CPU's %fs, read here at its copy's address. */
		KT_EXPECT_EQ(t, per_cpu(seen_token, cpu), token);
		KT_EXPECT_EQ(t, per_cpu(seen_fs, cpu), PERCPU_DS);
		KT_EXPECT_EQ(t, per_cpu(seen_tr, cpu), TSS_SEL);
		KT_EXPECT_EQ(t, per_cpu(seen_apic_id, cpu), native_cpu_apic_id(cpu));
	}
	/* And not through this CPU's copy (CPU 0's, unless testcpus=all runs this elsewhere). */
	KT_EXPECT(t, this_cpu_read(seen_token) != token);
}

static void note_cpu(void *where)
{
	*(volatile u32 *)where = smp_processor_id();
}

/* Each thread wakes on its CPU by a reschedule IPI; its exit wakes this one by another. */
static void a_thread_on_each_cpu_runs_there(struct ktest *t)
{
	static u32 ran_on[NR_CPUS];
	struct thread *threads[NR_CPUS] = {0};

	for_each_online_cpu(cpu)
	{
		ran_on[cpu] = ~0u;
		threads[cpu] = thread_create_on("on-cpu", note_cpu, &ran_on[cpu], cpu);
		KT_EXPECT(t, threads[cpu] != NULL);
	}
	for_each_online_cpu(cpu)
	{
		if (threads[cpu])
			thread_join(threads[cpu]);
		KT_EXPECT_EQ(t, ran_on[cpu], cpu);
	}
}

/* Ticks are counted per CPU: each online CPU's own timer moves its own count. */
static void every_cpu_ticks_on_its_own_timer(struct ktest *t)
{
	u32 before[NR_CPUS];
	u64 start = jiffies;

	for_each_online_cpu(cpu)
	{
		before[cpu] = per_cpu(native_ticks, cpu);
	}
	/* pause too: under QEMU's round-robin -icount a vCPU spinning on yield() alone kept the
	 * next vCPU from running (its ticks stopped); TCG takes pause as "run another". */
	while (*(volatile u64 *)&jiffies - start < 20) {
		yield();
		cpu_relax();
	}
	for_each_online_cpu(cpu)
	{
		u32 after = *(volatile u32 *)&per_cpu(native_ticks, cpu);

		ktest_check(t, after != before[cpu], __FILE__, __LINE__,
			    "cpu %u: no tick in 20 of cpu 0's (%u before and after)", cpu, after);
	}
}

KTEST_SUITE_IF(native_smp, not_native_smp, KTEST_CASE(every_cpu_runs_a_call_on_its_own_segments),
	       KTEST_CASE(a_thread_on_each_cpu_runs_there),
	       KTEST_CASE(every_cpu_ticks_on_its_own_timer));
