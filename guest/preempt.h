/*
 * Per-CPU preemption and interrupt-context accounting, as Linux's preempt_count: the low byte
 * counts preempt_disable() nesting, the next byte hard-interrupt nesting, and the top bit is
 * set while no switch is due (inverted, as on Linux x86), so the word is zero exactly when
 * a switch is due and allowed: preempt_enable() is a decrement and one branch.
 */
#ifndef GUEST_PREEMPT_H
#define GUEST_PREEMPT_H

#include "guest/x86/percpu.h"
#include "guest/lib/types.h"

#define PREEMPT_OFFSET 1u
#define HARDIRQ_OFFSET 0x100u
#define HARDIRQ_MASK 0xff00u
#define PREEMPT_NEED_RESCHED 0x80000000u /* clear: a switch is due */

extern u32 preempt_counts[NR_CPUS];

static inline u32 preempt_count(void)
{
	return preempt_counts[smp_processor_id()] & ~PREEMPT_NEED_RESCHED;
}

/* A switch is due on @cpu (a tick, a wake-up); one atomic store, safe from anywhere. */
static inline void set_need_resched(unsigned cpu)
{
	__atomic_fetch_and(&preempt_counts[cpu], ~PREEMPT_NEED_RESCHED, __ATOMIC_RELAXED);
}

static inline void clear_need_resched(unsigned cpu)
{
	__atomic_fetch_or(&preempt_counts[cpu], PREEMPT_NEED_RESCHED, __ATOMIC_RELAXED);
}

static inline bool need_resched(unsigned cpu)
{
	return !(preempt_counts[cpu] & PREEMPT_NEED_RESCHED);
}

static inline void preempt_disable(void)
{
	preempt_counts[smp_processor_id()] += PREEMPT_OFFSET;
	__asm__ volatile("" ::: "memory");
}

/* Re-enable preemption without switching: the caller calls schedule() itself next. */
static inline void preempt_enable_no_resched(void)
{
	__asm__ volatile("" ::: "memory");
	preempt_counts[smp_processor_id()] -= PREEMPT_OFFSET;
}

/* The switch preempt_enable() found due (guest/sched.c). */
void preempt_schedule(void);

/* Re-enable preemption; switch now if a switch became due meanwhile. */
static inline void preempt_enable(void)
{
	unsigned cpu = smp_processor_id();

	__asm__ volatile("" ::: "memory");
	if (unlikely(!(preempt_counts[cpu] -= PREEMPT_OFFSET)))
		preempt_schedule();
}

static inline bool in_interrupt(void)
{
	return preempt_count() & HARDIRQ_MASK;
}

static inline void irq_enter(void)
{
	preempt_counts[smp_processor_id()] += HARDIRQ_OFFSET;
}

static inline void irq_exit(void)
{
	preempt_counts[smp_processor_id()] -= HARDIRQ_OFFSET;
}

#endif
