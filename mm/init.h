#ifndef MM_INIT_H
#define MM_INIT_H

#include "guest/boot_info.h"

/* Boot-time memory state kept for reports and self-tests. */
extern struct memmap boot_memmap;

/*
 * Bring up memory management from the loader's map: validate it, reserve what must be kept,
 * compute the layout (@vmalloc_size bytes of vmalloc; @hypervisor_start as Xen reports it,
 * 0 natively), build and switch to the kernel page tables, allocate struct pages and hand
 * every free frame to its zone's buddy allocator. Panics when there is not enough memory.
 */
void mm_init(const struct boot_info *bi, u64 mem_limit, u64 vmalloc_size, u32 hypervisor_start);
/* The boot report: memory map, layout, zones, lowmem/highmem split. */
void mm_report(void);

#endif
