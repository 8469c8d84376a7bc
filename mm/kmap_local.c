/*
 * kmap_local and kmap_atomic: a stack of KM_MAX_IDX fixmap slots per CPU, indexed by the
 * running thread's nesting depth (Linux 5.11's design). kmap_atomic also holds preemption off;
 * kmap_local lets the thread be switched out, so its live slots are torn down at switch-out
 * and re-installed from the saved PTE values at switch-in. An interrupt maps on top of the
 * interrupted thread's stack and unmaps before it returns. Unmapping clears the PTE before the
 * slot is popped, so an interrupt can never be handed a slot that is still live.
 */
#include "mm/highmem.h"
#include "mm/fixmap.h"
#include "mm/kmap_local.h"
#include "mm/kmap_local_inline.h"
#include "mm/memtype.h"
#include "mm/kmap_stack.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/sched.h"

enum kmap_unmap kmap_unmap_mode = KMAP_STRICT;
bool kmap_debug = true;
u64 kmap_stale_faults;

/* What the use-after-kunmap report says about each slot (kept with the debug checks on). */
static struct {
	pfn_t pfn;
	const void *owner, *releaser;
	bool live;
} slot_info[NR_CPUS][KM_MAX_IDX];

DEFINE_PER_CPU(struct kmap_window, kmap_window);
unsigned kmap_slot_shift;
bool kmap_general;
u64 kmap_prot;
u64 kmap_prot_of[(PG_CACHE_MASK >> PG_CACHE_SHIFT) + 1];

static void find_windows(void)
{
	u32 first = fix_to_virt(FIX_KMAP_BEGIN), last = fix_to_virt(FIX_KMAP_END);

	if (lookup_pte(last) != lookup_pte(first) - (FIX_KMAP_END - FIX_KMAP_BEGIN))
		panic("kmap: the kmap fixmap slots 0x%08x - 0x%08x are not in one page table", last,
		      first);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		per_cpu(kmap_window, cpu).va0 =
		    fix_to_virt(FIX_KMAP_BEGIN + cpu * KM_SLOTS_PER_CPU);
		per_cpu(kmap_window, cpu).pte0 = lookup_pte(per_cpu(kmap_window, cpu).va0);
	}
}

void kmap_clear_stale(void)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();

	if (t->kmap_local.stack.depth)
		panic("kmap_clear_stale with %u maps held", t->kmap_local.stack.depth);
	for (unsigned i = 0; i < KM_SLOTS_PER_CPU; i++) {
		pte_t *ptep = per_cpu(kmap_window, cpu).pte0 - i;

		if (ptep->val)
			pv_set_pte_va(per_cpu(kmap_window, cpu).va0 - i * PAGE_SIZE, ptep,
				      (pte_t){0}, true);
	}
}

void kmap_configure(bool debug, bool lazy)
{
	struct thread *t = current_thread();

	/* Switching while maps are held would strand them; lazy leaves stale PTEs: clear all. */
	if (t && t->kmap_local.stack.depth)
		panic("kmap_configure with %u maps held", t->kmap_local.stack.depth);
	find_windows();
	kmap_prot = pgprot_masked(PAGE_KERNEL);
	for (unsigned m = 0; m < ARRAY_SIZE(kmap_prot_of); m++)
		kmap_prot_of[m] = pgprot_cachemode(kmap_prot, m < PCM_NR ? m : PCM_UC);
	if (t)
		kmap_clear_stale();
	kmap_debug = debug;
	kmap_slot_shift = debug ? 1 : 0;
	kmap_unmap_mode = lazy && !debug ? KMAP_LAZY : KMAP_STRICT;
	kmap_general = kmap_debug || kmap_unmap_mode == KMAP_LAZY;
	if (lazy && debug)
		pr_warn("kmap: kmap=lazy refused while kmap_debug is on (the checks need strict "
			"unmapping); using strict\n");
}

u32 kmap_slot_vaddr(unsigned cpu, unsigned idx)
{
	return per_cpu(kmap_window, cpu).va0 - (idx << (PAGE_SHIFT + kmap_slot_shift));
}

/* The slot behind @va on @cpu's window, or -1 (guard slots and other addresses). */
static int slot_index(unsigned cpu, u32 va)
{
	u32 base = per_cpu(kmap_window, cpu).va0, off;

	if (va > base + PAGE_SIZE - 1 || base - (va & PAGE_MASK) >= KM_SLOTS_PER_CPU * PAGE_SIZE)
		return -1;
	off = (base - (va & PAGE_MASK)) >> PAGE_SHIFT;
	return off & ((1u << kmap_slot_shift) - 1) ? -1 : (int)(off >> kmap_slot_shift);
}

/*
 * The registry checks every temporary mapping: the type a slot gets comes from the page's
 * flags, which must agree with the registry (a stale mirror would make an illegal alias).
 */
