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
/* Native: the vectors the local APIC delivers (its timer, IPIs, spurious), the top 32:
 * their priority class is above anything else's. */
#define APIC_VECTOR_FIRST 0xe0
#define NR_APIC_VECTORS 32

/* The native GDT's selectors (every CPU's GDT has the same layout). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define PERCPU_DS 0x18 /* base percpu_offset(cpu), 4 GiB limit: loaded into %fs */
#define TSS_SEL 0x20

/* Fill the shared IDT (32 exceptions, the 16 PIC lines), then load CPU 0's tables. */
void traps_init_native(void);
/*
 * Load CPU @cpu's own GDT (its %fs segment at base percpu_offset(@cpu)) and TSS, reload
 * every segment register, and load the shared IDT: the first thing an application
 * processor does, before any per-CPU access. Runs on whatever page tables map the kernel.
 */
void traps_init_cpu(unsigned cpu);
/* Called by the entry stubs: fix up, or report everything and panic. */
asmlinkage void trap_dispatch(struct trap_frame *f);
/* Native IRQ line @irq runs @handler (in interrupt context, interrupts off). */
void irq_register(unsigned irq, void (*handler)(void));
/*
 * Local APIC vector @vector (APIC_VECTOR_FIRST..255) runs @handler(@vector) on whichever
 * CPU it arrives, in interrupt context; the handler sends the EOI. Register before any CPU
 * can receive it: until then the vector's gate is absent and it would fault.
 */
void irq_vector_register(unsigned vector, void (*handler)(unsigned vector));
/* Called by the IRQ stubs. */
asmlinkage void irq_dispatch(struct trap_frame *f);
/* The end of every interrupt: leave interrupt context, switch if a switch is due. */
void irq_exit_preempt(void);

#endif
