/*
 * The Xen PV entry's C half. Xen starts us in ring 1 with paging on: the boot region (kernel,
 * p2m list, start_info, xenstore and console rings, boot page tables, boot stack) is mapped
 * at PAGE_OFFSET + pfn * 4 KiB, which is where the direct map will put it too.
 */
#include "pv/xen/hypercall.h"
#include "guest/boot_info.h"
#include "guest/cmdline.h"
#include "guest/x86/cpu.h"
#include "guest/kernel_base.h"
#include "guest/panic.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/lib/string.h"
#include "guest/x86/traps.h"
#include "guest/smp.h"
#include "mm/fixmap.h"
#include "mm/gfp.h"
#include "mm/init.h"
#include "mm/pgtable.h"
#include "mm/zone.h"
#include "pv/counters.h"
#include "pv/ops.h"
#include "pv/xen/xenstore.h"

start_info_t xen_start_info;
static shared_info_t dummy_shared_info; /* until the real one is mapped (after mm_init) */
shared_info_t *xen_shared_info = &dummy_shared_info;
DEFINE_PER_CPU(struct vcpu_info *, xen_vcpu);
const unsigned long *xen_p2m;
const unsigned long *xen_m2p;
unsigned long xen_max_mfn;
pfn_t xen_boot_mapped_end;
bool xen_tables_live;

/* What the boot report accounts for. */
static pfn_t boot_region_end; /* first frame after Xen's boot region */
static pfn_t boot_tables_pfn; /* Xen's boot page tables */
static u32 boot_tables_returned;
static xen_platform_parameters_t platform_params;
static struct boot_info xen_boot_info;
static u64 entry_tsc; /* TSC at our entry, before Xen's time info is mapped */

extern const u32 trap_stubs[32];
extern char boot_stack_top[], _end[];

static u32 xen_read_cr2(void)
{
	return this_cpu_read(xen_vcpu)->arch.cr2;
}

