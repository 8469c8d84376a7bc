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
#include "mm/kmap_stack.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "guest/irqflags.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/sched.h"

enum kmap_unmap kmap_unmap_mode = KMAP_STRICT;
bool kmap_debug = true;
u64 kmap_stale_faults;

/* What the use-after-kunmap report says about each slot. */
static struct {
	pfn_t pfn;
	const void *owner, *releaser;
	bool live;
} slot_info[NR_CPUS][KM_MAX_IDX];

void kmap_configure(bool debug, bool lazy)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();

	/* Switching while maps are held would strand them; lazy leaves stale PTEs: clear all. */
	if (t && t->kmap_local.stack.depth)
		panic("kmap_configure with %u maps held", t->kmap_local.stack.depth);
	for (unsigned i = 0; t && i < KM_SLOTS_PER_CPU; i++) {
		u32 va = fix_to_virt(FIX_KMAP_BEGIN + cpu * KM_SLOTS_PER_CPU + i);
		pte_t *ptep = lookup_pte(va);

		if (ptep && ptep->val)
			pv_set_pte_va(va, ptep, (pte_t){ 0 }, true);
	}
	kmap_debug = debug;
	kmap_unmap_mode = lazy && !debug ? KMAP_LAZY : KMAP_STRICT;
	if (lazy && debug)
		pr_warn("kmap: kmap=lazy refused while kmap_debug is on (the checks need strict "
			"unmapping); using strict\n");
}

/* Guard slots double the stride: slot i at index 2i, an unmapped guard at 2i + 1. */
static unsigned stride(void)
{
	return kmap_debug ? 2 : 1;
}

u32 kmap_slot_vaddr(unsigned cpu, unsigned idx)
{
	return fix_to_virt(FIX_KMAP_BEGIN + cpu * KM_SLOTS_PER_CPU + idx * stride());
}

/* The slot behind @va on @cpu's window, or -1 (guard slots and other addresses). */
static int slot_index(unsigned cpu, u32 va)
{
	u32 base = kmap_slot_vaddr(cpu, 0), off;

	if (va > base + PAGE_SIZE - 1 || base - (va & PAGE_MASK) >= KM_SLOTS_PER_CPU * PAGE_SIZE)
		return -1;
	off = (base - (va & PAGE_MASK)) >> PAGE_SHIFT;
	return off % stride() ? -1 : (int)(off / stride());
}

static bool direct_mapped(struct page *page)
{
	return !kmap_debug && page_to_pfn(page) < mm_layout.max_low_pfn;
}

static void *map_slot(struct page *page, const void *caller)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();
	unsigned long flags = local_irq_save();
	unsigned idx = kmap_stack_push(&t->kmap_local.stack, KM_MAX_IDX, caller);
	u32 va = kmap_slot_vaddr(cpu, idx);
	pte_t *ptep = lookup_pte(va);
	pte_t pte = pfn_pte(page_to_pfn(page), PAGE_KERNEL);

	if (kmap_unmap_mode == KMAP_STRICT) {
		/* Strict unmapping leaves every free slot empty and flushed. */
		if (ptep->val)
			panic("kmap: CPU %u slot %u at 0x%08x still maps pte 0x%llx before use "
			      "(caller %p)",
			      cpu, idx, va, ptep->val, caller);
		pv_set_pte_va(va, ptep, pte, false);
	} else {
		pv_set_pte_va(va, ptep, pte, true); /* replace a stale entry and flush it */
	}
	pv_lazy_flush(); /* the caller uses the address at once */
	t->kmap_local.pteval[idx] = pte.val;
	slot_info[cpu][idx].pfn = page_to_pfn(page);
	slot_info[cpu][idx].owner = caller;
	slot_info[cpu][idx].live = true;
	local_irq_restore(flags);
	return (void *)(uintptr_t)va;
}

static void unmap_slot(void *vaddr, const void *caller)
{
	struct thread *t = current_thread();
	unsigned cpu = smp_processor_id();
	u32 va = (u32)(uintptr_t)vaddr;
	unsigned long flags = local_irq_save();
	int idx = slot_index(cpu, va);
	unsigned top = t->kmap_local.stack.depth ? t->kmap_local.stack.depth - 1 : 0;

	if (idx < 0)
		panic("kunmap(0x%08x) from %p: not a kmap slot of CPU %u", va, caller, cpu);
	kmap_stack_check_top(&t->kmap_local.stack, (unsigned)idx, va, kmap_slot_vaddr(cpu, top),
			     caller);
	if (kmap_unmap_mode == KMAP_STRICT)
		pv_set_pte_va(va & PAGE_MASK, lookup_pte(va), (pte_t){ 0 }, true);
	t->kmap_local.pteval[idx] = 0;
	slot_info[cpu][idx].live = false;
	slot_info[cpu][idx].releaser = caller;
	kmap_stack_pop(&t->kmap_local.stack, (unsigned)idx, va, kmap_slot_vaddr(cpu, top), caller);
	local_irq_restore(flags);
}

static bool is_direct_address(const void *vaddr)
{
	u32 va = (u32)(uintptr_t)vaddr;

	return va >= PAGE_OFFSET && va < mm_layout.high_memory;
}

void *kmap_local_page(struct page *page)
{
	if (direct_mapped(page))
		return page_address(page);
	return map_slot(page, __builtin_return_address(0));
}

void kunmap_local(void *vaddr)
{
	if (is_direct_address(vaddr) && !kmap_debug)
		return;
	unmap_slot(vaddr, __builtin_return_address(0));
}

void *kmap_atomic(struct page *page)
{
	preempt_disable();
	if (direct_mapped(page))
		return page_address(page);
	return map_slot(page, __builtin_return_address(0));
}

void kunmap_atomic(void *vaddr)
{
	if (!(is_direct_address(vaddr) && !kmap_debug))
		unmap_slot(vaddr, __builtin_return_address(0));
	preempt_enable();
}

/* Tear down @t's live slots as it is switched out (lazy mode leaves them: see highmem.h). */
void kmap_local_sched_out(struct thread *t)
{
	unsigned cpu = smp_processor_id();

	if (kmap_unmap_mode != KMAP_STRICT)
		return;
	for (unsigned idx = 0; idx < t->kmap_local.stack.depth; idx++) {
		u32 va = kmap_slot_vaddr(cpu, idx);

		pv_set_pte_va(va, lookup_pte(va), (pte_t){ 0 }, true);
	}
}

/* Re-install @t's slots from their saved PTEs as it is switched in. */
void kmap_local_sched_in(struct thread *t)
{
	unsigned cpu = smp_processor_id();

	for (unsigned idx = 0; idx < t->kmap_local.stack.depth; idx++) {
		u32 va = kmap_slot_vaddr(cpu, idx);

		pv_set_pte_va(va, lookup_pte(va), (pte_t){ t->kmap_local.pteval[idx] },
			      kmap_unmap_mode != KMAP_STRICT);
	}
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
			pr_err("kmap: access to a guard slot at 0x%08x (eip 0x%08x): a map of CPU %u "
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
