/*
 * Self-tests of vmap/vunmap: the exact MMU cost of mapping and unmapping (with and without a
 * new page table), what the mapping shows, guard pages, the reverse lookups, running out of
 * areas or of address space, and visibility from another address space and another CPU.
 * Cases that need a 2 MiB region without a page table come first: tables are never freed,
 * and the address-space case at the end gives every region one.
 */
#include "guest/cmdline.h"
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/addrspace.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "mm/test_expect.h"
#include "mm/vmalloc.h"
#include "mm/zone.h"
#include "pv/ops.h"

#define AREAS_MAX 1024 /* mm/vmalloc.c's capacity, which the brief fixes */

static bool is_xen(void)
{
	return pv_mmu->kind == PV_BACKEND_XEN;
}

/* The hypercalls behind a delta, for the report lines. */
static void report(const char *what, const struct pv_counts *d)
{
	kt_info("%s: set_pte %llu pte_clear %llu set_pmd %llu alloc_table %llu set_pte_va %llu "
		"flush_one %llu flush_all %llu flush_multi %llu lazy %llu/%llu | mmu_update %llu "
		"update_va %llu mmuext %llu multicall %llu page_updates %llu ipis %llu",
		what, d->op[PV_SET_PTE], d->op[PV_PTE_CLEAR], d->op[PV_SET_PMD],
		d->op[PV_ALLOC_TABLE], d->op[PV_SET_PTE_VA], d->op[PV_FLUSH_ONE],
		d->op[PV_FLUSH_ALL], d->op[PV_FLUSH_MULTI], d->op[PV_LAZY_ENTER],
		d->op[PV_LAZY_LEAVE], d->ev[PV_EV_MMU_UPDATE], d->ev[PV_EV_UPDATE_VA_MAPPING],
		d->ev[PV_EV_MMUEXT_OP], d->ev[PV_EV_MULTICALL], d->ev[PV_EV_PAGE_UPDATES],
		d->ev[PV_EV_IPIS_SENT]);
}

/* A page filled with @seed, @seed + 1, ... through a kmap_local mapping. */
static void fill_page(struct page *p, u32 seed)
{
	u32 *v = kmap_local_page(p);

	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		v[i] = seed + i;
	kunmap_local(v);
}

static u32 read_word(struct page *p, unsigned i)
{
	u32 *v = kmap_local_page(p), x = v[i];

	kunmap_local(v);
	return x;
}

/* An array of @n pointers to @page (pages mapped many times over), or NULL. */
static struct page **same_page_array(struct page *page, u32 n, unsigned *order)
{
	struct page **a;

	*order = 0;
	while ((PAGE_SIZE << *order) < n * sizeof(*a))
		(*order)++;
	a = (struct page **)__get_free_pages(GFP_KERNEL, *order);
	for (u32 i = 0; a && i < n; i++)
		a[i] = page;
	return a;
}

/*
 * With no area mapped, the lowest 2 MiB region of the vmalloc area without a page table; 0
 * if every region has one. Regions below it all have tables.
 */
static u32 first_untabled_region(void)
{
	for (u32 r = mm_layout.vmalloc_start; r + PMD_SIZE <= mm_layout.vmalloc_end; r += PMD_SIZE)
		if (!lookup_pte(r))
			return r;
	return 0;
}

/*
 * Map @page once at the start of a region without a page table: a filler area reaches
 * from vmalloc_start (nothing else being mapped) up to that region, its guard page the last
 * page before it, and first fit puts the next area there. Returns the filler (NULL when
 * none was needed) through *@filler and the region; 0 if none is left (a skip if
 * @required).
 */
static u32 fresh_region(struct ktest *t, struct page *page, void **filler, bool required)
{
	u32 r = first_untabled_region();
	unsigned order;

	*filler = NULL;
	if (!KT_EXPECT_EQ(t, vmap_areas(), 0))
		return 0;
	if (!r) {
		if (required)
			ktest_skip(t, "every 2 MiB region of the vmalloc area has its page "
				      "table already");
		return 0;
	}
	if (r > mm_layout.vmalloc_start) {
		u32 n = ((r - mm_layout.vmalloc_start) >> PAGE_SHIFT) - 1;
		struct page **a = same_page_array(page, n, &order);

		if (!KT_EXPECT(t, a != NULL))
			return 0;
		*filler = vmap(a, n, PAGE_KERNEL);
		free_pages((unsigned long)(uintptr_t)a, order);
		if (!KT_EXPECT_EQ(t, (uintptr_t)*filler, mm_layout.vmalloc_start))
			return 0;
	}
	return r;
}

