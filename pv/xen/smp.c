/*
 * Starting the domain's other vCPUs, and IPIs between them. Xen gives a new vCPU only its
 * shared_info slot: its registers, virtual IDT, callbacks, page tables and GDT all come from
 * the context VCPUOP_initialise loads, and its timer (timer.c) and IPI ports are bound for it
 * alone. vCPU 0 runs with a flat %fs, which is CPU 0's per-CPU segment (percpu.h), and Xen's
 * reserved GDT entries only; each other vCPU has a GDT of one descriptor, its %fs.
 */
#include "pv/xen/hypercall.h"
#include "pv/xen/xenstore.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/smp.h"
#include "guest/x86/cpu.h"
#include "guest/lib/format.h"
#include "guest/lib/string.h"
#include "mm/pgtable.h"

/* Legacy shared_info slots only (VCPUOP_register_vcpu_info is not used). */
_Static_assert(NR_CPUS <= XEN_LEGACY_MAX_VCPUS, "a vCPU beyond the legacy vcpu_info slots");

/* A vCPU's GDT: the null descriptor, then its per-CPU data segment. */
#define PERCPU_GDT_SLOT 1
#define PERCPU_GDT_ENTS 2
/* Its selector: in the GDT, RPL 1, the ring a 32-bit PV kernel runs in. */
#define PERCPU_SELECTOR ((PERCPU_GDT_SLOT << 3) | 1)

/* Segment descriptor fields (SDM Vol. 3A, 3.4.5). */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3ull /* accessed already: the CPU need not write it */
#define SEG_S (1ull << 44)		 /* code or data, not a system descriptor */
#define SEG_P (1ull << 47)
#define SEG_DB (1ull << 54) /* 32-bit */
#define SEG_G (1ull << 55)  /* limit counted in 4 KiB pages */
#define SEG_LIMIT_4G_PAGES 0xfffffu

/* A present, writable 32-bit data segment from @base, @limit_pages + 1 pages long. */
static u64 seg_data_desc(u32 base, u32 limit_pages, unsigned dpl)
{
	return (limit_pages & 0xffffull) | ((u64)(base & 0xffffff) << 16) |
	       (SEG_TYPE_DATA_RW_ACCESSED << 40) | SEG_S | ((u64)dpl << 45) | SEG_P |
	       ((u64)((limit_pages >> 16) & 0xf) << 48) | SEG_DB | SEG_G |
	       ((u64)(base >> 24) << 56);
}

/*
 * One GDT frame per secondary vCPU. Xen takes a frame as a GDT only while no mapping of it
 * is writable, so these lie in the kernel's read-only data: the direct map, the image's only
 * mapping, maps them read-only from the start, and Xen writes the descriptor in
 * (update_descriptor). Never read from C: the compiler's zeros stay what it believes.
 */
static const u64 gdt_frames[NR_CPUS - 1][PAGE_SIZE / sizeof(u64)] __aligned(PAGE_SIZE) = {{0}};

/* Each CPU's IPI port by enum ipi_kind; 0 (never an allocated port) until bound. */
static unsigned ipi_port[NR_CPUS][IPI_NR];

static void ipi_event(unsigned port)
{
	unsigned cpu = smp_processor_id();

	for (unsigned kind = 0; kind < IPI_NR; kind++)
		if (ipi_port[cpu][kind] == port)
			smp_ipi_received(kind);
}

/* Bind @cpu's IPI ports, from any vCPU: each notifies @cpu for good (EVTCHNOP_bind_ipi). */
static void bind_ipis(unsigned cpu)
{
	for (unsigned kind = 0; kind < IPI_NR; kind++) {
		struct evtchn_bind_ipi bind = {.vcpu = cpu};

		xen_event_channel_op(EVTCHNOP_bind_ipi, &bind);
		ipi_port[cpu][kind] = bind.port;
		xen_evtchn_bind(bind.port, cpu, ipi_event);
	}
}

void xen_send_ipi(unsigned cpu, unsigned kind)
{
	if (cpu >= NR_CPUS || kind >= IPI_NR || !ipi_port[cpu][kind])
		panic("xen: IPI %u to cpu %u, which has no port for it", kind, cpu);
	xen_evtchn_send(ipi_port[cpu][kind]);
}

/*
 * What the toolstack says of vCPU @cpu in xenstore (libxl writes cpu/N/availability for
 * xl's vcpus= and maxvcpus=): 0 online (or not said), 1 offline, negative after a line.
 */
