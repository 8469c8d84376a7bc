/*
 * The exact operation counts of one iteration of each linear-map benchmark
 * (mm/linear_map_bench.c): every MMU operation, the splits and merges, the IPIs and, under
 * Xen, the hypercalls and page updates, on any CPU count and either direct-map page size.
 * The figures are the set_memory and vmap suites' for the same calls: natively
 * set_memory_uc of 1/16/512 pages of a 2 MiB entry is 513/528/1024 set_pte and one split,
 * the 512-page one merging into one UC entry, and set_memory_wb merges back.
 */
#include "guest/bench.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/directmap.h"
#include "mm/kmap_local.h"
#include "mm/linear_map_bench.h"
#include "mm/pagealloc_debug.h"
#include "mm/vmalloc.h"
#include "pv/ops.h"

#define ITERS 4
#define REGION_PAGES 512

/* One iteration's counts: operations, and the backend events this test checks. */
struct lm_want {
	u64 op[PV_OP_NR];
	u64 splits, merges, ipis, l1_hcalls, page_updates, mmuext, uvm;
};

static bool is_xen(void)
{
	return pv_mmu->kind == PV_BACKEND_XEN;
}

/* A lazy section writing @k L1 entries (direct map or vmap: the kernel's own L1 tables). */
static void lazy_l1(struct lm_want *w, u64 k)
{
	w->op[PV_LAZY_ENTER]++;
	w->op[PV_LAZY_LEAVE]++;
	if (!is_xen() || pv_mmu->l1_writes_emulated || !k)
		return; /* natively, or Xen's writable tables: the kernel's L1s take stores */
	w->page_updates += k;
	w->l1_hcalls += (k + pv_mmu->updates_per_batch - 1) / pv_mmu->updates_per_batch;
}

/* One shootdown of every online CPU (mm/tlbflush.c) after @entries changed entries. */
static void shootdown(struct lm_want *w, u32 entries)
{
	unsigned cpus = nr_cpus_online;
	enum pv_op local = entries == 1 ? PV_FLUSH_ONE : PV_FLUSH_ALL;

	if (cpus > 1)
		w->op[PV_FLUSH_MULTI]++;
	if (is_xen()) {
		w->op[local] += cpus == 1; /* one MMUEXT_*_MULTI flushes every vCPU */
		w->mmuext++;
	} else {
		w->op[local] += cpus;
		w->ipis += cpus - 1;
	}
}

/* A 2 MiB entry split into a table of 512 (natively only: Xen has no 2 MiB entries). */
static void split(struct lm_want *w)
{
	w->op[PV_SET_PTE] += REGION_PAGES;
	w->op[PV_SET_PMD]++;
	w->op[PV_ALLOC_TABLE]++;
	w->splits++;
	shootdown(w, REGION_PAGES);
}

static void merge(struct lm_want *w)
{
	w->op[PV_SET_PMD]++;
	w->merges++;
	shootdown(w, REGION_PAGES);
}

/* Both directions of set_memory_uc/wc + wb of @n pages from the block's start. */
static void want_set_memory(struct lm_want *w, u32 n)
{
	bool large = !directmap_4k_only_why(), whole = n == REGION_PAGES;

	for (unsigned dir = 0; dir < 2; dir++) {
		/* The type splits the 2 MiB entry; back to WB, a merged UC entry splits again. */
		if (large && (dir == 0 || whole))
			split(w);
		w->op[PV_SET_PTE] += n;
		lazy_l1(w, n);
		shootdown(w, n);
		/* 512 pages of one type merge (UC, then WB); fewer merge when back to WB. */
		if (large && (whole || dir == 1))
			merge(w);
	}
}

static void want_kernel_map_pages(struct lm_want *w, u32 n)
{
	bool large = !directmap_4k_only_why();

	if (large)
		split(w);
	w->op[PV_PTE_CLEAR] += n;
	lazy_l1(w, n);
	shootdown(w, n);
	w->op[PV_SET_PTE] += n; /* a cleared entry is not cached: no flush */
	lazy_l1(w, n);
	if (large)
		merge(w);
}

