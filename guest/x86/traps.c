/* Native descriptor tables and the exception handler every vector reaches. */
#include "guest/x86/traps.h"
#include "guest/x86/extable.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/sched.h"
#include "mm/highmem.h"
#include "pv/ops.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

struct desc_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

/* Flat 4 GiB code and data, ring 0: null, code 0x08, data 0x10. */
static const u64 gdt[] __aligned(8) = {
    0,
    0x00cf9a000000ffffull,
    0x00cf92000000ffffull,
};

static u64 idt[IRQ_VECTOR_BASE + NR_IRQS] __aligned(8);
extern const u32 trap_stubs[32], irq_stubs[NR_IRQS];

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static u64 interrupt_gate(u32 handler)
{
	/* Present, DPL 0, 32-bit interrupt gate (type 0xE). */
	return (handler & 0xffff) | ((u64)KERNEL_CS << 16) | ((u64)0x8e00 << 32) |
	       ((u64)(handler >> 16) << 48);
}

void traps_init_native(void)
{
	struct desc_ptr gp = {sizeof(gdt) - 1, (u32)(uintptr_t)gdt};
	struct desc_ptr ip = {sizeof(idt) - 1, (u32)(uintptr_t)idt};

	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "mov %2, %%fs\n\t"
			 "mov %2, %%gs"
			 :
			 : "m"(gp), "i"(KERNEL_CS), "r"(KERNEL_DS)
			 : "memory");
	for (unsigned v = 0; v < 32; v++)
		idt[v] = interrupt_gate(trap_stubs[v]);
	for (unsigned irq = 0; irq < NR_IRQS; irq++)
		idt[IRQ_VECTOR_BASE + irq] = interrupt_gate(irq_stubs[irq]);
	__asm__ volatile("lidt %0" : : "m"(ip));
}

static void (*irq_handlers[NR_IRQS])(void);

void irq_register(unsigned irq, void (*handler)(void))
{
	BUG_ON(irq >= NR_IRQS);
	irq_handlers[irq] = handler;
}

void irq_exit_preempt(void)
{
	irq_exit();
	if (!preempt_count() && need_resched())
		schedule();
}

asmlinkage void irq_dispatch(struct trap_frame *f)
{
	unsigned irq = f->vector - IRQ_VECTOR_BASE;

	irq_enter();
	if (irq < NR_IRQS && irq_handlers[irq])
		irq_handlers[irq]();
	else
		pr_warn("irq: vector %u has no handler: ignored\n", f->vector);
	irq_exit_preempt();
}

asmlinkage void trap_dispatch(struct trap_frame *f)
{
	u32 cr2 = f->vector == 14 ? pv_cpu->read_cr2() : 0;

	/* A released kmap slot is reported with its last owner, probe or not. */
	if (f->vector == 14)
		kmap_report_stale_fault(cr2, f->eip);
	if ((f->vector == 14 || f->vector == 13) && extable_fixup(f))
		return;
	pr_err("trap: vector %u (%s) error 0x%x at eip 0x%08x cr2 0x%08x\n", f->vector,
	       f->vector < 22 ? vector_names[f->vector] : "reserved", f->error, f->eip, cr2);
	pr_err("trap: eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	pr_err("trap: esi %08x edi %08x ebp %08x esp %08x eflags %08x cs %04x\n", f->esi, f->edi,
	       f->ebp, f->esp_at_pusha + 20, f->eflags, f->cs);
	panic("unhandled exception %u at eip 0x%08x", f->vector, f->eip);
}