static int availability(unsigned cpu)
{
	char path[32], value[16];

	snprintf(path, sizeof(path), "cpu/%u/availability", cpu);
	if (!xenstore_read(path, value, sizeof(value)) || !strcmp(value, "online"))
		return 0;
	if (!strcmp(value, "offline"))
		return 1;
	pr_err("cpu: xenstore %s is '%s', neither online nor offline: vCPU %u not started\n", path,
	       value, cpu);
	return -EINVAL;
}

asmlinkage void xen_ap_start(unsigned cpu) __noreturn;
extern char xen_ap_entry[];

/*
 * The first C code on a secondary vCPU (from xen_ap_entry), already on the kernel's page
 * tables, with its %fs, virtual IDT, callbacks and kernel stack from its initial context and
 * events masked. Its timer is started by the scheduler (pv_cpu->timer_start, on this vCPU);
 * events are unmasked when it enters its idle loop.
 */
asmlinkage void xen_ap_start(unsigned cpu)
{
	smp_ap_start(cpu);
}

/* Too large for a boot stack; smp_boot starts one CPU at a time. */
static vcpu_guest_context_t ctxt;

int xen_cpu_start(unsigned cpu, u32 stack_top)
{
	const u64 *gdt = gdt_frames[cpu - 1];
	u64 desc = seg_data_desc(percpu_offset(cpu), SEG_LIMIT_4G_PAGES, 1);
	int rc;

	BUG_ON(cpu == 0 || cpu >= NR_CPUS);
	rc = availability(cpu);
	if (rc)
		return rc;
	if (!ipi_port[0][0])
		bind_ipis(0); /* the first secondary vCPU may interrupt the boot vCPU */
	bind_ipis(cpu);
	if (xen_update_descriptor(xen_virt_to_machine(&gdt[PERCPU_GDT_SLOT]), desc))
		return -EINVAL;

	/* The domain builder masks every slot; said here, since the vCPU relies on it. */
	xen_shared_info->vcpu_info[cpu].evtchn_upcall_mask = 1;
	per_cpu(xen_vcpu, cpu) = &xen_shared_info->vcpu_info[cpu];

	memset(&ctxt, 0, sizeof(ctxt));
	/* Not VGCF_online: VCPUOP_up wakes the vCPU only if it is the call that onlines it. */
	ctxt.flags = VGCF_in_kernel;
	ctxt.user_regs.eip = (u32)(uintptr_t)xen_ap_entry;
	ctxt.user_regs.esp = stack_top;
	ctxt.user_regs.eax = cpu;
	ctxt.user_regs.eflags = X86_EFLAGS_IF; /* Xen forces it: the upcall mask masks events */
	ctxt.user_regs.cs = FLAT_KERNEL_CS;
	ctxt.user_regs.ss = FLAT_KERNEL_SS;
	ctxt.user_regs.ds = ctxt.user_regs.es = ctxt.user_regs.gs = FLAT_KERNEL_DS;
	ctxt.user_regs.fs = PERCPU_SELECTOR;
	/* The context's virtual IDT is indexed by vector; set_trap_table's list is not. */
	for (const trap_info_t *t = xen_traps; t->address; t++)
		ctxt.trap_ctxt[t->vector] = *t;
	ctxt.gdt_frames[0] = (unsigned long)(xen_virt_to_machine(gdt) >> PAGE_SHIFT);
	ctxt.gdt_ents = PERCPU_GDT_ENTS;
	/* What stack_switch would set: the kernel stack on entry from ring 3. */
	ctxt.kernel_ss = FLAT_KERNEL_SS;
	ctxt.kernel_sp = stack_top;
	ctxt.ctrlreg[3] = xen_pfn_to_cr3(xen_pfn_to_mfn(kernel_pud_pfn));
	ctxt.event_callback_cs = FLAT_KERNEL_CS;
	ctxt.event_callback_eip = (unsigned long)xen_event_callback;
	ctxt.failsafe_callback_cs = FLAT_KERNEL_CS;
	ctxt.failsafe_callback_eip = (unsigned long)xen_failsafe_callback;

	if (xen_vcpu_initialise(cpu, &ctxt) || xen_vcpu_up(cpu))
		return -EINVAL; /* the wrapper printed the call and Xen's error */
	return 0;
}
