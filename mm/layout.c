#include "mm/layout.h"
#include "mm/fixmap.h"
#include "guest/printk.h"

struct mm_layout mm_layout;

int layout_compute(struct mm_layout *l, pfn_t max_pfn, u64 vmalloc_size, u32 hypervisor_start)
{
	struct mm_layout n = {0};
	u64 top = hypervisor_start ? hypervisor_start : GiB(4);
	s64 maxmem;

	/* A vmalloc of 1 GiB leaves no lowmem; a bigger one would wrap the s64 sums below. */
	if (top < (u64)PAGE_OFFSET + GiB(1) / 2 || vmalloc_size >= GiB(1))
		return -EINVAL;
	n.hypervisor_start = hypervisor_start;
	/* One page below the 2 MiB-aligned hole, as Linux's reserve_top_address() does. */
	n.fixaddr_top = (u32)(ALIGN_DOWN(top, (u64)PMD_SIZE) - PAGE_SIZE);
	n.fixaddr_start = n.fixaddr_top - FIXADDR_SIZE + PAGE_SIZE;
	n.pkmap_base = (n.fixaddr_start - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK;
	n.vmalloc_end = n.pkmap_base - 2 * PAGE_SIZE;
	n.vmalloc_reserve = vmalloc_size + VMALLOC_OFFSET;
	maxmem = (s64)n.vmalloc_end - PAGE_OFFSET - (s64)n.vmalloc_reserve;
	if (maxmem < (s64)LOWMEM_MIN)
		return -EINVAL;
	n.maxmem = (u32)ALIGN_DOWN((u64)maxmem, (u64)PAGE_SIZE);
	n.max_pfn = max_pfn;
	n.max_low_pfn = MIN(max_pfn, (pfn_t)(n.maxmem >> PAGE_SHIFT));
	n.high_memory = PAGE_OFFSET + (n.max_low_pfn << PAGE_SHIFT);
	n.vmalloc_start = (u32)ALIGN_UP((u64)n.high_memory + VMALLOC_OFFSET, VMALLOC_OFFSET);
	/* The ordering Linux's mem_init() checks, so a bad constant cannot go unnoticed. */
	if (!(n.pkmap_base + LAST_PKMAP * PAGE_SIZE <= n.fixaddr_start &&
	      n.vmalloc_end <= n.pkmap_base && n.vmalloc_start < n.vmalloc_end &&
	      n.high_memory <= n.vmalloc_start))
		return -EINVAL;
	*l = n;
	return 0;
}

void layout_print(const struct mm_layout *l)
{
	cprintf("Virtual kernel memory layout:\n");
	if (l->hypervisor_start)
		cprintf("  hypervisor : 0x%08x - 4 GiB        (%4u MiB)\n", l->hypervisor_start,
			(u32)((GiB(4) - l->hypervisor_start) >> 20));
	else
		cprintf("  hypervisor : none\n");
	cprintf("  fixmap     : 0x%08x - 0x%08llx   (%4u KiB)\n", l->fixaddr_start,
		(u64)l->fixaddr_top + PAGE_SIZE,
		(l->fixaddr_top + PAGE_SIZE - l->fixaddr_start) >> 10);
	cprintf("  pkmap      : 0x%08x - 0x%08x   (%4u KiB)\n", l->pkmap_base,
		l->pkmap_base + LAST_PKMAP * PAGE_SIZE, (LAST_PKMAP * PAGE_SIZE) >> 10);
	cprintf("  vmalloc    : 0x%08x - 0x%08x   (%4u MiB)\n", l->vmalloc_start, l->vmalloc_end,
		(l->vmalloc_end - l->vmalloc_start) >> 20);
	cprintf("  lowmem     : 0x%08x - 0x%08x   (%4u MiB)\n", (u32)PAGE_OFFSET, l->high_memory,
		(l->high_memory - PAGE_OFFSET) >> 20);
	cprintf("  PAGE_OFFSET 0x%08x high_memory 0x%08x max_low_pfn 0x%x max_pfn 0x%x\n",
		(u32)PAGE_OFFSET, l->high_memory, l->max_low_pfn, l->max_pfn);
}
