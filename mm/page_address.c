/*
 * page_address() for highmem pages: a highmem page has an address only while it sits in a
 * pkmap slot. A hash of struct page pointers (128 buckets, one record per slot, as Linux's
 * HASHED_PAGE_VIRTUAL) finds it; a page without a record has no address.
 */
#include "mm/highmem.h"
#include "mm/layout.h"
#include "guest/panic.h"
#include "guest/spinlock.h"

#define PA_HASH_BITS 7

struct page_address_map {
	const struct page *page;
	void *vaddr;
	struct list_head list;
};

static struct {
	struct list_head list;
	spinlock_t lock;
} page_address_htable[1 << PA_HASH_BITS];

/* One record per pkmap slot: a page is in at most one slot. */
static struct page_address_map page_address_maps[LAST_PKMAP];

static unsigned hash_page(const struct page *page)
{
	return (u32)(((uintptr_t)page >> 4) * 0x9e3779b1u) >> (32 - PA_HASH_BITS);
}

static void init_once(void)
{
	static bool done;

	if (done)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(page_address_htable); i++)
		list_init(&page_address_htable[i].list);
	done = true;
}

static void *lookup(unsigned h, const struct page *page)
{
	for (struct list_head *p = page_address_htable[h].list.next; p != &page_address_htable[h].list;
	     p = p->next) {
		struct page_address_map *pam = list_entry(p, struct page_address_map, list);

		if (pam->page == page)
			return pam->vaddr;
	}
	return NULL;
}

void *page_address_highmem(const struct page *page)
{
	unsigned h = hash_page(page);
	unsigned long flags;
	void *ret;

	init_once();
	flags = spin_lock_irqsave(&page_address_htable[h].lock);
	ret = lookup(h, page);
	spin_unlock_irqrestore(&page_address_htable[h].lock, flags);
	return ret;
}

/* Every writer holds kmap_lock (mm/pkmap.c), so a holder of it needs no bucket lock. */
void *page_address_kmap_locked(const struct page *page)
{
	init_once();
	return lookup(hash_page(page), page);
}

void set_page_address(const struct page *page, void *vaddr)
{
	unsigned h = hash_page(page);
	unsigned long flags;

	init_once();
	flags = spin_lock_irqsave(&page_address_htable[h].lock);
	if (vaddr) {
		struct page_address_map *pam =
			&page_address_maps[((u32)(uintptr_t)vaddr - mm_layout.pkmap_base) >> PAGE_SHIFT];

		BUG_ON((u32)(uintptr_t)vaddr - mm_layout.pkmap_base >= LAST_PKMAP * PAGE_SIZE);
		pam->page = page;
		pam->vaddr = vaddr;
		list_add_tail(&pam->list, &page_address_htable[h].list);
	} else {
		for (struct list_head *p = page_address_htable[h].list.next;
		     p != &page_address_htable[h].list; p = p->next) {
			struct page_address_map *pam = list_entry(p, struct page_address_map, list);

			if (pam->page == page) {
				list_del(&pam->list);
				break;
			}
		}
	}
	spin_unlock_irqrestore(&page_address_htable[h].lock, flags);
}
