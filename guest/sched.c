#include "guest/sched.h"
#include "guest/irqflags.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/spinlock.h"
#include "guest/lib/string.h"
#include "guest/wait.h"
#include "mm/gfp.h"
#include "mm/kmap_local.h"
#include "guest/smp.h"
#include "pv/ops.h"

DEFINE_PER_CPU(u32, __preempt_count);
DEFINE_PER_CPU(struct thread *, current_task);
u64 jiffies;
void (*tick_hook)(void);
bool tick_preempts = true;

static struct list_head run_queue[NR_CPUS];
static spinlock_t rq_lock[NR_CPUS];
static struct thread boot_thread, *idle_threads[NR_CPUS];
static struct wait_queue exit_wait;

asmlinkage struct thread *switch_to(struct thread *prev, struct thread *next);
void thread_trampoline(void);
asmlinkage void thread_start(struct thread *t, struct thread *last) __noreturn;

/*
 * On the thread switched to, for @last, the one switched away from: only now is an exiting
 * thread off its stack, so only now may another CPU's thread_join() free it.
 */
static void finish_switch(struct thread *last)
{
	if (last->state == THREAD_EXITING) {
		__atomic_store_n(&last->state, THREAD_DEAD, __ATOMIC_RELEASE);
		wake_up(&exit_wait);
	}
}

/* Pick the next thread: the head of the run queue, else this CPU's idle thread. */
static struct thread *pick_next(unsigned cpu)
{
	struct thread *next;

	if (list_empty(&run_queue[cpu]))
		return idle_threads[cpu];
	next = list_first_entry(&run_queue[cpu], struct thread, link);
	list_del(&next->link);
	next->on_rq = false;
	return next;
}

void schedule(void)
{
	unsigned cpu = smp_processor_id();
	struct thread *prev = current_thread(), *next;

	if (preempt_count())
		panic("schedule() from %s with preempt_count 0x%x (atomic context)", prev->name,
		      preempt_count());
	if (this_cpu_read(spinlocks_held))
		panic("schedule() from %s with %u spinlocks held (sleeping with a lock held)",
		      prev->name, this_cpu_read(spinlocks_held));
	if (local_irq_save() & PV_IRQS_ENABLED)
		panic("schedule() from %s with interrupts on", prev->name);
	spin_lock(&rq_lock[cpu]);
	clear_need_resched();
	/* A running thread goes to the back of the queue; a sleeping one waits to be woken. */
	if (prev->state == THREAD_RUNNABLE && prev != idle_threads[cpu] && !prev->on_rq) {
		list_add_tail(&prev->link, &run_queue[cpu]);
		prev->on_rq = true;
	}
	next = pick_next(cpu);
	/*
	 * Still under the lock: wake_thread() on another CPU leaves a sleeper it finds current
	 * off the queue (it has not switched away). Were @prev still current after the unlock,
	 * a wake-up in that window would set it runnable and queue it nowhere: lost for good
	 * (the join in xen_smp_threads_run_on_their_vcpu hung on it). Interrupts are off in
	 * every caller, so nothing on this CPU sees @next as current before the switch.
	 */
	if (next != prev)
		this_cpu_write(current_task, next);
	spin_unlock(&rq_lock[cpu]);
	if (next == prev)
		return;
	kmap_local_sched_out(prev);
	next->switches++;
	next = switch_to(prev, next);
	/* Back in @prev, switched in again by someone's schedule(); @next is who ran last. */
	finish_switch(next);
	kmap_local_sched_in(current_thread());
}

void preempt_schedule(void)
{
	unsigned long flags = local_irq_save();

	if (flags & PV_IRQS_ENABLED)
		schedule(); /* with interrupts off we cannot be sure it is safe: wait */
	local_irq_restore(flags);
}

/*
 * With nothing else to run here, pause: a spinning wait for another CPU then lets the
 * hypervisor (or QEMU's round-robin -icount, which switches vCPUs on pause) run that CPU.
 */
void yield(void)
{
	unsigned long flags = local_irq_save();
	u64 before = current_thread()->switches;

	schedule();
	local_irq_restore(flags);
	if (current_thread()->switches == before)
		cpu_relax();
}

void wake_thread(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock[t->cpu]);

	if (t->state == THREAD_SLEEPING) {
		t->state = THREAD_RUNNABLE;
		/* It may not have switched away yet: it is on the queue at most once. */
		if (!t->on_rq && t != per_cpu(current_task, t->cpu)) {
			list_add_tail(&t->link, &run_queue[t->cpu]);
			t->on_rq = true;
		}
		resched_cpu(t->cpu); /* an IPI when @t is another CPU's */
	}
	spin_unlock_irqrestore(&rq_lock[t->cpu], flags);
}

