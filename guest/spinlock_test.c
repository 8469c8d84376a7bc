/*
 * Self-tests of the spinlock debug checks: a lock taken twice, and a switch with one held.
 * The lock is taken with interrupts off, as every lock is held where a tick could otherwise
 * switch away from its holder.
 */
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/spinlock.h"
#include "guest/lib/string.h"

static spinlock_t test_lock;

static void take_twice(void *arg)
{
	(void)arg;
	(void)spin_lock_irqsave(&test_lock);
	spin_lock(&test_lock); /* panics: this CPU already holds it */
}

/* Taking a lock this CPU holds panics, naming the CPU, instead of spinning forever. */
static void self_deadlock_is_caught(struct ktest *t)
{
	test_lock.locked = 0;
	KT_EXPECT(t, ktest_expect_panic(take_twice, NULL));
	KT_EXPECT(t, strstr(ktest_last_panic, "self-deadlock") != NULL);
	test_lock.locked = 0; /* the panic left it held */
}

static void sleep_with_lock(void *arg)
{
	(void)arg;
	(void)spin_lock_irqsave(&test_lock);
	yield(); /* panics: schedule() with a spinlock held */
}

static void sleeping_with_a_lock_held_is_caught(struct ktest *t)
{
	test_lock.locked = 0;
	KT_EXPECT(t, ktest_expect_panic(sleep_with_lock, NULL));
	KT_EXPECT(t, strstr(ktest_last_panic, "spinlocks held") != NULL);
	test_lock.locked = 0;
}

/* A lock taken and released leaves this CPU holding none, and the lock free. */
static void lock_and_unlock_balance(struct ktest *t)
{
	u32 held = this_cpu_read(spinlocks_held);
	unsigned long flags = spin_lock_irqsave(&test_lock);

	KT_EXPECT_EQ(t, test_lock.locked, smp_processor_id() + 1);
	KT_EXPECT_EQ(t, this_cpu_read(spinlocks_held), held + 1);
	spin_unlock_irqrestore(&test_lock, flags);
	KT_EXPECT_EQ(t, test_lock.locked, 0);
	KT_EXPECT_EQ(t, this_cpu_read(spinlocks_held), held);
}

KTEST_SUITE(spinlock, KTEST_CASE(lock_and_unlock_balance), KTEST_CASE(self_deadlock_is_caught),
	    KTEST_CASE(sleeping_with_a_lock_held_is_caught));
