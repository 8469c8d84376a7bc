/*
 * The exact operation counts behind every benchmark: the benchmarks report times, and these
 * assert what each iteration does (PTE writes, flushes, and under Xen the MMU hypercalls).
 */
#include "guest/bench.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/lib/string.h"
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
    {"remap_pte_and_flush", 0, 1, 1, 0, 0, 0},	  {"lazy_mmu_1_updates", 1, 0, 0, 0, 0, 1},
    {"lazy_mmu_8_updates", 8, 0, 0, 0, 0, 1},	  {"lazy_mmu_32_updates", 32, 0, 0, 0, 0, 1},
    {"lazy_mmu_128_updates", 128, 0, 0, 0, 0, 1}, {"lazy_mmu_512_updates", 512, 0, 0, 0, 0, 1},
    {"kmap_atomic_strict", 0, 2, 1, 0, 0, 0},	  {"kmap_atomic_lazy", 0, 1, 1, 0, 0, 0},
    {"kmap_atomic_nested4", 0, 8, 4, 0, 0, 0},	  {"kmap_already_mapped", 0, 0, 0, 0, 0, 0},
    {"kmap_local_pair", 0, 2, 1, 0, 0, 0},	  {"kmap_local_across_switch", 0, 4, 2, 0, 0, 0},
    {"copy_highpage", 0, 4, 2, 0, 0, 0},	  {"clear_highpage", 0, 2, 1, 0, 0, 0},
    {"flush_tlb_all", 0, 0, 0, 1, 0, 0},	  {"load_cr3", 0, 0, 0, 0, 1, 0},
    /* addrspace_create_pin_destroy_64: mm/addrspace_test.c asserts its costs. */
};

static void check(struct ktest *t, const struct want *w)
{
	const struct bench *b = bench_find(w->bench);
	bool xen = pv_mmu->kind == PV_BACKEND_XEN;
	bool stores = xen && pv_mmu->l1_writes_emulated; /* L1 entries are trapped stores */
	u64 want_uvm = 0, want_mmu = 0, want_ext = 0;
	struct pv_counts before, d;

	if (!ktest_check(t, b != NULL, __FILE__, __LINE__, "no benchmark %s", w->bench))
		return;
	if (b->setup)
		b->setup();
	b->run(); /* warm: the first kmap of a page may wrap */
	pv_counts_snapshot(&before);
	tick_preempts = false; /* a tick switching to the peer would add a teardown/re-install */
	for (unsigned i = 0; i < ITERS; i++)
		b->run();
	tick_preempts = true;
	pv_counts_since(&before, &d);
	ktest_check(t, d.op[PV_SET_PTE] == (u64)ITERS * w->set_pte, __FILE__, __LINE__,
		    "%s: %llu set_pte, want %u per iteration", w->bench, d.op[PV_SET_PTE],
		    w->set_pte);
	ktest_check(t, d.op[PV_SET_PTE_VA] == (u64)ITERS * w->set_pte_va, __FILE__, __LINE__,
		    "%s: %llu set_pte_va, want %u per iteration", w->bench, d.op[PV_SET_PTE_VA],
		    w->set_pte_va);
	ktest_check(t, d.op[PV_FLUSH_ONE] == (u64)ITERS * w->flush_one, __FILE__, __LINE__,
		    "%s: %llu flush_tlb_one, want %u", w->bench, d.op[PV_FLUSH_ONE], w->flush_one);
	KT_EXPECT_EQ(t, d.op[PV_FLUSH_ALL], (u64)ITERS * w->flush_all);
	KT_EXPECT_EQ(t, d.op[PV_LOAD_CR3], (u64)ITERS * w->load_cr3);
	KT_EXPECT_EQ(t, d.op[PV_PTE_CLEAR], 0);
	if (xen) {
		/* A set_pte_va is one update_va_mapping (a store and, to flush, an INVLPG with
		 * writable tables); a lazy section's updates are batches, or one each. */
		unsigned per = pv_mmu->updates_per_batch;

		want_uvm = stores ? 0 : w->set_pte_va;
		want_ext = (stores ? w->flush_one : 0) + w->flush_all + w->load_cr3;
		want_mmu = stores || !w->set_pte ? 0 : (w->set_pte + per - 1) / per;
	}
	/* Natively every backend event stays 0: these hold there too. */
	ktest_check(t, d.ev[PV_EV_UPDATE_VA_MAPPING] == ITERS * want_uvm, __FILE__, __LINE__,
		    "%s: %llu update_va_mapping, want %llu per iteration", w->bench,
		    d.ev[PV_EV_UPDATE_VA_MAPPING], want_uvm);
	ktest_check(t, d.ev[PV_EV_MMU_UPDATE] + d.ev[PV_EV_MULTICALL] == ITERS * want_mmu, __FILE__,
		    __LINE__, "%s: %llu mmu_update/multicall, want %llu", w->bench,
		    d.ev[PV_EV_MMU_UPDATE] + d.ev[PV_EV_MULTICALL], want_mmu);
	ktest_check(t, d.ev[PV_EV_MMUEXT_OP] == ITERS * want_ext, __FILE__, __LINE__,
		    "%s: %llu mmuext_op, want %llu", w->bench, d.ev[PV_EV_MMUEXT_OP], want_ext);
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
	return zones[ZONE_HIGHMEM].free_pages > 1024
		   ? NULL
		   : "fewer free highmem pages than the pool (1024)";
}

KTEST_SUITE_IF(bench_counts, too_little_highmem,
	       KTEST_CASE(every_benchmark_costs_what_the_table_says));
