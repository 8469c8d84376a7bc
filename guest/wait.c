#include "guest/wait.h"

void wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

void wait_prepare(struct wait_queue *wq)
{
	struct thread *t = current_thread();
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (!t->wait_link.next)
		list_add_tail(&t->wait_link, &wq->waiters);
	t->state = THREAD_SLEEPING;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_finish(struct wait_queue *wq)
{
	struct thread *t = current_thread();
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	t->state = THREAD_RUNNABLE;
	if (t->wait_link.next)
		list_del(&t->wait_link); /* leaves the links NULL: "not waiting" */
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	while (!list_empty(&wq->waiters)) {
		struct thread *t = list_first_entry(&wq->waiters, struct thread, wait_link);

		list_del(&t->wait_link);
		wake_thread(t);
	}
	spin_unlock_irqrestore(&wq->lock, flags);
}

bool waitqueue_active(struct wait_queue *wq)
{
	return !list_empty(&wq->waiters);
}
