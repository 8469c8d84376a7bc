/*
 * Self-tests of the typed page pool: the exact MMU cost of each allocation and free per
 * source (highmem, a lowmem unit's first and later users, WB) and backend, every mapping of
 * every frame read back against the registry, the backend's refusal with nothing issued, and
 * the panics of a wrong free. Each measured sequence is run once WB first, so the vmap areas
 * it lands in already have their page tables (vmap places first-fit: the same sizes land
 * at the same addresses).
 */
#include "guest/ktest.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/directmap.h"
#include "mm/highmem.h"
#include "mm/kmap_local.h"
#include "mm/memtype.h"
#include "mm/pagealloc_debug.h"
#include "mm/pgtable.h"
#include "mm/test_expect.h"
#include "mm/typed_pool.h"
#include "mm/vmalloc.h"
#include "mm/zone.h"
#include "pv/ops.h"

static bool native_types(void)
{
	return pv_mmu->cache_modes == PCM_ALL;
}

static u32 direct_va(pfn_t pfn)
{
	return PAGE_OFFSET + (pfn << PAGE_SHIFT);
}

/*
 * A unit's whole type change (set_pages_type on 512 frames): where its direct map is one
 * 2 MiB entry, the split (a table, its 512 entries, one L2 entry, a full shootdown), the 512
 * entries and a shootdown, the merge back (one L2 entry, a full shootdown); else the 512
 * entries and one shootdown. One lazy section either way.
 */
static void add_unit_change(u64 exp[PV_OP_NR], bool large)
{
	exp[PV_SET_PTE] += TYPED_POOL_UNIT_PAGES * (large ? 2 : 1);
	exp[PV_ALLOC_TABLE] += large;
	exp[PV_SET_PMD] += large ? 2 : 0;
	for (unsigned i = 0; i < (large ? 3u : 1u); i++)
		add_shootdown(exp, TYPED_POOL_UNIT_PAGES);
	exp[PV_LAZY_ENTER]++;
	exp[PV_LAZY_LEAVE]++;
}

/*
 * A measured call: the counts from snap() to since(), and into @exp what pagealloc_debug's
 * hooks did meanwhile (vmap's frame list, a WB allocation's lowmem pages), nothing when off.
 */
static struct pagealloc_debug_stats pd_before;

static void snap(struct pv_counts *before)
{
	pagealloc_debug_stats_snapshot(&pd_before);
	pv_counts_snapshot(before);
}

static void since(const struct pv_counts *before, struct pv_counts *d, u64 exp[PV_OP_NR])
{
	struct pagealloc_debug_stats now;

	pv_counts_since(before, d);
	pagealloc_debug_stats_snapshot(&now);
	expect_add_pagealloc_debug(exp, NULL, &pd_before, &now);
}

/* vmap of @n pages into a hole that has its table: n entries in one lazy section. */
static void add_vmap(u64 exp[PV_OP_NR], unsigned n)
{
	exp[PV_SET_PTE] += n;
	exp[PV_LAZY_ENTER]++;
	exp[PV_LAZY_LEAVE]++;
}

/* vunmap of @n pages: n cleared entries in one lazy section and one shootdown. */
static void add_vunmap(u64 exp[PV_OP_NR], unsigned n)
{
	exp[PV_PTE_CLEAR] += n;
	exp[PV_LAZY_ENTER]++;
	exp[PV_LAZY_LEAVE]++;
	add_shootdown(exp, n);
}

struct slot_count {
	pfn_t pfn;
	u32 n;
	unsigned found;
};

static void count_slot(u32 va, pte_t *ptep, void *arg)
{
	struct slot_count *c = arg;

	(void)va;
	c->found += pte_pfn(*ptep) - c->pfn < c->n;
}

/* kmap_atomic/kmap_local slots mapping frames [@pfn, +@n): with kmap=lazy, stale ones too. */
static unsigned slot_aliases(pfn_t pfn, u32 n)
{
	struct slot_count c = {pfn, n, 0};

	kmap_for_each_slot(count_slot, &c);
	return c.found;
}

