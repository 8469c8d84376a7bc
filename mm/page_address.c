/* page_address() for highmem pages: the hash of mm/page_address.h and its writers. */
#include "mm/highmem.h"
#include "mm/page_address.h"
#include "mm/layout.h"
#include "guest/panic.h"
#include "guest/spinlock.h"

struct page_address_bucket page_address_htable[1 << PA_HASH_BITS];

/* One record per pkmap slot: a page is in at most one slot. */
static struct page_address_map page_address_maps[LAST_PKMAP];

void *page_address_highmem(const struct page *page)
{
	unsigned h = page_address_hash(page);
	unsigned long flags;
	void *ret;

	flags = spin_lock_irqsave(&page_address_htable[h].lock);
	ret = page_address_lookup(h, page);
	spin_unlock_irqrestore(&page_address_htable[h].lock, flags);
	return ret;
}

/* Readers outside kmap_lock take the bucket lock, interrupts off, so writers do too. */
void set_page_address(const struct page *page, void *vaddr)
{
	unsigned h = page_address_hash(page);
	unsigned long flags = spin_lock_irqsave(&page_address_htable[h].lock);

	if (vaddr) {
		struct page_address_map *pam =
		    &page_address_maps[((u32)(uintptr_t)vaddr - mm_layout.pkmap_base) >>
				       PAGE_SHIFT];

		BUG_ON((u32)(uintptr_t)vaddr - mm_layout.pkmap_base >= LAST_PKMAP * PAGE_SIZE);
		pam->page = page;
		pam->vaddr = vaddr;
		pam->next = page_address_htable[h].first;
		page_address_htable[h].first = pam;
	} else {
		for (struct page_address_map **pp = &page_address_htable[h].first; *pp;
		     pp = &(*pp)->next) {
			if ((*pp)->page == page) {
				*pp = (*pp)->next;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&page_address_htable[h].lock, flags);
}
