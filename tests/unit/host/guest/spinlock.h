/*
 * Host build of guest/spinlock.h: the unit tests are single-threaded and must not execute
 * cli/sti (guest/irqflags.h), so the lock is a plain counter that catches unbalanced use.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "guest/lib/types.h"

typedef struct {
	volatile u32 locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	l->locked++;
}

static inline void spin_unlock(spinlock_t *l)
{
	l->locked--;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	spin_lock(l);
	return 0;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
	(void)f;
	spin_unlock(l);
}

#endif
