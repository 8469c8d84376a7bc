/*
 * The remap benchmarks: what one mapping operation costs on this backend. Each iteration is
 * one operation (or one batch, where ops_per_iteration says so).
 */
#include "guest/bench.h"
#include "guest/sched.h"
#include "guest/panic.h"
#include "mm/addrspace.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"

#define POOL 1024

static struct page *pool[POOL]; /* highmem when there is any */
static pfn_t pool_pfn[POOL];	/* their frames, for the benchmarks of bare entry writes */
static unsigned pool_next;
static bool saved_debug, saved_lazy;

static struct page *next_page(void)
{
	return pool[pool_next++ % POOL];
}

/*
 * Each frame is mapped once when it joins the pool, untimed: under Xen PV a frame's first
 * writable mapping changes its type (PGT_none to PGT_writable_page, in _get_page_type()),
 * about 170 instructions more than every later mapping. Warm, a benchmark measures the
 * steady state whichever benchmarks ran before it (README, "TSC emulation").
 */
static void pool_fill(void)
{
	for (unsigned i = 0; i < POOL; i++) {
		if (!pool[i]) {
			pool[i] = alloc_page(GFP_HIGHMEM);
			if (!pool[i])
				panic("bench: no page for the pool");
			kunmap_atomic(kmap_atomic(pool[i]));
		}
		pool_pfn[i] = page_to_pfn(pool[i]);
	}
	kmap_flush_unused();
}

/*
 * 1. One PTE update and the flush of that page: the raw remap of a frame. The address, the
 * walk to its entry and the platform's protection bits are found once, as a caller
 * remapping in a loop would.
 */
static u32 scratch_va;
static pte_t *scratch_pte;
static u64 prot; /* PAGE_KERNEL as this platform takes it */

static void remap_setup(void)
{
	pool_fill();
	scratch_va = fix_to_virt(FIX_SCRATCH);
	scratch_pte = lookup_pte(scratch_va);
	prot = pgprot_masked(PAGE_KERNEL);
}

static void remap_one(void)
{
	pv_set_pte_va(scratch_va, scratch_pte,
		      pfn_pte_masked(pool_pfn[pool_next++ % POOL], prot | _PAGE_PRESENT), true);
}

static void remap_teardown(void)
{
	pv_set_pte_va(scratch_va, scratch_pte, (pte_t){0}, true);
}

BENCH(remap_pte_and_flush, 1, remap_setup, remap_one, remap_teardown);

/*
 * 2. N updates in one lazy-MMU section, over the (then unused) pkmap window's entries: one
 * page table, so slot i's entry is the first one plus i.
 */
static pte_t *window_pte;

static void lazy_setup(void)
{
	pool_fill();
	window_pte = lookup_pte(pkmap_addr(0));
	prot = pgprot_masked(PAGE_KERNEL);
}

static void lazy_updates(unsigned n)
{
	pte_t *ptep = window_pte;
	u64 p = prot | _PAGE_PRESENT;

	pv_lazy_enter();
	for (unsigned i = 0; i < n; i++)
		pv_set_pte(ptep + i, pfn_pte_masked(pool_pfn[i], p));
	pv_lazy_leave();
}

static void lazy_teardown(void)
{
	pv_lazy_enter();
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		pv_pte_clear(window_pte + i);
	pv_lazy_leave();
	pv_flush_tlb_all();
}

