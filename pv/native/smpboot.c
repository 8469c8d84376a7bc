/*
 * Native SMP bring-up: the CPUs come from the firmware's tables (guest/firmware_cpus.c), the
 * boot CPU first; each other one is started by INIT-SIPI-SIPI to its APIC ID (the SDM's
 * "Typical BSP Initialization Sequence", vol. 3 9.4.4.1, sent to one CPU instead of all)
 * into the real-mode trampoline (trampoline.S), which brings it here, to native_ap_entry.
 */
#include "pv/native/native.h"
#include "pv/native/inline.h"
#include "pv/native/lapic.h"
#include "guest/firmware_cpus.h"
#include "guest/lib/string.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/smp.h"
#include "guest/x86/traps.h"
#include "mm/init.h"
#include "mm/pgtable.h"

/*
 * The trampoline's page: conventional memory, where a SIPI can start a CPU. Not page 0 (the
 * real-mode vectors and the BIOS data area), far below the EBDA (checked), not in the
 * option ROM or BIOS area; the kernel reserves all of the first MiB, so nothing of its own
 * is there, and nothing the firmware left in RAM is needed once the loader ran. Checked
 * against the memory map before use.
 */
#define TRAMPOLINE_PHYS 0x8000u
#define BDA_EBDA_SEGMENT 0x40e
#define AP_RUNNING 0x52554e21 /* as trampoline.S */
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define AP_START_TIMEOUT_US 1000000
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif

extern const u8 ap_trampoline[], ap_trampoline_end[], ap_trampoline_running[];

/* What the starting CPU reads (trampoline.S and native_ap_entry); one CPU starts at a time. */
u32 ap_boot_stack, ap_boot_nxe;
static u32 ap_boot_cpu, ap_boot_cr4;
/* Set by the starting CPU once it has read the above: cpu + 1. */
static volatile u32 ap_boot_taken;

static struct firmware_cpus fw;
static bool trampoline_installed;

u32 native_cpu_apic_id(unsigned cpu)
{
	return fw.apic_id[cpu];
}

unsigned native_cpus_offered(void)
{
	if (!lapic_ready)
		return firmware_cpus(); /* native_cpu_start says why none starts */
	if (!firmware_cpus_read(&fw, lapic_id()))
		return 0;
	if (!fw.boot_listed)
		pr_warn("cpu: the %s does not list the boot CPU (APIC ID %u)\n", fw.source,
			fw.apic_id[0]);
	if (fw.lapic_phys && fw.lapic_phys != lapic_phys)
		pr_warn("cpu: the %s puts the local APIC at 0x%x, IA32_APIC_BASE at 0x%x: using "
			"the latter\n",
			fw.source, fw.lapic_phys, lapic_phys);
	cprintf("cpu: %u CPU%s in the %s, APIC ID%s", fw.nr, fw.nr == 1 ? "" : "s", fw.source,
		fw.nr == 1 ? "" : "s");
	for (unsigned i = 0; i < fw.nr_ids; i++)
		cprintf(" %u", fw.apic_id[i]);
	cprintf("%s (boot CPU first)\n", fw.nr > fw.nr_ids ? " ..." : "");
	native_ipi_init();
	return fw.nr;
}

/* Copy the trampoline to its page once, after checking the page is RAM and not the EBDA's. */
static bool install_trampoline(void)
{
	u32 size = (u32)(ap_trampoline_end - ap_trampoline);
	u16 ebda_seg = *(const volatile u16 *)(uintptr_t)(PAGE_OFFSET + BDA_EBDA_SEGMENT);

	if (trampoline_installed)
		return true;
	if (!memmap_is_ram(&boot_memmap, TRAMPOLINE_PHYS >> PAGE_SHIFT) ||
	    (ebda_seg && ((u32)ebda_seg << 4) < TRAMPOLINE_PHYS + PAGE_SIZE)) {
		pr_err("cpu: page 0x%x for the start-up code is not free RAM (EBDA at 0x%x): no "
		       "CPU started\n",
		       TRAMPOLINE_PHYS, (u32)ebda_seg << 4);
		return false;
	}
	/* The direct map covers the first MiB. */
	memcpy((void *)(uintptr_t)(PAGE_OFFSET + TRAMPOLINE_PHYS), ap_trampoline, size);
	trampoline_installed = true;
	return true;
}

