/*
 * The exact operation counts behind every benchmark: the benchmarks report times, and these
 * assert what each iteration does (PTE writes, flushes, and under Xen the MMU hypercalls).
 */
#include "guest/bench.h"
#include "guest/cmdline.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/string.h"
#include "mm/highmem.h"
#include "mm/zone.h"
#include "pv/ops.h"

#define ITERS 8

struct want {
	const char *bench;
	u32 set_pte, set_pte_va, flush_one, flush_all, load_cr3, lazy_sections;
};

/* Per iteration. Lazy sections hold set_pte updates; the rest is set_pte_va (flush folded). */
static const struct want wants[] = {
	{ "remap_pte_and_flush", 0, 1, 1, 0, 0, 0 },
	{ "lazy_mmu_1_updates", 1, 0, 0, 0, 0, 1 },
	{ "lazy_mmu_8_updates", 8, 0, 0, 0, 0, 1 },
	{ "lazy_mmu_32_updates", 32, 0, 0, 0, 0, 1 },
	{ "lazy_mmu_128_updates", 128, 0, 0, 0, 0, 1 },
	{ "lazy_mmu_512_updates", 512, 0, 0, 0, 0, 1 },
	{ "kmap_atomic_strict", 0, 2, 1, 0, 0, 0 },
	{ "kmap_atomic_lazy", 0, 1, 1, 0, 0, 0 },
	{ "kmap_atomic_nested4", 0, 8, 4, 0, 0, 0 },
	{ "kmap_already_mapped", 0, 0, 0, 0, 0, 0 },
	{ "kmap_local_pair", 0, 2, 1, 0, 0, 0 },
	{ "kmap_local_across_switch", 0, 4, 2, 0, 0, 0 },
	{ "copy_highpage", 0, 4, 2, 0, 0, 0 },
	{ "clear_highpage", 0, 2, 1, 0, 0, 0 },
	{ "flush_tlb_all", 0, 0, 0, 1, 0, 0 },
	{ "load_cr3", 0, 0, 0, 0, 1, 0 },
	/* addrspace_create_pin_destroy_64: mm/addrspace_test.c asserts its costs. */
};

/* The backend's count called @name now (0 when it has none: natively). */
static u64 backend_count(const char *name)
{
	u64 vals[16];
	const char *names[16];
	unsigned n = pv_cpu->backend_counts ? pv_cpu->backend_counts(vals, names, 16) : 0;

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return vals[i];
	return 0;
}

static void check(struct ktest *t, const struct want *w)
{
	const struct bench *b = bench_find(w->bench);
	u64 before[PV_OP_NR], uvm, mmu, ext, mc;
	u64 want_uvm = 0, want_mmu = 0, want_ext = 0;
	bool writable = pv_mmu->tables_readonly && boot_options.pvmmu == PVMMU_WRITABLE;

	if (!ktest_check(t, b != NULL, __FILE__, __LINE__, "no benchmark %s", w->bench))
		return;
	if (b->setup)
		b->setup();
	b->run(); /* warm: the first kmap of a page may wrap */
	for (unsigned op = 0; op < PV_OP_NR; op++)
		before[op] = pv_count(op);
	uvm = backend_count("update_va_mapping");
	mmu = backend_count("mmu_update");
	ext = backend_count("mmuext_op");
	mc = backend_count("multicall");
	tick_preempts = false; /* a tick switching to the peer would add a teardown/re-install */
	for (unsigned i = 0; i < ITERS; i++)
		b->run();
	tick_preempts = true;
	ktest_check(t, pv_count(PV_SET_PTE) - before[PV_SET_PTE] == (u64)ITERS * w->set_pte,
		    __FILE__, __LINE__, "%s: %llu set_pte, want %u per iteration", w->bench,
		    pv_count(PV_SET_PTE) - before[PV_SET_PTE], w->set_pte);
	ktest_check(t, pv_count(PV_SET_PTE_VA) - before[PV_SET_PTE_VA] == (u64)ITERS * w->set_pte_va,
		    __FILE__, __LINE__, "%s: %llu set_pte_va, want %u per iteration", w->bench,
		    pv_count(PV_SET_PTE_VA) - before[PV_SET_PTE_VA], w->set_pte_va);
	ktest_check(t, pv_count(PV_FLUSH_ONE) - before[PV_FLUSH_ONE] == (u64)ITERS * w->flush_one,
		    __FILE__, __LINE__, "%s: %llu flush_tlb_one, want %u", w->bench,
		    pv_count(PV_FLUSH_ONE) - before[PV_FLUSH_ONE], w->flush_one);
	KT_EXPECT_EQ(t, pv_count(PV_FLUSH_ALL) - before[PV_FLUSH_ALL], (u64)ITERS * w->flush_all);
	KT_EXPECT_EQ(t, pv_count(PV_LOAD_CR3) - before[PV_LOAD_CR3], (u64)ITERS * w->load_cr3);
	KT_EXPECT_EQ(t, pv_count(PV_PTE_CLEAR) - before[PV_PTE_CLEAR], 0);
	if (pv_mmu->tables_readonly) {
		/* Xen: a set_pte_va is one update_va_mapping (a store and, to flush, an INVLPG
		 * with writable tables); a lazy section's updates one batch, or one each. */
		want_uvm = writable ? 0 : w->set_pte_va;
		want_ext = (writable ? w->flush_one : 0) + w->flush_all + w->load_cr3;
		want_mmu = writable || !w->set_pte ? 0
			   : boot_options.pvmmu == PVMMU_BATCHED ? (w->set_pte + 511) / 512
								  : w->set_pte;
		ktest_check(t, backend_count("update_va_mapping") - uvm == ITERS * want_uvm,
			    __FILE__, __LINE__, "%s: %llu update_va_mapping, want %llu per iteration",
			    w->bench, backend_count("update_va_mapping") - uvm, want_uvm);
		ktest_check(t, backend_count("mmu_update") + backend_count("multicall") - mmu - mc ==
				       ITERS * want_mmu,
			    __FILE__, __LINE__, "%s: %llu mmu_update/multicall, want %llu", w->bench,
			    backend_count("mmu_update") + backend_count("multicall") - mmu - mc,
			    want_mmu);
		ktest_check(t, backend_count("mmuext_op") - ext == ITERS * want_ext, __FILE__,
			    __LINE__, "%s: %llu mmuext_op, want %llu", w->bench,
			    backend_count("mmuext_op") - ext, want_ext);
	}
	if (b->teardown)
		b->teardown();
}

static void every_benchmark_costs_what_the_table_says(struct ktest *t)
{
	for (unsigned i = 0; i < ARRAY_SIZE(wants); i++)
		check(t, &wants[i]);
	kt_info("%u benchmarks, %u iterations each", (unsigned)ARRAY_SIZE(wants), ITERS);
}

/* The kmap benchmarks need pages that take slots: highmem (they turn force-map off). */
static const char *too_little_highmem(void)
{
	return zones[ZONE_HIGHMEM].free_pages > 1024 ? NULL :
						      "fewer free highmem pages than the pool (1024)";
}

KTEST_SUITE_IF(bench_counts, too_little_highmem, KTEST_CASE(every_benchmark_costs_what_the_table_says));
