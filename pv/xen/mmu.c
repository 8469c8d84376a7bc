/*
 * The Xen PV backend of the MMU operations table. Page tables hold machine frames and are
 * read-only to the guest; every change is a hypercall, in one of three strategies (pvmmu=):
 *
 *   hypercall  each update is its own mmu_update / update_va_mapping / mmuext_op
 *   batched    inside a lazy-MMU section updates queue into multicalls (multicall.c)
 *   writable   L1 entries of the live tree are plain stores; Xen traps each 32-bit half
 *              and emulates it (VMASST_TYPE_writable_pagetables). Upper levels and tables
 *              not yet in use still take mmu_update: Xen emulates only L1 writes.
 */
#include "pv/xen/hypercall.h"
#include "pv/xen/multicall.h"
#include "pv/ops.h"
#include "pv/pte_store.h"
#include "guest/cmdline.h"
#include "guest/x86/cpu.h"
#include "guest/kernel_base.h"
#include "guest/x86/percpu.h"
#include "guest/panic.h"
#include "mm/pgtable.h"

static bool lazy[NR_CPUS];

static enum pvmmu_mode mode(void)
{
	return boot_options.pvmmu;
}

static bool batching(void)
{
	return mode() == PVMMU_BATCHED && lazy[smp_processor_id()];
}

unsigned long xen_pfn_to_mfn(pfn_t pfn)
{
	if (pfn >= xen_start_info.nr_pages)
		panic("xen: pfn 0x%x is beyond the domain's %lu pages", pfn,
		      (unsigned long)xen_start_info.nr_pages);
	return xen_p2m[pfn];
}

u64 xen_virt_to_machine(const void *p)
{
	u32 va = (u32)(uintptr_t)p;

	return ((u64)xen_pfn_to_mfn((va - PAGE_OFFSET) >> PAGE_SHIFT) << PAGE_SHIFT) |
	       (va & ~PAGE_MASK);
}

static u64 pfn_to_frame(u64 pfn)
{
	return xen_pfn_to_mfn((pfn_t)pfn);
}

unsigned long xen_mfn_to_pfn(unsigned long mfn)
{
	return mfn < xen_max_mfn ? xen_m2p[mfn] : ~0ul;
}

static u64 frame_to_pfn(u64 mfn)
{
	return xen_mfn_to_pfn((unsigned long)mfn);
}

/* One entry write by machine address: queued in a batch, else its own hypercall. */
static void update_entry(const void *entryp, u64 val)
{
	mmu_update_t req = {.ptr = xen_virt_to_machine(entryp) | MMU_NORMAL_PT_UPDATE, .val = val};

	if (batching())
		mc_queue_mmu_update(req.ptr, req.val);
	else
		xen_mmu_update(&req, 1);
}

static void mmuext(unsigned cmd, unsigned long arg)
{
	struct mmuext_op op = {.cmd = cmd};

	op.arg1.mfn = arg; /* a union: mfn or linear_ptr */
	if (batching()) {
		mc_queue_mmuext(&op);
	} else {
		mc_flush(); /* ordering: nothing queued may pass an explicit operation */
		xen_mmuext_op(&op, 1);
	}
}

/*
 * Xen emulates stores only to L1 tables in use: the kernel's own, once live. A table being
 * built (a new address space) is not one yet and takes mmu_update.
 */
static bool store_l1(const pte_t *ptep)
{
	return mode() == PVMMU_WRITABLE && xen_tables_live &&
	       pgtable_is_kernel_pt(((u32)(uintptr_t)ptep - PAGE_OFFSET) >> PAGE_SHIFT);
}

static void xen_set_pte(pte_t *ptep, pte_t pte)
{
	if (store_l1(ptep))
		pte_store_halves(&ptep->val, pte.val);
	else
		update_entry(ptep, pte.val);
}

static void xen_set_pte_va(u32 vaddr, pte_t *ptep, pte_t pte, bool flush)
{
	u32 flags = flush ? UVMF_INVLPG | UVMF_LOCAL : UVMF_NONE;

	if (store_l1(ptep)) {
		pte_store_halves(&ptep->val, pte.val);
		if (flush)
			mmuext(MMUEXT_INVLPG_LOCAL, vaddr);
	} else if (batching()) {
		mc_queue_update_va_mapping(vaddr, pte.val, flags);
	} else {
		mc_flush();
		xen_update_va_mapping(vaddr, pte.val, flags);
	}
}

static void xen_pte_clear(pte_t *ptep)
{
	xen_set_pte(ptep, (pte_t){0});
}

static void xen_set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	update_entry(pmdp, pmd.val);
}

static void xen_set_pud(pud_t *pudp, pud_t pud)
{
	update_entry(pudp, pud.val);
}

static void xen_flush_tlb_one(u32 vaddr)
{
	mmuext(MMUEXT_INVLPG_LOCAL, vaddr);
}

