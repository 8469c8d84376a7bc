/* TEMPORARY: a 4 KiB-only direct map until its branch lands. */
#include "mm/directmap.h"
#include "mm/pgtable.h"

pte_t *directmap_pte(u32 va)
{
	return va >= PAGE_OFFSET && va < mm_layout.high_memory ? lookup_pte(va) : NULL;
}

void directmap_try_merge(u32 va, u32 n)
{
	(void)va, (void)n;
}