#define LAZY_BENCH(n)                                                                              \
	static void lazy_##n(void)                                                                 \
	{                                                                                          \
		lazy_updates(n);                                                                   \
	}                                                                                          \
	BENCH(lazy_mmu_##n##_updates, n, lazy_setup, lazy_##n, lazy_teardown)
LAZY_BENCH(1);
LAZY_BENCH(8);
LAZY_BENCH(32);
LAZY_BENCH(128);
LAZY_BENCH(512);

/* 3. kmap_atomic + kunmap_atomic, strict and lazy, and nested four deep. */
static void strict_setup(void)
{
	pool_fill();
	saved_debug = kmap_debug;
	saved_lazy = kmap_unmap_mode == KMAP_LAZY;
	kmap_configure(false, false);
}

static void lazy_kmap_setup(void)
{
	strict_setup();
	kmap_configure(false, true);
}

static void restore_kmap_mode(void)
{
	kmap_configure(saved_debug, saved_lazy);
}

static void atomic_pair(void)
{
	kunmap_atomic(kmap_atomic(next_page()));
}

BENCH(kmap_atomic_strict, 1, strict_setup, atomic_pair, restore_kmap_mode);
BENCH(kmap_atomic_lazy, 1, lazy_kmap_setup, atomic_pair, restore_kmap_mode);

static void atomic_nested4(void)
{
	void *a = kmap_atomic(next_page()), *b = kmap_atomic(next_page());
	void *c = kmap_atomic(next_page()), *d = kmap_atomic(next_page());

	kunmap_atomic(d);
	kunmap_atomic(c);
	kunmap_atomic(b);
	kunmap_atomic(a);
}

BENCH(kmap_atomic_nested4, 4, strict_setup, atomic_nested4, restore_kmap_mode);

/*
 * 4. kmap + kunmap: a fresh page (a free slot: the median; one in 512 also pays a wrap, which
 * shows in p99 and in the per-operation counts), a page still mapped, and a whole cycle of
 * the window, whose one wrap and flush are amortized over 512 maps.
 */
static void kmap_fresh(void)
{
	struct page *p = next_page();

	kmap(p);
	kunmap(p);
}

BENCH(kmap_free_slot, 1, pool_fill, kmap_fresh, kmap_flush_unused);

static void kmap_window_cycle(void)
{
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		kmap_fresh();
}

BENCH(kmap_full_wrap_amortized, LAST_PKMAP, pool_fill, kmap_window_cycle, kmap_flush_unused);

static void kmap_same(void)
{
	kmap(pool[0]);
	kunmap(pool[0]);
}

BENCH(kmap_already_mapped, 1, pool_fill, kmap_same, kmap_flush_unused);

/* 5. A kmap_local pair, and one held across a switch to another thread and back. */
static void local_pair(void)
{
	kunmap_local(kmap_local_page(next_page()));
}

BENCH(kmap_local_pair, 1, strict_setup, local_pair, restore_kmap_mode);

/* The same on a lowmem page: with the debug checks off, its direct-map address. */
static struct page *lowmem_page;

static void lowmem_setup(void)
{
	strict_setup();
	if (!lowmem_page)
		lowmem_page = alloc_page(GFP_KERNEL);
	if (!lowmem_page)
		panic("bench: no lowmem page");
}

static void local_pair_lowmem(void)
{
	kunmap_local(kmap_local_page(lowmem_page));
}

BENCH(kmap_local_lowmem, 1, lowmem_setup, local_pair_lowmem, restore_kmap_mode);

static volatile bool peer_stop;
static struct thread *peer;

static void peer_loop(void *arg)
{
	(void)arg;
	while (!peer_stop)
		yield();
}

static void switch_setup(void)
{
	strict_setup();
	peer_stop = false;
	peer = thread_create("bench-peer", peer_loop, NULL);
}

static void switch_teardown(void)
{
	peer_stop = true;
	thread_join(peer);
	restore_kmap_mode();
}

static void local_across_switch(void)
{
	void *v = kmap_local_page(next_page());

	yield(); /* to the peer, which yields straight back */
	kunmap_local(v);
}

BENCH(kmap_local_across_switch, 1, switch_setup, local_across_switch, switch_teardown);

/* 6. Whole-page helpers, highmem to highmem. */
static void copy_one(void)
{
	copy_highpage(next_page(), next_page());
}

static void clear_one(void)
{
	clear_highpage(next_page());
}

BENCH(copy_highpage, 1, strict_setup, copy_one, restore_kmap_mode);
BENCH(clear_highpage, 1, strict_setup, clear_one, restore_kmap_mode);

/* 7. A full TLB flush, and a CR3 reload of the kernel's own tree. */
static void flush_all(void)
{
	pv_flush_tlb_all();
}

static void reload_cr3(void)
{
	pv_load_cr3(kernel_pud_pfn);
}

BENCH(flush_tlb_all, 1, NULL, flush_all, NULL);
BENCH(load_cr3, 1, NULL, reload_cr3, NULL);

/* 8. Create, pin and destroy an address space mapping ADDRSPACE_PAGES pages. */
#define ADDRSPACE_PAGES 64

static void addrspace_cycle(void)
{
	struct addrspace as;

	if (!addrspace_create(&as, pool, ADDRSPACE_PAGES))
		panic("bench: no memory for an address space");
	addrspace_destroy(&as);
}

BENCH(addrspace_create_pin_destroy_64, 1, pool_fill, addrspace_cycle, NULL);
