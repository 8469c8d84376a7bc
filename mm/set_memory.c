/*
 * set_memory_* and kernel_map_pages (mm/set_memory.h). A change is prepared before anything
 * is written: the request resolved to frames, the backend asked whether it takes the type,
 * the 2 MiB entries split, the registry updated (all or nothing). Then
 * every mapping of the frames is rewritten in one lazy-MMU section (one batch under Xen),
 * followed by one shootdown. cpa_lock (Linux's name) keeps one change at a time, so splits,
 * registry and entries move in step.
 */
#include "mm/set_memory.h"
#include "mm/directmap.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/kmap_local.h"
#include "mm/layout.h"
#include "mm/memtype.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "mm/vmalloc.h"
#include "guest/irqflags.h"
#include "guest/panic.h"
#include "guest/preempt.h"
#include "guest/smp.h"
#include "guest/printk.h"
#include "guest/spinlock.h"
#include "guest/lib/format.h"

static spinlock_t cpa_lock;

enum cpa_kind {
	CPA_TYPE, /* reserve a type and apply it */
	CPA_WB,	  /* give the type back */
	CPA_PROT, /* set and clear protection bits */
	CPA_NP,	  /* clear every entry */
};

struct cpa {
	const char *what;  /* the caller's name, for lines */
	const char *owner; /* who the registry says holds a type it reserves */
	enum cpa_kind kind;
	bool by_page; /* set_pages_type: frames pfn0.., @vaddr unused, lines name the frame */
	u32 vaddr, n;
	pfn_t *pfns; /* @vaddr is in the vmalloc area: its frames, found when resolved */
	pfn_t pfn0;  /* otherwise frames pfn0 .. pfn0 + n - 1 */
	enum page_cache_mode mode;
	u64 set, clear;
	unsigned changed; /* entries rewritten */
	u32 last_va;	  /* the last of them, for a one-entry flush */
};

static bool is_vmalloc_address(u32 va)
{
	return va >= mm_layout.vmalloc_start && va < mm_layout.vmalloc_end;
}

static pfn_t cpa_pfn(const struct cpa *c, u32 i)
{
	return c->pfns ? c->pfns[i] : c->pfn0 + i;
}

static bool in_request(const struct cpa *c, pfn_t pfn)
{
	if (!c->pfns)
		return pfn - c->pfn0 < c->n;
	for (u32 i = 0; i < c->n; i++)
		if (cpa_pfn(c, i) == pfn)
			return true;
	return false;
}

/* Frames behind [vaddr, vaddr + n pages): direct map, or pages of one vmap area. */
static int resolve(struct cpa *c)
{
	u32 va = c->vaddr, end = va + c->n * PAGE_SIZE;

	if (!c->n || va & ~PAGE_MASK || c->n > (0u - va) / PAGE_SIZE)
		goto bad;
	if (va >= PAGE_OFFSET && end <= mm_layout.high_memory && va < end) {
		c->pfn0 = PFN_DOWN(virt_to_phys((const void *)(uintptr_t)va));
		return 0;
	}
	if (is_vmalloc_address(va) && end <= mm_layout.vmalloc_end &&
	    c->n <= PAGE_SIZE / sizeof(pfn_t)) {
		/* Found now: vmap_for_each_alias holds the lock vmalloc_to_page takes. */
		c->pfns = (pfn_t *)get_zeroed_page(GFP_KERNEL);
		if (!c->pfns) {
			pr_err("%s(0x%08x, %u): no page for the list of its frames\n", c->what, va,
			       c->n);
			return -ENOMEM;
		}
		for (u32 i = 0; i < c->n; i++) {
			struct page *page =
			    vmalloc_to_page((const void *)(uintptr_t)(va + i * PAGE_SIZE));

			if (!page) {
				free_pages((unsigned long)(uintptr_t)c->pfns, 0);
				c->pfns = NULL;
				goto bad;
			}
			c->pfns[i] = page_to_pfn(page);
		}
		return 0;
	}
bad:
	pr_err("%s(0x%08x, %u): not page-aligned pages of the direct map or of one vmap area "
	       "(at most %u at once)\n",
	       c->what, va, c->n, (unsigned)(PAGE_SIZE / sizeof(pfn_t)));
	return -EINVAL;
}

/* "set_memory_uc(0xc1000000, 4)" or "set_pages_uc(pfn 0x1000, 4)", for error lines. */
static const char *describe(const struct cpa *c, char *buf, size_t size)
{
	if (c->by_page)
		snprintf(buf, size, "%s(pfn 0x%x, %u)", c->what, c->pfn0, c->n);
	else
		snprintf(buf, size, "%s(0x%08x, %u)", c->what, c->vaddr, c->n);
	return buf;
}