static __noreturn void xen_cpu_shutdown(bool success)
{
	xen_console_flush();
	xen_shutdown(success ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

/* The domain's vCPUs: VCPUOP_is_up answers for each, and -ENOENT past the last. */
static unsigned xen_vcpus_offered(void)
{
	unsigned n = 0;

	while (n < 512 && xen_vcpu_exists(n))
		n++;
	return n;
}

static const struct pv_cpu_ops xen_cpu_ops = {
    .name = "xen",
    .irq_save = xen_irq_save,
    .irq_restore = xen_irq_restore,
    .read_cr2 = xen_read_cr2,
    .shutdown = xen_cpu_shutdown,
    .idle_halt = xen_idle_halt,
    .timer_start = xen_timer_start,
    .cpus_offered = xen_vcpus_offered,
    .cpu_start = xen_cpu_start,
    .send_ipi = xen_send_ipi,
    .backend_count = xen_backend_count,
    .counters_json = xen_counters_print_json,
    .counters_table = xen_counters_print_table,
};

trap_info_t xen_traps[33];

/*
 * Exceptions go to the same stubs as natively; Xen builds the same frame in ring 1. Built
 * once here for vCPU 0; the other vCPUs get the same table in their initial context.
 */
static void install_traps(void)
{
	static const u8 vectors[] = {0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 18, 19};
	unsigned n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(vectors); i++, n++) {
		xen_traps[n].vector = vectors[i];
		/*
		 * DPL 0: only the kernel raises them. Events are left as they were (no TI_SET_IF):
		 * Xen would mask them on entry and a plain iret would never unmask them again.
		 */
		xen_traps[n].flags = 0;
		xen_traps[n].cs = FLAT_KERNEL_CS;
		xen_traps[n].address = trap_stubs[vectors[i]];
	}
	xen_traps[n] = (trap_info_t){0}; /* terminator */
	xen_set_trap_table(xen_traps);
}

/* A lowmem pseudo-physical frame's address in the boot map (the same as in the direct map). */
static void *boot_va(unsigned long mfn)
{
	return (void *)(uintptr_t)(PAGE_OFFSET + (xen_mfn_to_pfn(mfn) << PAGE_SHIFT));
}

/* How far the boot tables map PAGE_OFFSET + pfn * 4 KiB contiguously. */
static pfn_t boot_map_end(void)
{
	const u64 *l3 = (const u64 *)(uintptr_t)xen_start_info.pt_base;
	const u64 *l2, *l1;
	pfn_t pfn;

	if (!(l3[pud_index(PAGE_OFFSET)] & _PAGE_PRESENT))
		panic("xen: boot tables do not map PAGE_OFFSET");
	l2 = boot_va((l3[pud_index(PAGE_OFFSET)] & PTE_FRAME_MASK) >> PAGE_SHIFT);
	for (pfn = 0; pfn < xen_start_info.nr_pages; pfn++) {
		u32 va = PAGE_OFFSET + (pfn << PAGE_SHIFT);
		u64 l2e = l2[pmd_index(va)];

		if (!(l2e & _PAGE_PRESENT))
			break;
		l1 = boot_va((l2e & PTE_FRAME_MASK) >> PAGE_SHIFT);
		if (!(l1[pte_index(va)] & _PAGE_PRESENT))
			break;
	}
	return pfn;
}

struct xen_count_snapshot xen_build_counts;
static struct xen_count_snapshot before_build;

/* From here to mm_ready only paging_init() issues hypercalls: record what it costs. */
static void xen_options_parsed(void)
{
	if (boot_options.mem_limit &&
	    boot_options.mem_limit >= PFN_PHYS((u64)xen_start_info.nr_pages))
		pr_warn("cmdline: mem=%lluM is not below the domain's %lu MiB: ignored\n",
			boot_options.mem_limit >> 20,
			(unsigned long)(xen_start_info.nr_pages >> 8));
	xen_mmu_configure();
	xen_snapshot(&before_build);
}

/*
 * Tell dom0 where the counters page is: its pseudo-physical frame (data/pvkmap/counters, as
 * pvkmap-stat documents) and, since a PV guest's frames are machine frames to dom0's
 * foreign mappings, its machine frame too.
 */
static void publish_counters(void)
{
	pfn_t pfn = xen_counters_page_init();
	char num[16];

	if (!pfn)
		panic("xen: no memory for the counters page");
	snprintf(num, sizeof(num), "%u", pfn);
	xenstore_write("data/pvkmap/counters", num);
	snprintf(num, sizeof(num), "%lu", xen_pfn_to_mfn(pfn));
	xenstore_write("data/pvkmap/counters-mfn", num);
	snprintf(num, sizeof(num), "%u", PVKMAP_COUNTERS_VERSION);
	xenstore_write("data/pvkmap/version", num);
}

/* The kernel's tree is live: map shared_info, give Xen's boot tables back, probe types. */
static void xen_mm_ready(void)
{
	u32 va = fix_to_virt(FIX_SHARED_INFO);
	u64 mfn = xen_start_info.shared_info >> PAGE_SHIFT;
	pte_t shared = {(mfn << PAGE_SHIFT) | (PAGE_KERNEL & pv_mmu->prot_mask)};
	u8 mask = this_cpu_read(xen_vcpu)->evtchn_upcall_mask;

	xen_snapshot_since(&before_build, &xen_build_counts);
	xen_tables_live = true;
	pv_set_pte_va(va, lookup_pte(va), shared, true);
	xen_shared_info = (shared_info_t *)(uintptr_t)va;
	xen_shared_info->vcpu_info[0].evtchn_upcall_mask = mask;
	this_cpu_write(xen_vcpu, &xen_shared_info->vcpu_info[0]);

	/* Unpinned, the boot tables are ordinary pages again: make them writable and free. */
	pv_unpin_table(boot_tables_pfn); /* pt_base: the boot L3, first of the run */
	for (pfn_t pfn = boot_tables_pfn; pfn < boot_tables_pfn + xen_start_info.nr_pt_frames;
	     pfn++) {
		u32 pva = PAGE_OFFSET + (pfn << PAGE_SHIFT);

		pv_set_pte_va(pva, lookup_pte(pva), pfn_pte(pfn, PAGE_KERNEL), true);
		free_reserved_page(pfn_to_page(pfn));
		boot_tables_returned++;
	}
	pgtable_forget_table_frames(boot_tables_pfn, xen_start_info.nr_pt_frames);
	publish_counters();
	xen_probe_cache_modes(); /* the fixmap exists and nothing else runs yet */
}

static u64 reserved_ram_pages(pfn_t start, pfn_t end)
{
	u64 n = 0;

	for (pfn_t pfn = start; pfn < end && pfn < mem_map_pfns; pfn++)
		n += !!(pfn_to_page(pfn)->flags & PG_reserved);
	return n;
}

/* The domain's pages mem= left out: they stay the domain's, unused (not ballooned out). */
u64 xen_pages_above_mem_limit(void)
{
	return xen_start_info.nr_pages > mem_map_pfns ? xen_start_info.nr_pages - mem_map_pfns : 0;
}

static void xen_report(void)
{
	pfn_t kernel_end = PFN_UP(virt_to_phys(_end));
	u64 managed = 0;

	for (unsigned i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	cprintf("Xen PV: %s, hypervisor hole at 0x%08lx (XENVER_platform_parameters), "
		"m2p at %p, pvmmu=%s\n",
		xen_start_info.magic, (unsigned long)platform_params.virt_start, xen_m2p,
		pvmmu_names[boot_options.pvmmu]);
	cprintf("Xen PV: %lu pages = %llu managed + %llu below 1 MiB + %llu kernel image + %llu "
		"boot region (p2m list, start_info, xenstore, console, stack) + %llu boot "
		"allocations + %llu above mem= (left unused); %u boot page tables returned\n",
		(unsigned long)xen_start_info.nr_pages, managed,
		reserved_ram_pages(0, PFN_DOWN(MiB(1))),
		reserved_ram_pages(PFN_DOWN(MiB(1)), kernel_end),
		reserved_ram_pages(kernel_end, boot_region_end),
		reserved_ram_pages(boot_region_end, mem_map_pfns), xen_pages_above_mem_limit(),
		boot_tables_returned);
	cprintf("Xen PV: %llu cycles, %llu us from entry to this report (TSC scaled by Xen's "
		"vcpu_time_info); Xen system time %llu ms\n",
		rdtsc() - entry_tsc, xen_tsc_to_ns(rdtsc() - entry_tsc) / 1000,
		xen_clock_ns() / 1000000);
	if (xen_tsc.found)
		cprintf("Xen PV: TSC %s (tsc_mode %u, %u kHz, host TSC %s)%s\n",
			xen_tsc.emulated ? "emulated" : "native", xen_tsc.mode, xen_tsc.khz,
			xen_tsc.host_safe ? "reliable" : "not reliable",
			xen_tsc.emulated ? ": rdtsc traps into Xen, hypercalls are not timed" : "");
	else
		cprintf("Xen PV: no Xen CPUID time leaf; TSC assumed native\n");
}

static const struct boot_hooks xen_hooks = {
    .options_parsed = xen_options_parsed,
    .mm_ready = xen_mm_ready,
    .report = xen_report,
};

asmlinkage void xen_start(start_info_t *si, u32 boot_esp);

asmlinkage void xen_start(start_info_t *si, u32 boot_esp)
{
	struct xen_machphys_mapping m2p;
	struct boot_info *bi = &xen_boot_info;

	entry_tsc = rdtsc();
	smp_cpu_local_init(0);
	xen_start_info = *si;
	/* Before anything masks events (printk's lock): per-CPU data starts zero. */
	dummy_shared_info.vcpu_info[0].evtchn_upcall_mask = 1;
	this_cpu_write(xen_vcpu, &dummy_shared_info.vcpu_info[0]);
	pv_cpu = &xen_cpu_ops;
	xen_mmu_init();
	xen_p2m = (const unsigned long *)(uintptr_t)si->mfn_list;
	platform = PLATFORM_XEN_PV;

	xen_tsc_probe();
	xen_console_early_init();
	cprintf("pvkmap: Xen PV entry, %s, start_info at %p, %lu pages\n", si->magic, si,
		(unsigned long)si->nr_pages);
	install_traps();
	xen_events_init();
	xen_stack_switch(FLAT_KERNEL_SS, (u32)(uintptr_t)boot_stack_top);
	xen_xen_version(XENVER_platform_parameters, &platform_params);
	xen_memory_op(XENMEM_machphys_mapping, &m2p);
	xen_m2p = (const unsigned long *)(uintptr_t)m2p.v_start;
	xen_max_mfn = m2p.max_mfn;
	xen_console_ring_init();

	boot_region_end = PFN_UP(boot_esp - PAGE_OFFSET);
	xen_boot_mapped_end = boot_map_end();
	boot_tables_pfn = (pfn_t)((si->pt_base - PAGE_OFFSET) >> PAGE_SHIFT);
	pgtable_note_table_frames(boot_tables_pfn, si->nr_pt_frames);

	memset(bi, 0, sizeof(*bi));
	/* start_info's command line need not be terminated. */
	for (unsigned i = 0;
	     i < sizeof(bi->cmdline) - 1 && i < MAX_GUEST_CMDLINE && si->cmd_line[i]; i++)
		bi->cmdline[i] = (char)si->cmd_line[i];
	bi->cmdline_len = strlen(bi->cmdline);
	bi->cmdline_protocol = MAX_GUEST_CMDLINE;
	bi->mmap[0] = (struct firmware_entry){0, PFN_PHYS(si->nr_pages), MEM_TYPE_RAM};
	bi->nr_mmap = 1;
	bi->keep[bi->nr_keep++] = (struct mem_range){virt_to_phys(_end), PFN_PHYS(boot_region_end)};
	bi->hypervisor_start = (u32)platform_params.virt_start;
	bi->hooks = &xen_hooks;
	start_kernel(bi);
}
