/*
 * Self-tests of set_memory_* and kernel_map_pages: exact MMU costs per backend, the entries
 * of every mapping of a frame read back against the registry after each operation, alias
 * refusals for every pair of types, and pages taken out of the direct map (page_address NULL,
 * every kind of kmap still works, with the page's type). Each case works on a 2 MiB-aligned
 * block of free lowmem (order 9), which nothing else maps meanwhile.
 */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/directmap.h"
#include "mm/highmem.h"
#include "mm/memtype.h"
#include "mm/pgtable.h"
#include "mm/set_memory.h"
#include "mm/test_expect.h"
#include "mm/vmalloc.h"
#include "pv/ops.h"

#define BLOCK_ORDER 9 /* 512 pages: one 2 MiB entry of the direct map */
#define BLOCK_PAGES (1u << BLOCK_ORDER)

static const enum page_cache_mode typed[] = {PCM_WT, PCM_UC_MINUS, PCM_UC, PCM_WC, PCM_WP};

static struct page *get_block(struct ktest *t)
{
	struct page *b = alloc_pages(GFP_KERNEL, BLOCK_ORDER);

	KT_EXPECT(t, b != NULL);
	return b;
}

static u32 va_of(struct page *page)
{
	return PAGE_OFFSET + (page_to_pfn(page) << PAGE_SHIFT);
}

static bool native_types(void)
{
	return pv_mmu->cache_modes == PCM_ALL;
}

/* The direct-map entry of @page (NULL when a 2 MiB entry covers it). */
static pte_t *direct_entry(struct page *page)
{
	return lookup_pte(va_of(page));
}

/* The direct map is made of 2 MiB entries where it can be (natively, not directmap=4k). */
static bool large_map(void)
{
	return !directmap_4k_only_why();
}

/* A split or a merge: one L2 entry, and one full shootdown (counted by their events). */
static void expect_splits_merges(struct ktest *t, const struct pv_counts *d, bool split, bool merge)
{
	KT_EXPECT_EQ(t, d->ev[PV_EV_SPLITS], split);
	KT_EXPECT_EQ(t, d->ev[PV_EV_MERGES], merge);
	KT_EXPECT_EQ(t, d->op[PV_ALLOC_TABLE], split);
	KT_EXPECT_EQ(t, d->op[PV_SET_PMD], (u64)split + merge);
}

/*
 * set_memory_uc on 1, 16 and 512 pages of one 2 MiB range: natively one set_pte per page
 * in one lazy section and one shootdown (after the split, when the range was one entry),
 * every entry UC and registered; set_memory_wb puts it all back. Under Xen the refusal,
 * with nothing issued.
 */