static void check_type(const struct page *page, const void *caller)
{
	const char *owner;
	enum page_cache_mode held;

	if (!memtype_ranges())
		return; /* nothing registered: every frame is WB, as every page's flags say */
	held = memtype_lookup(page_to_pfn(page), &owner);
	if (held != page_cachemode(page))
		panic("kmap: pfn 0x%x would be mapped %s but the registry holds it as %s for %s "
		      "(caller %p)",
		      page_to_pfn(page), cachemode_names[page_cachemode(page)],
		      cachemode_names[held], owner ? owner : "nobody", caller);
}

/* The debug checks of a map: strict unmapping leaves every free slot empty and flushed. */
static void map_checks(unsigned cpu, unsigned idx, const pte_t *ptep, pfn_t pfn, const void *caller)
{
	if (kmap_unmap_mode == KMAP_STRICT && ptep->val)
		panic("kmap: CPU %u slot %u at 0x%08x still maps pte 0x%llx before use "
		      "(caller %p)",
		      cpu, idx, kmap_slot_vaddr(cpu, idx), ptep->val, caller);
	slot_info[cpu][idx].pfn = pfn;
	slot_info[cpu][idx].owner = caller;
	slot_info[cpu][idx].live = true;
}

/*
 * A slot's protection: the page's type, and for a lowmem page (forced through a slot by the
 * debug checks) never more than its direct mapping grants. Under Xen a page-table frame is
 * read-only in the direct map and may not be mapped writable anywhere.
 */
static u64 slot_prot(const struct page *page)
{
	u64 prot = page_kmap_prot(page) | _PAGE_PRESENT;

	if (pv_mmu->tables_readonly && page_in_direct_map(page)) {
		const pte_t *ptep = lookup_pte(PAGE_OFFSET + (page_to_pfn(page) << PAGE_SHIFT));

		if (ptep && !(ptep->val & _PAGE_RW))
			prot &= ~_PAGE_RW;
	}
	return prot;
}

/*
 * Map @page in the next slot of the running thread's stack. No interrupt masking: an
 * interrupt maps above the slot we claimed and unmaps before it returns. A switch at any
 * point is safe too (kmap_local is preemptible): the slot is claimed before its entry is
 * written, and switch-out saves what each claimed slot's entry holds at that moment (empty,
 * if the entry was not written yet), which switch-in puts back.
 */
void *kmap_map_slot(struct page *page, const void *caller)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();
	pfn_t pfn = page_to_pfn(page);
	pte_t pte = pfn_pte_masked(pfn, slot_prot(page));
	unsigned idx = kmap_stack_push(&t->kmap_local.stack, KM_MAX_IDX, caller);
	pte_t *ptep = per_cpu(kmap_window, cpu).pte0 - (idx << kmap_slot_shift);
	u32 va = per_cpu(kmap_window, cpu).va0 - (idx << (PAGE_SHIFT + kmap_slot_shift));

	if (kmap_debug) {
		map_checks(cpu, idx, ptep, pfn, caller);
		check_type(page, caller);
	}
	/* Lazy unmapping may have left the slot's last entry: replace it and flush. */
	pv_set_pte_va(va, ptep, pte, kmap_unmap_mode == KMAP_LAZY);
	pv_lazy_flush(); /* the caller uses the address at once */
	return (void *)(uintptr_t)va;
}

/* @vaddr is not the top slot of this CPU's stack: say exactly what is wrong. */
void kmap_unmap_misuse(struct thread *t, unsigned cpu, u32 va, const void *caller)
{
	int idx = slot_index(cpu, va);
	unsigned top = t->kmap_local.stack.depth ? t->kmap_local.stack.depth - 1 : 0;

	if (idx < 0)
		panic("kunmap(0x%08x) from %p: not a kmap slot of CPU %u", va, caller, cpu);
	kmap_stack_check_top(&t->kmap_local.stack, (unsigned)idx, va, kmap_slot_vaddr(cpu, top),
			     caller);
	panic("kunmap(0x%08x) from %p: slot %d is the top but its address does not match", va,
	      caller, idx);
}

/*
 * Unmap the top slot, which @vaddr must be in. The entry is cleared before the slot is
 * popped: a switch in between saves and restores an empty entry.
 */
void kmap_unmap_slot(void *vaddr, const void *caller)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();
	u32 va = (u32)(uintptr_t)vaddr & PAGE_MASK;
	unsigned idx = t->kmap_local.stack.depth - 1;
	u32 off = (per_cpu(kmap_window, cpu).va0 - va) >> PAGE_SHIFT;

	/*
	 * One comparison covers foreign addresses, guard slots, disorder and underflow (then
	 * idx << kmap_slot_shift is near 2^32, which no offset in the address space reaches).
	 */
	if (unlikely(off != idx << kmap_slot_shift))
		kmap_unmap_misuse(t, cpu, (u32)(uintptr_t)vaddr, caller);
	if (kmap_unmap_mode == KMAP_STRICT)
		pv_set_pte_va(va, per_cpu(kmap_window, cpu).pte0 - off, (pte_t){0}, true);
	if (kmap_debug) {
		slot_info[cpu][idx].live = false;
		slot_info[cpu][idx].releaser = caller;
	}
	kmap_stack_pop(&t->kmap_local.stack, idx, va, va, caller);
}