/*
 * The first vmap in a region without a page table: the one entry, and the table: a frame
 * zeroed (alloc_table) and hooked into the kernel's directory (set_pmd). Under Xen also the
 * frame's direct-map entry made read-only (set_pte_va and its folded flush), and one set_pmd
 * per live address space's copy of the directory: one here, created first for that.
 */
static void vmap_fresh_region_costs_a_table(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM), *as_page = alloc_page(GFP_KERNEL);
	struct pv_counts before, d;
	struct pagealloc_debug_stats pd0, pd1;
	u64 exp[PV_OP_NR] = {0};
	struct addrspace as;
	void *filler, *v;
	unsigned live;
	u32 r;

	if (!KT_EXPECT(t, page && as_page) || !KT_EXPECT(t, addrspace_create(&as, &as_page, 1)))
		return;
	r = fresh_region(t, page, &filler, true);
	if (r) {
		live = addrspaces_live();
		pagealloc_debug_stats_snapshot(&pd0);
		pv_counts_snapshot(&before);
		v = vmap(&page, 1, PAGE_KERNEL);
		pv_counts_since(&before, &d);
		pagealloc_debug_stats_snapshot(&pd1);
		KT_EXPECT_EQ(t, (uintptr_t)v, r);
		expect_add_pagealloc_debug(exp, NULL, &pd0, &pd1); /* the table frame's */
		exp[PV_SET_PTE] += 1;
		exp[PV_LAZY_ENTER] += 1;
		exp[PV_LAZY_LEAVE] += 1;
		exp[PV_ALLOC_TABLE] = 1;
		exp[PV_SET_PMD] = 1 + (pv_mmu->unshared_kernel_pmd ? live : 0);
		exp[PV_SET_PTE_VA] = pv_mmu->tables_readonly;
		exp[PV_FLUSH_ONE] += pv_mmu->tables_readonly;
		expect_ops(t, "first vmap in a fresh region", &d, exp);
		report("first vmap in a fresh 2 MiB region", &d);
		KT_EXPECT(t, lookup_pte(r) != NULL);
		if (pv_mmu->tables_readonly) {
			/* A probe write would not do: Xen emulates stores to L1 tables with
			 * writable page tables. The entry itself must lack RW. */
			pfn_t pt = pmd_pfn(kernel_pmd[pmd_index(r)]);
			pte_t *dm = lookup_pte((u32)(uintptr_t)phys_to_virt(PFN_PHYS(pt)));

			KT_EXPECT(t, dm && pte_present(*dm) && !(dm->val & _PAGE_RW));
		}
		kt_info("region 0x%08x; %u live address space(s) %s", r, live,
			pv_mmu->unshared_kernel_pmd ? "synced" : "share the directory");
		if (v)
			vunmap(v);
		if (filler)
			vunmap(filler);
	}
	addrspace_destroy(&as);
	__free_pages(page, 0);
	__free_pages(as_page, 0);
}

static struct {
	struct addrspace as;
	u32 va;
	int rc;
	u32 seen;
} other_tree;

/* On its CPU: run on the other tree, read the vmap address, and go back. */
static void read_on_other_tree(void *arg)
{
	(void)arg;
	addrspace_enter(&other_tree.as);
	other_tree.rc = probe_read_u32((const void *)(uintptr_t)other_tree.va, &other_tree.seen);
	addrspace_leave();
}

/*
 * Code running on an address space created before a vmap, in a region that had no page
 * table then, reads the mapping: under Xen that needs the new table synced into the tree's
 * own copy of the kernel directory. On another CPU when there is one.
 */