/*
 * set_pages_type on @n highmem frames that only @slots kmap slots map (kmap=lazy leaves
 * stale ones): one lazy section rewriting those entries, one shootdown when there are any;
 * on a CPU without self-snoop each frame's lines are flushed through FIX_CACHE_FLUSH (two
 * set_pte_va and one folded flush each).
 */
static void add_unmapped_change(u64 exp[PV_OP_NR], unsigned n, unsigned slots)
{
	exp[PV_LAZY_ENTER]++;
	exp[PV_LAZY_LEAVE]++;
	exp[PV_SET_PTE] += slots;
	if (slots)
		add_shootdown(exp, slots);
	if (pv_mmu->flush_cache_range) {
		exp[PV_SET_PTE_VA] += 2 * n;
		exp[PV_FLUSH_ONE] += n;
	}
}

/* Map and unmap WB areas of @orders in this order, so their regions have page tables. */
static void warm_vmap(struct ktest *t, const unsigned *orders, unsigned n)
{
	void *va[8];

	for (unsigned i = 0; i < n; i++)
		KT_EXPECT(t, (va[i] = alloc_pages_type(PCM_WB, orders[i])) != NULL);
	for (unsigned i = n; i-- > 0;)
		if (va[i])
			free_pages_type(va[i], PCM_WB, orders[i]);
	/* Unused pkmap slots may still map a frame the pool is given: clear them now. */
	kmap_flush_unused();
}

/* Frames [@pfn, +@n) are @mode in the registry (owner typed_pool unless WB) and page flags. */
static unsigned registry_mismatches(pfn_t pfn, u32 n, enum page_cache_mode mode)
{
	unsigned bad = 0;

	for (u32 i = 0; i < n; i++) {
		const char *owner = NULL;

		bad += memtype_lookup(pfn + i, &owner) != mode ||
		       page_cachemode(pfn_to_page(pfn + i)) != mode ||
		       (mode != PCM_WB && (!owner || strcmp(owner, "typed_pool")));
	}
	return bad;
}

/* The vmap entries at @va of frames from @pfn, and their direct map if any, are @mode. */
static unsigned mapping_mismatches(void *va, pfn_t pfn, u32 n, enum page_cache_mode mode)
{
	unsigned bad = 0;

	for (u32 i = 0; i < n; i++) {
		bad += !maps_as((u32)(uintptr_t)va + i * PAGE_SIZE, pfn + i, mode);
		if (pfn + i < mm_layout.max_low_pfn)
			bad += !maps_as(direct_va(pfn + i), pfn + i, mode);
	}
	return bad;
}

/* Written through the typed mapping, read back through a kmap_local (which takes the type). */
static bool round_trip(struct ktest *t, void *va, struct page *page, enum page_cache_mode mode)
{
	u32 *k;
	bool ok;

	*(volatile u32 *)va = 0x7e57c0de + mode;
	k = kmap_local_page(page);
	ok = KT_EXPECT(t, maps_as((u32)(uintptr_t)k, page_to_pfn(page), mode));
	ok &= KT_EXPECT_EQ(t, *k, 0x7e57c0de + mode);
	kunmap_local(k);
	return ok;
}

/* Highmem blocks taken by drain_highmem(), per order, linked through page->lru. */
static struct list_head drained[MAX_ORDER + 1];

/* Take every free highmem block, so that the pool has to use its lowmem units. */
static void drain_highmem(void)
{
	for (int o = MAX_ORDER; o >= 0; o--) {
		struct page *p;

		list_init(&drained[o]);
		while ((p = alloc_pages_zone(ZONE_HIGHMEM, (unsigned)o)))
			list_add(&p->lru, &drained[o]);
	}
}

static void refill_highmem(void)
{
	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		while (!list_empty(&drained[o])) {
			struct page *p = list_first_entry(&drained[o], struct page, lru);

			list_del(&p->lru);
			__free_pages(p, o);
		}
	}
}