static u64 new_val(const struct cpa *c, u64 old)
{
	switch (c->kind) {
	case CPA_TYPE:
		return pgprot_cachemode(old, c->mode);
	case CPA_WB:
		return pgprot_cachemode(old, PCM_WB);
	case CPA_PROT:
		return (old & ~c->clear) | c->set;
	case CPA_NP:
		break;
	}
	return 0; /* a non-present entry is all zero: Xen checks address bits even there */
}

static void rewrite(u32 va, pte_t *ptep, void *arg)
{
	struct cpa *c = arg;
	u64 old = ptep->val, val;

	if (!pte_present(*ptep) || !in_request(c, pte_pfn(*ptep)))
		return;
	val = new_val(c, old);
	if (val == old)
		return;
	pv_set_pte(ptep, (pte_t){val});
	/* Atomic: other CPUs rewrite their own kmap windows for the same request at once. */
	__atomic_add_fetch(&c->changed, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->last_va, va, __ATOMIC_RELAXED);
}

struct alias_probe {
	const struct cpa *c;
	bool found;
};

static void probe_alias(u32 va, pte_t *ptep, void *arg)
{
	struct alias_probe *p = arg;

	(void)va;
	p->found |= in_request(p->c, pte_pfn(*ptep));
}

/* In a call-function IPI: this CPU rewrites its own kmap window (interrupts are off). */
static void rewrite_own_window(void *arg)
{
	kmap_window_for_each(smp_processor_id(), rewrite, arg);
}

/*
 * The kmap windows: this CPU's here (rewrite_all, interrupts off so that none of its own
 * kmaps runs in between); another CPU's by that CPU, in an IPI, and only when a look from
 * here finds an entry of a requested frame there. Only the owner writes its slots without a
 * lock, so a rewrite from here could land after it has reused the slot for another page.
 */
static void rewrite_remote_kmap_windows(struct cpa *c)
{
	unsigned self = smp_processor_id();
	cpumask_t remote = {0};

	for_each_online_cpu(cpu)
	{
		struct alias_probe p = {c, false};

		if (cpu == self)
			continue;
		kmap_window_for_each(cpu, probe_alias, &p);
		if (p.found)
			remote.bits |= 1u << cpu;
	}
	if (remote.bits)
		smp_call_function_many(&remote, rewrite_own_window, c);
}

static u32 direct_va(pfn_t pfn)
{
	return PAGE_OFFSET + (pfn << PAGE_SHIFT);
}

