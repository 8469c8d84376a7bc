/* Self-tests that only mean something under Xen PV: the hole, the accounting, exact costs. */
#include "pv/xen/hypercall.h"
#include "guest/smp.h"
#include "guest/cmdline.h"
#include "guest/x86/extable.h"
#include "guest/irqflags.h"
#include "guest/ktest.h"
#include "guest/platform.h"
#include "guest/sched.h"
#include "mm/directmap.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/init.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "mm/zone.h"

static const char *not_xen_pv(void)
{
	return platform == PLATFORM_XEN_PV ? NULL : "not a Xen PV guest";
}

static u64 div_up(u64 n, u64 d)
{
	return (n + d - 1) / d;
}

/* Lowmem ends below the hole Xen reports, never at a constant. */
static void xen_hole_comes_from_platform_parameters(struct ktest *t)
{
	xen_platform_parameters_t pp;

	xen_xen_version(XENVER_platform_parameters, &pp);
	KT_EXPECT_EQ(t, mm_layout.hypervisor_start, pp.virt_start);
	KT_EXPECT_EQ(t, mm_layout.fixaddr_top,
		     (u32)ALIGN_DOWN(pp.virt_start, PMD_SIZE) - PAGE_SIZE);
	KT_EXPECT(t, mm_layout.fixaddr_top + PAGE_SIZE <= pp.virt_start);
	/* The same RAM natively would get 168 MiB more lowmem (the hole at 0xf5800000). */
	KT_EXPECT_EQ(t, mm_layout.maxmem,
		     (mm_layout.vmalloc_end - PAGE_OFFSET - mm_layout.vmalloc_reserve) & PAGE_MASK);
	kt_info("hole at 0x%08lx, lowmem limit %u MiB", (unsigned long)pp.virt_start,
		mm_layout.maxmem >> 20);
}

