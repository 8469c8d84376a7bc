/*
 * Test-and-set spinlocks. The lock word holds the owner's CPU number + 1, so a CPU that finds
 * a lock it holds itself panics instead of spinning forever (checked only when the lock is
 * taken: free). Each CPU counts the locks it holds; schedule() refuses to switch with any
 * held. The _irqsave variants also mask interrupts, for locks an interrupt handler takes.
 *
 * Lock ranks, outer first (a lock is only taken while holding locks of lower rank):
 *   1 kmap_lock (mm/pkmap.c), vmap_lock (mm/vmalloc.c); preemption off, interrupts on: a
 *     shootdown may wait under them
 *   2 a wait queue's lock (guest/wait.c), a page_address bucket (mm/page_address.c),
 *     addrspaces_lock (mm/addrspace.c)
 *   3 a run queue's rq_lock (guest/sched.c)
 *   4 a zone's lock (mm/buddy.c), console_lock (guest/console.c): leaves
 * smp_call_function_many() (so a shootdown) is never called with an interrupts-off lock held:
 * the CPU it waits for could be spinning on that lock with interrupts off.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "guest/x86/cpu.h"
#include "guest/x86/percpu.h"
#include "guest/irqflags.h"

typedef struct {
	volatile u32 locked; /* 0 free, else the owner's CPU number + 1 */
} spinlock_t;

DECLARE_PER_CPU(u32, spinlocks_held);

void spin_lock_contended(spinlock_t *l, u32 me);

static inline void spin_lock(spinlock_t *l)
{
	u32 me = smp_processor_id() + 1, free = 0;

	/* Compare-and-swap, not exchange: a waiter must not overwrite the owner's number. */
	if (unlikely(!__atomic_compare_exchange_n(&l->locked, &free, me, false, __ATOMIC_ACQUIRE,
						  __ATOMIC_RELAXED)))
		spin_lock_contended(l, me);
	this_cpu_add(spinlocks_held, 1);
}

static inline void spin_unlock(spinlock_t *l)
{
	this_cpu_sub(spinlocks_held, 1);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long f = local_irq_save();

	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
	spin_unlock(l);
	local_irq_restore(f);
}

#endif