/* Split every 2 MiB entry the request's direct mappings sit in, before anything changes. */
static int split_first(struct cpa *c)
{
	for (u32 i = 0; i < c->n; i++) {
		pfn_t pfn = cpa_pfn(c, i);

		if (page_in_direct_map(pfn_to_page(pfn)) && !directmap_pte(direct_va(pfn))) {
			char buf[64];

			pr_err("%s: no page for a page table to split the 2 MiB mapping of frame "
			       "0x%x\n",
			       describe(c, buf, sizeof(buf)), pfn);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The registry's side: reserve (or free) the frames, all or none. */
static int update_registry(struct cpa *c)
{
	int ret = 0;
	u32 i;

	if (c->kind == CPA_TYPE) {
		if (!c->pfns)
			return memtype_reserve(c->pfn0, c->n, c->mode, c->owner);
		for (i = 0; i < c->n && !ret; i++)
			ret = memtype_reserve(cpa_pfn(c, i), 1, c->mode, c->owner);
		if (ret)
			for (u32 j = 0; j + 1 < i; j++)
				memtype_free(cpa_pfn(c, j), 1);
		return ret;
	}
	if (c->kind != CPA_WB)
		return 0;
	if (!c->pfns)
		return memtype_free(c->pfn0, c->n);
	for (i = 0; i < c->n; i++) {
		if (memtype_lookup(cpa_pfn(c, i), NULL) == PCM_WB) {
			char buf[64];

			pr_err("%s: frame 0x%x is not reserved\n", describe(c, buf, sizeof(buf)),
			       cpa_pfn(c, i));
			return -EINVAL;
		}
	}
	for (i = 0; i < c->n; i++)
		memtype_free(cpa_pfn(c, i), 1);
	return 0;
}

/* Every mapping of the request's frames: direct map, vmap, pkmap, kmap_local slots. */
static void rewrite_all(struct cpa *c)
{
	unsigned long flags;

	pv_lazy_enter();
	for (u32 i = 0; i < c->n; i++) {
		pfn_t pfn = cpa_pfn(c, i);
		struct page *page = pfn_to_page(pfn);
		void *pk;

		if (page_in_direct_map(page)) {
			rewrite(direct_va(pfn), directmap_pte(direct_va(pfn)), c);
			if (c->kind == CPA_NP)
				page->flags |= PG_unmapped;
		}
		pk = page_address_highmem(page);
		if (pk)
			rewrite((u32)(uintptr_t)pk, lookup_pte((u32)(uintptr_t)pk), c);
		if (c->pfns)
			vmap_for_each_alias(pfn, 1, rewrite, c);
	}
	if (!c->pfns)
		vmap_for_each_alias(c->pfn0, c->n, rewrite, c);
	flags = local_irq_save();
	kmap_window_for_each(smp_processor_id(), rewrite, c);
	local_irq_restore(flags);
	pv_lazy_leave();
	rewrite_remote_kmap_windows(c);
}

/*
 * A new type on a CPU that does not snoop its own caches: lines cached under the old type
 * are flushed (after the shootdown, as the new type is in force everywhere). Through the
 * request's own addresses that still map a frame; a request by page goes through the
 * direct map, or for a page outside it (a highmem page's lines from an earlier kmap)
 * through FIX_CACHE_FLUSH, mapped with the new type and cleared again: two set_pte_va and a
 * local flush whatever kmap's mode (cpa_lock serialises the slot; only this CPU used it).
 */
static void flush_caches(const struct cpa *c)
{
	u32 slot = fix_to_virt(FIX_CACHE_FLUSH);
	pte_t *slot_pte;
	pfn_t pfn;
	u64 prot;

	if (!pv_mmu->flush_cache_range || (c->kind != CPA_TYPE && c->kind != CPA_WB))
		return;
	slot_pte = lookup_pte(slot);
	for (u32 i = 0; i < c->n; i++) {
		u32 va = c->vaddr + (i << PAGE_SHIFT);
		struct page *page;

		if (!c->by_page) {
			if (lookup_mapping(va, &pfn, &prot))
				pv_mmu->flush_cache_range(va, PAGE_SIZE);
			continue;
		}
		page = pfn_to_page(c->pfn0 + i);
		if (page_in_direct_map(page)) {
			pv_mmu->flush_cache_range(direct_va(c->pfn0 + i), PAGE_SIZE);
		} else {
			pv_set_pte_va(
			    slot, slot_pte,
			    pfn_pte_masked(c->pfn0 + i, page_kmap_prot(page) | _PAGE_PRESENT),
			    false);
			pv_mmu->flush_cache_range(slot, PAGE_SIZE);
			pv_set_pte_va(slot, slot_pte, (pte_t){0}, true);
		}
	}
}

static int change_attr(struct cpa *c)
{
	int ret = c->by_page ? 0 : resolve(c);
	char buf[64];

	if (ret)
		return ret;
	if (!c->owner)
		c->owner = "set_memory";
	if (c->kind == CPA_TYPE && !(pv_mmu->cache_modes & PCM_BIT(c->mode))) {
		pr_err("%s: %s refused: %s\n", describe(c, buf, sizeof(buf)),
		       cachemode_names[c->mode], pv_mmu->cache_modes_why);
		if (c->pfns)
			free_pages((unsigned long)(uintptr_t)c->pfns, 0);
		return -EOPNOTSUPP;
	}
	/* An unused pkmap slot of a frame that loses every mapping must not keep its address. */
	if (c->kind == CPA_NP)
		kmap_flush_unused();
	preempt_disable();
	spin_lock(&cpa_lock);
	/* Splits first: one that fails leaves nothing to undo (a split changes no attribute). */
	ret = split_first(c);
	if (!ret)
		ret = update_registry(c);
	if (!ret) {
		rewrite_all(c);
		if (c->changed == 1)
			flush_tlb_kernel_page(c->last_va);
		else if (c->changed)
			flush_tlb_kernel_all();
		flush_caches(c);
		if (!c->pfns && c->pfn0 < mm_layout.max_low_pfn)
			directmap_try_merge(direct_va(c->pfn0), c->n);
		for (u32 i = 0; c->pfns && i < c->n; i++)
			if (cpa_pfn(c, i) < mm_layout.max_low_pfn)
				directmap_try_merge(direct_va(cpa_pfn(c, i)), 1);
	}
	spin_unlock(&cpa_lock);
	preempt_enable();
	if (c->pfns)
		free_pages((unsigned long)(uintptr_t)c->pfns, 0);
	return ret;
}

/* A type request, by address or (@by_page) by frame: its kind and the call's name. */
static struct cpa type_request(enum page_cache_mode mode, bool by_page)
{
	static const char *const names[2][PCM_NR] = {
	    {[PCM_WB] = "set_memory_wb",
	     [PCM_WT] = "set_memory_wt",
	     [PCM_UC_MINUS] = "set_memory_uc_minus",
	     [PCM_UC] = "set_memory_uc",
	     [PCM_WC] = "set_memory_wc",
	     [PCM_WP] = "set_memory_wp"},
	    {[PCM_WB] = "set_pages_wb",
	     [PCM_WT] = "set_pages_wt",
	     [PCM_UC_MINUS] = "set_pages_uc_minus",
	     [PCM_UC] = "set_pages_uc",
	     [PCM_WC] = "set_pages_wc",
	     [PCM_WP] = "set_pages_wp"},
	};

	BUG_ON(mode >= PCM_NR);
	return (struct cpa){.what = names[by_page][mode],
			    .kind = mode == PCM_WB ? CPA_WB : CPA_TYPE,
			    .by_page = by_page,
			    .mode = mode};
}

int set_memory_type(u32 vaddr, u32 n, enum page_cache_mode mode)
{
	struct cpa c = type_request(mode, false);

	c.vaddr = vaddr;
	c.n = n;
	return change_attr(&c);
}

int set_pages_type(struct page *page, u32 n, enum page_cache_mode mode, const char *owner)
{
	struct cpa c = type_request(mode, true);

	c.owner = owner;
	c.pfn0 = page_to_pfn(page);
	c.n = n;
	if (!n || c.pfn0 + n > mem_map_pfns || c.pfn0 + n < c.pfn0) {
		char buf[64];

		pr_err("%s: not frames the kernel has pages for\n", describe(&c, buf, sizeof(buf)));
		return -EINVAL;
	}
	return change_attr(&c);
}

int set_memory_uc(u32 vaddr, u32 n)
{
	return set_memory_type(vaddr, n, PCM_UC);
}

int set_memory_wc(u32 vaddr, u32 n)
{
	return set_memory_type(vaddr, n, PCM_WC);
}

int set_memory_wt(u32 vaddr, u32 n)
{
	return set_memory_type(vaddr, n, PCM_WT);
}

int set_memory_wb(u32 vaddr, u32 n)
{
	return set_memory_type(vaddr, n, PCM_WB);
}

int set_memory_ro(u32 vaddr, u32 n)
{
	struct cpa c = {
	    .what = "set_memory_ro", .kind = CPA_PROT, .vaddr = vaddr, .n = n, .clear = _PAGE_RW};

	return change_attr(&c);
}

int set_memory_rw(u32 vaddr, u32 n)
{
	struct cpa c = {
	    .what = "set_memory_rw", .kind = CPA_PROT, .vaddr = vaddr, .n = n, .set = _PAGE_RW};

	return change_attr(&c);
}

int set_memory_np(u32 vaddr, u32 n)
{
	struct cpa c = {.what = "set_memory_np", .kind = CPA_NP, .vaddr = vaddr, .n = n};

	return change_attr(&c);
}

void kernel_map_pages(struct page *page, u32 n, bool enable)
{
	pfn_t pfn0 = page_to_pfn(page), end = MIN(pfn0 + n, mm_layout.max_low_pfn);
	unsigned changed = 0;
	u32 last_va = 0;

	preempt_disable();
	spin_lock(&cpa_lock);
	for (pfn_t pfn = pfn0; !enable && pfn < end; pfn++)
		if (!(pfn_to_page(pfn)->flags & PG_unmapped) && !directmap_pte(direct_va(pfn)))
			panic("kernel_map_pages(pfn 0x%x, %u): no page for a page table to split "
			      "the 2 MiB mapping of frame 0x%x",
			      pfn0, n, pfn);
	pv_lazy_enter();
	for (pfn_t pfn = pfn0; pfn < end; pfn++) {
		struct page *p = pfn_to_page(pfn);

		if (enable == !(p->flags & PG_unmapped))
			continue;
		if (enable) {
			u64 prot = pgprot_cachemode(directmap_prot(pfn), page_cachemode(p));

			pv_set_pte(directmap_pte(direct_va(pfn)), pfn_pte(pfn, prot));
			p->flags &= ~PG_unmapped;
		} else {
			pv_pte_clear(directmap_pte(direct_va(pfn)));
			p->flags |= PG_unmapped;
		}
		changed++;
		last_va = direct_va(pfn);
	}
	pv_lazy_leave();
	if (!enable && changed == 1)
		flush_tlb_kernel_page(last_va);
	else if (!enable && changed)
		flush_tlb_kernel_all();
	if (enable && changed)
		directmap_try_merge(direct_va(pfn0), end - pfn0);
	spin_unlock(&cpa_lock);
	preempt_enable();
}
