/* Self-tests of separate address spaces: what building, pinning and freeing one costs. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "mm/pagealloc_debug.h"
#include "mm/addrspace.h"
#include "mm/test_expect.h"
#include "mm/pgtable.h"
#include "mm/zone.h"
#include "mm/highmem.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "pv/ops.h"

/*
 * 16 pages mapped: 16 PTE writes, the PDE, two PDPT entries (user slot, kernel slot), one
 * pin and one unpin, three table frames (four where the kernel directory is copied, plus
 * one PDE per kernel entry, and a read-only then writable direct-map entry per frame).
 */
static void addrspace_costs_are_exact(struct ktest *t)
{
	struct page *pages[16];
	struct addrspace as;
	struct pv_counts before, d;
	u64 kernel_pdes = 0;
	bool copy = pv_mmu->unshared_kernel_pmd;
	unsigned frames = copy ? 4 : 3;

	for (unsigned i = 0; i < PTRS_PER_PMD; i++)
		kernel_pdes += pmd_present(kernel_pmd[i]);
	for (unsigned i = 0; i < 16; i++)
		pages[i] = alloc_page(GFP_HIGHMEM);
	pv_counts_snapshot(&before);
	if (!KT_EXPECT(t, addrspace_create(&as, pages, 16)))
		return;
	addrspace_destroy(&as);
	pv_counts_since(&before, &d);
	/* pagealloc_debug maps each table frame when allocated (one set_pte each). */
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE], 16 + (pagealloc_debug ? frames : 0));
	KT_EXPECT_EQ(t, d.op[PV_SET_PMD], 1 + (copy ? kernel_pdes : 0));
	KT_EXPECT_EQ(t, d.op[PV_SET_PUD], 2);
	KT_EXPECT_EQ(t, d.op[PV_ALLOC_TABLE], frames);
	KT_EXPECT_EQ(t, d.op[PV_PIN], 1);
	KT_EXPECT_EQ(t, d.op[PV_UNPIN], 1);
	/* Read-only table frames (Xen's rule) are made writable and read-only again, each once. */
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE_VA], pv_mmu->tables_readonly ? 2 * frames : 0);
	KT_EXPECT_EQ(t, d.op[PV_LOAD_CR3], 0);
	KT_EXPECT(t, as.pud == NULL);
	for (unsigned i = 0; i < 16; i++)
		__free_pages(pages[i], 0);
	kt_info("address space of 16 pages: %u table frames%s", frames,
		copy ? ", kernel directory copied" : ", kernel directory shared");
}

/* Freed table frames are ordinary writable memory again (Xen: their mapping is RW). */
static void addrspace_frames_come_back_writable(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM);
	struct addrspace as;
	struct page *frames[3];
	u32 x;

	if (!KT_EXPECT(t, addrspace_create(&as, &page, 1)))
		return;
	frames[0] = as.pud;
	frames[1] = as.pmd;
	frames[2] = as.pt;
	addrspace_destroy(&as);
	for (unsigned i = 0; i < 3; i++) {
		u32 *v = page_address(frames[i]);

		if (pagealloc_debug) { /* freed: out of the direct map altogether */
			KT_EXPECT(t, v == NULL && (frames[i]->flags & PG_unmapped));
			continue;
		}
		KT_EXPECT_EQ(t, probe_read_u32(v, &x), 0);
		KT_EXPECT_EQ(t, probe_write_u32(v, x), 0);
	}
	__free_pages(page, 0);
}

static struct {
	struct addrspace as;
	volatile u32 entered, destroyed;
	u32 seen[NR_CPUS];
	int after_rc[NR_CPUS];
} users;

/* On its CPU: enter the tree, read its page, wait for the destroy, read again (faults). */
static void user_thread(void *arg)
{
	unsigned cpu = smp_processor_id();
	u32 x = 0;

	(void)arg;
	addrspace_enter(&users.as);
	users.seen[cpu] = *(volatile u32 *)ADDRSPACE_BASE;
	__atomic_add_fetch(&users.entered, 1, __ATOMIC_RELEASE);
	while (!users.destroyed)
		yield();
	users.after_rc[cpu] = probe_read_u32((const void *)ADDRSPACE_BASE, &x);
}

/*
 * Destroying a tree that other CPUs run on makes them leave it first: one cross-CPU call
 * (natively an IPI each, under Xen an event-channel IPI each), one CR3 load per CPU, then
 * the unpin; afterwards those CPUs no longer reach its pages. With one CPU the thread runs
 * here, and the destroy leaves the tree on its behalf.
 */
static void addrspace_destroy_makes_other_cpus_leave(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM);
	struct thread *th[NR_CPUS] = {0};
	cpumask_t cpus = nr_cpus_online > 1 ? cpu_others_mask() : cpu_online_mask;
	unsigned n = cpumask_weight(&cpus), remote = nr_cpus_online > 1 ? n : 0;
	struct pv_counts before, d;
	struct pagealloc_debug_stats pd0, pd1;
	u64 ops[PV_OP_NR] = {0}, ev[PV_EV_NR] = {0};
	u32 *v;

	if (!KT_EXPECT(t, page != NULL))
		return;
	v = kmap_local_page(page);
	v[0] = 0x5a5aa5a5;
	kunmap_local(v);
	users.entered = users.destroyed = 0;
	if (!KT_EXPECT(t, addrspace_create(&users.as, &page, 1)))
		return;
	for_each_cpu(cpu, &cpus) th[cpu] = thread_create_on("as-user", user_thread, NULL, cpu);
	while (users.entered < n)
		yield();
	pagealloc_debug_stats_snapshot(&pd0);
	pv_counts_snapshot(&before);
	addrspace_destroy(&users.as);
	pv_counts_since(&before, &d);
	pagealloc_debug_stats_snapshot(&pd1);
	users.destroyed = 1;
	/* With pagealloc_debug on, each table frame freed is a shootdown too. */
	expect_add_pagealloc_debug(ops, ev, &pd0, &pd1);
	KT_EXPECT_EQ(t, d.op[PV_LOAD_CR3], n);
	KT_EXPECT_EQ(t, d.op[PV_UNPIN], 1);
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_SENT], remote + ev[PV_EV_IPIS_SENT]);
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_ACKED], remote + ev[PV_EV_IPIS_SENT]);
	for_each_cpu(cpu, &cpus)
	{
		if (!KT_EXPECT(t, th[cpu] != NULL))
			continue;
		thread_join(th[cpu]);
		KT_EXPECT_EQ(t, users.seen[cpu], 0x5a5aa5a5);
		KT_EXPECT_EQ(t, users.after_rc[cpu], -EFAULT);
	}
	__free_pages(page, 0);
	kt_info("destroyed a tree %u CPUs ran on: %u CR3 loads, %llu IPIs", n, n,
		d.ev[PV_EV_IPIS_SENT]);
}

KTEST_SUITE(addrspace, KTEST_CASE(addrspace_costs_are_exact),
	    KTEST_CASE(addrspace_frames_come_back_writable),
	    KTEST_CASE(addrspace_destroy_makes_other_cpus_leave));