static void vmap_seen_from_older_address_space(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM), *as_page = alloc_page(GFP_KERNEL);
	unsigned cpu = nr_cpus_online > 1 ? 1 : 0;
	struct thread *th;
	void *filler, *v;
	u32 r;

	if (!KT_EXPECT(t, page && as_page) ||
	    !KT_EXPECT(t, addrspace_create(&other_tree.as, &as_page, 1)))
		return;
	fill_page(page, 0x7a000000);
	r = fresh_region(t, page, &filler, false);
	v = vmap(&page, 1, PAGE_KERNEL);
	if (KT_EXPECT(t, v != NULL) && r)
		KT_EXPECT_EQ(t, (uintptr_t)v, r);
	other_tree.va = (u32)(uintptr_t)v + 8;
	other_tree.rc = 1;
	th = v ? thread_create_on("vmap-other-tree", read_on_other_tree, NULL, cpu) : NULL;
	if (KT_EXPECT(t, th != NULL))
		thread_join(th);
	KT_EXPECT_EQ(t, other_tree.rc, 0);
	KT_EXPECT_EQ(t, other_tree.seen, 0x7a000002);
	kt_info("vmap at 0x%08x read on CPU %u from a tree created %s", (u32)(uintptr_t)v, cpu,
		r ? "before its page table" : "after its page table (no region left without one)");
	if (v)
		vunmap(v);
	if (filler)
		vunmap(filler);
	addrspace_destroy(&other_tree.as);
	__free_pages(page, 0);
	__free_pages(as_page, 0);
}

/* vunmap's cost: @n clears in one lazy section and one shootdown (page or everything). */
static void expect_vunmap_cost(struct ktest *t, const char *what, const struct pv_counts *d, u32 n,
			       const struct pagealloc_debug_stats *pd0,
			       const struct pagealloc_debug_stats *pd1)
{
	unsigned cpus = nr_cpus_online;
	bool native = !is_xen();
	u64 exp[PV_OP_NR] = {0}, ev[PV_EV_NR] = {0};

	expect_add_pagealloc_debug(exp, ev, pd0, pd1); /* the frame list's free, if any */
	exp[PV_PTE_CLEAR] += n;
	exp[PV_LAZY_ENTER] += 1;
	exp[PV_LAZY_LEAVE] += 1;
	add_shootdown(exp, n);
	expect_ops(t, what, d, exp);
	KT_EXPECT_EQ(t, d->ev[PV_EV_IPIS_SENT], (native ? cpus - 1 : 0) + ev[PV_EV_IPIS_SENT]);
}

/*
 * In a region that has its table: vmap of n pages costs n set_pte in one lazy section and
 * nothing else (no flush: a hole's entries are empty and flushed); under Xen those are n
 * page updates, or plain stores Xen emulates with pvmmu=writable (the table is one of the
 * kernel's L1s). vunmap: n clears in one lazy section and one shootdown.
 */
static void vmap_and_vunmap_exact_counts(struct ktest *t)
{
	static const u32 sizes[] = {1, 16};
	struct page *pages[16];
	struct pv_counts before, d;
	struct pagealloc_debug_stats pd0, pd1;

	for (unsigned i = 0; i < 16; i++)
		if (!KT_EXPECT(t, (pages[i] = alloc_page(i & 1 ? GFP_HIGHMEM : GFP_KERNEL))))
			return;
	for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
		u32 n = sizes[s];
		u64 exp[PV_OP_NR] = {0}, ev[PV_EV_NR] = {0};
		void *warm = vmap(pages, n, PAGE_KERNEL), *v;

		/* The warm-up gave the region its table; first fit hands the same place out. */
		if (!KT_EXPECT(t, warm != NULL))
			continue;
		vunmap(warm);
		pagealloc_debug_stats_snapshot(&pd0);
		pv_counts_snapshot(&before);
		v = vmap(pages, n, PAGE_KERNEL);
		pv_counts_since(&before, &d);
		pagealloc_debug_stats_snapshot(&pd1);
		KT_EXPECT(t, v == warm);
		expect_add_pagealloc_debug(exp, ev, &pd0, &pd1); /* the frame list's, if any */
		exp[PV_SET_PTE] += n;
		exp[PV_LAZY_ENTER] += 1;
		exp[PV_LAZY_LEAVE] += 1;
		expect_ops(t, n == 1 ? "vmap of 1 page" : "vmap of 16 pages", &d, exp);
		if (is_xen())
			KT_EXPECT_EQ(t, d.ev[PV_EV_PAGE_UPDATES],
				     (boot_options.pvmmu == PVMMU_WRITABLE ? 0 : n) +
					 ev[PV_EV_PAGE_UPDATES]);
		report(n == 1 ? "vmap 1 page" : "vmap 16 pages", &d);
		pagealloc_debug_stats_snapshot(&pd0);
		pv_counts_snapshot(&before);
		vunmap(v);
		pv_counts_since(&before, &d);
		pagealloc_debug_stats_snapshot(&pd1);
		expect_vunmap_cost(t, n == 1 ? "vunmap of 1 page" : "vunmap of 16 pages", &d, n,
				   &pd0, &pd1);
		report(n == 1 ? "vunmap 1 page" : "vunmap 16 pages", &d);
	}
	for (unsigned i = 0; i < 16; i++)
		__free_pages(pages[i], 0);
}

