/*
 * Kernel threads and a small preemptive round-robin scheduler per CPU. A timer tick marks a
 * switch as due; it happens on the way out of the interrupt when nothing holds preemption
 * off, or at the next preempt_enable(). Threads sleep on wait queues (guest/wait.h).
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include "guest/lib/list.h"
#include "guest/preempt.h"
#include "mm/kmap_local.h"

#define THREAD_STACK_PAGES 2

/* EXITING: done, but maybe still on its stack; DEAD: switched away for good (may be freed). */
enum thread_state { THREAD_RUNNABLE, THREAD_SLEEPING, THREAD_EXITING, THREAD_DEAD };

struct thread {
	u32 esp; /* saved by switch_to(); must stay first (switch.S) */
	const char *name;
	enum thread_state state;
	unsigned cpu;
	struct list_head link;	    /* run queue */
	bool on_rq;		    /* linked on the run queue */
	struct list_head wait_link; /* wait queue */
	void (*fn)(void *arg);
	void *arg;
	unsigned long stack; /* lowmem pages, 0 for a CPU's boot thread */
	struct kmap_local_state kmap_local;
	u64 switches; /* times switched in */
};

DECLARE_PER_CPU(struct thread *, current_task);

static inline struct thread *current_thread(void)
{
	return this_cpu_read(current_task);
}

/* Make the running boot code this CPU's first thread, create its idle thread, start ticks. */
void sched_init(void);
/* A new runnable thread running @fn(@arg); it exits when @fn returns. NULL without memory. */
struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg);
/* The same on CPU @cpu (online, or this one). */
struct thread *thread_create_on(const char *name, void (*fn)(void *arg), void *arg, unsigned cpu);
/* The same on the next online CPU in turn: threads spread over all CPUs. */
struct thread *thread_create_spread(const char *name, void (*fn)(void *arg), void *arg);
/* Wait until @t has exited, then free it. */
void thread_join(struct thread *t);
/* Give the CPU to another runnable thread, if any (voluntary switch). */
void yield(void);
/* Switch to the next runnable thread; the caller has interrupts off and preemption on. */
void schedule(void);
/* Make @t runnable (from a wait queue). */
void wake_thread(struct thread *t);
/* Called on every timer tick, in interrupt context. */
void sched_tick(void);
/* Bringing up another CPU (guest/smp.c): prepared on the boot CPU, then on the CPU itself
 * its scheduler and tick start and its first thread becomes its idle loop. */
u32 sched_prepare_ap(unsigned cpu);
void sched_init_ap(void);
void sched_idle(void) __noreturn;
/* Ticks of the boot CPU since sched_init(). */
extern u64 jiffies;
/* If set, called on every tick in interrupt context (tests use it to map in an interrupt). */
extern void (*tick_hook)(void);
/* Whether ticks end time slices; exact-count tests turn it off so only their own switches
 * happen. */
extern bool tick_preempts;

#endif
