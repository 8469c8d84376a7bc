/*
 * The local APIC's registers through the fixmap. Natively nothing else maps its page, so
 * FIX_LAPIC is its one mapping, written once through the operations table (pv/ops.h) with
 * caching off: MMIO must not be cached or combined.
 */
#include "pv/native/lapic.h"
#include "pv/native/msr.h"
#include "pv/native/native.h"
#include "pv/native/irqflags.h"
#include "guest/printk.h"
#include "guest/x86/cpu.h"
#include "guest/x86/percpu.h"
#include "mm/fixmap.h"
#include "mm/layout.h"
#include "mm/pgtable.h"

#define CPUID_1_EDX_APIC (1u << 9)
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_ADDR_MASK 0xfffff000u

/* Register offsets (SDM table 11-1). */
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_APIC_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define ICR_BUSY (1u << 12) /* delivery status: not yet accepted */
#define TIMER_DIV_16 0x3
#define ICR_WAIT_US 1000

bool lapic_ready;
u32 lapic_phys;
static u32 lapic_va;

static inline u32 lapic_read(u32 reg)
{
	return *(volatile u32 *)(uintptr_t)(lapic_va + reg);
}

static inline void lapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(uintptr_t)(lapic_va + reg) = v;
}

/* A spurious interrupt sets no in-service bit: it takes no EOI (SDM 11.9). */
static void spurious_irq(unsigned vector)
{
	(void)vector;
}

bool lapic_init(void)
{
	u32 a, b, c, d, va = fix_to_virt(FIX_LAPIC);
	u64 base;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & CPUID_1_EDX_APIC))
		return false;
	base = rdmsr(MSR_IA32_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE); /* the firmware turned it off */
	lapic_phys = (u32)base & APIC_BASE_ADDR_MASK;
	pv_set_pte_va(va, lookup_pte(va), pfn_pte(lapic_phys >> PAGE_SHIFT, PAGE_KERNEL_UC), true);
	lapic_va = va;
	lapic_ready = true;
	irq_vector_register(SPURIOUS_VECTOR, spurious_irq);
	lapic_cpu_init();
	return true;
}

void lapic_cpu_init(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_APIC_ENABLE | SPURIOUS_VECTOR);
	/* A write moves the errors so far into the register and clears them (SDM 11.5.3). */
	lapic_write(LAPIC_ESR, 0);
}

u32 lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Wait up to ICR_WAIT_US for the ICR to have delivered its last IPI. */
static bool icr_idle(void)
{
	for (unsigned us = 0; lapic_read(LAPIC_ICR_LO) & ICR_BUSY; us++) {
		if (us == ICR_WAIT_US)
			return false;
		native_udelay(1);
	}
	return true;
}

int lapic_send_ipi(u32 apic_id, u32 icr)
{
	unsigned long flags = native_irq_save();
	bool sent = false, accepted = false;
	u32 esr;

	/* An IPI sent from an interrupt on this CPU must not land between the two halves. */
	if (icr_idle()) {
		lapic_write(LAPIC_ESR, 0);
		lapic_write(LAPIC_ICR_HI, apic_id << 24);
		lapic_write(LAPIC_ICR_LO, icr);
		sent = true;
		accepted = icr_idle();
	}
	lapic_write(LAPIC_ESR, 0);
	esr = lapic_read(LAPIC_ESR);
	native_irq_restore(flags);
	if (sent && accepted && !esr)
		return 0;
	pr_err("lapic: IPI 0x%05x to APIC ID %u on cpu %u: %s (ESR 0x%x)\n", icr, apic_id,
	       smp_processor_id(),
	       !sent	   ? "the ICR stayed busy with the last IPI"
	       : !accepted ? "not accepted within 1 ms"
			   : "send error",
	       esr);
	return -EINVAL;
}

void lapic_timer_oneshot_masked(u32 count)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, count);
}

void lapic_timer_periodic(u32 vector, u32 count)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, count);
}

u32 lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CUR);
}