/*
 * Lowmem and highmem pages side by side: what kmap_local wrote reads back through the vmap
 * address, and what is written there reads back through kmap_local.
 */
static void vmap_shows_lowmem_and_highmem_pages(struct ktest *t)
{
	struct page *pages[8];
	unsigned high = 0;
	u32 *v;

	for (unsigned i = 0; i < 8; i++) {
		if (!KT_EXPECT(t, (pages[i] = alloc_page(i & 1 ? GFP_HIGHMEM : GFP_KERNEL))))
			return;
		high += page_zonenum(pages[i]) == ZONE_HIGHMEM;
		fill_page(pages[i], i << 24);
	}
	v = vmap(pages, 8, PAGE_KERNEL);
	if (!KT_EXPECT(t, v != NULL))
		return;
	for (unsigned i = 0; i < 8; i++) {
		u32 *p = v + i * (PAGE_SIZE / 4);

		KT_EXPECT_EQ(t, p[0], i << 24);
		KT_EXPECT_EQ(t, p[PAGE_SIZE / 4 - 1], (i << 24) + PAGE_SIZE / 4 - 1);
		p[5] = 0xc0de0000 + i;
		p[PAGE_SIZE / 4 - 2] = 0xfeed0000 + i;
	}
	for (unsigned i = 0; i < 8; i++) {
		KT_EXPECT_EQ(t, read_word(pages[i], 5), 0xc0de0000 + i);
		KT_EXPECT_EQ(t, read_word(pages[i], PAGE_SIZE / 4 - 2), 0xfeed0000 + i);
	}
	vunmap(v);
	kt_info("8 pages, %u of them highmem%s", high, high ? "" : " (none here)");
	for (unsigned i = 0; i < 8; i++)
		__free_pages(pages[i], 0);
}

/* The page after an area faults, the next area starts past it, and vunmap makes the area's
 * own pages fault. */
static void vmap_guard_page_and_vunmap_fault(struct ktest *t)
{
	struct page *pages[3];
	u32 x, fixups;
	char *a, *b;

	for (unsigned i = 0; i < 3; i++)
		if (!KT_EXPECT(t, (pages[i] = alloc_page(GFP_HIGHMEM))))
			return;
	a = vmap(pages, 3, PAGE_KERNEL);
	b = vmap(pages, 1, PAGE_KERNEL);
	if (!KT_EXPECT(t, a && b))
		return;
	KT_EXPECT(t, b == a + 4 * PAGE_SIZE); /* first fit, after a's guard page */
	fixups = extable_fixups;
	KT_EXPECT_EQ(t, probe_read_u32(a + 2 * PAGE_SIZE + PAGE_SIZE - 4, &x), 0);
	KT_EXPECT_EQ(t, probe_read_u32(a + 3 * PAGE_SIZE, &x), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32(b + PAGE_SIZE, &x), -EFAULT);
	KT_EXPECT_EQ(t, extable_fixups, fixups + 2);
	vunmap(a);
	for (unsigned i = 0; i < 3; i++)
		KT_EXPECT_EQ(t, probe_read_u32(a + i * PAGE_SIZE, &x), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32(b, &x), 0);
	vunmap(b);
	KT_EXPECT_EQ(t, probe_read_u32(b, &x), -EFAULT);
	for (unsigned i = 0; i < 3; i++)
		__free_pages(pages[i], 0);
}

