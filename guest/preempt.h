/*
 * Per-CPU preemption and interrupt-context accounting, as Linux's preempt_count: the low byte
 * counts preempt_disable() nesting, the next byte hard-interrupt nesting. A switch happens
 * only when the whole word is zero.
 */
#ifndef GUEST_PREEMPT_H
#define GUEST_PREEMPT_H

#include "guest/percpu.h"
#include "guest/types.h"

#define PREEMPT_OFFSET 1u
#define HARDIRQ_OFFSET 0x100u
#define HARDIRQ_MASK 0xff00u

extern u32 preempt_counts[NR_CPUS];
extern bool need_resched[NR_CPUS];

static inline u32 preempt_count(void)
{
	return preempt_counts[smp_processor_id()];
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
	if (!(preempt_counts[cpu] -= PREEMPT_OFFSET) && unlikely(need_resched[cpu]))
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