static void set_memory_uc_exact_counts(struct ktest *t)
{
	static const u32 sizes[] = {1, 16, BLOCK_PAGES};
	struct page *b = get_block(t);

	if (!b)
		return;
	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		u32 n = sizes[s];
		bool was_large = !direct_entry(b), whole = n == BLOCK_PAGES;
		struct pv_counts before, d;
		unsigned bad = 0;
		int ret;

		pv_counts_snapshot(&before);
		ret = set_memory_uc(va_of(b), n);
		pv_counts_since(&before, &d);
		if (!native_types()) {
			KT_EXPECT_EQ(t, ret, -EOPNOTSUPP);
			for (unsigned op = 0; op < PV_OP_NR; op++)
				KT_EXPECT_EQ(t, d.op[op], 0);
			KT_EXPECT_EQ(t, memtype_lookup(page_to_pfn(b), NULL), PCM_WB);
			KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WB));
			continue;
		}
		KT_EXPECT_EQ(t, ret, 0);
		/* A 2 MiB entry splits first; 512 pages, all UC now, merge back as one UC entry. */
		expect_splits_merges(t, &d, was_large, was_large && whole);
		/* Without self-snoop every page of the request leaves the caches. */
		KT_EXPECT_EQ(t, d.ev[PV_EV_CACHE_FLUSH_PAGES], pv_mmu->flush_cache_range ? n : 0);
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], (was_large ? BLOCK_PAGES : 0) + n);
		KT_EXPECT_EQ(t, d.op[PV_LAZY_ENTER], 1);
		KT_EXPECT_EQ(t, d.op[PV_LAZY_LEAVE], 1);
		KT_EXPECT_EQ(t, d.op[PV_PTE_CLEAR] + d.op[PV_SET_PTE_VA], 0);
		if (!was_large)
			expect_one_shootdown(t, &d, n);
		else
			KT_EXPECT_EQ(t, flush_ops(&d), (2 + whole) * shootdown_ops());
		for (u32 i = 0; i < BLOCK_PAGES; i++) {
			struct page *p = b + i;
			enum page_cache_mode want = i < n ? PCM_UC : PCM_WB;

			bad += !maps_as(va_of(p), page_to_pfn(p), want) ||
			       memtype_lookup(page_to_pfn(p), NULL) != want ||
			       page_cachemode(p) != want;
		}
		KT_EXPECT_EQ(t, bad, 0);
		kt_info("set_memory_uc(%u pages): %llu set_pte, %llu splits, %llu merges, %llu "
			"flush ops",
			n, d.op[PV_SET_PTE], d.ev[PV_EV_SPLITS], d.ev[PV_EV_MERGES], flush_ops(&d));

		/* Back to WB: a merged UC entry splits again; the range is whole WB: it merges. */
		was_large = !direct_entry(b);
		pv_counts_snapshot(&before);
		KT_EXPECT_EQ(t, set_memory_wb(va_of(b), n), 0);
		pv_counts_since(&before, &d);
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], (was_large ? BLOCK_PAGES : 0) + n);
		expect_splits_merges(t, &d, was_large, large_map());
		KT_EXPECT_EQ(t, d.ev[PV_EV_CACHE_FLUSH_PAGES], pv_mmu->flush_cache_range ? n : 0);
		KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WB));
		KT_EXPECT(t, maps_as(va_of(b + BLOCK_PAGES - 1), page_to_pfn(b) + BLOCK_PAGES - 1,
				     PCM_WB));
		KT_EXPECT_EQ(t, memtype_lookup(page_to_pfn(b), NULL), PCM_WB);
		KT_EXPECT_EQ(t, !direct_entry(b), large_map());
	}
	__free_pages(b, BLOCK_ORDER);
}

/*
 * A frame held as one type refuses every other type (and the same one again): -EBUSY, no
 * entry written, the held type and owner unchanged. set_memory_wb of a frame nobody holds
 * is refused too.
 */
static void set_memory_refuses_every_alias_pair(struct ktest *t)
{
	struct page *b = get_block(t);
	u32 va;

	if (!b)
		return;
	va = va_of(b);
	if (!native_types()) {
		for (unsigned a = 0; a < ARRAY_SIZE(typed); a++)
			KT_EXPECT_EQ(t, set_memory_type(va, 1, typed[a]), -EOPNOTSUPP);
		KT_EXPECT_EQ(t, set_memory_wb(va, 1), -EINVAL);
		__free_pages(b, BLOCK_ORDER);
		return;
	}
	for (unsigned h = 0; h < ARRAY_SIZE(typed); h++) {
		const char *owner = NULL;

		KT_EXPECT_EQ(t, set_memory_type(va, 4, typed[h]), 0);
		for (unsigned a = 0; a < ARRAY_SIZE(typed); a++) {
			struct pv_counts before, d;

			pv_counts_snapshot(&before);
			KT_EXPECT_EQ(t, set_memory_type(va + PAGE_SIZE, 4, typed[a]), -EBUSY);
			pv_counts_since(&before, &d);
			KT_EXPECT_EQ(t,
				     d.op[PV_SET_PTE] + d.op[PV_FLUSH_ALL] + d.op[PV_FLUSH_ONE] +
					 d.op[PV_FLUSH_MULTI],
				     0);
		}
		for (unsigned i = 0; i < 5; i++)
			KT_EXPECT(t, maps_as(va + i * PAGE_SIZE, page_to_pfn(b) + i,
					     i < 4 ? typed[h] : PCM_WB));
		KT_EXPECT_EQ(t, memtype_lookup(page_to_pfn(b) + 3, &owner), typed[h]);
		KT_EXPECT(t, owner && !strcmp(owner, "set_memory"));
		KT_EXPECT_EQ(t, set_memory_wb(va, 4), 0);
	}
	KT_EXPECT_EQ(t, set_memory_wb(va, 1), -EINVAL);
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
	__free_pages(b, BLOCK_ORDER);
}