/* vmalloc_to_page: each page of an area at any offset; NULL on guards, outside, after. */
static void vmalloc_to_page_finds_each_page(struct ktest *t)
{
	struct page *pages[5];
	char *v;

	for (unsigned i = 0; i < 5; i++)
		if (!KT_EXPECT(t, (pages[i] = alloc_page(i & 1 ? GFP_HIGHMEM : GFP_KERNEL))))
			return;
	v = vmap(pages, 5, PAGE_KERNEL);
	if (!KT_EXPECT(t, v != NULL))
		return;
	for (unsigned i = 0; i < 5; i++) {
		KT_EXPECT(t, vmalloc_to_page(v + i * PAGE_SIZE) == pages[i]);
		KT_EXPECT(t, vmalloc_to_page(v + i * PAGE_SIZE + PAGE_SIZE - 1) == pages[i]);
	}
	KT_EXPECT(t, vmalloc_to_page(v + 5 * PAGE_SIZE) == NULL);
	KT_EXPECT(t, vmalloc_to_page(v - 1) == NULL);
	KT_EXPECT(t, vmalloc_to_page(page_address(pfn_to_page(0))) == NULL);
	vunmap(v);
	KT_EXPECT(t, vmalloc_to_page(v) == NULL);
	for (unsigned i = 0; i < 5; i++)
		__free_pages(pages[i], 0);
}

#define MAX_HITS 8
static struct {
	unsigned n;
	u32 va[MAX_HITS];
	pte_t *ptep[MAX_HITS];
} hits;

static void note_alias(u32 va, pte_t *ptep, void *arg)
{
	(void)arg;
	if (hits.n < MAX_HITS) {
		hits.va[hits.n] = va;
		hits.ptep[hits.n] = ptep;
	}
	hits.n++;
}

static void find_aliases(pfn_t pfn, u32 n)
{
	hits.n = 0;
	vmap_for_each_alias(pfn, n, note_alias, NULL);
}

/*
 * A frame mapped by two areas (at different offsets) is found exactly twice, each hit the
 * entry that maps that address to that frame; a frame no area maps is found nowhere.
 */
static void vmap_for_each_alias_finds_both_mappings(struct ktest *t)
{
	struct page *p = alloc_page(GFP_HIGHMEM), *q = alloc_page(GFP_KERNEL);
	struct page *r = alloc_page(GFP_HIGHMEM), *unmapped = alloc_page(GFP_KERNEL);
	struct page *a_pages[3] = {q, p, r}, *b_pages[2] = {p, q};
	char *a, *b;

	if (!KT_EXPECT(t, p && q && r && unmapped))
		return;
	a = vmap(a_pages, 3, PAGE_KERNEL);
	b = vmap(b_pages, 2, PAGE_KERNEL);
	if (!KT_EXPECT(t, a && b))
		return;
	find_aliases(page_to_pfn(p), 1);
	if (KT_EXPECT_EQ(t, hits.n, 2)) {
		KT_EXPECT_EQ(t, hits.va[0], (uintptr_t)(a + PAGE_SIZE));
		KT_EXPECT_EQ(t, hits.va[1], (uintptr_t)b);
		for (unsigned i = 0; i < 2; i++) {
			KT_EXPECT(t, hits.ptep[i] == lookup_pte(hits.va[i]));
			KT_EXPECT_EQ(t, pte_pfn(*hits.ptep[i]), page_to_pfn(p));
		}
	}
	find_aliases(page_to_pfn(r), 1);
	KT_EXPECT_EQ(t, hits.n, 1);
	find_aliases(page_to_pfn(unmapped), 1);
	KT_EXPECT_EQ(t, hits.n, 0);
	vunmap(a);
	find_aliases(page_to_pfn(p), 1);
	KT_EXPECT_EQ(t, hits.n, 1);
	vunmap(b);
	find_aliases(page_to_pfn(p), 1);
	KT_EXPECT_EQ(t, hits.n, 0);
	__free_pages(p, 0);
	__free_pages(q, 0);
	__free_pages(r, 0);
	__free_pages(unmapped, 0);
}

static void vunmap_bogus(void *arg)
{
	vunmap(arg);
}

/* vunmap of an address vmap did not return panics, and leaves vmap usable. */
static void vunmap_of_foreign_address_panics(struct ktest *t)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *v;

	if (!KT_EXPECT(t, page != NULL))
		return;
	v = vmap(&page, 1, PAGE_KERNEL);
	if (!KT_EXPECT(t, v != NULL))
		return;
	KT_EXPECT(t, ktest_expect_panic(vunmap_bogus, v + 4));
	KT_EXPECT(t, ktest_expect_panic(vunmap_bogus, v + PAGE_SIZE));
	KT_EXPECT(t, ktest_expect_panic(vunmap_bogus, page_address(page)));
	KT_EXPECT_EQ(t, vmap_areas(), 1);
	vunmap(v);
	v = vmap(&page, 1, PAGE_KERNEL);
	KT_EXPECT(t, v != NULL);
	if (v)
		vunmap(v);
	__free_pages(page, 0);
}

