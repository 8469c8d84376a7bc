/*
 * The native backend's memory types. Every CPU's IA32_PAT holds Xen's PV layout (pv/pat.h),
 * so an entry's cache bits select the same type natively and under Xen. A CPU without PAT
 * (CPUID.1:EDX.PAT clear) keeps its fixed layout, whose PA0..PA3 (WB WT UC- UC: PCD and PWT
 * alone) match ours: those four types work and WC and WP do not.
 */
#include "pv/native/native.h"
#include "pv/native/inline.h"
#include "pv/native/irqflags.h"
#include "pv/native/msr.h"
#include "pv/ops.h"
#include "guest/lib/format.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/x86/cpu.h"

#define CPUID_1_EDX_PAT (1u << 16)
#define X86_CR0_NW (1u << 29)
#define X86_CR0_CD (1u << 30)

/* Set once on the boot CPU: every CPU then programs IA32_PAT (all CPUs share CPUID here). */
static bool have_pat;
static char why_buf[96];

static inline void wbinvd(void)
{
	__asm__ volatile("wbinvd" ::: "memory");
}

/*
 * Load PAT_LAYOUT into this CPU's IA32_PAT by the SDM's procedure for changing memory types
 * (vol. 3 11.12.4, which refers to the MTRR update of 11.11.8): interrupts off, no-fill cache
 * mode (CD=1, NW=0), write back and invalidate the caches, flush the TLB with its global
 * entries, write the MSR, flush TLB and caches again, restore CR0. Returns what the MSR reads
 * back. Each CPU does its own: IA32_PAT is per CPU.
 */
static u64 program_pat(void)
{
	unsigned long flags = native_irq_save();
	u32 cr0 = native_read_cr0();
	u64 now;

	native_write_cr0((cr0 | X86_CR0_CD) & ~X86_CR0_NW);
	wbinvd();
	native_flush_tlb_all();
	wrmsr(MSR_IA32_PAT, PAT_LAYOUT);
	native_flush_tlb_all();
	wbinvd();
	native_write_cr0(cr0);
	now = rdmsr(MSR_IA32_PAT);
	native_irq_restore(flags);
	return now;
}

u32 native_pat_init(const char **why)
{
	u32 a, b, c, d;
	u64 now;

	cpuid(1, 0, &a, &b, &c, &d);
	have_pat = d & CPUID_1_EDX_PAT;
	if (!have_pat) {
		*why = "this CPU has no PAT (no WC or WP)";
		return PCM_BIT(PCM_WB) | PCM_BIT(PCM_WT) | PCM_BIT(PCM_UC_MINUS) | PCM_BIT(PCM_UC);
	}
	now = program_pat();
	if (now != PAT_LAYOUT) {
		/* No console yet: native_pat_report() prints the value. */
		snprintf(why_buf, sizeof(why_buf),
			 "IA32_PAT reads 0x%016llx after writing 0x%016llx", now, PAT_LAYOUT);
		*why = why_buf;
		return PCM_BIT(PCM_WB);
	}
	*why = NULL;
	return PCM_ALL;
}

void native_pat_init_cpu(unsigned cpu)
{
	u64 now;

	if (!have_pat)
		return;
	now = program_pat();
	/* One type per entry on every CPU is what the boot CPU's cache_modes promise. */
	if (now != PAT_LAYOUT)
		panic("cpu %u: IA32_PAT reads 0x%016llx after writing 0x%016llx", cpu, now,
		      PAT_LAYOUT);
}

void native_pat_report(void)
{
	char names[64];

	if (!have_pat) {
		cprintf("PAT: none (CPUID.1:EDX.PAT clear): PCD/PWT select WB WT UC- UC, no WC or "
			"WP\n");
		return;
	}
	pat_describe(rdmsr(MSR_IA32_PAT), names, sizeof(names));
	if (pv_mmu->cache_modes == PCM_ALL)
		cprintf("PAT: %s (Xen's PV layout, programmed on every CPU)\n", names);
	else
		cprintf("PAT: %s: %s, so WB only\n", names, pv_mmu->cache_modes_why);
	native_cache_flush_report();
}