/*
 * From highmem, WC and UC, order 0 and 3: allocating registers the frames (no entry: nothing
 * maps them) and vmaps them, n set_pte in two lazy sections, no flush, no split; every
 * entry and the registry say the type. Freeing is vunmap's n pte_clear and one shootdown,
 * then the frames are WB again, still with no entry written.
 */
static void typed_pool_highmem_exact_counts(struct ktest *t)
{
	static const enum page_cache_mode modes[] = {PCM_WC, PCM_UC};
	static const unsigned orders[] = {0, 3};

	if (!native_types()) {
		ktest_skip(t, "the backend takes WB only (typed_pool_refused_by_backend)");
		return;
	}
	if (!zones[ZONE_HIGHMEM].free_pages) {
		ktest_skip(t, "no free highmem");
		return;
	}
	for (unsigned m = 0; m < ARRAY_SIZE(modes); m++) {
		for (unsigned o = 0; o < ARRAY_SIZE(orders); o++) {
			unsigned order = orders[o], n = 1u << order;
			u64 exp[PV_OP_NR] = {0};
			struct pv_counts before, d;
			struct page *page;
			unsigned slots;
			pfn_t pfn;
			void *va;

			warm_vmap(t, &order, 1);
			snap(&before);
			va = alloc_pages_type(modes[m], order);
			since(&before, &d, exp);
			if (!KT_EXPECT(t, va != NULL))
				return;
			page = vmalloc_to_page(va);
			pfn = page_to_pfn(page);
			KT_EXPECT(t, pfn >= mm_layout.max_low_pfn);
			/* Rewritten by the call, stale slots still map the frames now. */
			add_unmapped_change(exp, n, slot_aliases(pfn, n));
			add_vmap(exp, n);
			expect_ops(t, "alloc_pages_type from highmem", &d, exp);
			KT_EXPECT_EQ(t, d.ev[PV_EV_SPLITS] + d.ev[PV_EV_MERGES], 0);
			KT_EXPECT_EQ(t, registry_mismatches(pfn, n, modes[m]), 0);
			KT_EXPECT_EQ(t, mapping_mismatches(va, pfn, n, modes[m]), 0);
			round_trip(t, va, page, modes[m]);
			round_trip(t, (char *)va + (n - 1) * PAGE_SIZE, page + n - 1, modes[m]);
			kt_info(
			    "alloc_pages_type(%s, order %u) from highmem pfn 0x%x: %llu set_pte",
			    cachemode_names[modes[m]], order, pfn, d.op[PV_SET_PTE]);

			memset(exp, 0, sizeof(exp));
			slots = slot_aliases(pfn, n);
			snap(&before);
			free_pages_type(va, modes[m], order);
			since(&before, &d, exp);
			add_vunmap(exp, n);
			add_unmapped_change(exp, n, slots);
			expect_ops(t, "free_pages_type to highmem", &d, exp);
			KT_EXPECT_EQ(t, registry_mismatches(pfn, n, PCM_WB), 0);
			KT_EXPECT_EQ(t, memtype_ranges(), 0);
			KT_EXPECT(t, vmalloc_to_page(va) == NULL);
		}
	}
}

/* Unit @i's state is @type with @used pages out. */
static void expect_unit(struct ktest *t, unsigned i, enum page_cache_mode type, unsigned used)
{
	struct typed_pool_unit_info u;
	unsigned bad = 0;

	if (!KT_EXPECT(t, typed_pool_unit(i, &u)))
		return;
	KT_EXPECT_EQ(t, u.type, type);
	KT_EXPECT_EQ(t, u.used, used);
	KT_EXPECT_EQ(t, registry_mismatches(page_to_pfn(u.first), TYPED_POOL_UNIT_PAGES, type), 0);
	for (u32 p = 0; p < TYPED_POOL_UNIT_PAGES; p++)
		bad +=
		    !maps_as(direct_va(page_to_pfn(u.first) + p), page_to_pfn(u.first) + p, type);
	KT_EXPECT_EQ(t, bad, 0);
}