/* No failing call may write an entry or change the areas. */
static void expect_refused(struct ktest *t, struct page **pages, u32 n, unsigned areas)
{
	struct pv_counts before, d;
	struct pagealloc_debug_stats pd0, pd1;
	u64 exp[PV_OP_NR] = {0};

	pagealloc_debug_stats_snapshot(&pd0);
	pv_counts_snapshot(&before);
	KT_EXPECT(t, vmap(pages, n, PAGE_KERNEL) == NULL);
	pv_counts_since(&before, &d);
	pagealloc_debug_stats_snapshot(&pd1);
	/* Nothing, but for pagealloc_debug's cost of a frame list taken and given back. */
	expect_add_pagealloc_debug(exp, NULL, &pd0, &pd1);
	expect_ops(t, "refused vmap", &d, exp);
	KT_EXPECT_EQ(t, vmap_areas(), areas);
}

static void *area_addr[AREAS_MAX];

/* All 1024 areas in use: the next vmap is refused, and every area still works afterwards. */
static void vmap_refused_when_areas_run_out(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHMEM);
	unsigned n = 0, base = vmap_areas(), bad = 0;
	u32 x;

	if (!KT_EXPECT(t, page != NULL))
		return;
	fill_page(page, 0x55000000);
	while (n < AREAS_MAX && (area_addr[n] = vmap(&page, 1, PAGE_KERNEL)))
		n++;
	KT_EXPECT_EQ(t, n, AREAS_MAX - base);
	KT_EXPECT_EQ(t, vmap_areas(), AREAS_MAX);
	expect_refused(t, &page, 1, AREAS_MAX);
	for (unsigned i = 0; i < n; i++)
		bad += probe_read_u32((char *)area_addr[i] + 4, &x) || x != 0x55000001;
	KT_EXPECT_EQ(t, bad, 0);
	for (unsigned i = 0; i < n; i++)
		vunmap(area_addr[i]);
	KT_EXPECT_EQ(t, vmap_areas(), base);
	area_addr[0] = vmap(&page, 1, PAGE_KERNEL);
	if (KT_EXPECT(t, area_addr[0] != NULL))
		vunmap(area_addr[0]);
	__free_pages(page, 0);
}

#define CHUNK 4096u /* pages per area while the address space is filled */

/*
 * A request larger than the area, and one larger than what is left once areas of CHUNK
 * pages fill it, are refused without a write; what is left still takes an area that fits
 * exactly (its guard page the area's last page), then nothing more. Gives every region of
 * the vmalloc area its page table, which stays: this case runs last.
 */
static void vmap_refused_when_address_space_runs_out(struct ktest *t)
{
	u32 total = (mm_layout.vmalloc_end - mm_layout.vmalloc_start) >> PAGE_SHIFT;
	struct page *page = alloc_page(GFP_HIGHMEM), **a;
	unsigned order, n = 0;
	u32 left;
	void *tail;

	if (!KT_EXPECT(t, page != NULL) || !KT_EXPECT_EQ(t, vmap_areas(), 0))
		return;
	a = same_page_array(page, total, &order);
	if (!KT_EXPECT(t, a != NULL))
		return;
	expect_refused(t, a, total, 0); /* no room for its guard page */
	while (n < AREAS_MAX && (area_addr[n] = vmap(a, CHUNK, PAGE_KERNEL))) {
		KT_EXPECT_EQ(t, (uintptr_t)area_addr[n],
			     mm_layout.vmalloc_start + n * (CHUNK + 1) * PAGE_SIZE);
		n++;
		ktest_progress(t, n, total / (CHUNK + 1), "areas");
	}
	KT_EXPECT_EQ(t, n, total / (CHUNK + 1));
	left = total - n * (CHUNK + 1);
	expect_refused(t, a, left, n); /* one page short: the guard does not fit */
	tail = left > 1 ? vmap(a, left - 1, PAGE_KERNEL) : NULL;
	if (left > 1 && KT_EXPECT(t, tail != NULL)) {
		KT_EXPECT_EQ(t, (uintptr_t)tail + left * PAGE_SIZE, mm_layout.vmalloc_end);
		expect_refused(t, a, 1, n + 1);
		vunmap(tail);
	}
	for (unsigned i = 0; i < n; i++)
		vunmap(area_addr[i]);
	KT_EXPECT_EQ(t, vmap_areas(), 0);
	kt_info("%u areas of %u pages and a tail of %u filled %u pages", n, CHUNK,
		left > 1 ? left - 1 : 0, total);
	free_pages((unsigned long)(uintptr_t)a, order);
	__free_pages(page, 0);
}

