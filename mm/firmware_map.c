#include "mm/firmware_map.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include "guest/lib/string.h"

/* One page of @pfn, which has no struct page, copied through FIX_FIRMWARE. */
static void copy_frame(void *dst, pfn_t pfn, u32 off, u32 n)
{
	u32 va = fix_to_virt(FIX_FIRMWARE);
	pte_t *ptep = lookup_pte(va);

	pv_set_pte_va(va, ptep, pfn_pte(pfn, PAGE_KERNEL_RO), false);
	memcpy(dst, (const char *)(uintptr_t)va + off, n);
	pv_set_pte_va(va, ptep, (pte_t){0}, true);
}

bool read_phys(void *dst, u64 addr, u32 len)
{
	if (addr + len > GiB(4))
		return false;
	while (len) {
		pfn_t pfn = (pfn_t)(addr >> PAGE_SHIFT);
		u32 off = addr & (PAGE_SIZE - 1), n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;

		if (pfn < mm_layout.max_pfn) {
			char *v = kmap_local_page(pfn_to_page(pfn));

			memcpy(dst, v + off, n);
			kunmap_local(v);
		} else {
			copy_frame(dst, pfn, off, n);
		}
		dst = (char *)dst + n, addr += n, len -= n;
	}
	return true;
}