/* Bad requests: unaligned, zero pages, outside the direct map and the vmalloc area. */
static void set_memory_rejects_bad_ranges(struct ktest *t)
{
	KT_EXPECT_EQ(t, set_memory_uc(PAGE_OFFSET + 1, 1), -EINVAL);
	KT_EXPECT_EQ(t, set_memory_uc(PAGE_OFFSET, 0), -EINVAL);
	KT_EXPECT_EQ(t, set_memory_uc(mm_layout.high_memory - PAGE_SIZE, 2), -EINVAL);
	KT_EXPECT_EQ(t, set_memory_ro(0x1000, 1), -EINVAL);
	KT_EXPECT_EQ(t, set_memory_wb(mm_layout.pkmap_base, 1), -EINVAL);
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
}

/*
 * The type reaches every mapping: a kmap_local of a lowmem page forced through a slot (the
 * debug checks force lowmem through slots) held across set_memory_wc is rewritten to WC, a
 * new kmap_local maps WC, and set_memory_wb brings both back to WB.
 */
static void set_memory_changes_kmap_aliases(struct ktest *t)
{
	struct page *b = get_block(t);
	u32 *slot;

	if (!b)
		return;
	if (!native_types() || !kmap_debug) {
		ktest_skip(t, !kmap_debug ? "needs kmap_debug=on (lowmem through slots)"
					  : "the backend takes WB only");
		__free_pages(b, BLOCK_ORDER);
		return;
	}
	slot = kmap_local_page(b);
	KT_EXPECT(t, (u32)(uintptr_t)slot != va_of(b));
	KT_EXPECT(t, maps_as((u32)(uintptr_t)slot, page_to_pfn(b), PCM_WB));
	KT_EXPECT_EQ(t, set_memory_wc(va_of(b), 1), 0);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)slot, page_to_pfn(b), PCM_WC));
	KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WC));
	{
		u32 *again = kmap_local_page(b);

		KT_EXPECT(t, maps_as((u32)(uintptr_t)again, page_to_pfn(b), PCM_WC));
		*again = 0x5a5a1234;
		KT_EXPECT_EQ(t, *slot, 0x5a5a1234);
		kunmap_local(again);
	}
	KT_EXPECT_EQ(t, set_memory_wb(va_of(b), 1), 0);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)slot, page_to_pfn(b), PCM_WB));
	kunmap_local(slot);
	__free_pages(b, BLOCK_ORDER);
}

static struct {
	struct page *page;
	volatile u32 slot, step; /* step: 1 mapped, 2 asked to unmap, 3 done */
} held;

/* On another CPU: hold a kmap_atomic slot of held.page until told to let it go. */
static void hold_slot(void *arg)
{
	void *v = kmap_atomic(held.page);

	(void)arg;
	held.slot = (u32)(uintptr_t)v;
	__atomic_store_n(&held.step, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&held.step, __ATOMIC_ACQUIRE) != 2)
		cpu_relax();
	kunmap_atomic(v);
	__atomic_store_n(&held.step, 3, __ATOMIC_RELEASE);
}

/* @va (a kmap slot of another CPU's, read from here) maps @pfn writable or not. */
static bool slot_writable(u32 va, pfn_t pfn, bool *rw)
{
	pfn_t mapped;
	u64 prot;

	if (!lookup_mapping(va, &mapped, &prot) || mapped != pfn)
		return false;
	*rw = prot & _PAGE_RW;
	return true;
}