/* With pagealloc_debug on, a lowmem page is mapped on allocation and unmapped on its free. */
static void want_page_alloc_free(struct lm_want *w, u32 n)
{
	(void)n;
	if (!pagealloc_debug)
		return;
	w->op[PV_SET_PTE]++;
	lazy_l1(w, 1);
	w->op[PV_PTE_CLEAR]++;
	lazy_l1(w, 1);
	shootdown(w, 1);
}

static void want_vmap(struct lm_want *w, u32 n)
{
	w->op[PV_SET_PTE] += n; /* into empty entries: no flush */
	lazy_l1(w, n);
	w->op[PV_PTE_CLEAR] += n;
	lazy_l1(w, n);
	shootdown(w, n);
	if (n > VMAP_INLINE_PFNS)
		want_page_alloc_free(w, 1); /* the page that keeps the area's frames */
}

/*
 * The typed pool from highmem (mm/typed_pool.h): the frames' type set with nothing mapping
 * them (an empty lazy section; without self-snoop each page's lines flushed through
 * FIX_CACHE_FLUSH: mapped, then cleared with a folded flush), the vmap; on free the vunmap and the
 * frames WB again the same way.
 */
static void want_pool(struct lm_want *w, u32 n)
{
	for (unsigned dir = 0; dir < 2; dir++) {
		lazy_l1(w, 0);
		if (pv_mmu->flush_cache_range) {
			w->op[PV_SET_PTE_VA] += 2 * n;
			w->op[PV_FLUSH_ONE] += n;
		}
	}
	want_vmap(w, n);
}

struct lm_case {
	const char *bench;
	void (*want)(struct lm_want *w, u32 n);
	u32 n;
	enum page_cache_mode type; /* PCM_WB: needs no type */
	bool uses_block;	   /* changes the 2 MiB block linear_map_bench_va() names */
};

static const struct lm_case cases[] = {
    {"set_memory_uc_wb_1", want_set_memory, 1, PCM_UC, true},
    {"set_memory_uc_wb_16", want_set_memory, 16, PCM_UC, true},
    {"set_memory_uc_wb_512", want_set_memory, 512, PCM_UC, true},
    {"set_memory_wc_wb_1", want_set_memory, 1, PCM_WC, true},
    {"set_memory_wc_wb_16", want_set_memory, 16, PCM_WC, true},
    {"set_memory_wc_wb_512", want_set_memory, 512, PCM_WC, true},
    {"kernel_map_pages_1", want_kernel_map_pages, 1, PCM_WB, true},
    {"kernel_map_pages_16", want_kernel_map_pages, 16, PCM_WB, true},
    {"kernel_map_pages_512", want_kernel_map_pages, 512, PCM_WB, true},
    {"vmap_vunmap_1", want_vmap, 1, PCM_WB, false},
    {"vmap_vunmap_16", want_vmap, 16, PCM_WB, false},
    {"vmap_vunmap_512", want_vmap, 512, PCM_WB, false},
    {"page_alloc_free", want_page_alloc_free, 1, PCM_WB, false},
    {"pool_uc_free_1", want_pool, 1, PCM_UC, false},
    {"pool_uc_free_16", want_pool, 16, PCM_UC, false},
    {"pool_uc_free_512", want_pool, 512, PCM_UC, false},
    {"pool_wc_free_1", want_pool, 1, PCM_WC, false},
    {"pool_wc_free_16", want_pool, 16, PCM_WC, false},
    {"pool_wc_free_512", want_pool, 512, PCM_WC, false},
};

#define CHECK_COUNT(t, c, what, got, want)                                                         \
	ktest_check(t, (got) == ITERS * (want), __FILE__, __LINE__,                                \
		    "%s: %llu %s in %u iterations, want %llu per iteration", (c)->bench,           \
		    (unsigned long long)(got), what, ITERS, (unsigned long long)(want))

