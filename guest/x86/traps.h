#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include "guest/lib/types.h"

/* What guest/x86/entry.S saves on every exception, lowest address first. */
struct trap_frame {
	u32 edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pushal */
	u32 vector, error;
	u32 eip, cs, eflags; /* pushed by the CPU */
};

#define IRQ_VECTOR_BASE 32 /* native: where the PIC's lines are remapped */
#define NR_IRQS 16

/* Load the native GDT and an IDT with the 32 exception vectors and the 16 IRQ lines. */
void traps_init_native(void);
/* Called by the entry stubs: fix up, or report everything and panic. */
asmlinkage void trap_dispatch(struct trap_frame *f);
/* Native IRQ line @irq runs @handler (in interrupt context, interrupts off). */
void irq_register(unsigned irq, void (*handler)(void));
/* Called by the IRQ stubs. */
asmlinkage void irq_dispatch(struct trap_frame *f);
/* The end of every interrupt: leave interrupt context, switch if a switch is due. */
void irq_exit_preempt(void);

#endif
