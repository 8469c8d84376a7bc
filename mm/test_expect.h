/*
 * What mm's in-kernel tests expect: every operation against a table, what one
 * kernel-mapping shootdown (mm/tlbflush.c) counts (set_memory_*, kernel_map_pages, vunmap,
 * pagealloc_debug's frees), what pagealloc_debug adds to a measured call, and what a kernel
 * address maps. Included by those tests only.
 */
#ifndef MM_TEST_EXPECT_H
#define MM_TEST_EXPECT_H

#include "guest/ktest.h"
#include "guest/smp.h"
#include "guest/cmdline.h"
#include "mm/pagealloc_debug.h"
#include "mm/pgtable.h"
#include "pv/ops.h"
#include "pv/pat.h"

/* Every operation's count in @d equals @exp's, each mismatch named (with the caller's line). */
#define expect_ops(t, what, d, exp)                                                                \
	do {                                                                                       \
		for (unsigned op_ = 0; op_ < PV_OP_NR; op_++)                                      \
			ktest_check(t, (d)->op[op_] == (exp)[op_], __FILE__, __LINE__,             \
				    "%s: %s count %llu, expected %llu", what, pv_op_names[op_],    \
				    (d)->op[op_], (exp)[op_]);                                     \
	} while (0)

/* Flush operations one shootdown of every online CPU counts (mm/tlbflush.c). */
static inline u64 shootdown_ops(void)
{
	unsigned n = nr_cpus_online;

	if (n == 1)
		return 1;
	return pv_mmu->kind == PV_BACKEND_XEN ? 1 : n + 1; /* MULTI, plus each CPU's flush */
}

/* Into @exp, the flush operations of one shootdown of @entries changed entries. */
static inline void add_shootdown(u64 exp[PV_OP_NR], unsigned entries)
{
	unsigned n = nr_cpus_online;
	u64 local = n > 1 && pv_mmu->kind == PV_BACKEND_XEN ? 0 : n;

	exp[entries == 1 ? PV_FLUSH_ONE : PV_FLUSH_ALL] += local;
	exp[PV_FLUSH_MULTI] += n > 1;
}

/* Kernel address @va maps @pfn present with mode @mode, at either page size. */
static inline bool maps_as(u32 va, pfn_t pfn, enum page_cache_mode mode)
{
	pfn_t mapped;
	u64 prot;

	return lookup_mapping(va, &mapped, &prot) && (prot & _PAGE_PRESENT) && mapped == pfn &&
	       pte_bits_cachemode(prot) == mode;
}

static inline u64 flush_ops(const struct pv_counts *d)
{
	return d->op[PV_FLUSH_ONE] + d->op[PV_FLUSH_ALL] + d->op[PV_FLUSH_MULTI] +
	       d->op[PV_FLUSH_LOCAL];
}

/*
 * The flushes one set_memory/kernel_map_pages call issues for @entries changed entries: one
 * single-entry flush (one entry) or one full flush; with more CPUs online one shootdown, which
 * natively is that flush on every CPU after an IPI to each other one, and under Xen one MULTI.
 */
static inline void expect_one_shootdown(struct ktest *t, const struct pv_counts *d,
					unsigned entries)
{
	unsigned n = nr_cpus_online, local = n > 1 && pv_mmu->kind == PV_BACKEND_XEN ? 0 : n;

	if (!entries)
		local = 0;
	KT_EXPECT_EQ(t, d->op[PV_FLUSH_ONE], entries == 1 ? local : 0);
	KT_EXPECT_EQ(t, d->op[PV_FLUSH_ALL], entries > 1 ? local : 0);
	KT_EXPECT_EQ(t, d->op[PV_FLUSH_MULTI], n > 1 && entries);
	KT_EXPECT_EQ(t, d->op[PV_FLUSH_LOCAL], 0);
	KT_EXPECT_EQ(t, d->ev[PV_EV_IPIS_SENT],
		     entries && pv_mmu->kind == PV_BACKEND_NATIVE ? n - 1 : 0);
}

/*
 * Add to @exp (operations) and @ev (events) what pagealloc_debug's hooks did between @before
 * and @after (its stats): the allocations and frees inside a measured call cost that much
 * more when it is on, and nothing when it is off. The cost per hook is what the
 * pagealloc_debug suite asserts.
 */
static inline void expect_add_pagealloc_debug(u64 exp[PV_OP_NR], u64 ev[PV_EV_NR],
					      const struct pagealloc_debug_stats *before,
					      const struct pagealloc_debug_stats *after)
{
	unsigned n = nr_cpus_online;
	bool xen = pv_mmu->kind == PV_BACKEND_XEN;
	/* u32 differences: right across a wrap. */
	u32 one = after->frees_one_page - before->frees_one_page;
	u32 more = after->frees_more - before->frees_more, frees = one + more;
	u32 allocs = after->allocs - before->allocs;
	u32 mapped = after->pages_mapped - before->pages_mapped;
	u32 unmapped = after->pages_unmapped - before->pages_unmapped;

	exp[PV_SET_PTE] += mapped;
	exp[PV_PTE_CLEAR] += unmapped;
	exp[PV_LAZY_ENTER] += allocs + frees;
	exp[PV_LAZY_LEAVE] += allocs + frees;
	for (u32 i = 0; i < one; i++)
		add_shootdown(exp, 1);
	for (u32 i = 0; i < more; i++)
		add_shootdown(exp, 2); /* of more than one entry: a full flush */
	if (ev) {
		ev[PV_EV_IPIS_SENT] += xen ? 0 : (u64)frees * (n - 1);
		ev[PV_EV_PAGE_UPDATES] +=
		    xen && boot_options.pvmmu != PVMMU_WRITABLE ? (u64)mapped + unmapped : 0;
	}
}

#endif
