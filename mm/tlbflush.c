#include "mm/tlbflush.h"
#include "guest/smp.h"
#include "pv/ops.h"

void flush_tlb_kernel_page(u32 vaddr)
{
	if (nr_cpus_online == 1)
		pv_flush_tlb_one(vaddr);
	else
		pv_flush_tlb_multi(&cpu_online_mask, vaddr);
}

void flush_tlb_kernel_all(void)
{
	if (nr_cpus_online == 1)
		pv_flush_tlb_all();
	else
		pv_flush_tlb_multi(&cpu_online_mask, FLUSH_ALL_ADDRESSES);
}
