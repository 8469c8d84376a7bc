#include "mm/gfp.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/pagealloc_debug.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/lib/string.h"

struct page *mem_map;
pfn_t mem_map_pfns;

/* Zones to try, best first, terminated by -1. */
static const int *zonelist(gfp_t gfp)
{
	static const int highmem[] = {ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, -1};
	static const int normal[] = {ZONE_NORMAL, ZONE_DMA, -1};
	static const int dma[] = {ZONE_DMA, -1};

	if (gfp & __GFP_DMA)
		return dma;
	return gfp & __GFP_HIGHMEM ? highmem : normal;
}

struct page *alloc_pages(gfp_t gfp, unsigned order)
{
	for (const int *z = zonelist(gfp); *z >= 0; z++) {
		struct page *page = buddy_alloc(&zones[*z], order);

		if (page) {
			if (unlikely(pagealloc_debug))
				pagealloc_debug_alloc(page, order);
			return page;
		}
	}
	return NULL;
}

struct page *alloc_pages_zone(unsigned zone, unsigned order)
{
	struct page *page;

	BUG_ON(zone >= MAX_NR_ZONES);
	page = buddy_alloc(&zones[zone], order);
	if (page && unlikely(pagealloc_debug))
		pagealloc_debug_alloc(page, order);
	return page;
}

/* Out of the direct map before the allocator has it: no one else can be using it yet. */
static void free_pages_from(struct page *page, unsigned order, const void *caller)
{
	if (unlikely(pagealloc_debug))
		pagealloc_debug_free(page, order, caller);
	buddy_free(page_zone(page), page, order);
}

void __free_pages(struct page *page, unsigned order)
{
	free_pages_from(page, order, __builtin_return_address(0));
}

void free_reserved_page(struct page *page)
{
	struct zone *z = page_zone(page);

	BUG_ON(!(page->flags & PG_reserved));
	page->flags &= ~PG_reserved;
	buddy_free(z, page, 0);
	z->managed_pages++; /* boot-time only: no other CPU allocates yet */
}

void *page_address(const struct page *page)
{
	pfn_t pfn = page_to_pfn(page);

	if (pfn >= mm_layout.max_low_pfn || (page->flags & PG_unmapped))
		return page_address_highmem(page); /* NULL unless it sits in a pkmap slot */
	return phys_to_virt(PFN_PHYS(pfn));
}

struct page *virt_to_page(const void *vaddr)
{
	u32 v = (u32)(uintptr_t)vaddr;

	BUG_ON(v < PAGE_OFFSET || v >= mm_layout.high_memory);
	return pfn_to_page(PFN_DOWN(virt_to_phys(vaddr)));
}

unsigned long __get_free_pages(gfp_t gfp, unsigned order)
{
	struct page *page;

	if (gfp & __GFP_HIGHMEM) {
		pr_err("__get_free_pages(gfp 0x%x, order %u): GFP_HIGHMEM refused, a highmem page "
		       "has no permanent address (caller %p)\n",
		       gfp, order, __builtin_return_address(0));
		return 0;
	}
	page = alloc_pages(gfp, order);
	return page ? (unsigned long)(uintptr_t)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	unsigned long v;

	if (gfp & __GFP_HIGHMEM) {
		pr_err("get_zeroed_page(gfp 0x%x): GFP_HIGHMEM refused, a highmem page has no "
		       "permanent address (caller %p)\n",
		       gfp, __builtin_return_address(0));
		return 0;
	}
	v = __get_free_pages(gfp, 0);
	if (v)
		memset((void *)(uintptr_t)v, 0, PAGE_SIZE);
	return v;
}

void free_pages(unsigned long vaddr, unsigned order)
{
	if (vaddr)
		free_pages_from(virt_to_page((void *)(uintptr_t)vaddr), order,
				__builtin_return_address(0));
}
