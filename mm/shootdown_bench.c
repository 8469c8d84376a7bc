/*
 * What several CPUs cost: a shootdown of one kernel page and of everything on every online
 * CPU (natively IPIs and a wait for the acknowledgements, under Xen one MMUEXT_*_MULTI), and
 * a kmap or kmap_local pair here while every other CPU maps and unmaps as fast as it can
 * (kmap's lock is shared, kmap_local's slots are per CPU). make run repeats these at 1, 2,
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

/* The other CPUs' load: threads mapping their own highmem page until told to stop. */
static struct thread *loaders[NR_CPUS];
static struct page *load_pages[NR_CPUS], *mine;
static volatile bool stop_load;

static void kmap_loop(void *arg)
{
	struct page *p = arg;

	while (!stop_load) {
		kmap(p);
		kunmap(p);
	}
}

static void kmap_local_loop(void *arg)
{
	struct page *p = arg;

	while (!stop_load)
		kunmap_local(kmap_local_page(p));
}

static void start_load(void (*fn)(void *))
{
	stop_load = false;
	mine = alloc_page(GFP_HIGHMEM);
	if (!mine)
		panic("bench: no page to map");
	for_each_online_cpu(cpu)
	{
		if (cpu == smp_processor_id())
			continue;
		load_pages[cpu] = alloc_page(GFP_HIGHMEM);
		if (!load_pages[cpu])
			panic("bench: no page for cpu %u's load", cpu);
		loaders[cpu] = thread_create_on("bench-load", fn, load_pages[cpu], cpu);
		if (!loaders[cpu])
			panic("bench: no thread for cpu %u's load", cpu);
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

static void kmap_load_setup(void)
{
	start_load(kmap_loop);
}

static void kmap_local_load_setup(void)
{
	start_load(kmap_local_loop);
}

static void kmap_pair(void)
{
	kmap(mine);
	kunmap(mine);
}

static void kmap_local_pair(void)
{
	kunmap_local(kmap_local_page(mine));
}

BENCH(kmap_pair_all_cpus_mapping, 1, kmap_load_setup, kmap_pair, stop_loaders);
BENCH(kmap_local_pair_all_cpus_mapping, 1, kmap_local_load_setup, kmap_local_pair, stop_loaders);
