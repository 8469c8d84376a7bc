/* pagealloc_debug (mm/pagealloc_debug.h): kernel_map_pages on every lowmem alloc and free. */
#include "mm/pagealloc_debug.h"
#include "mm/highmem.h"
#include "mm/set_memory.h"
#include "mm/zone.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/lib/string.h"

bool pagealloc_debug;
struct pagealloc_debug_fault pagealloc_debug_last;
struct pagealloc_debug_stats pagealloc_debug_stats;

/* Who freed each lowmem page while it is free (free_at_boot: since boot); NULL: in use. */
static const void **freed_by;
static const char free_at_boot[] = "boot";

void pagealloc_debug_init(void)
{
	u32 bytes = mm_layout.max_low_pfn * sizeof(freed_by[0]);
	unsigned order = 0;
	u64 unmapped = 0;

	while (PAGE_SIZE << order < bytes)
		order++;
	/* The boot allocator's memory is the buddy allocator's by now. */
	freed_by = (const void **)__get_free_pages(GFP_KERNEL, order);
	if (!freed_by)
		panic("pagealloc_debug: no %u KiB for its record of who freed each page",
		      (PAGE_SIZE << order) >> 10);
	memset(freed_by, 0, bytes);
	pagealloc_debug = true;
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		if (zone_is_highmem(&zones[z]))
			continue;
		for (unsigned order = 0; order <= MAX_ORDER; order++) {
			struct list_head *head = &zones[z].free_area[order].list;

			for (struct list_head *l = head->next; l != head; l = l->next) {
				struct page *page = list_entry(l, struct page, lru);

				for (u32 i = 0; i < 1u << order; i++)
					freed_by[page_to_pfn(page) + i] = free_at_boot;
				kernel_map_pages(page, 1u << order, false);
				unmapped += 1u << order;
			}
		}
	}
	cprintf("pagealloc_debug: on: %llu free lowmem pages out of the direct map, mapped "
		"again when allocated (4 KiB direct map)\n",
		unmapped);
}

void pagealloc_debug_alloc(struct page *page, unsigned order)
{
	pfn_t pfn = page_to_pfn(page);

	if (pfn >= mm_layout.max_low_pfn)
		return;
	kernel_map_pages(page, 1u << order, true);
	for (u32 i = 0; i < 1u << order; i++)
		freed_by[pfn + i] = NULL;
	__atomic_add_fetch(&pagealloc_debug_stats.allocs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pagealloc_debug_stats.pages_mapped, 1u << order, __ATOMIC_RELAXED);
}

void pagealloc_debug_free(struct page *page, unsigned order, const void *caller)
{
	pfn_t pfn = page_to_pfn(page);

	if (pfn >= mm_layout.max_low_pfn)
		return;
	for (u32 i = 0; i < 1u << order; i++)
		freed_by[pfn + i] = caller;
	kernel_map_pages(page, 1u << order, false);
	__atomic_add_fetch(order ? &pagealloc_debug_stats.frees_more
				 : &pagealloc_debug_stats.frees_one_page,
			   1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pagealloc_debug_stats.pages_unmapped, 1u << order, __ATOMIC_RELAXED);
}

void pagealloc_debug_stats_snapshot(struct pagealloc_debug_stats *s)
{
	s->allocs = __atomic_load_n(&pagealloc_debug_stats.allocs, __ATOMIC_RELAXED);
	s->pages_mapped = __atomic_load_n(&pagealloc_debug_stats.pages_mapped, __ATOMIC_RELAXED);
	s->frees_one_page =
	    __atomic_load_n(&pagealloc_debug_stats.frees_one_page, __ATOMIC_RELAXED);
	s->frees_more = __atomic_load_n(&pagealloc_debug_stats.frees_more, __ATOMIC_RELAXED);
	s->pages_unmapped =
	    __atomic_load_n(&pagealloc_debug_stats.pages_unmapped, __ATOMIC_RELAXED);
}

bool pagealloc_debug_report_fault(u32 vaddr, u32 eip)
{
	pfn_t pfn;

	if (!pagealloc_debug || vaddr < PAGE_OFFSET || vaddr >= mm_layout.high_memory)
		return false;
	pfn = PFN_DOWN(vaddr - PAGE_OFFSET);
	if (!(pfn_to_page(pfn)->flags & PG_unmapped) || !freed_by[pfn])
		return false; /* out of the direct map for another reason: not ours to report */
	if (freed_by[pfn] == free_at_boot)
		pr_err("pagealloc_debug: touch of free frame 0x%x at 0x%08x (eip 0x%08x), free "
		       "since boot\n",
		       pfn, vaddr, eip);
	else
		pr_err("pagealloc_debug: touch of free frame 0x%x at 0x%08x (eip 0x%08x), freed "
		       "by %p\n",
		       pfn, vaddr, eip, freed_by[pfn]);
	pagealloc_debug_last.count++;
	pagealloc_debug_last.pfn = pfn;
	pagealloc_debug_last.eip = eip;
	pagealloc_debug_last.freed_by = freed_by[pfn];
	return true;
}
