/* Native interrupt masking, inlined by guest/irqflags.h when the native backend runs. */
#ifndef PV_NATIVE_IRQFLAGS_H
#define PV_NATIVE_IRQFLAGS_H

/* What local_irq_save() returns: PV_IRQS_ENABLED (1, pv/ops.h) when EFLAGS.IF was set. */
static inline unsigned long native_irq_save(void)
{
	unsigned long eflags;

	__asm__ volatile("pushfl; popl %0; cli" : "=r"(eflags) : : "memory");
	return (eflags >> 9) & 1; /* EFLAGS.IF */
}

static inline void native_irq_restore(unsigned long flags)
{
	if (flags & 1)
		__asm__ volatile("sti" ::: "memory");
}

#endif
