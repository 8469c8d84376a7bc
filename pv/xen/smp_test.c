/* Self-tests of the Xen PV secondary vCPUs: per-CPU segments, IPIs, timers, event routing. */
#include "pv/xen/hypercall.h"
#include "guest/irqflags.h"
#include "guest/ktest.h"
#include "guest/platform.h"
#include "guest/sched.h"
#include "guest/smp.h"

static const char *not_xen_smp(void)
{
	if (platform != PLATFORM_XEN_PV)
		return "not a Xen PV guest";
	return nr_cpus_online < 2 ? "one vCPU online" : NULL;
}

static DEFINE_PER_CPU(u32, smp_test_mark);
static u32 calls_seen[NR_CPUS];

static void mark_this_cpu(void *arg)
{
	this_cpu_write(smp_test_mark, (u32)(uintptr_t)arg);
	__atomic_add_fetch(&calls_seen[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

/*
 * A call-function IPI reaches every other vCPU once, and each writes its own copy of a
 * per-CPU variable: no two vCPUs share a %fs base, and this one's copy stays untouched.
 */
static void xen_smp_call_reaches_each_vcpu_copy(struct ktest *t)
{
	cpumask_t others = cpu_others_mask();
	unsigned self = smp_processor_id();
	u32 token = 0x5eed0000 + nr_cpus_online;
	u64 sent = smp_ipis_sent(), acked = smp_ipis_acked();
	unsigned targets = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		per_cpu(smp_test_mark, cpu) = 0;
		calls_seen[cpu] = 0;
	}
	smp_call_function_many(&others, mark_this_cpu, (void *)(uintptr_t)token);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		bool target = cpumask_test(&others, cpu);

		KT_EXPECT_EQ(t, per_cpu(smp_test_mark, cpu), target ? token : 0);
		KT_EXPECT_EQ(t, calls_seen[cpu], target ? 1 : 0);
		targets += target;
	}
	KT_EXPECT_EQ(t, per_cpu(smp_test_mark, self), 0);
	KT_EXPECT_EQ(t, targets, nr_cpus_online - 1);
	KT_EXPECT_EQ(t, smp_ipis_sent() - sent, targets);
	KT_EXPECT_EQ(t, smp_ipis_acked() - acked, targets);
}

struct where {
	unsigned cpu;
	bool own_vcpu_info;
};

static void note_where(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	w->own_vcpu_info = this_cpu_read(xen_vcpu) == &xen_shared_info->vcpu_info[w->cpu];
}

static void nothing(void *arg)
{
	(void)arg;
}

/*
 * Return once @t, dead, is off its CPU: that CPU takes a call-function IPI only with events
 * unmasked, after switching away. thread_join() frees the stack as soon as the thread is
 * dead, while its CPU may still be in schedule() on it (and will write its saved %esp).
 */
static void wait_switched_away(struct thread *t)
{
	cpumask_t where = {1u << t->cpu};

	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD)
		yield();
	smp_call_function_many(&where, nothing, NULL);
}

/*
 * A thread created for another vCPU runs there (a resched IPI wakes it) with that vCPU's
 * vcpu_info, and its exit wakes the joiner here (an IPI back).
 */
static void xen_smp_threads_run_on_their_vcpu(struct ktest *t)
{
	struct where w[NR_CPUS] = {0};
	struct thread *th[NR_CPUS] = {0};

	for_each_online_cpu(cpu)
	{
		th[cpu] = thread_create_on("smp-where", note_where, &w[cpu], cpu);
	}
	for_each_online_cpu(cpu)
	{
		if (!KT_EXPECT(t, th[cpu] != NULL))
			continue;
		if (cpu != smp_processor_id())
			wait_switched_away(th[cpu]);
		thread_join(th[cpu]);
		KT_EXPECT_EQ(t, w[cpu].cpu, cpu);
		KT_EXPECT(t, w[cpu].own_vcpu_info);
	}
}

/* @cpu's set_timer_op calls so far (a torn read of the 64-bit count only errs upwards). */
static u64 timer_rearms(unsigned cpu)
{
	return *(volatile u64 *)&xen_counters[cpu].calls[__HYPERVISOR_set_timer_op];
}

/* Every vCPU re-arms its own single-shot timer on each of its ticks (timer.c). */
static void xen_smp_every_vcpu_ticks(struct ktest *t)
{
	u64 before[NR_CPUS], end = jiffies + 10;

	for_each_online_cpu(cpu)
	{
		before[cpu] = timer_rearms(cpu);
	}
	while (jiffies < end)
		yield();
	for_each_online_cpu(cpu)
	{
		if (!KT_EXPECT(t, timer_rearms(cpu) > before[cpu]))
			kt_info("cpu %u: no timer re-armed in 10 ticks of cpu 0", cpu);
	}
}

static unsigned port_hits, port_hit_cpu;
static struct evtchn_bind_interdomain loop_bind;

static void count_port_hit(unsigned port)
{
	(void)port;
	port_hit_cpu = smp_processor_id();
	__atomic_add_fetch(&port_hits, 1, __ATOMIC_RELEASE);
}

static void send_loop_port(void *arg)
{
	(void)arg;
	xen_evtchn_send(loop_bind.local_port);
}

/*
 * An interdomain port notifies vCPU 0 whoever sends on it: sent from another vCPU, its
 * handler runs on vCPU 0, once (that vCPU's upcall leaves the port alone).
 */
static void xen_smp_port_runs_on_the_vcpu_xen_notifies(struct ktest *t)
{
	struct evtchn_alloc_unbound alloc = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	cpumask_t one = {0};
	u64 end;

	if (smp_processor_id() != 0) {
		ktest_skip(t, "the test does not run on vCPU 0");
		return;
	}
	one.bits = cpu_others_mask().bits & -cpu_others_mask().bits; /* the lowest other vCPU */
	xen_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	loop_bind =
	    (struct evtchn_bind_interdomain){.remote_dom = DOMID_SELF, .remote_port = alloc.port};
	xen_event_channel_op(EVTCHNOP_bind_interdomain, &loop_bind);
	port_hits = 0;
	port_hit_cpu = ~0u;
	xen_evtchn_bind(alloc.port, 0, count_port_hit);
	smp_call_function_many(&one, send_loop_port, NULL);
	for (end = jiffies + 10; !__atomic_load_n(&port_hits, __ATOMIC_ACQUIRE) && jiffies < end;)
		yield();
	KT_EXPECT_EQ(t, port_hits, 1);
	KT_EXPECT_EQ(t, port_hit_cpu, 0);
	xen_evtchn_unbind(loop_bind.local_port);
	xen_evtchn_unbind(alloc.port);
}

KTEST_SUITE_IF(xen_smp, not_xen_smp, KTEST_CASE(xen_smp_call_reaches_each_vcpu_copy),
	       KTEST_CASE(xen_smp_threads_run_on_their_vcpu), KTEST_CASE(xen_smp_every_vcpu_ticks),
	       KTEST_CASE(xen_smp_port_runs_on_the_vcpu_xen_notifies));