/*
 * A slot another CPU holds is rewritten by that CPU, in one call-function IPI beyond the
 * shootdown's: set_memory_ro then _rw of a page that CPU has kmap_atomic'd (any backend:
 * it only changes RW).
 */
static void set_memory_rewrites_other_cpus_slots(struct ktest *t)
{
	unsigned self = smp_processor_id(), other = self;
	struct pv_counts before, d;
	struct thread *th;
	u64 shoot_ipis;
	bool rw = true, large;

	for_each_online_cpu(cpu)
	{
		if (cpu != self && other == self)
			other = cpu;
	}
	if (other == self || !kmap_debug) {
		ktest_skip(t, other == self ? "one CPU online"
					    : "needs kmap_debug=on (lowmem "
					      "through slots)");
		return;
	}
	held.page = alloc_page(GFP_KERNEL);
	held.step = 0;
	if (!KT_EXPECT(t, held.page != NULL))
		return;
	th = thread_create_on("slot-holder", hold_slot, NULL, other);
	if (!KT_EXPECT(t, th != NULL))
		goto out;
	while (__atomic_load_n(&held.step, __ATOMIC_ACQUIRE) != 1)
		yield();
	/*
	 * Natively each shootdown (of everything: two entries; a split's first) sends one IPI
	 * to each other CPU; a page in a 2 MiB entry splits it first (512 more set_pte).
	 */
	shoot_ipis = pv_mmu->kind == PV_BACKEND_NATIVE ? nr_cpus_online - 1 : 0;
	large = directmap_is_large((u32)(uintptr_t)page_address(held.page));
	pv_counts_snapshot(&before);
	KT_EXPECT_EQ(t, set_memory_ro((u32)(uintptr_t)page_address(held.page), 1), 0);
	pv_counts_since(&before, &d);
	KT_EXPECT(t, slot_writable(held.slot, page_to_pfn(held.page), &rw) && !rw);
	KT_EXPECT_EQ(t, d.ev[PV_EV_IPIS_SENT], shoot_ipis * (1 + large) + 1);
	/* The direct map here, the slot there, and a split's entries. */
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE], 2 + (large ? BLOCK_PAGES : 0));
	KT_EXPECT_EQ(t, set_memory_rw((u32)(uintptr_t)page_address(held.page), 1), 0);
	KT_EXPECT(t, slot_writable(held.slot, page_to_pfn(held.page), &rw) && rw);
	kt_info("cpu %u's slot 0x%08x rewritten by cpu %u: %llu IPIs", other, held.slot, other,
		d.ev[PV_EV_IPIS_SENT]);
	__atomic_store_n(&held.step, 2, __ATOMIC_RELEASE);
	thread_join(th);
out:
	__free_pages(held.page, 0);
}

/* set_memory_ro makes writes fault, set_memory_rw lets them through again. */
static void set_memory_ro_then_rw(struct ktest *t)
{
	struct page *b = get_block(t);
	u32 *va, v;

	if (!b)
		return;
	va = (u32 *)(uintptr_t)va_of(b);
	KT_EXPECT_EQ(t, probe_write_u32(va, 7), 0);
	KT_EXPECT_EQ(t, set_memory_ro((u32)(uintptr_t)va, 2), 0);
	KT_EXPECT(t, probe_write_u32(va, 8) != 0);
	KT_EXPECT(t, probe_write_u32(va + PAGE_SIZE / 4, 8) != 0);
	KT_EXPECT_EQ(t, probe_read_u32(va, &v), 0);
	KT_EXPECT_EQ(t, v, 7);
	KT_EXPECT_EQ(t, set_memory_rw((u32)(uintptr_t)va, 2), 0);
	KT_EXPECT_EQ(t, probe_write_u32(va, 9), 0);
	KT_EXPECT_EQ(t, *va, 9);
	__free_pages(b, BLOCK_ORDER);
}

