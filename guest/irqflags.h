/*
 * Interrupt enable/disable. Natively this is the EFLAGS.IF flag; under Xen PV (next issue) it
 * becomes the vcpu_info upcall mask, so callers use only these helpers.
 */
#ifndef GUEST_IRQFLAGS_H
#define GUEST_IRQFLAGS_H

#include "guest/cpu.h"

static inline unsigned long local_irq_save(void)
{
	unsigned long f = read_eflags();

	__asm__ volatile("cli" ::: "memory");
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

#endif
