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

DECLARE_PER_CPU(u32, __preempt_count);

static inline u32 preempt_count(void)
{
	return this_cpu_read(__preempt_count) & ~PREEMPT_NEED_RESCHED;
}

/*
 * A switch is due on this CPU (a tick, a wake-up): one instruction, safe from interrupts.
 * Only the CPU itself writes its count; another CPU asks it with resched_cpu() (guest/smp.h).
 */
static inline void set_need_resched(void)
{
	this_cpu_and(__preempt_count, ~PREEMPT_NEED_RESCHED);
}

static inline void clear_need_resched(void)
{
	this_cpu_or(__preempt_count, PREEMPT_NEED_RESCHED);
}

static inline bool need_resched(void)
{
	return !(this_cpu_read(__preempt_count) & PREEMPT_NEED_RESCHED);
}

static inline void preempt_disable(void)
{
	this_cpu_add(__preempt_count, PREEMPT_OFFSET);
	__asm__ volatile("" ::: "memory");
}

/* Re-enable preemption without switching: the caller calls schedule() itself next. */
static inline void preempt_enable_no_resched(void)
{
	__asm__ volatile("" ::: "memory");
	this_cpu_sub(__preempt_count, PREEMPT_OFFSET);
}

/* The switch preempt_enable() found due (guest/sched.c). */
void preempt_schedule(void);

/* Re-enable preemption; switch now if a switch became due meanwhile (the count hit zero). */
static inline void preempt_enable(void)
{
	__asm__ goto("subl %1, %%fs:%0\n\t"
		     "je %l[resched]"
		     :
		     : "m"(__preempt_count), "i"(PREEMPT_OFFSET)
		     : "memory", "cc"
		     : resched);
	return;
resched:
	preempt_schedule();
}

static inline bool in_interrupt(void)
{
	return preempt_count() & HARDIRQ_MASK;
}

static inline void irq_enter(void)
{
	this_cpu_add(__preempt_count, HARDIRQ_OFFSET);
}

static inline void irq_exit(void)
{
	this_cpu_sub(__preempt_count, HARDIRQ_OFFSET);
}

#endif