static void fill(struct page *p, u32 n, u32 seed)
{
	for (u32 i = 0; i < n; i++) {
		u32 *v = kmap_local_page(p + i);

		for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
			v[w] = seed + i * 1024 + w;
		kunmap_local(v);
	}
}

/* Pages whose contents are still @seed's, read through kmap_local. */
static u32 intact(struct page *p, u32 n, u32 seed)
{
	u32 good = 0;

	for (u32 i = 0; i < n; i++) {
		u32 *v = kmap_local_page(p + i);
		bool ok = true;

		for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
			ok &= v[w] == seed + i * 1024 + w;
		kunmap_local(v);
		good += ok;
	}
	return good;
}

/*
 * kernel_map_pages(n, 0): one pte_clear per page and one shootdown; the pages are marked,
 * page_address() is NULL, their direct address faults, and kmap, kmap_atomic and
 * kmap_local_page all map them through slots with their contents. (n, 1): one set_pte per
 * page and no flush; they are back in the direct map as they were. Pages already in the
 * wanted state cost nothing.
 */
static void kernel_map_pages_exact_counts(struct ktest *t)
{
	static const u32 sizes[] = {1, 16, BLOCK_PAGES};
	struct page *b = get_block(t);

	if (!b)
		return;
	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		u32 n = sizes[s], v;
		bool was_large = !direct_entry(b);
		struct pv_counts before, d;
		void *k, *a;

		fill(b, n, 0x1000 * s);
		pv_counts_snapshot(&before);
		kernel_map_pages(b, n, false);
		pv_counts_since(&before, &d);
		expect_splits_merges(t, &d, was_large, false);
		KT_EXPECT_EQ(t, d.op[PV_PTE_CLEAR], n);
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], was_large ? BLOCK_PAGES : 0);
		KT_EXPECT_EQ(t, d.op[PV_LAZY_ENTER], 1);
		if (!was_large)
			expect_one_shootdown(t, &d, n);
		else
			KT_EXPECT_EQ(t, flush_ops(&d), 2 * shootdown_ops());
		KT_EXPECT(t, (b->flags & PG_unmapped) && (b[n - 1].flags & PG_unmapped));
		KT_EXPECT(t, n == BLOCK_PAGES || !(b[n].flags & PG_unmapped));
		KT_EXPECT(t, page_address(b) == NULL);
		KT_EXPECT(t, page_address(b + n - 1) == NULL);
		KT_EXPECT(t, probe_read_u32((void *)(uintptr_t)va_of(b), &v) != 0);
		KT_EXPECT(t, probe_read_u32((void *)(uintptr_t)va_of(b + n - 1), &v) != 0);
		KT_EXPECT_EQ(t, intact(b, n, 0x1000 * s), n);
		k = kmap(b + n - 1);
		KT_EXPECT(t, (u32)(uintptr_t)k >= mm_layout.pkmap_base);
		KT_EXPECT(t, page_address(b + n - 1) == k);
		KT_EXPECT_EQ(t, *(u32 *)k, 0x1000 * s + (n - 1) * 1024);
		kunmap(b + n - 1);
		kmap_flush_unused(); /* else page_address() finds the slot until it is recycled */
		KT_EXPECT(t, page_address(b + n - 1) == NULL);
		a = kmap_atomic(b);
		KT_EXPECT_EQ(t, *(u32 *)a, 0x1000 * s);
		KT_EXPECT(t, maps_as((u32)(uintptr_t)a, page_to_pfn(b), PCM_WB));
		kunmap_atomic(a);

		pv_counts_snapshot(&before);
		kernel_map_pages(b, n, false); /* already out: nothing to do */
		pv_counts_since(&before, &d);
		KT_EXPECT_EQ(t,
			     d.op[PV_PTE_CLEAR] + d.op[PV_FLUSH_ONE] + d.op[PV_FLUSH_ALL] +
				 d.op[PV_FLUSH_MULTI],
			     0);

		pv_counts_snapshot(&before);
		kernel_map_pages(b, n, true);
		pv_counts_since(&before, &d);
		/* Back in the map, the block is 512 identical entries again: it merges. */
		KT_EXPECT_EQ(t, d.op[PV_SET_PTE], n);
		expect_splits_merges(t, &d, false, large_map());
		KT_EXPECT_EQ(t, flush_ops(&d), large_map() ? shootdown_ops() : 0);
		KT_EXPECT(t, page_address(b) == (void *)(uintptr_t)va_of(b));
		KT_EXPECT(t, !(b->flags & PG_unmapped));
		KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)va_of(b + n - 1), &v), 0);
		KT_EXPECT_EQ(t, intact(b, n, 0x1000 * s), n);
		KT_EXPECT(t, !direct_entry(b) ||
				 (pte_present(*direct_entry(b)) &&
				  (direct_entry(b)->val & ~(_PAGE_ACCESSED | _PAGE_DIRTY)) ==
				      (pfn_pte(page_to_pfn(b), directmap_prot(page_to_pfn(b))).val &
				       ~(_PAGE_ACCESSED | _PAGE_DIRTY))));
		kt_info("kernel_map_pages(%u pages): %llu pte_clear out, %llu set_pte back", n,
			(unsigned long long)n, d.op[PV_SET_PTE]);
	}
	__free_pages(b, BLOCK_ORDER);
}

