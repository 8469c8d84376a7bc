/* Self-tests of persistent kmaps: slots, sleeping for one, the wrap flush, page_address. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/zone.h"
#include "pv/ops.h"

static const char *too_little_highmem(void)
{
	return zones[ZONE_HIGHMEM].free_pages >= 4 * LAST_PKMAP
		   ? NULL
		   : "fewer free highmem pages than 4 pkmap windows (2048)";
}

static struct page *high_page(struct ktest *t)
{
	struct page *p = alloc_page(GFP_HIGHMEM);

	KT_EXPECT(t, p && page_zonenum(p) == ZONE_HIGHMEM);
	return p;
}

static u64 d(const struct pv_counts *before, enum pv_op op)
{
	struct pv_counts delta;

	pv_counts_since(before, &delta);
	return delta.op[op];
}

/*
 * Pages taken in turn from a pool three windows long: by the time one comes round again its
 * slot has been recycled, so each kmap of a pool page needs a new slot. (A page freed and
 * allocated again would still sit in its old slot and take none.)
 */
#define POOL_PAGES (3 * LAST_PKMAP)
static struct page *pool[POOL_PAGES];
static unsigned pool_next;

static struct page *fresh_page(struct ktest *t)
{
	struct page **p = &pool[pool_next++ % POOL_PAGES];

	if (!*p)
		*p = high_page(t);
	return *p;
}

/* Take one more slot with a fresh page and release it (it stays mapped, count 1). */
static void use_one_slot(struct ktest *t)
{
	struct page *p = fresh_page(t);

	kmap(p);
	kunmap(p);
}

/* Use slots until the next search wraps, and with at least one slot to clear then. */
static void advance_to_wrap(struct ktest *t)
{
	do
		use_one_slot(t);
	while (pkmap_cursor() != LAST_PKMAP - 1);
}

static void kmap_lowmem_uses_no_slot(struct ktest *t)
{
	struct page *p = alloc_page(GFP_KERNEL);
	struct pv_counts before;

	pv_counts_snapshot(&before);
	KT_EXPECT(t, kmap(p) == page_address(p));
	kunmap(p);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		KT_EXPECT_EQ(t, d(&before, op), 0);
	__free_pages(p, 0);
}

/* A free slot costs one PTE write and no flush; a page already mapped costs nothing. */
static void kmap_free_slot_and_remap_costs(struct ktest *t)
{
	struct page *p = high_page(t);
	struct pv_counts before;
	void *v, *w;

	kmap_flush_unused(); /* a page freed while still in a slot keeps it until recycled */
	if (pkmap_cursor() == LAST_PKMAP - 1)
		use_one_slot(t); /* keep the next search off a wrap */
	pv_counts_snapshot(&before);
	v = kmap(p);
	KT_EXPECT_EQ(t, d(&before, PV_SET_PTE_VA), 1);
	KT_EXPECT_EQ(t, d(&before, PV_FLUSH_ONE) + d(&before, PV_FLUSH_ALL), 0);
	kunmap(p);
	pv_counts_snapshot(&before);
	w = kmap(p); /* unused but still mapped (count 1): the same slot, no update */
	KT_EXPECT(t, v == w);
	kunmap(p);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		KT_EXPECT_EQ(t, d(&before, op), 0);
	kt_info("kmap: free slot 1 PTE write; already mapped 0; kunmap 0");
	__free_pages(p, 0);
}

/*
 * A full cycle of LAST_PKMAP kmaps wraps once: every unused slot cleared, one flush. With
 * N CPUs online that flush is one shootdown: under Xen one hypercall, natively a local full
 * flush and N - 1 IPIs, each acknowledged after its CPU's full flush.
 */
