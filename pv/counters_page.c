/*
 * Publishing the MMU counters in the page described by pv/counters_page.h. The counting
 * fast path stays as it is (per-CPU, lock-free); a copy goes to the page on every timer tick
 * and on demand, under its sequence count, so a reader in dom0 sees a consistent snapshot.
 */
#include "pv/counters.h"
#include "pv/ops.h"
#include "guest/irqflags.h"
#include "guest/x86/percpu.h"
#include "guest/lib/string.h"
#include "mm/gfp.h"

static struct pvkmap_counters_header *page;
static const char *const *hcall_names;
static const u64 *(*hcall_source)(unsigned cpu, unsigned slot, bool traps);
static unsigned nr_hcalls;

static char *name_slot(unsigned i)
{
	return (char *)page + page->names_offset + i * PVKMAP_COUNTERS_NAME_LEN;
}

static u64 *cpu_block(unsigned cpu)
{
	return (u64 *)((char *)page + page->cpus_offset + cpu * page->cpu_stride);
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
	page->magic = PVKMAP_COUNTERS_MAGIC;
	page->version = PVKMAP_COUNTERS_VERSION;
	page->header_size = sizeof(*page);
	page->nr_cpus = NR_CPUS;
	page->nr_ops = PV_OP_NR;
	page->nr_hcalls = (u16)nr_h;
	page->name_len = PVKMAP_COUNTERS_NAME_LEN;
	page->names_offset = ALIGN_UP((u32)sizeof(*page), 8u);
	names = (PV_OP_NR + nr_h) * PVKMAP_COUNTERS_NAME_LEN;
	page->cpus_offset = ALIGN_UP(page->names_offset + names, 8u);
	page->cpu_stride = 8 * (2 * PV_OP_NR + 2 * nr_h);
	page->size = page->cpus_offset + NR_CPUS * page->cpu_stride;
	if (page->size > PVKMAP_COUNTERS_SIZE) /* cannot happen with today's constants */
		page->nr_cpus =
		    (u16)((PVKMAP_COUNTERS_SIZE - page->cpus_offset) / page->cpu_stride);
	strlcpy(page->backend, pv_mmu->name, sizeof(page->backend));
	for (unsigned op = 0; op < PV_OP_NR; op++)
		strlcpy(name_slot(op), pv_op_names[op], PVKMAP_COUNTERS_NAME_LEN);
	for (unsigned h = 0; h < nr_h; h++)
		strlcpy(name_slot(PV_OP_NR + h), hnames[h], PVKMAP_COUNTERS_NAME_LEN);
	counters_page_update();
	return PFN_DOWN(virt_to_phys(page));
}

void counters_page_update(void)
{
	unsigned long flags;

	if (!page)
		return;
	pv_counters_fold();
	flags = local_irq_save();
	__atomic_store_n(&page->seq, page->seq + 1, __ATOMIC_RELEASE); /* odd: writing */
	for (unsigned cpu = 0; cpu < page->nr_cpus; cpu++) {
		u64 *b = cpu_block(cpu);

		memcpy(b, per_cpu(pv_counters, cpu).count, sizeof(per_cpu(pv_counters, cpu).count));
		memcpy(b + PV_OP_NR, per_cpu(pv_counters, cpu).cycles,
		       sizeof(per_cpu(pv_counters, cpu).cycles));
		for (unsigned h = 0; h < nr_hcalls; h++) {
			b[2 * PV_OP_NR + h] = *hcall_source(cpu, h, false);
			b[2 * PV_OP_NR + nr_hcalls + h] = *hcall_source(cpu, h, true);
		}
	}
	__atomic_store_n(&page->seq, page->seq + 1, __ATOMIC_RELEASE); /* even: stable */
	local_irq_restore(flags);
}

const struct pvkmap_counters_header *counters_page(void)
{
	return page;
}