/* Every one of start_info's pages is either managed by a zone or still reserved. */
static void xen_accounts_for_every_page(struct ktest *t)
{
	u64 managed = 0, reserved = 0;

	for (unsigned i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	for (pfn_t pfn = 0; pfn < mem_map_pfns; pfn++)
		reserved += !!(pfn_to_page(pfn)->flags & PG_reserved);
	/* mem= may leave the top out: those pages are a term of their own in the report. */
	KT_EXPECT_EQ(t, mem_map_pfns + xen_pages_above_mem_limit(), xen_start_info.nr_pages);
	KT_EXPECT_EQ(t, managed + reserved + xen_pages_above_mem_limit(), xen_start_info.nr_pages);
}

/*
 * Building the direct map: one page update per PTE, PMD and the PDPT entry, one
 * MMUEXT_CLEAR_PAGE per table frame, then pin, switch and flush. Alone, each is its own
 * hypercall; batched, N updates take at most ceil(N / MC_UPDATES) hypercalls.
 */
static void xen_directmap_build_costs(struct ktest *t)
{
	const struct xen_count_snapshot *c = &xen_build_counts;
	u64 tables = directmap_stats.page_tables;
	u64 updates = mm_layout.max_low_pfn + tables + 1;
	u64 ext = tables + 2 + 3;
	u64 traps = c->traps[__HYPERVISOR_mmu_update] + c->traps[__HYPERVISOR_mmuext_op] +
		    c->traps[__HYPERVISOR_multicall] + c->traps[__HYPERVISOR_update_va_mapping];

	KT_EXPECT_EQ(t, c->page_updates, updates);
	KT_EXPECT_EQ(t, c->mmuext_ops, ext);
	KT_EXPECT_EQ(t, c->mmuext_cmds[MMUEXT_CLEAR_PAGE], tables + 2);
	KT_EXPECT_EQ(t, c->mmuext_cmds[MMUEXT_PIN_L3_TABLE], 1);
	KT_EXPECT_EQ(t, c->mmuext_cmds[MMUEXT_NEW_BASEPTR], 1);
	KT_EXPECT_EQ(t, c->mmuext_cmds[MMUEXT_TLB_FLUSH_ALL], 1);
	KT_EXPECT_EQ(t, c->calls[__HYPERVISOR_update_va_mapping], 0); /* no table in the boot map */
	if (boot_options.pvmmu == PVMMU_BATCHED) {
		KT_EXPECT(t, traps <= div_up(updates, MC_UPDATES_PER_BATCH) +
					  div_up(tables + 2, MC_EXT_OPS_PER_BATCH) + 3);
	} else {
		/* Before the tree is live even pvmmu=writable has no mapping to store through. */
		KT_EXPECT_EQ(t, c->calls[__HYPERVISOR_mmu_update], updates);
		KT_EXPECT_EQ(t, c->traps[__HYPERVISOR_mmuext_op], ext);
		KT_EXPECT_EQ(t, c->calls[__HYPERVISOR_multicall], 0);
	}
	kt_info("pvmmu=%s: %llu page updates, %llu mmuext ops in %llu hypercalls",
		pvmmu_names[boot_options.pvmmu], updates, ext, traps);
}

/* One remap with flush: update_va_mapping(UVMF_INVLPG), or two trapped stores and an INVLPG. */
static void xen_remap_with_flush_costs(struct ktest *t)
{
	u32 va = fix_to_virt(FIX_SCRATCH);
	pte_t *ptep = lookup_pte(va);
	struct xen_count_snapshot before, d;

	xen_snapshot(&before);
	pv_set_pte_va(va, ptep, pfn_pte(mm_layout.max_low_pfn - 1, PAGE_KERNEL_RO), true);
	xen_snapshot_since(&before, &d);
	if (boot_options.pvmmu == PVMMU_WRITABLE) {
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_update_va_mapping], 0);
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmuext_op], 1);
		KT_EXPECT_EQ(t, d.mmuext_cmds[MMUEXT_INVLPG_LOCAL], 1);
	} else {
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_update_va_mapping], 1);
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmuext_op], 0);
	}
	KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmu_update] + d.traps[__HYPERVISOR_multicall], 0);
	pv_set_pte_va(va, ptep, (pte_t){0}, true);
}

/* 512 updates in a lazy section: 1 hypercall batched, 512 alone, 0 writable (stores). */
static void xen_lazy_section_costs(struct ktest *t)
{
	struct xen_count_snapshot before, d;
	u64 hypercalls, want;
	u32 v;

	xen_snapshot(&before);
	pv_lazy_enter();
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		pv_set_pte(lookup_pte(pkmap_addr(i)), pfn_pte(i, PAGE_KERNEL_RO));
	pv_lazy_leave();
	xen_snapshot_since(&before, &d);
	hypercalls = d.traps[__HYPERVISOR_mmu_update] + d.traps[__HYPERVISOR_multicall];
	want = boot_options.pvmmu == PVMMU_BATCHED     ? div_up(LAST_PKMAP, MC_UPDATES_PER_BATCH)
	       : boot_options.pvmmu == PVMMU_HYPERCALL ? LAST_PKMAP
						       : 0;
	KT_EXPECT_EQ(t, hypercalls, want);
	KT_EXPECT_EQ(t, d.page_updates, boot_options.pvmmu == PVMMU_WRITABLE ? 0 : LAST_PKMAP);
	/* The last slot maps frame 511: its first word reads back through the mapping. */
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)pkmap_addr(LAST_PKMAP - 1), &v), 0);
	{
		/* Through a slot: under pagealloc_debug the frame may be out of the direct map. */
		u32 *w = kmap_local_page(pfn_to_page(LAST_PKMAP - 1));

		KT_EXPECT_EQ(t, v, *w);
		kunmap_local(w);
	}
	pv_lazy_enter();
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		pv_pte_clear(lookup_pte(pkmap_addr(i)));
	pv_lazy_leave();
	pv_flush_tlb_all();
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)pkmap_addr(LAST_PKMAP - 1), &v), -EFAULT);
	kt_info("pvmmu=%s: %u updates in %llu hypercalls", pvmmu_names[boot_options.pvmmu],
		LAST_PKMAP, hypercalls);
}

