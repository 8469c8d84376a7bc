/* Copying to and from pages that may have no permanent address, through kmap_local slots. */
#include "mm/highmem.h"
#include "guest/panic.h"
#include "guest/string.h"

void copy_highpage(struct page *to, struct page *from)
{
	void *vfrom = kmap_local_page(from);
	void *vto = kmap_local_page(to);

	memcpy(vto, vfrom, PAGE_SIZE);
	kunmap_local(vto);
	kunmap_local(vfrom);
}

void clear_highpage(struct page *page)
{
	void *v = kmap_local_page(page);

	memset(v, 0, PAGE_SIZE);
	kunmap_local(v);
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
