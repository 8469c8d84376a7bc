/*
 * What one kernel-mapping shootdown (mm/tlbflush.c) counts, for the exact-count tests of the
 * code that issues one per call: set_memory_*, kernel_map_pages, pagealloc_debug's frees.
 * Included by those tests only.
 */
#ifndef MM_SHOOTDOWN_EXPECT_H
#define MM_SHOOTDOWN_EXPECT_H

#include "guest/ktest.h"
#include "guest/smp.h"
#include "pv/ops.h"

/* Flush operations one shootdown of every online CPU counts (mm/tlbflush.c). */
static inline u64 shootdown_ops(void)
{
	unsigned n = nr_cpus_online;

	if (n == 1)
		return 1;
	return pv_mmu->kind == PV_BACKEND_XEN ? 1 : n + 1; /* MULTI, plus each CPU's flush */
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

#endif
