/*
 * Native descriptor tables and the handler every vector reaches. Each CPU has its own GDT
 * and TSS (ltr marks a TSS busy, so two CPUs cannot share one, and the GDT holds the CPU's
 * %fs segment); the IDT is one for all.
 */
#include "guest/x86/traps.h"
#include "guest/x86/extable.h"
#include "guest/x86/percpu.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/sched.h"
#include "mm/highmem.h"
#include "mm/pagealloc_debug.h"
#include "pv/ops.h"

struct desc_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

/* The 32-bit TSS (SDM vol. 3, 8.2.1). The kernel never changes rings, so the CPU never
 * reads its stack fields; it exists because the task register must name one. */
struct tss {
	u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
	u32 es, cs, ss, ds, fs, gs, ldt;
	u16 trap, iomap_base;
};
_Static_assert(sizeof(struct tss) == 104, "the 32-bit TSS is 104 bytes");

enum { GDT_NULL, GDT_CODE, GDT_DATA, GDT_PERCPU, GDT_TSS, GDT_ENTRIES };
_Static_assert(PERCPU_DS == GDT_PERCPU * 8 && TSS_SEL == GDT_TSS * 8, "selectors match slots");

/* Access bytes (present, DPL 0; code and data with their accessed bit already set, so
 * loading a selector never writes the table) and the granularity nibble (4 KiB, 32-bit). */
#define DESC_CODE 0x9b
#define DESC_DATA 0x93
#define DESC_TSS32 0x89
#define DESC_PAGES_32BIT 0xc

static u64 gdt[NR_CPUS][GDT_ENTRIES] __aligned(64);
static struct tss tss[NR_CPUS] __aligned(64);
static u64 idt[256] __aligned(8);
extern const u32 trap_stubs[32], irq_stubs[NR_IRQS], apic_stubs[NR_APIC_VECTORS];

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

/* A segment descriptor (SDM vol. 3, 3.4.5): @limit in units the @flags nibble selects. */
static u64 seg_desc(u32 base, u32 limit, u8 access, u8 flags)
{
	return (limit & 0xffff) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
	       ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) |
	       ((u64)(base >> 24) << 56);
}

static u64 interrupt_gate(u32 handler)
{
	/* Present, DPL 0, 32-bit interrupt gate (type 0xE). */
	return (handler & 0xffff) | ((u64)KERNEL_CS << 16) | ((u64)0x8e00 << 32) |
	       ((u64)(handler >> 16) << 48);
}

void traps_init_cpu(unsigned cpu)
{
	u64 *g = gdt[cpu];
	struct tss *t = &tss[cpu];
	struct desc_ptr gp = {sizeof(gdt[cpu]) - 1, (u32)(uintptr_t)g};
	struct desc_ptr ip = {sizeof(idt) - 1, (u32)(uintptr_t)idt};

	t->ss0 = KERNEL_DS;
	t->iomap_base = sizeof(*t); /* no I/O bitmap */
	g[GDT_NULL] = 0;
	g[GDT_CODE] = seg_desc(0, 0xfffff, DESC_CODE, DESC_PAGES_32BIT);
	g[GDT_DATA] = seg_desc(0, 0xfffff, DESC_DATA, DESC_PAGES_32BIT);
	/* A 4 GiB limit: %fs:var is var's linked address, offset by the base. */
	g[GDT_PERCPU] = seg_desc(percpu_offset(cpu), 0xfffff, DESC_DATA, DESC_PAGES_32BIT);
	g[GDT_TSS] = seg_desc((u32)(uintptr_t)t, sizeof(*t) - 1, DESC_TSS32, 0);
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "mov %2, %%gs\n\t"
			 "mov %3, %%fs\n\t"
			 "ltr %4\n\t"
			 "lidt %5"
			 :
			 : "m"(gp), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(PERCPU_DS),
			   "r"((u16)TSS_SEL), "m"(ip)
			 : "memory");
}

void traps_init_native(void)
{
	for (unsigned v = 0; v < 32; v++)
		idt[v] = interrupt_gate(trap_stubs[v]);
	for (unsigned irq = 0; irq < NR_IRQS; irq++)
		idt[IRQ_VECTOR_BASE + irq] = interrupt_gate(irq_stubs[irq]);
	traps_init_cpu(0);
}

static void (*irq_handlers[NR_IRQS])(void);
static void (*apic_handlers[NR_APIC_VECTORS])(unsigned vector);

void irq_register(unsigned irq, void (*handler)(void))
{
	BUG_ON(irq >= NR_IRQS);
	irq_handlers[irq] = handler;
}

void irq_vector_register(unsigned vector, void (*handler)(unsigned vector))
{
	unsigned i = vector - APIC_VECTOR_FIRST;

	BUG_ON(i >= NR_APIC_VECTORS);
	apic_handlers[i] = handler;
	idt[vector] = interrupt_gate(apic_stubs[i]);
}

void irq_exit_preempt(void)
{
	irq_exit();
	if (!preempt_count() && need_resched())
		schedule();
}

asmlinkage void irq_dispatch(struct trap_frame *f)
{
	unsigned irq = f->vector - IRQ_VECTOR_BASE, apic = f->vector - APIC_VECTOR_FIRST;

	irq_enter();
	if (irq < NR_IRQS && irq_handlers[irq])
		irq_handlers[irq]();
	else if (apic < NR_APIC_VECTORS && apic_handlers[apic])
		apic_handlers[apic](f->vector);
	else
		pr_warn("irq: vector %u has no handler: ignored\n", f->vector);
	irq_exit_preempt();
}

asmlinkage void trap_dispatch(struct trap_frame *f)
{
	u32 cr2 = f->vector == 14 ? pv_cpu->read_cr2() : 0;

	/* A released kmap slot is reported with its last owner, probe or not. */
	if (f->vector == 14 && !kmap_report_stale_fault(cr2, f->eip))
		pagealloc_debug_report_fault(cr2, f->eip);
	if ((f->vector == 14 || f->vector == 13) && extable_fixup(f))
		return;
	pr_err("trap: vector %u (%s) error 0x%x at eip 0x%08x cr2 0x%08x\n", f->vector,
	       f->vector < 22 ? vector_names[f->vector] : "reserved", f->error, f->eip, cr2);
	pr_err("trap: eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	pr_err("trap: esi %08x edi %08x ebp %08x esp %08x eflags %08x cs %04x\n", f->esi, f->edi,
	       f->ebp, f->esp_at_pusha + 20, f->eflags, f->cs);
	panic("unhandled exception %u at eip 0x%08x", f->vector, f->eip);
}