static void xen_flush_tlb_local(void)
{
	mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static void xen_flush_tlb_all(void)
{
	mmuext(MMUEXT_TLB_FLUSH_ALL, 0);
}

/*
 * One hypercall for any number of vCPUs (vCPU n is CPU n): Xen flushes the physical CPUs
 * they last ran on; the other vCPUs see nothing. Never queued: the mask lives on this stack.
 */
static void xen_flush_tlb_multi(const cpumask_t *mask, u32 vaddr)
{
	xen_ulong_t vcpus = mask->bits;
	struct mmuext_op op = {.cmd = vaddr == FLUSH_ALL_ADDRESSES ? MMUEXT_TLB_FLUSH_MULTI
								   : MMUEXT_INVLPG_MULTI};

	op.arg1.linear_addr = vaddr == FLUSH_ALL_ADDRESSES ? 0 : vaddr;
	set_xen_guest_handle(op.arg2.vcpumask, &vcpus);
	mc_flush();
	xen_mmuext_op(&op, 1);
}

void xen_flush_all_vcpus(u32 vaddr)
{
	struct mmuext_op op = {.cmd = MMUEXT_INVLPG_ALL};

	op.arg1.linear_addr = vaddr;
	mc_flush();
	xen_mmuext_op(&op, 1);
}

/* Pinning, loading and unpinning need every queued update in place first: never batched. */
static void direct_mmuext(unsigned cmd, unsigned long mfn)
{
	struct mmuext_op op = {.cmd = cmd};

	op.arg1.mfn = mfn;
	mc_flush();
	xen_mmuext_op(&op, 1);
}

static void xen_load_cr3(pfn_t pud_pfn)
{
	direct_mmuext(MMUEXT_NEW_BASEPTR, xen_pfn_to_mfn(pud_pfn));
}

static void xen_pin_table(pfn_t pud_pfn)
{
	direct_mmuext(MMUEXT_PIN_L3_TABLE, xen_pfn_to_mfn(pud_pfn));
}

static void xen_unpin_table(pfn_t pud_pfn)
{
	direct_mmuext(MMUEXT_UNPIN_TABLE, xen_pfn_to_mfn(pud_pfn));
}

static void xen_lazy_enter(void)
{
	lazy[smp_processor_id()] = true;
}

static void xen_lazy_leave(void)
{
	mc_flush();
	lazy[smp_processor_id()] = false;
}

/*
 * A frame becoming a page table: zero it without needing a mapping (MMUEXT_CLEAR_PAGE), and
 * if the boot tables map it, make that mapping read-only, or Xen will refuse to pin it.
 */
static void xen_alloc_table(pfn_t pfn)
{
	mmuext(MMUEXT_CLEAR_PAGE, xen_pfn_to_mfn(pfn));
	if (pfn < xen_boot_mapped_end) {
		u64 ro = ((u64)xen_pfn_to_mfn(pfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;

		if (batching())
			mc_queue_update_va_mapping(PAGE_OFFSET + (pfn << PAGE_SHIFT), ro,
						   UVMF_INVLPG);
		else
			xen_update_va_mapping(PAGE_OFFSET + (pfn << PAGE_SHIFT), ro,
					      UVMF_INVLPG | UVMF_LOCAL);
	}
}

static struct pv_mmu_ops xen_mmu_ops = {
    .name = "xen",
    .kind = PV_BACKEND_XEN,
    .strategy = "batched", /* until xen_mmu_configure() reads pvmmu= */
    .updates_per_batch = MC_UPDATES_PER_BATCH,
    .pfn_to_frame = pfn_to_frame,
    .frame_to_pfn = frame_to_pfn,
    /* No global pages for a PV kernel: Xen shares the TLB with its other guests. */
    .prot_mask = ~_PAGE_GLOBAL,
    .cache_modes = PCM_BIT(PCM_WB), /* until xen_probe_cache_modes() finds more */
    .cache_modes_why = "not probed yet",
    .large_pages = false,
    /* Xen 4.17 refuses PSE in a PV guest's L2 entries; the superpage option went in 4.10. */
    .large_pages_why = "Xen PV has no superpages (Xen refuses PSE in a PV guest's L2 entries)",
    .tables_readonly = true,
    .unshared_kernel_pmd = true,
    .alloc_table = xen_alloc_table,
    .set_pte = xen_set_pte,
    .set_pte_va = xen_set_pte_va,
    .pte_clear = xen_pte_clear,
    .set_pmd = xen_set_pmd,
    .set_pud = xen_set_pud,
    .flush_tlb_one = xen_flush_tlb_one,
    .flush_tlb_local = xen_flush_tlb_local,
    .flush_tlb_all = xen_flush_tlb_all,
    .flush_tlb_multi = xen_flush_tlb_multi,
    .load_cr3 = xen_load_cr3,
    .pin_table = xen_pin_table,
    .unpin_table = xen_unpin_table,
    .lazy_enter = xen_lazy_enter,
    .lazy_leave = xen_lazy_leave,
    .lazy_flush = mc_flush,
};

void xen_mmu_init(void)
{
	u32 max_ext, a, b, c, d = 0;

	cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	d = 0;
	if (max_ext >= 0x80000001)
		cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (!(d & (1u << 20))) /* no NX: bit 63 would be reserved */
		xen_mmu_ops.prot_mask &= ~_PAGE_NX;
	pv_mmu = &xen_mmu_ops;
}

void xen_mmu_set_cache_modes(u32 modes, const char *why, const struct pv_counts *probe_cost)
{
	xen_mmu_ops.cache_modes = modes | PCM_BIT(PCM_WB);
	xen_mmu_ops.cache_modes_why = why;
	xen_mmu_ops.cache_modes_probe_cost = probe_cost;
}

/* Apply pvmmu= once the command line is parsed. */
void xen_mmu_configure(void)
{
	xen_mmu_ops.strategy = pvmmu_names[mode()];
	xen_mmu_ops.updates_per_batch = mode() == PVMMU_BATCHED ? MC_UPDATES_PER_BATCH : 1;
	if (mode() == PVMMU_WRITABLE) {
		xen_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
		xen_mmu_ops.l1_writes_emulated = true;
	}
}
