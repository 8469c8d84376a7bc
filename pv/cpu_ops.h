/*
 * The platform operations that are not MMU operations but still differ per backend
 * (interrupt masking, the timer, shutdown). Apart from pv/ops.h so that what needs only
 * these (spinlocks, through guest/irqflags.h) does not depend on the MMU table.
 */
#ifndef PV_CPU_OPS_H
#define PV_CPU_OPS_H

#include "guest/lib/types.h"

/* What irq_save() returns when interrupts (events) were enabled. */
#define PV_IRQS_ENABLED 1ul

/* Platform operations that are not MMU operations but still differ per backend. */
struct pv_cpu_ops {
	const char *name;
	/* Disable interrupts (events); returns PV_IRQS_ENABLED if they were on, else 0. */
	unsigned long (*irq_save)(void);
	/* Re-enable them if @flags says they were on. */
	void (*irq_restore)(unsigned long flags);
	/* The faulting address of the last page fault. */
	u32 (*read_cr2)(void);
	/* Stop this VM with a verdict; halts forever where there is no way to stop. */
	void (*shutdown)(bool success) __noreturn;
	/* Enable interrupts and wait for one (the idle loop); returns with them enabled. */
	void (*idle_halt)(void);
	/* Call @tick every @period_ns nanoseconds, in interrupt context, on the calling CPU
	 * (each CPU starts its own). */
	void (*timer_start)(void (*tick)(void), u64 period_ns);
	/* How many CPUs the platform offers (the firmware's natively, Xen's vCPUs); NULL: one.
	 */
	unsigned (*cpus_offered)(void);
	/*
	 * SMP (guest/smp.c). Start CPU @cpu (1 .. cpus_offered() - 1, the platform's order):
	 * it runs on @stack_top with the kernel's page tables, sets up its %fs (base
	 * percpu_offset(cpu)), traps and interrupt delivery, then calls smp_ap_start(cpu).
	 * Returns 0 once it is on its way, 1 if the platform keeps it offline (Xen's
	 * cpu/N/availability), or a negative error after printing one line that says why.
	 * NULL: this backend starts no CPUs.
	 */
	int (*cpu_start)(unsigned cpu, u32 stack_top);
	/* Interrupt CPU @cpu with IPI @kind (enum ipi_kind); it calls smp_ipi_received(). */
	void (*send_ipi)(unsigned cpu, unsigned kind);
	/* Optional: the backend's own count of @ev now (enum pv_event); NULL natively. */
	u64 (*backend_count)(unsigned ev);
	/* Optional: the backend's own counters, as JSON members and as a table. */
	void (*counters_json)(void);
	void (*counters_table)(void);
};

extern const struct pv_cpu_ops *pv_cpu;

#endif
