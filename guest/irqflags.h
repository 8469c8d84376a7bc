/*
 * Interrupt (event) enable/disable. Natively this is EFLAGS.IF; a Xen PV kernel runs in ring 1
 * where cli/sti fault, and masks event delivery in its vcpu_info instead. The backend decides.
 */
#ifndef GUEST_IRQFLAGS_H
#define GUEST_IRQFLAGS_H

#include "pv/branch.h"
#include "pv/cpu_ops.h"
#include "pv/native/irqflags.h"

/* Natively inline (pv/branch.h): pushf, cli; popf-free restore. */
static inline unsigned long local_irq_save(void)
{
	return pv_is_native() ? native_irq_save() : pv_cpu->irq_save();
}

static inline void local_irq_restore(unsigned long flags)
{
	if (pv_is_native())
		native_irq_restore(flags);
	else
		pv_cpu->irq_restore(flags);
}

static inline void local_irq_disable(void)
{
	(void)local_irq_save();
}

static inline void local_irq_enable(void)
{
	local_irq_restore(PV_IRQS_ENABLED);
}

#endif
