/* Wait queues: threads sleep until a condition holds; wake_up() makes them run to recheck. */
#ifndef GUEST_WAIT_H
#define GUEST_WAIT_H

#include "guest/irqflags.h"
#include "guest/sched.h"
#include "guest/spinlock.h"

struct wait_queue {
	spinlock_t lock;
	struct list_head waiters;
};

void wait_queue_init(struct wait_queue *wq);
/* Queue the current thread on @wq and mark it sleeping; schedule() then switches away. */
void wait_prepare(struct wait_queue *wq);
/* Take the current thread off @wq (it woke, or the condition held before it slept). */
void wait_finish(struct wait_queue *wq);
/* Wake every thread waiting on @wq; safe from interrupt context. */
void wake_up(struct wait_queue *wq);
bool waitqueue_active(struct wait_queue *wq);

/* Sleep until @cond holds, rechecked after every wakeup. Not from atomic context. */
#define wait_event(wq, cond)                                                                       \
	do {                                                                                       \
		unsigned long wflags_ = local_irq_save();                                          \
		for (;;) {                                                                         \
			wait_prepare(wq);                                                          \
			if (cond)                                                                  \
				break;                                                             \
			schedule();                                                                \
		}                                                                                  \
		wait_finish(wq);                                                                   \
		local_irq_restore(wflags_);                                                        \
	} while (0)

#endif
