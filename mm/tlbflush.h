/*
 * Changes to kernel mappings any CPU may have cached (the pkmap window, kernel page tables)
 * are shot down on every online CPU. With one CPU online this is the local flush, at the
 * same cost as before SMP.
 */
#ifndef MM_TLBFLUSH_H
#define MM_TLBFLUSH_H

#include "guest/lib/types.h"

void flush_tlb_kernel_page(u32 vaddr);
/* Everything, global entries too, on every online CPU. */
void flush_tlb_kernel_all(void);

#endif
