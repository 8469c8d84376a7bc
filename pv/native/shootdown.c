/*
 * The native shootdown: this CPU flushes its own TLB, every other CPU in the mask gets an
 * IPI and flushes its own, and the caller returns once all have acknowledged (the cross-CPU
 * call protocol is guest/smp.c's). The remote flushes are counted as those CPUs' own
 * flush_tlb_one / flush_tlb_all operations.
 */
#include "pv/native/native.h"
#include "pv/ops.h"

static void flush_here(void *arg)
{
	u32 vaddr = *(const u32 *)arg;

	if (vaddr == FLUSH_ALL_ADDRESSES)
		pv_flush_tlb_all();
	else
		pv_flush_tlb_one(vaddr);
}

void native_flush_tlb_multi(const cpumask_t *mask, u32 vaddr)
{
	if (cpumask_test(mask, smp_processor_id()))
		flush_here(&vaddr);
	smp_call_function_many(mask, flush_here, &vaddr);
}
