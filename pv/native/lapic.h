/*
 * The local APIC in xAPIC mode (SDM vol. 3 ch. 11, "APIC", in current editions; older ones
 * number it 10, and the sections cited here with it): one page of registers that every CPU
 * sees at the same address and that reaches its own APIC. The native backend's timer
 * (timer.c), CPU start-up (smpboot.c) and IPIs (ipi.c) use it.
 */
#ifndef PV_NATIVE_LAPIC_H
#define PV_NATIVE_LAPIC_H

#include "guest/lib/types.h"
#include "guest/x86/traps.h"

/* Vectors, in the APIC range of the IDT (guest/x86/traps.h). IPIs take a higher priority
 * class (the upper nibble) than the timer; the spurious vector is the last. */
#define LAPIC_TIMER_VECTOR APIC_VECTOR_FIRST
#define IPI_VECTOR_FIRST 0xf0 /* + enum ipi_kind */
#define SPURIOUS_VECTOR 0xff

/* ICR delivery modes and flags (SDM 11.6.1). */
#define ICR_FIXED 0x000
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_LEVEL_ASSERT 0x4000

/* The largest APIC ID an xAPIC ICR can name (0xff is the broadcast destination). */
#define XAPIC_MAX_ID 0xfe

/* Whether this CPU has a local APIC (CPUID.1:EDX.APIC) and lapic_init() mapped it. */
extern bool lapic_ready;
/* Its physical address, from IA32_APIC_BASE. */
extern u32 lapic_phys;

/*
 * On the boot CPU, once the fixmap exists: map the APIC through FIX_LAPIC, uncached, and
 * enable it (lapic_cpu_init). Returns false, changing nothing, when the CPU has none.
 */
bool lapic_init(void);
/* On every CPU: software-enable it with the spurious vector, accept every priority, mask
 * its error and timer entries, clear the error status. */
void lapic_cpu_init(void);
/* This CPU's APIC ID. */
u32 lapic_id(void);
/* End of a fixed-mode interrupt on this CPU. */
void lapic_eoi(void);
/*
 * Send the IPI @icr (delivery mode | vector | flags) to the APIC with ID @apic_id, with
 * interrupts off while the two ICR halves are written; wait for the APIC to accept it.
 * Returns 0, or -EINVAL after printing one line naming the IPI, its target, and the error
 * status or the time-out.
 */
int lapic_send_ipi(u32 apic_id, u32 icr);
/* The timer: input clock divided by 16, counting down from @count. */
void lapic_timer_oneshot_masked(u32 count);
void lapic_timer_periodic(u32 vector, u32 count);
u32 lapic_timer_current(void);
#define LAPIC_TIMER_DIVIDE 16

#endif
