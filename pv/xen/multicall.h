/*
 * Per-CPU batching of MMU hypercalls for lazy-MMU sections (pvmmu=batched). Consecutive
 * mmu_update requests merge into one call, as do consecutive mmuext ops; the batch is issued
 * as one multicall (or as the single call it holds) when full and on leaving the section.
 */
#ifndef PV_XEN_MULTICALL_H
#define PV_XEN_MULTICALL_H

#include "pv/xen/hypercall.h"

#define MC_BATCH 32			/* hypercalls per multicall */
#define MC_UPDATES MC_UPDATES_PER_BATCH /* mmu_update requests per batch: a page table's worth */
#define MC_EXT_OPS MC_EXT_OPS_PER_BATCH /* mmuext ops per batch */

void mc_queue_mmu_update(u64 ptr, u64 val);
void mc_queue_mmuext(const struct mmuext_op *op);
void mc_queue_update_va_mapping(u32 vaddr, u64 pte, u32 flags);
/* Issue whatever is queued on this CPU. */
void mc_flush(void);
/* Entries queued on this CPU and not yet issued. */
unsigned mc_pending(void);

#endif