static void check(struct ktest *t, const struct lm_case *c)
{
	const struct bench *b = bench_find(c->bench);
	struct lm_want w = {0};
	struct pv_counts before, d;
	const char *why;

	if (!ktest_check(t, b != NULL, __FILE__, __LINE__, "no benchmark %s", c->bench))
		return;
	why = bench_unavailable(b);
	if (c->type != PCM_WB && !(pv_mmu->cache_modes & PCM_BIT(c->type))) {
		/* Refused before anything changes; the skip line gives the backend's reason. */
		ktest_check(t, why && !strcmp(why, pv_mmu->cache_modes_why), __FILE__, __LINE__,
			    "%s: unavailable because '%s', want '%s'", c->bench,
			    why ? why : "(null)", pv_mmu->cache_modes_why);
		return;
	}
	if (why && c->want == want_pool && !strncmp(why, "no free highmem", 15)) {
		/* A guest without such a block: the typed_pool suite covers the units instead. */
		kt_info("%s: not available here: %s", c->bench, why);
		return;
	}
	if (!ktest_check(t, why == NULL, __FILE__, __LINE__, "%s: unavailable: %s", c->bench, why))
		return;
	c->want(&w, c->n);
	/*
	 * kmap=lazy leaves slots mapping frames the pool may hand out, and each type change
	 * rewrites them: clear this CPU's (the lazy boots have one CPU), so none are counted.
	 */
	if (c->want == want_pool)
		kmap_clear_stale();
	if (b->setup)
		b->setup();
	b->run(); /* warm, as the harness's warm-up: vmap's page tables are made once */
	tick_preempts = false;
	pv_counts_snapshot(&before);
	for (unsigned i = 0; i < ITERS; i++)
		b->run();
	pv_counts_since(&before, &d);
	tick_preempts = true;
	/* Every sample starts from the same state: the block is one 2 MiB entry again. */
	if (c->uses_block)
		ktest_check(
		    t, directmap_is_large(linear_map_bench_va()) == !directmap_4k_only_why(),
		    __FILE__, __LINE__, "%s: the block's 2 MiB entry is not back", c->bench);
	if (b->teardown)
		b->teardown();
	for (unsigned op = 0; op < PV_OP_NR; op++)
		CHECK_COUNT(t, c, pv_op_names[op], d.op[op], w.op[op]);
	CHECK_COUNT(t, c, "splits", d.ev[PV_EV_SPLITS], w.splits);
	CHECK_COUNT(t, c, "merges", d.ev[PV_EV_MERGES], w.merges);
	CHECK_COUNT(t, c, "ipis_sent", d.ev[PV_EV_IPIS_SENT], w.ipis);
	CHECK_COUNT(t, c, "ipis_acked", d.ev[PV_EV_IPIS_ACKED], w.ipis);
	/* Natively every Xen event stays 0, which these check too. */
	CHECK_COUNT(t, c, "mmu_update + multicall", d.ev[PV_EV_MMU_UPDATE] + d.ev[PV_EV_MULTICALL],
		    w.l1_hcalls);
	CHECK_COUNT(t, c, "page_updates", d.ev[PV_EV_PAGE_UPDATES], w.page_updates);
	CHECK_COUNT(t, c, "mmuext_op", d.ev[PV_EV_MMUEXT_OP], w.mmuext);
	CHECK_COUNT(t, c, "update_va_mapping", d.ev[PV_EV_UPDATE_VA_MAPPING], w.uvm);
	kt_info(
	    "%s: per iteration %llu set_pte, %llu pte_clear, %llu set_pmd, %llu splits, %llu "
	    "merges, %llu flush ops, %llu IPIs, %llu L1 hypercalls, %llu mmuext_op",
	    c->bench, w.op[PV_SET_PTE], w.op[PV_PTE_CLEAR], w.op[PV_SET_PMD], w.splits, w.merges,
	    w.op[PV_FLUSH_ONE] + w.op[PV_FLUSH_ALL] + w.op[PV_FLUSH_MULTI] + w.op[PV_FLUSH_LOCAL],
	    w.ipis, w.l1_hcalls, w.mmuext);
}

static void every_linear_map_benchmark_costs_what_set_memory_costs(struct ktest *t)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		check(t, &cases[i]);
	kt_info("%u benchmarks, %u iterations each, %u CPUs, direct map %s",
		(unsigned)ARRAY_SIZE(cases), ITERS, nr_cpus_online,
		directmap_4k_only_why() ? "4 KiB" : "2 MiB");
}

KTEST_SUITE(linear_map_bench_counts,
	    KTEST_CASE(every_linear_map_benchmark_costs_what_set_memory_costs));