static struct page *unit_first(unsigned i)
{
	struct typed_pool_unit_info u = {0};

	typed_pool_unit(i, &u);
	return u.first;
}

/*
 * With highmem taken (or none), from the lowmem units: the first WC user types unit 0 as a
 * whole, one change (split, 512 entries, merge back into one WC 2 MiB entry where the direct
 * map has large pages) plus its vmap; a second WC user costs only its vmap; a UC user types
 * unit 1; a WT request with every unit typed fails with nothing issued. Freeing the last
 * user of a unit makes it WB again with the same change; the others only vunmap.
 */
static void typed_pool_units_take_their_first_users_type(struct ktest *t)
{
	static const unsigned seq[] = {0, 3, 0};
	bool two = typed_pool_units() >= 2, large = !directmap_4k_only_why();
	u64 exp[PV_OP_NR] = {0};
	struct pv_counts before, d;
	void *wc0, *wc3, *uc0 = NULL, *none;
	struct page *u0;

	if (!typed_pool_units()) {
		ktest_skip(t, "no lowmem units reserved (typed_pool= or the backend's types)");
		return;
	}
	drain_highmem();
	warm_vmap(t, seq, ARRAY_SIZE(seq));
	u0 = unit_first(0);
	expect_unit(t, 0, PCM_WB, 0);
	KT_EXPECT_EQ(t, directmap_is_large(direct_va(page_to_pfn(u0))), large);

	snap(&before);
	wc0 = alloc_pages_type(PCM_WC, 0);
	since(&before, &d, exp);
	if (!KT_EXPECT(t, wc0 != NULL))
		goto out;
	KT_EXPECT(t, vmalloc_to_page(wc0) == u0);
	add_unit_change(exp, large);
	add_vmap(exp, 1);
	expect_ops(t, "first WC user of unit 0", &d, exp);
	KT_EXPECT_EQ(t, d.ev[PV_EV_SPLITS], large);
	KT_EXPECT_EQ(t, d.ev[PV_EV_MERGES], large);
	expect_unit(t, 0, PCM_WC, 1);
	KT_EXPECT_EQ(t, directmap_is_large(direct_va(page_to_pfn(u0))), large);
	KT_EXPECT_EQ(t, mapping_mismatches(wc0, page_to_pfn(u0), 1, PCM_WC), 0);
	round_trip(t, wc0, u0, PCM_WC);
	kt_info("first user of a unit: %llu set_pte, %llu splits, %llu merges, %llu flush ops",
		d.op[PV_SET_PTE], d.ev[PV_EV_SPLITS], d.ev[PV_EV_MERGES], flush_ops(&d));

	memset(exp, 0, sizeof(exp));
	snap(&before);
	wc3 = alloc_pages_type(PCM_WC, 3);
	since(&before, &d, exp);
	if (!KT_EXPECT(t, wc3 != NULL))
		goto free_wc0;
	add_vmap(exp, 8);
	expect_ops(t, "second WC user of unit 0", &d, exp);
	KT_EXPECT_EQ(t, d.ev[PV_EV_SPLITS] + d.ev[PV_EV_MERGES], 0);
	KT_EXPECT(t, vmalloc_to_page(wc3) == u0 + 8); /* the first free run aligned to 8 */
	expect_unit(t, 0, PCM_WC, 9);
	KT_EXPECT_EQ(t, mapping_mismatches(wc3, page_to_pfn(u0) + 8, 8, PCM_WC), 0);

	memset(exp, 0, sizeof(exp));
	snap(&before);
	if (two)
		uc0 = alloc_pages_type(PCM_UC, 0);
	since(&before, &d, exp);
	if (two && KT_EXPECT(t, uc0 != NULL)) {
		add_unit_change(exp, large);
		add_vmap(exp, 1);
		expect_ops(t, "first UC user, unit 1", &d, exp);
		KT_EXPECT(t, vmalloc_to_page(uc0) == unit_first(1));
		expect_unit(t, 1, PCM_UC, 1);
		KT_EXPECT_EQ(t, mapping_mismatches(uc0, page_to_pfn(unit_first(1)), 1, PCM_UC), 0);
	}
	if (typed_pool_units() <= 2) {
		memset(exp, 0, sizeof(exp));
		snap(&before);
		none = alloc_pages_type(two ? PCM_WT : PCM_UC, 0);
		since(&before, &d, exp);
		KT_EXPECT(t, none == NULL);
		expect_ops(t, "a type no unit has, none free", &d, exp);
	}

	if (uc0) {
		memset(exp, 0, sizeof(exp));
		snap(&before);
		free_pages_type(uc0, PCM_UC, 0);
		since(&before, &d, exp);
		add_vunmap(exp, 1);
		add_unit_change(exp, large);
		expect_ops(t, "last user of unit 1 freed", &d, exp);
		expect_unit(t, 1, PCM_WB, 0);
	}
	memset(exp, 0, sizeof(exp));
	snap(&before);
	free_pages_type(wc3, PCM_WC, 3);
	since(&before, &d, exp);
	add_vunmap(exp, 8);
	expect_ops(t, "a user of unit 0 freed, one left", &d, exp);
	expect_unit(t, 0, PCM_WC, 1);
free_wc0:
	memset(exp, 0, sizeof(exp));
	snap(&before);
	free_pages_type(wc0, PCM_WC, 0);
	since(&before, &d, exp);
	add_vunmap(exp, 1);
	add_unit_change(exp, large);
	expect_ops(t, "last user of unit 0 freed", &d, exp);
	expect_unit(t, 0, PCM_WB, 0);
	KT_EXPECT_EQ(t, directmap_is_large(direct_va(page_to_pfn(u0))), large);
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
out:
	refill_highmem();
}

