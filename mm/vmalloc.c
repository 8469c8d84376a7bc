/*
 * vmap/vunmap over the vmalloc area. Areas are kept in one array sorted by address and
 * placed first-fit; each is followed by an unmapped guard page, so a run off its end faults.
 * A 2 MiB region gets its page table the first time an area reaches into it, and keeps it
 * (tables are never freed, as in Linux's vmalloc area): later areas there cost only their
 * entries.
 *
 * Costs, counted through pv/ops.h:
 *   vmap of n pages     n set_pte in one lazy section (under Xen batched, one multicall
 *                       per 32 entries), no flush: a hole's entries are empty and flushed
 *     + per new table   alloc_table and set_pmd; under Xen also the frame's direct-map
 *                       entry made read-only (set_pte_va with its flush) and one set_pmd
 *                       per live address space's copy of the kernel directory
 *   vunmap of n pages   n pte_clear in one lazy section, then one shootdown: of the page
 *                       for n == 1, of everything for more (one flush_tlb_multi with
 *                       several CPUs online: natively IPIs, under Xen one hypercall)
 */
#include "mm/vmalloc.h"
#include "mm/addrspace.h"
#include "mm/layout.h"
#include "mm/memtype.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "guest/irqflags.h"
#include "guest/panic.h"
#include "guest/preempt.h"
#include "guest/printk.h"
#include "guest/spinlock.h"
#include "guest/lib/string.h"

#define VMAP_AREAS_MAX 1024

/*
 * One mapped area: @npages entries from @start, then the guard page, whose entry is always
 * empty. Frames are copied from the caller's array (which it may free): in @inline_pfns
 * when npages <= VMAP_INLINE_PFNS, else in @pfns, lowmem pages of their own.
 */
struct vmap_area {
	u32 start;
	u32 npages;
	pfn_t *pfns;
	pfn_t inline_pfns[VMAP_INLINE_PFNS];
};

/*
 * areas[0..nr_areas) in increasing start order, never overlapping (guard pages included).
 * Every entry of the vmalloc area outside them is empty and flushed on every CPU. vmap_lock
 * covers all of it, preemption off and interrupts on (a vunmap waits for its shootdown
 * under it, so no area is reused before every CPU forgot its old entries).
 */
static struct vmap_area areas[VMAP_AREAS_MAX];
static unsigned nr_areas;
static spinlock_t vmap_lock;

static void lock_vmap(void)
{
	preempt_disable();
	spin_lock(&vmap_lock);
}

static void unlock_vmap(void)
{
	spin_unlock(&vmap_lock);
	preempt_enable();
}

static const pfn_t *area_pfns(const struct vmap_area *a)
{
	return a->pfns ? a->pfns : a->inline_pfns;
}

/* The first address past @a's guard page. */
static u64 area_end(const struct vmap_area *a)
{
	return (u64)a->start + (((u64)a->npages + 1) << PAGE_SHIFT);
}

/* Order of the lowmem block holding @n frame numbers (n > VMAP_INLINE_PFNS). */
static unsigned pfns_order(u32 n)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < n * sizeof(pfn_t))
		order++;
	return order;
}