/*
 * What a kmap_atomic/kunmap_atomic pair costs in hypercalls: strict unmapping is a PTE write
 * (update_va_mapping) and a clear with INVLPG folded in (a second one); lazy is one replace
 * with INVLPG. With writable page tables the writes are trapped stores, and only the flush is
 * a hypercall (mmuext INVLPG_LOCAL).
 */
static void xen_kmap_atomic_pair_hypercalls(struct ktest *t)
{
	struct page *p = alloc_page(GFP_HIGHMEM);
	struct xen_count_snapshot before, d;
	bool strict = kmap_unmap_mode == KMAP_STRICT;
	void *v;

	if (!kmap_debug && page_zonenum(p) != ZONE_HIGHMEM) {
		__free_pages(p, 0);
		ktest_skip(t, "no highmem and kmap_debug=off: no page takes a slot");
		return;
	}
	xen_snapshot(&before);
	v = kmap_atomic(p);
	kunmap_atomic(v);
	xen_snapshot_since(&before, &d);
	if (boot_options.pvmmu == PVMMU_WRITABLE) {
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_update_va_mapping], 0);
		KT_EXPECT_EQ(t, d.mmuext_cmds[MMUEXT_INVLPG_LOCAL], 1);
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmuext_op], 1);
	} else {
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_update_va_mapping], strict ? 2 : 1);
		KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmuext_op], 0);
	}
	KT_EXPECT_EQ(t, d.traps[__HYPERVISOR_mmu_update] + d.traps[__HYPERVISOR_multicall], 0);
	kt_info("pvmmu=%s kmap=%s: kmap_atomic pair = %llu update_va_mapping + %llu mmuext_op",
		pvmmu_names[boot_options.pvmmu], strict ? "strict" : "lazy",
		d.traps[__HYPERVISOR_update_va_mapping], d.traps[__HYPERVISOR_mmuext_op]);
	__free_pages(p, 0);
}

struct xen_cost {
	u64 uvm, mmuext, mmu_update; /* hypercalls (traps into Xen) */
};

static struct xen_cost measure(void (*op)(void *), void *arg)
{
	struct xen_count_snapshot before, d;

	xen_snapshot(&before);
	op(arg);
	xen_snapshot_since(&before, &d);
	return (struct xen_cost){
	    d.traps[__HYPERVISOR_update_va_mapping], d.traps[__HYPERVISOR_mmuext_op],
	    d.traps[__HYPERVISOR_mmu_update] + d.traps[__HYPERVISOR_multicall]};
}

static struct page *cost_page[2];

static void op_kmap_free_slot(void *arg)
{
	(void)arg;
	kmap(cost_page[0]);
	kunmap(cost_page[0]);
}

static void op_copy_highpage(void *arg)
{
	(void)arg;
	copy_highpage(cost_page[1], cost_page[0]);
}

static void peer_returns(void *arg)
{
	(void)arg;
}

static void op_kmap_local_across_switch(void *arg)
{
	void *v = kmap_local_page(cost_page[0]);

	(void)arg;
	thread_join(thread_create("xen-cost-peer", peer_returns, NULL));
	kunmap_local(v);
}

/*
 * The hypercalls behind each highmem operation, per strategy (README's table): a PTE write
 * is one update_va_mapping, with its flush folded in; under writable page tables the write
 * is trapped stores and only a flush is a hypercall (INVLPG_LOCAL).
 */
