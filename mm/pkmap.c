/*
 * Persistent kmaps: the pkmap window of LAST_PKMAP slots, one page table at PKMAP_BASE. A
 * slot is mapped when handed out and unmapped lazily: kunmap only drops the count, and the
 * next wrap of the round-robin search clears every unused slot and flushes once. When all
 * slots are busy the caller sleeps until a kunmap frees one, then rechecks whether someone
 * else mapped its page meanwhile.
 */
#include "mm/highmem.h"
#include "mm/pkmap_slots.h"
#include "mm/pgtable.h"
#include "guest/panic.h"
#include "guest/spinlock.h"
#include "guest/wait.h"

static struct pkmap_slots pkmap;
static spinlock_t kmap_lock;
static struct wait_queue pkmap_wait = { .waiters = { &pkmap_wait.waiters, &pkmap_wait.waiters } };
/* Who last mapped each slot, for the use-after-kunmap report. */
static const void *pkmap_owner[LAST_PKMAP];
u64 pkmap_sleeps;

static bool clearing; /* inside a wrap's lazy-MMU section (under kmap_lock) */

/* The clears of one wrap go in one lazy-MMU section: batched, they are a few hypercalls. */
static void clear_slot(unsigned nr, const struct page *page)
{
	if (!clearing) {
		pv_lazy_enter();
		clearing = true;
	}
	pv_pte_clear(lookup_pte(pkmap_addr(nr)));
	set_page_address(page, NULL);
}

static void flush_window(void)
{
	pv_lazy_leave();
	clearing = false;
	/* Kernel mappings are global natively: only a full flush drops them all at once. */
	pv_flush_tlb_all();
}

static const struct pkmap_slot_ops pkmap_ops = { clear_slot, flush_window };

static unsigned slot_of(const void *vaddr)
{
	return ((u32)(uintptr_t)vaddr - mm_layout.pkmap_base) >> PAGE_SHIFT;
}

/* Map @page into a free slot; called with kmap_lock held (interrupts off), may sleep. */
static void *map_new_virtual(struct page *page)
{
	for (;;) {
		int nr;
		void *vaddr;

		nr = pkmap_slot_get(&pkmap, page, &pkmap_ops);
		if (nr >= 0) {
			u32 va = pkmap_addr((unsigned)nr);

			/* A free slot is unmapped and flushed: no flush needed to map it. */
			pv_set_pte_va(va, lookup_pte(va), pfn_pte(page_to_pfn(page), PAGE_KERNEL),
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
		wait_prepare(&pkmap_wait);
		spin_unlock(&kmap_lock);
		schedule();
		wait_finish(&pkmap_wait);
		spin_lock(&kmap_lock);
		/* Someone else may have mapped this page while we slept. */
		vaddr = page_address(page);
		if (vaddr)
			return vaddr;
	}
}

void *kmap(struct page *page)
{
	unsigned long flags;
	void *vaddr;

	if (in_interrupt())
		panic("kmap(pfn 0x%x) from interrupt context (caller %p): kmap may sleep",
		      page_to_pfn(page), __builtin_return_address(0));
	if (page_to_pfn(page) < mm_layout.max_low_pfn)
		return page_address(page);
	flags = spin_lock_irqsave(&kmap_lock);
	vaddr = page_address(page);
	if (!vaddr)
		vaddr = map_new_virtual(page);
	pkmap_slot_use(&pkmap, slot_of(vaddr));
	pkmap_owner[slot_of(vaddr)] = __builtin_return_address(0);
	spin_unlock_irqrestore(&kmap_lock, flags);
	return vaddr;
}

void kunmap(struct page *page)
{
	unsigned long flags;
	void *vaddr;
	bool wake;

	if (page_to_pfn(page) < mm_layout.max_low_pfn)
		return;
	flags = spin_lock_irqsave(&kmap_lock);
	vaddr = page_address(page);
	if (!vaddr)
		panic("kunmap(pfn 0x%x) from %p: the page is not kmapped", page_to_pfn(page),
		      __builtin_return_address(0));
	wake = pkmap_slot_put(&pkmap, slot_of(vaddr));
	spin_unlock_irqrestore(&kmap_lock, flags);
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
	unsigned long flags = spin_lock_irqsave(&kmap_lock);

	pkmap_slots_flush_unused(&pkmap, &pkmap_ops);
	spin_unlock_irqrestore(&kmap_lock, flags);
}
