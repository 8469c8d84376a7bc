/* TEMPORARY: 4 KiB-only direct map and an empty vmalloc area until their branches land. */
#include "mm/directmap.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"

pte_t *directmap_pte(u32 va)
{
	return va >= PAGE_OFFSET && va < mm_layout.high_memory ? lookup_pte(va) : NULL;
}

void directmap_try_merge(u32 va, u32 n)
{
	(void)va, (void)n;
}

void vmap_for_each_alias(pfn_t pfn, u32 n, void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg)
{
	(void)pfn, (void)n, (void)fn, (void)arg;
}

struct page *vmalloc_to_page(const void *addr)
{
	(void)addr;
	return NULL;
}
