/* Copying to and from pages that may have no permanent address, through kmap_local slots. */
#include "mm/highmem.h"
#include "mm/kmap_local_inline.h"
#include "guest/panic.h"
#include "guest/lib/string.h"

/* Highmem on the fast path (mm/kmap_local_inline.h): these helpers unmap what they mapped. */
static bool fast_highmem(const struct page *page)
{
	return !kmap_general && page_to_pfn(page) >= mm_layout.max_low_pfn;
}

void copy_highpage(struct page *to, struct page *from)
{
	void *vfrom, *vto;

	if (likely(fast_highmem(to) && fast_highmem(from))) {
		vfrom = map_strict(from);
		vto = map_strict(to);
		copy_page(vto, vfrom);
		unmap_strict_own((u32)(uintptr_t)vto);
		unmap_strict_own((u32)(uintptr_t)vfrom);
		return;
	}
	vfrom = map_local(from);
	vto = map_local(to);
	copy_page(vto, vfrom);
	unmap_local(vto);
	unmap_local(vfrom);
}

void clear_highpage(struct page *page)
{
	void *v;

	if (likely(fast_highmem(page))) {
		v = map_strict(page);
		clear_page(v);
		unmap_strict_own((u32)(uintptr_t)v);
		return;
	}
	v = map_local(page);
	clear_page(v);
	unmap_local(v);
}

void memcpy_to_page(struct page *page, size_t offset, const void *from, size_t len)
{
	char *v;

	if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
		panic("memcpy_to_page(pfn 0x%x, offset %u, len %u): past the end of the page",
		      page_to_pfn(page), (unsigned)offset, (unsigned)len);
	v = kmap_local_page(page);
	memcpy(v + offset, from, len);
	kunmap_local(v);
}

void memcpy_from_page(void *to, struct page *page, size_t offset, size_t len)
{
	char *v;

	if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
		panic("memcpy_from_page(pfn 0x%x, offset %u, len %u): past the end of the page",
		      page_to_pfn(page), (unsigned)offset, (unsigned)len);
	v = kmap_local_page(page);
	memcpy(to, v + offset, len);
	kunmap_local(v);
}