enum step { STEP_IDLE, STEP_READ, STEP_PROBE, STEP_QUIT };

static struct {
	volatile u32 step, va, value;
	volatile int rc;
} remote;

/* On another CPU: read (so its TLB caches the entry) or probe remote.va when asked. */
static void remote_reader(void *arg)
{
	(void)arg;
	for (;;) {
		u32 step = __atomic_load_n(&remote.step, __ATOMIC_ACQUIRE), x = 0;

		if (step == STEP_QUIT)
			return;
		if (step == STEP_IDLE) {
			cpu_relax();
			continue;
		}
		if (step == STEP_READ)
			x = *(volatile u32 *)(uintptr_t)remote.va;
		else
			remote.rc = probe_read_u32((const void *)(uintptr_t)remote.va, &x);
		remote.value = x;
		__atomic_store_n(&remote.step, STEP_IDLE, __ATOMIC_RELEASE);
	}
}

static void remote_do(u32 step)
{
	__atomic_store_n(&remote.step, step, __ATOMIC_RELEASE);
	while (__atomic_load_n(&remote.step, __ATOMIC_ACQUIRE) != STEP_IDLE)
		yield();
}

/*
 * An area mapped here is read on @cpu, and after vunmap faults there: vunmap's shootdown
 * reached that CPU's TLB (a page flush for one page, a full flush for more).
 */
static void seen_and_shot_down_on(struct ktest *t, unsigned cpu, struct page **pages, u32 n)
{
	struct thread *reader;
	char *v = vmap(pages, n, PAGE_KERNEL);

	if (!KT_EXPECT(t, v != NULL))
		return;
	remote.step = STEP_IDLE;
	remote.va = (u32)(uintptr_t)v + (n - 1) * PAGE_SIZE;
	reader = thread_create_on("vmap-reader", remote_reader, NULL, cpu);
	if (!KT_EXPECT(t, reader != NULL))
		return;
	remote_do(STEP_READ);
	KT_EXPECT_EQ(t, remote.value, read_word(pages[n - 1], 0));
	vunmap(v);
	remote.rc = 0;
	remote_do(STEP_PROBE);
	KT_EXPECT_EQ(t, remote.rc, -EFAULT);
	remote.step = STEP_QUIT;
	thread_join(reader);
}

static void vmap_seen_and_shot_down_on_every_cpu(struct ktest *t)
{
	struct page *pages[4];

	for (unsigned i = 0; i < 4; i++) {
		if (!KT_EXPECT(t, (pages[i] = alloc_page(GFP_HIGHMEM))))
			return;
		fill_page(pages[i], 0x31000000 + (i << 16));
	}
	for_each_online_cpu(cpu)
	{
		seen_and_shot_down_on(t, cpu, pages, 1);
		seen_and_shot_down_on(t, cpu, pages, 4);
	}
	kt_info("1- and 4-page areas read and shot down on %u CPUs", nr_cpus_online);
	for (unsigned i = 0; i < 4; i++)
		__free_pages(pages[i], 0);
}

KTEST_SUITE(vmap, KTEST_CASE(vmap_fresh_region_costs_a_table),
	    KTEST_CASE(vmap_seen_from_older_address_space),
	    KTEST_CASE(vmap_and_vunmap_exact_counts),
	    KTEST_CASE(vmap_shows_lowmem_and_highmem_pages),
	    KTEST_CASE(vmap_guard_page_and_vunmap_fault),
	    KTEST_CASE(vmalloc_to_page_finds_each_page),
	    KTEST_CASE(vmap_for_each_alias_finds_both_mappings),
	    KTEST_CASE(vunmap_of_foreign_address_panics),
	    KTEST_CASE(vmap_seen_and_shot_down_on_every_cpu),
	    KTEST_CASE(vmap_refused_when_areas_run_out),
	    KTEST_CASE(vmap_refused_when_address_space_runs_out));
