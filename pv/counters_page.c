/*
 * Publishing the MMU counters in the page described by pv/counters_page.h. The counting
 * fast path stays as it is (per-CPU, lock-free); each CPU copies its own counters to its
 * own block of the page on its tick, under that block's sequence count, so a reader in dom0
 * sees each CPU's counters consistent without any CPU waiting for another.
 */
#include "pv/counters.h"
#include "pv/ops.h"
#include "guest/irqflags.h"
#include "guest/x86/percpu.h"
#include "guest/lib/string.h"
#include "mm/gfp.h"

_Static_assert(NR_CPUS <= PVKMAP_COUNTERS_MAX_CPUS, "the page's online mask is one u32");
_Static_assert(sizeof(struct pvkmap_counters_header) % 8 == 0 &&
		   sizeof(struct pvkmap_counters_block) == 8,
	       "the u64 counters stay 8-byte aligned");

static struct pvkmap_counters_header *page;
static const char *const *hcall_names;
static const u64 *(*hcall_source)(unsigned cpu, unsigned slot, bool traps);
static unsigned nr_hcalls;

static char *name_slot(unsigned i)
{
	return (char *)page + page->names_offset + i * PVKMAP_COUNTERS_NAME_LEN;
}

static struct pvkmap_counters_block *cpu_block(unsigned cpu)
{
	return (struct pvkmap_counters_block *)((char *)page + page->cpus_offset +
						cpu * page->cpu_stride);
}

pfn_t counters_page_init(const char *const *hnames, unsigned nr_h,
			 const u64 *(*hsource)(unsigned cpu, unsigned slot, bool traps))
{
	unsigned long va = get_zeroed_page(GFP_KERNEL);
	u32 names;

	if (!va)
		return 0;
	page = (struct pvkmap_counters_header *)va;
	hcall_names = hnames;
	hcall_source = hsource;
	nr_hcalls = nr_h;
	/* Not published yet, but the header keeps its protocol from the start. */
	page->seq = 1;
	page->magic = PVKMAP_COUNTERS_MAGIC;
	page->version = PVKMAP_COUNTERS_VERSION;
	page->header_size = sizeof(*page);
	page->nr_cpus = NR_CPUS;
	page->nr_ops = PV_OP_NR;
	page->nr_hcalls = (u16)nr_h;
	page->name_len = PVKMAP_COUNTERS_NAME_LEN;
	page->names_offset = sizeof(*page);
	names = (PV_OP_NR + nr_h) * PVKMAP_COUNTERS_NAME_LEN;
	page->cpus_offset = ALIGN_UP(page->names_offset + names, 8u);
	page->cpu_stride = sizeof(struct pvkmap_counters_block) + 8 * (2 * PV_OP_NR + 2 * nr_h);
	page->size = page->cpus_offset + NR_CPUS * page->cpu_stride;
	if (page->size > PVKMAP_COUNTERS_SIZE) { /* cannot happen with today's constants */
		page->nr_cpus =
		    (u16)((PVKMAP_COUNTERS_SIZE - page->cpus_offset) / page->cpu_stride);
		page->size = page->cpus_offset + page->nr_cpus * page->cpu_stride;
	}
	strlcpy(page->backend, pv_mmu->name, sizeof(page->backend));
	for (unsigned op = 0; op < PV_OP_NR; op++)
		strlcpy(name_slot(op), pv_op_names[op], PVKMAP_COUNTERS_NAME_LEN);
	for (unsigned h = 0; h < nr_h; h++)
		strlcpy(name_slot(PV_OP_NR + h), hnames[h], PVKMAP_COUNTERS_NAME_LEN);
	__atomic_store_n(&page->seq, 2, __ATOMIC_RELEASE); /* even: stable from now on */
	counters_page_update_cpu();
	return PFN_DOWN(virt_to_phys(page));
}

void counters_page_update_cpu(void)
{
	unsigned cpu = smp_processor_id();
	const struct pv_counters *c = this_cpu_ptr(pv_counters);
	struct pvkmap_counters_block *blk;
	unsigned long flags;
	u64 *b;
	u32 seq;

	if (!page || cpu >= page->nr_cpus)
		return;
	pv_counters_fold();
	flags = local_irq_save();
	blk = cpu_block(cpu);
	b = (u64 *)(blk + 1);
	seq = blk->seq;
	__atomic_store_n(&blk->seq, seq + 1, __ATOMIC_RELAXED); /* odd: writing */
	/* The odd seq before any counter (x86 keeps stores in order; this keeps the compiler
	 * from moving the copies above it). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(b, c->count, sizeof(c->count));
	memcpy(b + PV_OP_NR, c->cycles, sizeof(c->cycles));
	for (unsigned h = 0; h < nr_hcalls; h++) {
		b[2 * PV_OP_NR + h] = *hcall_source(cpu, h, false);
		b[2 * PV_OP_NR + nr_hcalls + h] = *hcall_source(cpu, h, true);
	}
	__atomic_store_n(&blk->seq, seq + 2, __ATOMIC_RELEASE); /* even: stable */
	/* After the block is whole: a reader that sees the bit finds counters behind it. */
	if (!(__atomic_load_n(&page->online, __ATOMIC_RELAXED) & (1u << cpu)))
		__atomic_fetch_or(&page->online, 1u << cpu, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

const struct pvkmap_counters_header *counters_page(void)
{
	return page;
}