/* Every CPU ticks; the boot CPU keeps time and runs the tests' hook. */
void sched_tick(void)
{
	bool boot_cpu = smp_processor_id() == 0;

	if (boot_cpu)
		jiffies++;
	pv_counters_fold(); /* 32-bit pending counts into the totals, long before they wrap */
	if (boot_cpu && tick_hook)
		tick_hook();
	if (tick_preempts)
		set_need_resched();
}

asmlinkage void thread_start(struct thread *t, struct thread *last)
{
	finish_switch(last);
	kmap_local_sched_in(t);
	local_irq_enable();
	t->fn(t->arg);
	local_irq_disable();
	t->state = THREAD_EXITING; /* DEAD once the next thread runs (finish_switch) */
	schedule();
	panic("thread %s ran after exiting", t->name);
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	return thread_create_on(name, fn, arg, smp_processor_id());
}

struct thread *thread_create_on(const char *name, void (*fn)(void *), void *arg, unsigned cpu)
{
	unsigned long stack = __get_free_pages(GFP_KERNEL, 1);
	struct thread *t;
	u32 *sp;

	if (!stack)
		return NULL;
	if (!cpumask_test(&cpu_online_mask, cpu) && cpu != smp_processor_id())
		panic("thread_create_on(%s, cpu %u): that CPU is not online", name, cpu);
	/* The struct sits at the bottom of its own stack: one allocation per thread. */
	t = (struct thread *)stack;
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	t->stack = stack;
	sp = (u32 *)(stack + THREAD_STACK_PAGES * PAGE_SIZE);
	*--sp = (u32)(uintptr_t)thread_trampoline; /* switch_to's ret */
	*--sp = 0;				   /* ebp */
	*--sp = (u32)(uintptr_t)t;		   /* ebx: the trampoline's argument */
	*--sp = 0;				   /* esi */
	*--sp = 0;				   /* edi */
	t->esp = (u32)(uintptr_t)sp;
	t->state = THREAD_SLEEPING;
	wake_thread(t);
	return t;
}

void thread_join(struct thread *t)
{
	wait_event(&exit_wait, t->state == THREAD_DEAD);
	free_pages(t->stack, 1);
}

static __noreturn void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		local_irq_disable();
		if (!list_empty(&run_queue[smp_processor_id()]))
			schedule();
		else
			pv_cpu->idle_halt(); /* enables interrupts and waits for one */
	}
}

void sched_init(void)
{
	unsigned cpu = smp_processor_id();
	struct thread *boot = &boot_thread;

	list_init(&run_queue[cpu]);
	wait_queue_init(&exit_wait);
	boot->name = "boot";
	boot->state = THREAD_RUNNABLE;
	boot->cpu = cpu;
	this_cpu_write(current_task, boot);
	idle_threads[cpu] = thread_create("idle", idle_loop, NULL);
	if (!idle_threads[cpu])
		panic("sched: no memory for the idle thread");
	/* The idle thread is picked only when nothing else runs: keep it off the queue. */
	list_del(&idle_threads[cpu]->link);
	idle_threads[cpu]->on_rq = false;
	pv_cpu->timer_start(sched_tick, 10 * 1000 * 1000);
}

struct thread *thread_create_spread(const char *name, void (*fn)(void *), void *arg)
{
	static unsigned next_cpu;
	unsigned cpu;

	do
		cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % NR_CPUS;
	while (!cpumask_test(&cpu_online_mask, cpu));
	return thread_create_on(name, fn, arg, cpu);
}

/* On the boot CPU, for CPU @cpu: its first thread (which becomes its idle thread) and run
 * queue. Returns the top of that thread's stack, 0 without memory. */
u32 sched_prepare_ap(unsigned cpu)
{
	unsigned long stack = __get_free_pages(GFP_KERNEL, 1);
	struct thread *t = (struct thread *)stack;

	if (!stack)
		return 0;
	memset(t, 0, sizeof(*t));
	t->name = "idle";
	t->state = THREAD_RUNNABLE;
	t->cpu = cpu;
	t->stack = stack;
	list_init(&run_queue[cpu]);
	idle_threads[cpu] = t;
	per_cpu(current_task, cpu) = t;
	return (u32)(stack + THREAD_STACK_PAGES * PAGE_SIZE);
}

void sched_init_ap(void)
{
	kmap_local_sched_in(current_thread());
	preempt_enable_no_resched(); /* smp_boot held it off until now */
	pv_cpu->timer_start(sched_tick, 10 * 1000 * 1000);
}

void sched_idle(void)
{
	local_irq_enable();
	idle_loop(NULL);
}