static void xen_highmem_op_hypercalls(struct ktest *t)
{
	bool writable = boot_options.pvmmu == PVMMU_WRITABLE;
	u64 pairs = kmap_unmap_mode == KMAP_STRICT ? 2 : 1; /* updates per map+unmap */
	struct xen_cost c;

	cost_page[0] = alloc_page(GFP_HIGHMEM);
	cost_page[1] = alloc_page(GFP_HIGHMEM);
	if (page_zonenum(cost_page[0]) != ZONE_HIGHMEM ||
	    page_zonenum(cost_page[1]) != ZONE_HIGHMEM) {
		ktest_skip(t, "no highmem in this guest: nothing takes a pkmap slot");
		goto out;
	}
	kmap_flush_unused(); /* cost_page[0] is in no slot now */
	if (pkmap_cursor() == LAST_PKMAP - 1) {
		kmap(cost_page[1]);
		kunmap(cost_page[1]);
	}
	c = measure(op_kmap_free_slot, NULL);
	KT_EXPECT_EQ(t, c.uvm, writable ? 0 : 1);
	KT_EXPECT_EQ(t, c.mmuext + c.mmu_update, 0);
	c = measure(op_copy_highpage, NULL);
	KT_EXPECT_EQ(t, c.uvm, writable ? 0 : 2 * pairs);
	KT_EXPECT_EQ(t, c.mmuext, writable ? 2 : 0);
	KT_EXPECT_EQ(t, c.mmu_update, 0);
	c = measure(op_kmap_local_across_switch, NULL);
	KT_EXPECT_EQ(t, c.uvm, writable ? 0 : 2 * pairs);
	KT_EXPECT_EQ(t, c.mmuext, writable ? 2 : 0);
	kt_info("pvmmu=%s: kmap free slot, copy_highpage, kmap_local across a switch as tabled",
		pvmmu_names[boot_options.pvmmu]);
out:
	kmap_flush_unused(); /* leave no page of ours in a pkmap slot */
	__free_pages(cost_page[0], 0);
	__free_pages(cost_page[1], 0);
}

static unsigned loopback_hits;

static void count_hit(unsigned port)
{
	(void)port;
	loopback_hits++;
}

/*
 * An event channel looped back to ourselves: an event sent while events are masked waits
 * (pending) and arrives when they are unmasked; sent while unmasked, it arrives at once.
 */
static void xen_events_wait_while_masked(struct ktest *t)
{
	struct evtchn_alloc_unbound alloc = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	struct evtchn_bind_interdomain bind = {.remote_dom = DOMID_SELF};
	struct evtchn_bind_vcpu bind_vcpu;
	unsigned long flags;

	xen_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	bind.remote_port = alloc.port;
	xen_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	loopback_hits = 0;
	flags = local_irq_save();
	/* An interdomain port notifies vCPU 0 until moved: to this one (testcpus=all). */
	bind_vcpu.port = alloc.port;
	bind_vcpu.vcpu = smp_processor_id();
	xen_event_channel_op(EVTCHNOP_bind_vcpu, &bind_vcpu);
	xen_evtchn_bind(alloc.port, smp_processor_id(), count_hit);
	xen_evtchn_send(bind.local_port);
	KT_EXPECT_EQ(t, loopback_hits, 0);
	KT_EXPECT(t, xen_evtchn_is_pending(alloc.port));
	local_irq_enable();
	KT_EXPECT_EQ(t, loopback_hits, 1);
	KT_EXPECT(t, !xen_evtchn_is_pending(alloc.port));
	xen_evtchn_send(bind.local_port);
	KT_EXPECT_EQ(t, loopback_hits, 2);
	local_irq_restore(flags);
	xen_evtchn_unbind(bind.local_port);
	xen_evtchn_unbind(alloc.port);
}

KTEST_SUITE_IF(xen, not_xen_pv, KTEST_CASE(xen_hole_comes_from_platform_parameters),
	       KTEST_CASE(xen_accounts_for_every_page), KTEST_CASE(xen_directmap_build_costs),
	       KTEST_CASE(xen_remap_with_flush_costs), KTEST_CASE(xen_lazy_section_costs),
	       KTEST_CASE(xen_events_wait_while_masked),
	       KTEST_CASE(xen_kmap_atomic_pair_hypercalls), KTEST_CASE(xen_highmem_op_hypercalls));
