/*
 * The native backend: page-table entries are plain stores, flushes are invlpg / CR3 / CR4.PGE.
 * This is what the same kernel does under KVM, TCG or bare metal.
 */
#include "pv/native/native.h"
#include "pv/ops.h"
#include "pv/native/inline.h"
#include "pv/native/irqflags.h"
#include "guest/kernel_base.h"
#include "guest/x86/cpu.h"
#include "guest/lib/string.h"

#define CPUID_1_EDX_PSE (1u << 3)
#define CPUID_1_EDX_PGE (1u << 13)
#define CPUID_80000001_EDX_NX (1u << 20)

static bool have_pge;

static u64 identity(u64 frame)
{
	return frame;
}

/* The table for pv_mmu's readers; pv/ops.h calls the inline versions directly. */
static void table_set_pte(pte_t *ptep, pte_t pte)
{
	native_set_pte(ptep, pte);
}

static void table_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush)
{
	native_set_pte_va(vaddr, ptep, pte, flush);
}

static void table_pte_clear(pte_t *ptep)
{
	native_pte_clear(ptep);
}

static void table_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	native_set_pmd(pmdp, pmd);
}

static void native_set_pud(pud_t *pudp, pud_t pud)
{
	pte_store_halves(&pudp->val, pud.val);
	/* The CPU caches the four PDPT entries at CR3 load: reload if this is the live PDPT. */
	if (((u32)(uintptr_t)pudp & PAGE_MASK) - PAGE_OFFSET == (native_read_cr3() & PAGE_MASK))
		native_write_cr3(native_read_cr3());
}

static void table_flush_tlb_one(u32 vaddr)
{
	native_flush_tlb_one(vaddr);
}

static void table_flush_tlb_local(void)
{
	native_flush_tlb_local();
}

static void table_flush_tlb_all(void)
{
	native_flush_tlb_all();
}

static void table_load_cr3(pfn_t pud_pfn)
{
	native_load_cr3(pud_pfn);
}

/* The boot map covers all of lowmem, so a new table can be zeroed where it is. */
static void native_alloc_table(pfn_t pfn)
{
	memset((void *)(uintptr_t)(PAGE_OFFSET + (pfn << PAGE_SHIFT)), 0, PAGE_SIZE);
}

static void native_nop_pfn(pfn_t pud_pfn)
{
	(void)pud_pfn;
}

static void native_nop(void)
{
}

static struct pv_mmu_ops native_mmu_ops = {
    .name = "native",
    .kind = PV_BACKEND_NATIVE,
    .strategy = "n/a",
    .updates_per_batch = 1,
    .pfn_to_frame = identity,
    .frame_to_pfn = identity,
    .prot_mask = ~0ull,
    .tables_readonly = false,
    .cache_modes = PCM_ALL, /* until native_pv_init() asks the CPU */
    .large_pages = true,    /* PAE honours PS in an L2 entry whatever CR4.PSE says */
    .alloc_table = native_alloc_table,
    .set_pte = table_set_pte,
    .set_pte_va = table_set_pte_va,
    .pte_clear = table_pte_clear,
    .set_pmd = table_set_pmd,
    .set_pud = native_set_pud,
    .flush_tlb_one = table_flush_tlb_one,
    .flush_tlb_local = table_flush_tlb_local,
    .flush_tlb_all = table_flush_tlb_all,
    .flush_tlb_multi = native_flush_tlb_multi,
    .load_cr3 = table_load_cr3,
    .pin_table = native_nop_pfn,
    .unpin_table = native_nop_pfn,
    .lazy_enter = native_nop,
    .lazy_leave = native_nop,
    .lazy_flush = native_nop,
};

static u32 native_read_cr2(void)
{
	u32 v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=4). */
#define DEBUG_EXIT_PORT 0xf4

static __noreturn void native_shutdown(bool success)
{
	/* QEMU exits with (value << 1) | 1: 33 for success, 35 for failure. */
	outl(DEBUG_EXIT_PORT, success ? NATIVE_EXIT_SUCCESS : NATIVE_EXIT_FAILURE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static unsigned long table_irq_save(void)
{
	return native_irq_save();
}

static void table_irq_restore(unsigned long flags)
{
	native_irq_restore(flags);
}

static const struct pv_cpu_ops native_cpu_ops = {
    .name = "native",
    .irq_save = table_irq_save,
    .irq_restore = table_irq_restore,
    .read_cr2 = native_read_cr2,
    .shutdown = native_shutdown,
    .idle_halt = native_idle_halt,
    .timer_start = native_timer_start,
    .cpus_offered = native_cpus_offered,
    .cpu_start = native_cpu_start,
    .send_ipi = native_send_ipi,
};

void native_pv_init(void)
{
	u32 a, b, c, d;
	bool have_nx = false;

	cpuid(1, 0, &a, &b, &c, &d);
	have_pge = d & CPUID_1_EDX_PGE;
	/* PAE honours PS without CR4.PSE, but a CPU that does not list PSE may lack it. */
	if (!(d & CPUID_1_EDX_PSE)) {
		native_mmu_ops.large_pages = false;
		native_mmu_ops.large_pages_why = "the CPU has no PSE (CPUID.1:EDX bit 3)";
	}
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		have_nx = d & CPUID_80000001_EDX_NX; /* boot_paging.S set EFER.NXE to match */
	}
	if (have_pge)
		native_write_cr4(native_read_cr4() | X86_CR4_PGE);
	else
		native_mmu_ops.prot_mask &= ~_PAGE_GLOBAL;
	if (!have_nx)
		native_mmu_ops.prot_mask &= ~_PAGE_NX;
	native_mmu_ops.cache_modes = native_pat_init(&native_mmu_ops.cache_modes_why);
	if (native_cache_flush_init())
		native_mmu_ops.flush_cache_range = native_flush_cache_range;
	pv_branches_patch_native();
	pv_mmu = &native_mmu_ops;
	pv_cpu = &native_cpu_ops;
}