/* Index of the area with the highest start <= @va, or -1 if none. Lock held. */
static int area_below(u32 va)
{
	int lo = 0, hi = (int)nr_areas - 1, found = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (areas[mid].start <= va) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/*
 * First fit: the lowest address where @n pages and a guard page fit, through *@va, and the
 * index the new area takes in areas[] through *@slot. False when no hole is large enough.
 */
static bool find_hole(u32 n, u32 *va, unsigned *slot)
{
	u64 need = ((u64)n + 1) << PAGE_SHIFT, at = mm_layout.vmalloc_start;
	unsigned i;

	for (i = 0; i < nr_areas; i++) {
		if (at + need <= areas[i].start)
			break;
		at = area_end(&areas[i]);
	}
	if (at + need > (i < nr_areas ? areas[i].start : mm_layout.vmalloc_end))
		return false;
	*va = (u32)at;
	*slot = i;
	return true;
}

/*
 * Give every 2 MiB region of [@va, @va + @n pages) a page table. Each new one is hooked into
 * kernel_pmd at once, outside any lazy section, so the write is complete before the live
 * address spaces' copies are synced. -ENOMEM (one line) when no frame is left; tables
 * already added stay.
 */
static int ensure_tables(u32 va, u32 n)
{
	u32 last = va + ((n - 1) << PAGE_SHIFT);

	for (u32 r = va & PMD_MASK;; r += PMD_SIZE) {
		unsigned idx = pmd_index(r);

		if (!pmd_present(kernel_pmd[idx])) {
			struct page *pt = pgtable_alloc_frame();

			if (!pt) {
				pr_err("vmap(n=%u at 0x%08x): no lowmem page for the page table of "
				       "0x%08x-0x%08x\n",
				       n, va, r, r + PMD_SIZE);
				return -ENOMEM;
			}
			pgtable_hook_kernel_pt(idx, pt);
			addrspace_sync_kernel_pmd(idx);
		}
		if (r == (last & PMD_MASK))
			return 0;
	}
}

/*
 * Ask the memory-type registry about @pages, one call per run of consecutive frames: a run
 * is checked frame by frame there, so this is the same as a call per page.
 */
static bool types_allow(struct page **pages, unsigned n, enum page_cache_mode mode)
{
	for (unsigned i = 0; i < n;) {
		pfn_t first = page_to_pfn(pages[i]);
		unsigned run = 1;

		while (i + run < n && page_to_pfn(pages[i + run]) == first + run)
			run++;
		if (memtype_check_map(first, run, mode, "vmap"))
			return false;
		i += run;
	}
	return true;
}

/*
 * Write @a's entries with @prot in one lazy section, interrupts masked so that no
 * interrupt-time kmap_atomic lands inside the batch. Every entry must be empty: the area
 * came from a hole. Lock held.
 */
static void map_area(const struct vmap_area *a, u64 prot)
{
	u64 masked = (prot & _PAGE_PRESENT) | pgprot_masked(prot);
	const pfn_t *pfns = area_pfns(a);
	unsigned long flags = local_irq_save();
	pte_t *ptep = NULL;

	pv_lazy_enter();
	for (u32 i = 0; i < a->npages; i++) {
		u32 va = a->start + (i << PAGE_SHIFT);

		ptep = (!ptep || !(va & ~PMD_MASK)) ? lookup_pte(va) : ptep + 1;
		if (ptep->val)
			panic("vmap: entry of 0x%08x in a free hole holds 0x%llx", va, ptep->val);
		pv_set_pte(ptep, pfn_pte_masked(pfns[i], masked));
	}
	pv_lazy_leave();
	local_irq_restore(flags);
}

void *vmap(struct page **pages, unsigned n, u64 prot)
{
	u32 area_pages = (mm_layout.vmalloc_end - mm_layout.vmalloc_start) >> PAGE_SHIFT;
	struct vmap_area a = {0};
	pfn_t *pfns;
	unsigned slot;

	if (n == 0 || n >= area_pages) {
		pr_err("vmap(n=%u prot=0x%llx): %s\n", n, prot,
		       n ? "larger than the vmalloc area" : "no pages");
		return NULL;
	}
	if (!(pv_mmu->cache_modes & PCM_BIT(pte_bits_cachemode(prot)))) {
		pr_err("vmap(n=%u prot=0x%llx): %s refused: %s\n", n, prot,
		       cachemode_names[pte_bits_cachemode(prot)], pv_mmu->cache_modes_why);
		return NULL;
	}
	a.npages = n;
	if (n > VMAP_INLINE_PFNS) {
		a.pfns = (pfn_t *)__get_free_pages(GFP_KERNEL, pfns_order(n));
		if (!a.pfns) {
			pr_err("vmap(n=%u): no lowmem for its frame list (order %u)\n", n,
			       pfns_order(n));
			return NULL;
		}
	}
	pfns = a.pfns ? a.pfns : a.inline_pfns;
	for (unsigned i = 0; i < n; i++)
		pfns[i] = page_to_pfn(pages[i]);

	lock_vmap();
	/*
	 * Under the lock, so set_memory_* either sees this area when it rewrites the aliases of
	 * a frame (vmap_for_each_alias) or reserved the frame's type before this check.
	 */
	if (!types_allow(pages, n, pte_bits_cachemode(prot))) {
		unlock_vmap();
		goto fail; /* memtype_check_map printed the line */
	}
	if (nr_areas == VMAP_AREAS_MAX) {
		unlock_vmap();
		pr_err("vmap(n=%u): all %u areas in use\n", n, VMAP_AREAS_MAX);
		goto fail;
	}
	if (!find_hole(n, &a.start, &slot)) {
		unlock_vmap();
		pr_err("vmap(n=%u): no hole of %u pages and a guard in 0x%08x-0x%08x (%u areas)\n",
		       n, n, mm_layout.vmalloc_start, mm_layout.vmalloc_end, nr_areas);
		goto fail;
	}
	if (ensure_tables(a.start, n)) {
		unlock_vmap();
		goto fail;
	}
	map_area(&a, prot);
	memmove(&areas[slot + 1], &areas[slot], (nr_areas - slot) * sizeof(areas[0]));
	areas[slot] = a;
	nr_areas++;
	unlock_vmap();
	return (void *)(uintptr_t)a.start;

fail:
	if (a.pfns)
		free_pages((unsigned long)(uintptr_t)a.pfns, pfns_order(n));
	return NULL;
}

void vunmap(const void *addr)
{
	u32 va = (u32)(uintptr_t)addr;
	struct vmap_area a;
	unsigned long flags;
	pte_t *ptep = NULL;
	int i;

	lock_vmap();
	i = area_below(va);
	if (i < 0 || areas[i].start != va) {
		unlock_vmap(); /* a caught panic (tests) must not leave it held */
		panic("vunmap(0x%08x) from %p: not an address vmap returned", va,
		      __builtin_return_address(0));
	}
	a = areas[i];
	flags = local_irq_save();
	pv_lazy_enter();
	for (u32 p = 0; p < a.npages; p++) {
		u32 pva = a.start + (p << PAGE_SHIFT);

		ptep = (!ptep || !(pva & ~PMD_MASK)) ? lookup_pte(pva) : ptep + 1;
		pv_pte_clear(ptep);
	}
	pv_lazy_leave();
	local_irq_restore(flags);
	/* Kernel entries are global natively: only a full flush drops many at once. */
	if (a.npages == 1)
		flush_tlb_kernel_page(a.start);
	else
		flush_tlb_kernel_all();
	memmove(&areas[i], &areas[i + 1], (nr_areas - (unsigned)i - 1) * sizeof(areas[0]));
	nr_areas--;
	unlock_vmap();
	if (a.pfns)
		free_pages((unsigned long)(uintptr_t)a.pfns, pfns_order(a.npages));
}

void vmap_for_each_alias(pfn_t pfn, u32 n, void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg)
{
	lock_vmap();
	for (unsigned i = 0; i < nr_areas; i++) {
		const pfn_t *pfns = area_pfns(&areas[i]);

		for (u32 p = 0; p < areas[i].npages; p++) {
			u32 va = areas[i].start + (p << PAGE_SHIFT);

			if (pfns[p] - pfn < n)
				fn(va, lookup_pte(va), arg);
		}
	}
	unlock_vmap();
}

struct page *vmalloc_to_page(const void *addr)
{
	u32 va = (u32)(uintptr_t)addr;
	struct page *page = NULL;
	int i;

	lock_vmap();
	i = area_below(va);
	if (i >= 0 && ((va - areas[i].start) >> PAGE_SHIFT) < areas[i].npages)
		page = pfn_to_page(area_pfns(&areas[i])[(va - areas[i].start) >> PAGE_SHIFT]);
	unlock_vmap();
	return page;
}

unsigned vmap_areas(void)
{
	return nr_areas;
}