/*
 * A type the backend refuses (Xen PV without device access: every type but WB) is refused
 * with NULL, no MMU operation and nothing registered: never WB in its place.
 */
static void typed_pool_refused_by_backend(struct ktest *t)
{
	static const enum page_cache_mode typed[] = {PCM_WT, PCM_UC_MINUS, PCM_UC, PCM_WC, PCM_WP};
	unsigned refused = 0;

	for (unsigned m = 0; m < ARRAY_SIZE(typed); m++) {
		u64 exp[PV_OP_NR] = {0};
		struct pv_counts before, d;
		void *va;

		if (pv_mmu->cache_modes & PCM_BIT(typed[m]))
			continue;
		snap(&before);
		va = alloc_pages_type(typed[m], 0);
		since(&before, &d, exp);
		KT_EXPECT(t, va == NULL);
		expect_ops(t, "alloc_pages_type of a refused type", &d, exp);
		KT_EXPECT_EQ(t, memtype_ranges(), 0);
		refused++;
	}
	if (!refused)
		ktest_skip(t, "the backend takes every type");
}

/*
 * WB is served on every backend: a plain vmap of free pages (n set_pte, one lazy section,
 * no registry entry); the free is vunmap's n pte_clear and one shootdown.
 */
static void typed_pool_wb_anywhere(struct ktest *t)
{
	static const unsigned orders[] = {0, 2};

	for (unsigned o = 0; o < ARRAY_SIZE(orders); o++) {
		unsigned order = orders[o], n = 1u << order;
		u64 exp[PV_OP_NR] = {0};
		struct pv_counts before, d;
		void *va;

		warm_vmap(t, &order, 1);
		snap(&before);
		va = alloc_pages_type(PCM_WB, order);
		since(&before, &d, exp);
		if (!KT_EXPECT(t, va != NULL))
			return;
		add_vmap(exp, n);
		expect_ops(t, "alloc_pages_type(WB)", &d, exp);
		KT_EXPECT_EQ(t, memtype_ranges(), 0);
		KT_EXPECT_EQ(t, mapping_mismatches(va, page_to_pfn(vmalloc_to_page(va)), n, PCM_WB),
			     0);
		round_trip(t, va, vmalloc_to_page(va), PCM_WB);
		kt_info("alloc_pages_type(WB, order %u): %llu set_pte, %llu page updates, %llu "
			"multicalls",
			order, d.op[PV_SET_PTE], d.ev[PV_EV_PAGE_UPDATES], d.ev[PV_EV_MULTICALL]);

		memset(exp, 0, sizeof(exp));
		snap(&before);
		free_pages_type(va, PCM_WB, order);
		since(&before, &d, exp);
		add_vunmap(exp, n);
		expect_ops(t, "free_pages_type(WB)", &d, exp);
	}
}

