#include "mm/bootmem.h"
#include "guest/panic.h"

static struct memmap *boot_map;
static pfn_t boot_limit;
static u64 allocated;

void bootmem_init(struct memmap *m, pfn_t limit_pfn)
{
	boot_map = m;
	boot_limit = limit_pfn;
}

pfn_t bootmem_alloc_pages(u32 n)
{
	struct mem_range free[MEMMAP_MAX * 2];
	unsigned nr = memmap_free_ranges(boot_map, free, ARRAY_SIZE(free));

	/* Top down, as Linux's memblock does: keeps ZONE_DMA for the callers that need it. */
	for (unsigned i = nr; i-- > 0;) {
		pfn_t end = MIN(PFN_DOWN(free[i].end), boot_limit);
		pfn_t start = PFN_UP(free[i].start);

		if (start < end && end - start >= n) {
			start = end - n;
			memmap_reserve(boot_map, PFN_PHYS(start), PFN_PHYS(start + n));
			allocated += n;
			return start;
		}
	}
	panic("bootmem: no %u free contiguous pages below pfn 0x%x", n, boot_limit);
}

u64 bootmem_pages_allocated(void)
{
	return allocated;
}