/*
 * A page out of the direct map keeps its registered type in every slot: a WC page unmapped
 * and kmapped is WC in the slot; mapped back, its direct entry is WC again.
 */
static void unmapped_page_kmaps_with_its_type(struct ktest *t)
{
	struct page *b = get_block(t);
	void *k;

	if (!b)
		return;
	if (!native_types()) {
		ktest_skip(t, "the backend takes WB only");
		__free_pages(b, BLOCK_ORDER);
		return;
	}
	KT_EXPECT_EQ(t, set_memory_wc(va_of(b), 1), 0);
	kernel_map_pages(b, 1, false);
	k = kmap_local_page(b);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)k, page_to_pfn(b), PCM_WC));
	kunmap_local(k);
	k = kmap(b);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)k, page_to_pfn(b), PCM_WC));
	kunmap(b);
	kernel_map_pages(b, 1, true);
	KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WC));
	KT_EXPECT_EQ(t, set_memory_wb(va_of(b), 1), 0);
	KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WB));
	__free_pages(b, BLOCK_ORDER);
}

/* set_memory_np leaves no mapping: the direct address faults and page_address is NULL. */
static void set_memory_np_unmaps(struct ktest *t)
{
	struct page *b = get_block(t);
	u32 v;

	if (!b)
		return;
	fill(b, 1, 77);
	KT_EXPECT_EQ(t, set_memory_np(va_of(b), 1), 0);
	KT_EXPECT(t, probe_read_u32((void *)(uintptr_t)va_of(b), &v) != 0);
	KT_EXPECT(t, page_address(b) == NULL);
	KT_EXPECT_EQ(t, intact(b, 1, 77), 1);
	kernel_map_pages(b, 1, true);
	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)va_of(b), &v), 0);
	KT_EXPECT_EQ(t, v, 77);
	__free_pages(b, BLOCK_ORDER);
}

/*
 * vmap aliases follow the direct map: a lowmem page vmapped WB turns WC in both mappings by
 * set_memory_wc on its direct address, and back; while it is WC a WB vmap of it is refused
 * (the alias the registry exists to prevent) and a WC one is taken.
 */