/* An order above a unit is refused, with nothing issued. */
static void typed_pool_refuses_orders_above_a_unit(struct ktest *t)
{
	u64 exp[PV_OP_NR] = {0};
	struct pv_counts before, d;

	snap(&before);
	KT_EXPECT(t, alloc_pages_type(PCM_WB, TYPED_POOL_UNIT_ORDER + 1) == NULL);
	since(&before, &d, exp);
	expect_ops(t, "order above a unit", &d, exp);
}

struct bad_free {
	void *addr;
	enum page_cache_mode type;
	unsigned order;
};

static void do_bad_free(void *arg)
{
	struct bad_free *b = arg;

	free_pages_type(b->addr, b->type, b->order);
}

/* Caught panics, each naming free_pages_type and the reason. */
static bool panics_with(struct ktest *t, struct bad_free b, const char *why)
{
	bool ok = KT_EXPECT(t, ktest_expect_panic(do_bad_free, &b));

	return ok && KT_EXPECT(t, strstr(ktest_last_panic, "free_pages_type(") &&
				      strstr(ktest_last_panic, why));
}

/*
 * Freeing with another type or order, twice, at an address inside the allocation, or an
 * area vmap made for someone else panics with a line naming the call; the allocation is
 * untouched and frees normally after.
 */
static void typed_pool_bad_frees_panic(struct ktest *t)
{
	enum page_cache_mode type = native_types() ? PCM_WC : PCM_WB;
	enum page_cache_mode other = type == PCM_WB ? PCM_WC : PCM_WB;
	struct page *plain = alloc_page(GFP_KERNEL);
	void *va = alloc_pages_type(type, 1), *foreign = NULL;

	if (!KT_EXPECT(t, va != NULL && plain != NULL))
		goto out;
	panics_with(t, (struct bad_free){va, other, 1}, "allocated as");
	panics_with(t, (struct bad_free){va, type, 0}, "allocated as");
	panics_with(t, (struct bad_free){(char *)va + PAGE_SIZE, type, 1}, "not an address");
	panics_with(t, (struct bad_free){(char *)va + 4, type, 1}, "not an address");
	foreign = vmap(&plain, 1, PAGE_KERNEL);
	if (KT_EXPECT(t, foreign != NULL))
		panics_with(t, (struct bad_free){foreign, PCM_WB, 0}, "not an address");
	KT_EXPECT(t, maps_as((u32)(uintptr_t)va, page_to_pfn(vmalloc_to_page(va)), type));
	free_pages_type(va, type, 1);
	panics_with(t, (struct bad_free){va, type, 1}, "freed already");
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
out:
	if (foreign)
		vunmap(foreign);
	if (plain)
		__free_pages(plain, 0);
}

KTEST_SUITE(typed_pool, KTEST_CASE(typed_pool_highmem_exact_counts),
	    KTEST_CASE(typed_pool_units_take_their_first_users_type),
	    KTEST_CASE(typed_pool_refused_by_backend), KTEST_CASE(typed_pool_wb_anywhere),
	    KTEST_CASE(typed_pool_refuses_orders_above_a_unit),
	    KTEST_CASE(typed_pool_bad_frees_panic));