static void pkmap_wrap_flushes_once(struct ktest *t)
{
	struct pv_counts before;
	u64 flushes;
	unsigned unused;

	kmap_flush_unused();
	advance_to_wrap(t);
	unused = 0;
	for (u32 va = pkmap_addr(0); va < pkmap_addr(LAST_PKMAP); va += PAGE_SIZE) {
		u32 x;

		unused += probe_read_u32((void *)(uintptr_t)va, &x) == 0; /* still mapped */
	}
	flushes = pkmap_flushes();
	pv_counts_snapshot(&before);
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		use_one_slot(t);
	KT_EXPECT_EQ(t, d(&before, PV_SET_PTE_VA), LAST_PKMAP);
	KT_EXPECT_EQ(t, d(&before, PV_PTE_CLEAR), unused);
	KT_EXPECT_EQ(t, d(&before, PV_FLUSH_ONE), 0);
	KT_EXPECT_EQ(t, pkmap_flushes(), flushes + 1);
	if (nr_cpus_online == 1) {
		KT_EXPECT_EQ(t, d(&before, PV_FLUSH_ALL), 1);
		KT_EXPECT_EQ(t, d(&before, PV_FLUSH_MULTI), 0);
	} else {
		struct pv_counts delta;
		unsigned others = nr_cpus_online - 1;
		bool native = pv_mmu->kind == PV_BACKEND_NATIVE;

		pv_counts_since(&before, &delta);
		KT_EXPECT_EQ(t, delta.op[PV_FLUSH_MULTI], 1);
		KT_EXPECT_EQ(t, delta.op[PV_FLUSH_ALL], native ? nr_cpus_online : 0);
		KT_EXPECT_EQ(t, delta.ev[PV_EV_IPIS_SENT], native ? others : 0);
		KT_EXPECT_EQ(t, delta.ev[PV_EV_IPIS_ACKED], native ? others : 0);
	}
	kt_info("wrap: %u maps, %u slots cleared, 1 flush on %u CPUs", LAST_PKMAP, unused,
		nr_cpus_online);
}

/* page_address() of a highmem page: its slot while mapped, NULL once the slot is recycled. */
static void page_address_is_null_after_kunmap_and_wrap(struct ktest *t)
{
	struct page *p = high_page(t);
	u64 reports;
	void *v;
	u32 x;

	KT_EXPECT(t, page_address(p) == NULL);
	v = kmap(p);
	KT_EXPECT(t, page_address(p) == v);
	kunmap(p);
	kmap_flush_unused();
	KT_EXPECT(t, page_address(p) == NULL);
	reports = kmap_stale_faults;
	KT_EXPECT_EQ(t, probe_read_u32(v, &x), -EFAULT);
	KT_EXPECT_EQ(t, kmap_stale_faults, reports + 1);
	/* The same through a wrap of the round-robin search. */
	v = kmap(p);
	kunmap(p);
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		use_one_slot(t);
	KT_EXPECT(t, page_address(p) == NULL);
	__free_pages(p, 0);
}

static struct page *held[LAST_PKMAP], *extra_page;
static void *volatile extra_vaddr;

static void kmap_the_513th(void *arg)
{
	u32 *v;

	(void)arg;
	v = kmap(extra_page);
	v[0] = 0x513;
	extra_vaddr = v;
	kunmap(extra_page);
}

/* All LAST_PKMAP slots held: one more caller sleeps until a kunmap, then gets a slot. */
static void pkmap_513th_caller_sleeps_until_a_kunmap(struct ktest *t)
{
	u64 sleeps = pkmap_sleeps, start;
	struct thread *th;
	u32 *check;

	kmap_flush_unused();
	for (unsigned i = 0; i < LAST_PKMAP; i++) {
		held[i] = high_page(t);
		KT_EXPECT(t, kmap(held[i]) != NULL);
	}
	extra_page = high_page(t);
	extra_vaddr = NULL;
	th = thread_create("kmap-513", kmap_the_513th, NULL);
	if (!KT_EXPECT(t, th != NULL))
		return;
	start = jiffies;
	while (pkmap_sleeps == sleeps && jiffies - start < 200)
		yield();
	KT_EXPECT_EQ(t, pkmap_sleeps, sleeps + 1);
	KT_EXPECT(t, extra_vaddr == NULL); /* still asleep */
	kunmap(held[0]);
	thread_join(th);
	KT_EXPECT(t, extra_vaddr != NULL);
	check = kmap(extra_page);
	KT_EXPECT_EQ(t, check[0], 0x513);
	kunmap(extra_page);
	for (unsigned i = 1; i < LAST_PKMAP; i++)
		kunmap(held[i]);
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		__free_pages(held[i], 0);
	__free_pages(extra_page, 0);
}

/* After the suite, whichever cases ran: give the pool back, its slots first. */
static void pool_release(void)
{
	kmap_flush_unused();
	for (unsigned i = 0; i < POOL_PAGES; i++) {
		if (pool[i])
			__free_pages(pool[i], 0);
		pool[i] = NULL;
	}
}

KTEST_SUITE_DEF(pkmap, too_little_highmem, pool_release, KTEST_CASE(kmap_lowmem_uses_no_slot),
		KTEST_CASE(kmap_free_slot_and_remap_costs), KTEST_CASE(pkmap_wrap_flushes_once),
		KTEST_CASE(page_address_is_null_after_kunmap_and_wrap),
		KTEST_CASE(pkmap_513th_caller_sleeps_until_a_kunmap));
