/*
 * The kernel's virtual layout, computed in one place (Linux i386's, top down):
 *
 *   hypervisor hole   [hypervisor_start, 4 GiB)   Xen's; empty natively
 *   fixmap            [fixaddr_start, fixaddr_top + PAGE_SIZE)
 *   pkmap             [pkmap_base, pkmap_base + 2 MiB)  one page table of kmap() slots
 *   vmalloc           [vmalloc_start, vmalloc_end)
 *   8 MiB gap         catches overruns off the direct map
 *   direct map        [PAGE_OFFSET, high_memory)   all of lowmem
 *
 * Lowmem is whatever fits below the vmalloc reserve; every frame above it is highmem.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include "guest/kernel_base.h"
#include "guest/lib/types.h"

#define LAST_PKMAP 512 /* one PAE page table (PTRS_PER_PTE, pv/pte.h; asserted in mm/pkmap.c) */
#define VMALLOC_OFFSET MiB(8)
#define VMALLOC_DEFAULT MiB(128)
#define LOWMEM_MIN MiB(32) /* refuse a vmalloc= that leaves less lowmem than this */

struct mm_layout {
	u32 hypervisor_start; /* 0: no hole, the kernel owns up to 4 GiB */
	u32 fixaddr_top, fixaddr_start;
	u32 pkmap_base;
	u32 vmalloc_start, vmalloc_end;
	u64 vmalloc_reserve; /* vmalloc size + VMALLOC_OFFSET */
	u32 maxmem;	     /* the most lowmem this layout can map, in bytes */
	u32 high_memory;     /* end of the direct map */
	pfn_t max_low_pfn;   /* first frame that is not lowmem */
	pfn_t max_pfn;	     /* one past the last RAM frame */
};

extern struct mm_layout mm_layout;

/*
 * Compute the layout for RAM up to @max_pfn with a vmalloc area of @vmalloc_size bytes and
 * Xen's hole from @hypervisor_start (0 = none). Returns 0, or -EINVAL (layout untouched)
 * when @vmalloc_size leaves less than LOWMEM_MIN of lowmem or the hole is too low.
 */
int layout_compute(struct mm_layout *l, pfn_t max_pfn, u64 vmalloc_size, u32 hypervisor_start);
void layout_print(const struct mm_layout *l);

static inline u32 fix_to_virt(unsigned idx)
{
	return mm_layout.fixaddr_top - (idx << PAGE_SHIFT);
}

static inline u32 pkmap_addr(unsigned nr)
{
	return mm_layout.pkmap_base + (nr << PAGE_SHIFT);
}

#endif