void *kmap_local_page(struct page *page)
{
	return map_local(page);
}

void kunmap_local(void *vaddr)
{
	unmap_local(vaddr);
}

void *kmap_atomic(struct page *page)
{
	preempt_disable();
	return map_local(page);
}

void kunmap_atomic(void *vaddr)
{
	unmap_local(vaddr);
	preempt_enable();
}

/*
 * Save @t's claimed slots as it is switched out, and tear them down (lazy mode leaves them:
 * see highmem.h). Saving here rather than at each map keeps the map itself to one store.
 */
void kmap_local_sched_out(struct thread *t)
{
	unsigned cpu = smp_processor_id();

	if (t->kmap_local.stack.depth)
		pv_lazy_flush(); /* a queued map must reach the table before we read it back */
	for (unsigned idx = 0; idx < t->kmap_local.stack.depth; idx++) {
		pte_t *ptep = per_cpu(kmap_window, cpu).pte0 - (idx << kmap_slot_shift);

		t->kmap_local.pteval[idx] = ptep->val;
		if (kmap_unmap_mode == KMAP_STRICT)
			pv_set_pte_va(kmap_slot_vaddr(cpu, idx), ptep, (pte_t){0}, true);
	}
}

void kmap_window_for_each(unsigned cpu, void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg)
{
	const struct kmap_window *w = &per_cpu(kmap_window, cpu);

	for (unsigned i = 0; w->pte0 && i < KM_SLOTS_PER_CPU; i++)
		if (pte_present(w->pte0[-(int)i]))
			fn(w->va0 - i * PAGE_SIZE, w->pte0 - i, arg);
}

void kmap_for_each_slot(void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg)
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		kmap_window_for_each(cpu, fn, arg);
}

/* A saved entry with its page's registered type: set_memory_* may have changed it since. */
static pte_t saved_with_type(u64 val)
{
	pte_t pte = {val};

	if (!pte_present(pte))
		return pte;
	return (pte_t){pgprot_cachemode(val, page_cachemode(pfn_to_page(pte_pfn(pte))))};
}

/* Re-install @t's slots from their saved PTEs as it is switched in. */
void kmap_local_sched_in(struct thread *t)
{
	unsigned cpu = smp_processor_id();

	for (unsigned idx = 0; idx < t->kmap_local.stack.depth; idx++)
		pv_set_pte_va(kmap_slot_vaddr(cpu, idx),
			      per_cpu(kmap_window, cpu).pte0 - (idx << kmap_slot_shift),
			      saved_with_type(t->kmap_local.pteval[idx]),
			      kmap_unmap_mode != KMAP_STRICT);
	if (t->kmap_local.stack.depth)
		pv_lazy_flush();
}

bool kmap_report_stale_fault(u32 vaddr, u32 eip)
{
	int count;
	const void *owner;

	if (vaddr >= mm_layout.pkmap_base && vaddr < pkmap_addr(LAST_PKMAP) &&
	    pkmap_slot_info(vaddr, &count, &owner) && count == 0 && owner) {
		pr_err("kmap: use after kunmap at 0x%08x (eip 0x%08x): pkmap slot %u, last "
		       "mapped by %p\n",
		       vaddr, eip, (vaddr - mm_layout.pkmap_base) >> PAGE_SHIFT, owner);
		kmap_stale_faults++;
		return true;
	}
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		u32 first = kmap_slot_vaddr(cpu, 0) + PAGE_SIZE;
		int idx;

		if (vaddr >= first || first - vaddr > KM_SLOTS_PER_CPU * PAGE_SIZE)
			continue;
		idx = slot_index(cpu, vaddr);
		if (idx < 0) {
			pr_err(
			    "kmap: access to a guard slot at 0x%08x (eip 0x%08x): a map of CPU %u "
			    "overran its page\n",
			    vaddr, eip, cpu);
		} else if (!slot_info[cpu][idx].live) {
			pr_err("kmap: use after kunmap at 0x%08x (eip 0x%08x): CPU %u slot %d last "
			       "mapped pfn 0x%x by %p, released by %p\n",
			       vaddr, eip, cpu, idx, slot_info[cpu][idx].pfn,
			       slot_info[cpu][idx].owner, slot_info[cpu][idx].releaser);
		} else {
			return false;
		}
		kmap_stale_faults++;
		return true;
	}
	return false;
}