static volatile u32 *trampoline_running(void)
{
	return (volatile u32 *)(uintptr_t)(PAGE_OFFSET + TRAMPOLINE_PHYS +
					   (u32)(ap_trampoline_running - ap_trampoline));
}

/* Wait up to AP_START_TIMEOUT_US for the starting CPU to take its parameters. */
static bool wait_taken(unsigned cpu)
{
	for (u32 waited = 0; waited < AP_START_TIMEOUT_US; waited += 100) {
		if (ap_boot_taken == cpu + 1)
			return true;
		native_udelay(100);
	}
	return ap_boot_taken == cpu + 1;
}

int native_cpu_start(unsigned cpu, u32 stack_top)
{
	u32 id = fw.apic_id[cpu];

	if (!lapic_ready || !native_udelay_ready()) {
		pr_err("cpu: cpu %u not started: no local APIC or TSC to start it with\n", cpu);
		return -EINVAL;
	}
	if (id > XAPIC_MAX_ID) {
		pr_err("cpu: cpu %u not started: APIC ID %u needs x2APIC mode\n", cpu, id);
		return -EINVAL;
	}
	if (!install_trampoline())
		return -EINVAL;
	ap_boot_cpu = cpu;
	ap_boot_stack = stack_top;
	ap_boot_cr4 = native_read_cr4();
	/* boot_paging.S set EFER.NXE exactly when the CPU has NX; the mask keeps NX then. */
	ap_boot_nxe = (pv_mmu->prot_mask & _PAGE_NX) != 0;
	*trampoline_running() = 0;
	__atomic_store_n(&ap_boot_taken, 0, __ATOMIC_RELEASE);

	if (lapic_send_ipi(id, ICR_INIT | ICR_LEVEL_ASSERT))
		return -EINVAL;
	native_udelay(INIT_DELAY_US);
	for (unsigned sipi = 0; sipi < 2; sipi++) {
		if (lapic_send_ipi(id, ICR_STARTUP | (TRAMPOLINE_PHYS >> PAGE_SHIFT)))
			return -EINVAL;
		native_udelay(SIPI_DELAY_US);
	}
	if (wait_taken(cpu))
		return 0;
	/* Park it in wait-for-SIPI: it must not wake later on the next CPU's parameters. */
	(void)lapic_send_ipi(id, ICR_INIT | ICR_LEVEL_ASSERT);
	pr_err("cpu: cpu %u (APIC ID %u) %s within %u ms of INIT-SIPI-SIPI: left out\n", cpu, id,
	       *trampoline_running() == AP_RUNNING ? "ran the start-up code but did not reach C"
						   : "did not start",
	       AP_START_TIMEOUT_US / 1000);
	return -ETIMEDOUT;
}

asmlinkage __noreturn void native_ap_entry(void);

/* The first C on an application processor, on its own stack and the boot tables. */
asmlinkage void native_ap_entry(void)
{
	unsigned cpu = ap_boot_cpu;
	u32 cr4 = ap_boot_cr4;

	traps_init_cpu(cpu); /* %fs first: the operations below count on this CPU's counters */
	__atomic_store_n(&ap_boot_taken, cpu + 1, __ATOMIC_RELEASE);
	pv_load_cr3(kernel_pud_pfn);
	native_write_cr4(cr4);	  /* global pages as on the boot CPU */
	native_pat_init_cpu(cpu); /* memory types as on the boot CPU, before anything uses one */
	lapic_cpu_init();
	smp_ap_start(cpu);
}

/* IPIs: one fixed-delivery vector per kind (enum ipi_kind), sent through the ICR. */
_Static_assert(IPI_VECTOR_FIRST + IPI_NR - 1 < SPURIOUS_VECTOR, "IPI vectors below spurious");

static void ipi_irq(unsigned vector)
{
	smp_ipi_received(vector - IPI_VECTOR_FIRST);
	lapic_eoi();
}

void native_ipi_init(void)
{
	for (unsigned kind = 0; kind < IPI_NR; kind++)
		irq_vector_register(IPI_VECTOR_FIRST + kind, ipi_irq);
}

void native_send_ipi(unsigned cpu, unsigned kind)
{
	/* A lost IPI would leave its sender waiting for ever: stop here instead. */
	if (lapic_send_ipi(native_cpu_apic_id(cpu),
			   ICR_FIXED | ICR_LEVEL_ASSERT | (IPI_VECTOR_FIRST + kind)))
		panic("ipi: kind %u to cpu %u not delivered", kind, cpu);
}
