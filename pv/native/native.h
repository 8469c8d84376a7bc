#ifndef PV_NATIVE_H
#define PV_NATIVE_H

/* Values written to QEMU's isa-debug-exit port; QEMU exits with (value << 1) | 1. */
#define NATIVE_EXIT_SUCCESS 0x10
#define NATIVE_EXIT_FAILURE 0x11

#ifndef __ASSEMBLER__
#include "guest/lib/types.h"
#include "guest/smp.h"
#include "guest/x86/percpu.h"

/* Select the native backend and enable global pages when the CPU has them. */
void native_pv_init(void);
void native_timer_start(void (*tick)(void), u64 period_ns);
void native_idle_halt(void);
/*
 * Memory types (pat.c). On the boot CPU, before anything maps memory with a type: program
 * IA32_PAT with PAT_LAYOUT if the CPU has PAT; return the types an entry may carry
 * (PCM_BIT()s) and set @why to what is missing (NULL when every type works).
 */
u32 native_pat_init(const char **why);
/* The same on each other CPU as it comes up; panics if the MSR does not take the layout. */
void native_pat_init_cpu(unsigned cpu);
/* The boot report's PAT line, from the boot CPU's MSR as read back. */
void native_pat_report(void);

/*
 * Cache flushing after a memory-type change (cache_flush.c): whether one is needed (the CPU
 * does not self-snoop), the flush for pv_mmu->flush_cache_range, and the boot line.
 */
bool native_cache_flush_init(void);
void native_flush_cache_range(u32 va, u32 len);
void native_cache_flush_report(void);

/* The shootdown (shootdown.c): IPIs to the other CPUs of @mask, a wait for their acks. */
void native_flush_tlb_multi(const cpumask_t *mask, u32 vaddr);
/* Busy-wait at least @us microseconds, on the TSC calibrated by the first timer start;
 * any CPU, interrupts on or off. Before then (or with no TSC) it returns at once. */
void native_udelay(u32 us);
bool native_udelay_ready(void);
extern u32 native_tsc_khz; /* set once calibrated (timer.c) */
/* Timer interrupts taken by each CPU (its own LAPIC timer's, or the PIT's on CPU 0). */
DECLARE_PER_CPU(u32, native_ticks);
/* SMP (pv_cpu_ops): the firmware's CPUs, starting one, the IPIs between them. */
unsigned native_cpus_offered(void);
int native_cpu_start(unsigned cpu, u32 stack_top);
u32 native_cpu_apic_id(unsigned cpu);
void native_ipi_init(void);
void native_send_ipi(unsigned cpu, unsigned kind);
#endif

#endif