static void set_memory_changes_vmap_aliases(struct ktest *t)
{
	struct page *b = get_block(t);
	u32 *alias, *wc;

	if (!b)
		return;
	alias = vmap(&b, 1, PAGE_KERNEL);
	if (!KT_EXPECT(t, alias != NULL))
		goto out;
	if (!native_types()) {
		KT_EXPECT(t, vmap(&b, 1, PAGE_KERNEL_WC) == NULL);
		vunmap(alias);
		goto out;
	}
	KT_EXPECT_EQ(t, set_memory_wc(va_of(b), 1), 0);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)alias, page_to_pfn(b), PCM_WC));
	KT_EXPECT(t, maps_as(va_of(b), page_to_pfn(b), PCM_WC));
	KT_EXPECT(t, vmap(&b, 1, PAGE_KERNEL) == NULL);
	wc = vmap(&b, 1, PAGE_KERNEL_WC);
	KT_EXPECT(t, wc != NULL);
	if (wc) {
		*wc = 0xc0ffee;
		KT_EXPECT_EQ(t, *alias, 0xc0ffee);
	}
	KT_EXPECT_EQ(t, set_memory_wb(va_of(b), 1), 0);
	KT_EXPECT(t, maps_as((u32)(uintptr_t)alias, page_to_pfn(b), PCM_WB));
	if (wc) {
		KT_EXPECT(t, maps_as((u32)(uintptr_t)wc, page_to_pfn(b), PCM_WB));
		vunmap(wc);
	}
	vunmap(alias);
out:
	__free_pages(b, BLOCK_ORDER);
}

/*
 * set_memory on a vmap address changes the frames behind it, highmem ones too (which have
 * no direct alias): the registry, the vmap entries and a kmap_local of the page all say UC.
 */
static void set_memory_on_vmap_address(struct ktest *t)
{
	struct page *pages[2] = {alloc_page(GFP_HIGHMEM), alloc_page(GFP_KERNEL)};
	u32 *v;

	if (!KT_EXPECT(t, pages[0] && pages[1]))
		return;
	v = vmap(pages, 2, PAGE_KERNEL);
	if (!KT_EXPECT(t, v != NULL))
		goto out;
	if (!native_types()) {
		KT_EXPECT_EQ(t, set_memory_uc((u32)(uintptr_t)v, 2), -EOPNOTSUPP);
		KT_EXPECT(t, maps_as((u32)(uintptr_t)v, page_to_pfn(pages[0]), PCM_WB));
	} else {
		void *k;

		KT_EXPECT_EQ(t, set_memory_uc((u32)(uintptr_t)v, 2), 0);
		for (unsigned i = 0; i < 2; i++) {
			KT_EXPECT(t, maps_as((u32)(uintptr_t)v + i * PAGE_SIZE,
					     page_to_pfn(pages[i]), PCM_UC));
			KT_EXPECT_EQ(t, memtype_lookup(page_to_pfn(pages[i]), NULL), PCM_UC);
		}
		KT_EXPECT(t, maps_as(va_of(pages[1]), page_to_pfn(pages[1]), PCM_UC));
		k = kmap_local_page(pages[0]);
		KT_EXPECT(t, maps_as((u32)(uintptr_t)k, page_to_pfn(pages[0]), PCM_UC));
		kunmap_local(k);
		KT_EXPECT_EQ(t, set_memory_wb((u32)(uintptr_t)v, 2), 0);
		KT_EXPECT(t, maps_as((u32)(uintptr_t)v, page_to_pfn(pages[0]), PCM_WB));
		KT_EXPECT(t, maps_as(va_of(pages[1]), page_to_pfn(pages[1]), PCM_WB));
	}
	vunmap(v);
out:
	__free_pages(pages[0], 0);
	__free_pages(pages[1], 0);
	KT_EXPECT_EQ(t, memtype_ranges(), 0);
}

KTEST_SUITE(set_memory, KTEST_CASE(set_memory_uc_exact_counts),
	    KTEST_CASE(set_memory_refuses_every_alias_pair),
	    KTEST_CASE(set_memory_rejects_bad_ranges), KTEST_CASE(set_memory_changes_kmap_aliases),
	    KTEST_CASE(set_memory_ro_then_rw), KTEST_CASE(set_memory_rewrites_other_cpus_slots),
	    KTEST_CASE(kernel_map_pages_exact_counts),
	    KTEST_CASE(unmapped_page_kmaps_with_its_type), KTEST_CASE(set_memory_np_unmaps),
	    KTEST_CASE(set_memory_changes_vmap_aliases), KTEST_CASE(set_memory_on_vmap_address));
