/*
 * Persistent kmaps: the pkmap window of LAST_PKMAP slots, one page table at
 * mm_layout.pkmap_base. A slot is mapped when handed out and unmapped lazily: kunmap only
 * drops the count, and the next wrap of the round-robin search clears every unused slot and
 * flushes once. When all slots are busy the caller sleeps until a kunmap frees one, then
 * rechecks whether someone else mapped its page meanwhile. kmap and kunmap may not be called
 * from interrupts (kmap may sleep), so kmap_lock holds off preemption, not interrupts; only
 * a wrap's clearing section masks them, so that no interrupt-time kmap_atomic lands inside
 * its batch.
 */
#include "mm/highmem.h"
#include "mm/pkmap_slots.h"
#include "mm/page_address.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "guest/panic.h"
#include "guest/spinlock.h"
#include "guest/wait.h"

_Static_assert(LAST_PKMAP == PTRS_PER_PTE, "the pkmap window is one page table");

static struct pkmap_slots pkmap;
static spinlock_t kmap_lock;
static struct wait_queue pkmap_wait = {.waiters = {&pkmap_wait.waiters, &pkmap_wait.waiters}};
/* Who last mapped each slot, for the use-after-kunmap report. */
static const void *pkmap_owner[LAST_PKMAP];
u64 pkmap_sleeps;

static bool clearing; /* inside a wrap's lazy-MMU section (under kmap_lock) */
static unsigned long clearing_irqs;
/* Slot 0's entry; slot n's is n entries on, the window being one page table. */
static pte_t *window_pte;

static void lock_kmap(void)
{
	preempt_disable();
	spin_lock(&kmap_lock);
}

static void unlock_kmap(void)
{
	spin_unlock(&kmap_lock);
	preempt_enable();
}

static void __attribute__((noinline, cold)) find_window(void)
{
	window_pte = lookup_pte(pkmap_addr(0));
	if (lookup_pte(pkmap_addr(LAST_PKMAP - 1)) != window_pte + LAST_PKMAP - 1)
		panic("pkmap: the window 0x%08x - 0x%08x is not one page table", pkmap_addr(0),
		      pkmap_addr(LAST_PKMAP));
}

static inline pte_t *slot_pte(unsigned nr)
{
	if (unlikely(!window_pte))
		find_window();
	return window_pte + nr;
}

/* The clears of one wrap go in one lazy-MMU section: batched, they are a few hypercalls. */
static void clear_slot(unsigned nr, const struct page *page)
{
	if (!clearing) {
		clearing_irqs = local_irq_save();
		pv_lazy_enter();
		clearing = true;
	}
	pv_pte_clear(slot_pte(nr));
	set_page_address(page, NULL);
}

static void flush_window(void)
{
	pv_lazy_leave();
	clearing = false;
	local_irq_restore(clearing_irqs);
	/*
	 * Kernel mappings are global natively: only a full flush drops them all at once. Any
	 * CPU may hold a cleared slot's translation: one shootdown covers every online CPU.
	 */
	flush_tlb_kernel_all();
}

static const struct pkmap_slot_ops pkmap_ops = {clear_slot, flush_window};

static unsigned slot_of(const void *vaddr)
{
	return ((u32)(uintptr_t)vaddr - mm_layout.pkmap_base) >> PAGE_SHIFT;
}

/* Map @page into a free slot; called with kmap_lock held, may sleep. */
static void *map_new_virtual(struct page *page)
{
	for (;;) {
		unsigned long flags;
		int nr;
		void *vaddr;

		nr = pkmap_slot_get(&pkmap, page, &pkmap_ops);
		if (nr >= 0) {
			u32 va = pkmap_addr((unsigned)nr);

			/* A free slot is unmapped and flushed: no flush needed to map it. */
			pv_set_pte_va(
			    va, slot_pte((unsigned)nr),
			    pfn_pte_masked(page_to_pfn(page), page_kmap_prot(page) | _PAGE_PRESENT),
			    false);
			set_page_address(page, (void *)(uintptr_t)va);
			return (void *)(uintptr_t)va;
		}
		/*
		 * Every slot is in use: sleep until a kunmap frees one. Queued before the lock is
		 * dropped, so a kunmap in between cannot miss us; interrupts stay off until
		 * schedule() switches away.
		 */
		pkmap_sleeps++;
		flags = local_irq_save();
		wait_prepare(&pkmap_wait);
		spin_unlock(&kmap_lock);
		preempt_enable_no_resched();
		schedule();
		local_irq_restore(flags);
		wait_finish(&pkmap_wait);
		lock_kmap();
		/* Someone else may have mapped this page while we slept. */
		vaddr = page_address_kmap_locked(page);
		if (vaddr)
			return vaddr;
	}
}

static void __noreturn in_interrupt_panic(const char *what, const struct page *page,
					  const void *caller)
{
	panic("%s(pfn 0x%x) from interrupt context (caller %p): kmap may sleep", what,
	      page_to_pfn(page), caller);
}

void *kmap(struct page *page)
{
	pfn_t pfn = page_to_pfn(page);
	void *vaddr;
	unsigned nr;

	if (unlikely(in_interrupt()))
		in_interrupt_panic("kmap", page, __builtin_return_address(0));
	if (page_in_direct_map(page))
		return phys_to_virt(PFN_PHYS(pfn));
	lock_kmap();
	vaddr = page_address_kmap_locked(page);
	if (!vaddr)
		vaddr = map_new_virtual(page);
	nr = slot_of(vaddr);
	pkmap_slot_use(&pkmap, nr);
	pkmap_owner[nr] = __builtin_return_address(0); /* one store: kept without debug too */
	unlock_kmap();
	return vaddr;
}

void kunmap(struct page *page)
{
	void *vaddr;
	bool wake;

	if (unlikely(in_interrupt()))
		in_interrupt_panic("kunmap", page, __builtin_return_address(0));
	if (page_in_direct_map(page))
		return;
	lock_kmap();
	vaddr = page_address_kmap_locked(page);
	if (unlikely(!vaddr))
		panic("kunmap(pfn 0x%x) from %p: the page is not kmapped", page_to_pfn(page),
		      __builtin_return_address(0));
	wake = pkmap_slot_put(&pkmap, slot_of(vaddr));
	unlock_kmap();
	if (wake && waitqueue_active(&pkmap_wait))
		wake_up(&pkmap_wait);
}

/* For the stale-fault report and tests: the slot state behind a pkmap address. */
bool pkmap_slot_info(u32 vaddr, int *count, const void **owner)
{
	unsigned nr = slot_of((void *)(uintptr_t)vaddr);

	if (nr >= LAST_PKMAP)
		return false;
	*count = pkmap.count[nr];
	*owner = pkmap_owner[nr];
	return true;
}

u64 pkmap_flushes(void)
{
	return pkmap.flushes;
}

unsigned pkmap_cursor(void)
{
	return pkmap.last;
}

void kmap_flush_unused(void)
{
	lock_kmap();
	pkmap_slots_flush_unused(&pkmap, &pkmap_ops);
	unlock_kmap();
}
