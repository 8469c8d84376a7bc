/*
 * What several CPUs cost: a shootdown of one kernel page and of everything on every online
 * CPU (natively IPIs and a wait for the acknowledgements, under Xen one MMUEXT_*_MULTI), and
 * kmap or kmap_local pairs on every CPU at once (kmap's lock is shared, kmap_local's slots
 * are per CPU). make run repeats these at 1, 2,
 * 4 and 8 CPUs. Under TCG with -icount the vCPUs take turns on one host thread: a CPU that
 * waits for another spins until QEMU switches, and those instructions are in the figure.
 */
#include "guest/bench.h"
#include "mm/bench_scratch.h"
#include "guest/panic.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "pv/ops.h"

static struct page *scratch;

void bench_scratch_map(void)
{
	u32 va = fix_to_virt(FIX_SCRATCH);

	scratch = alloc_page(GFP_KERNEL);
	if (!scratch)
		panic("bench: no page for the scratch slot");
	pv_set_pte_va(va, lookup_pte(va), pfn_pte(page_to_pfn(scratch), PAGE_KERNEL), true);
}

void bench_scratch_unmap(void)
{
	u32 va = fix_to_virt(FIX_SCRATCH);

	pv_pte_clear(lookup_pte(va));
	pv_flush_tlb_one(va);
	__free_pages(scratch, 0);
}

static void shoot_page(void)
{
	flush_tlb_kernel_page(fix_to_virt(FIX_SCRATCH));
}

static void shoot_all(void)
{
	flush_tlb_kernel_all();
}

BENCH(shootdown_page, 1, bench_scratch_map, shoot_page, bench_scratch_unmap);
BENCH(shootdown_all, 1, NULL, shoot_all, NULL);

/*
 * Every CPU mapping at once: one iteration is a round in which each online CPU does
 * ROUND_PAIRS kmap (or kmap_local) pairs of its own page, this one included, and the round
 * ends when all are done; the figure is per pair on each CPU. kmap's pairs share one lock
 * (its page stays mapped, so the lock and the hash lookup are all a pair costs); kmap_local's
 * slots are per CPU. On hardware a pair that scales stays flat as CPUs are added; under
 * -icount the TSC counts every vCPU's instructions, so a perfectly scaling pair grows with
 * the CPU count and contention shows as growth beyond that (kmap against kmap_local).
 */
#define ROUND_PAIRS 16

static struct thread *loaders[NR_CPUS];
static struct page *load_pages[NR_CPUS], *mine;
static void (*round_pair)(struct page *);
static volatile bool stop_load;
static volatile u32 round_seq, round_done;
static unsigned nr_loaders;

static void kmap_pair(struct page *p)
{
	kmap(p);
	kunmap(p);
}

static void kmap_local_pair(struct page *p)
{
	kunmap_local(kmap_local_page(p));
}

static void loader(void *arg)
{
	struct page *p = arg;
	u32 seen = 0;

	while (!stop_load) {
		u32 r = __atomic_load_n(&round_seq, __ATOMIC_ACQUIRE);

		if (r == seen) {
			cpu_relax(); /* under -icount, lets the other vCPUs run */
			continue;
		}
		seen = r;
		for (unsigned k = 0; k < ROUND_PAIRS; k++)
			round_pair(p);
		__atomic_add_fetch(&round_done, 1, __ATOMIC_RELEASE);
	}
}

static void start_loaders(void (*pair)(struct page *))
{
	round_pair = pair;
	stop_load = false;
	round_seq = round_done = 0;
	nr_loaders = 0;
	mine = alloc_page(GFP_HIGHMEM);
	if (!mine)
		panic("bench: no page to map");
	pair(mine); /* kmap: the page is mapped from here on */
	for_each_online_cpu(cpu)
	{
		if (cpu == smp_processor_id())
			continue;
		load_pages[cpu] = alloc_page(GFP_HIGHMEM);
		if (!load_pages[cpu])
			panic("bench: no page for cpu %u's load", cpu);
		pair(load_pages[cpu]);
		loaders[cpu] = thread_create_on("bench-load", loader, load_pages[cpu], cpu);
		if (!loaders[cpu])
			panic("bench: no thread for cpu %u's load", cpu);
		nr_loaders++;
	}
}

static void stop_loaders(void)
{
	stop_load = true;
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!loaders[cpu])
			continue;
		thread_join(loaders[cpu]);
		__free_pages(load_pages[cpu], 0);
		loaders[cpu] = NULL;
	}
	__free_pages(mine, 0);
	kmap_flush_unused();
}

static void kmap_round_setup(void)
{
	start_loaders(kmap_pair);
}

static void kmap_local_round_setup(void)
{
	start_loaders(kmap_local_pair);
}

/* One round: start it, do this CPU's share, wait for the others'. */
static void round(void)
{
	u32 done = round_done;

	__atomic_add_fetch(&round_seq, 1, __ATOMIC_RELEASE);
	for (unsigned k = 0; k < ROUND_PAIRS; k++)
		round_pair(mine);
	while (__atomic_load_n(&round_done, __ATOMIC_ACQUIRE) - done < nr_loaders)
		cpu_relax();
}

BENCH(kmap_pair_all_cpus_mapping, ROUND_PAIRS, kmap_round_setup, round, stop_loaders);
BENCH(kmap_local_pair_all_cpus_mapping, ROUND_PAIRS, kmap_local_round_setup, round, stop_loaders);
