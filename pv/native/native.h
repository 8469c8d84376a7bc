#ifndef PV_NATIVE_H
#define PV_NATIVE_H

/* Values written to QEMU's isa-debug-exit port; QEMU exits with (value << 1) | 1. */
#define NATIVE_EXIT_SUCCESS 0x10
#define NATIVE_EXIT_FAILURE 0x11

#ifndef __ASSEMBLER__
#include "guest/lib/types.h"
#include "guest/smp.h"

/* Select the native backend and enable global pages when the CPU has them. */
void native_pv_init(void);
void native_timer_start(void (*tick)(void), u64 period_ns);
void native_idle_halt(void);

/* The shootdown (shootdown.c): IPIs to the other CPUs of @mask, a wait for their acks. */
void native_flush_tlb_multi(const cpumask_t *mask, u32 vaddr);
#endif

#endif
