#include "mm/buddy.h"
#include "guest/panic.h"

static bool in_zone(const struct zone *z, pfn_t pfn)
{
	return pfn >= z->start_pfn && pfn < z->end_pfn;
}

static void push_block(struct zone *z, struct page *page, unsigned order)
{
	page->flags |= PG_buddy;
	page->order = order;
	list_add(&page->lru, &z->free_area[order].list);
	z->free_area[order].nr_free++;
}

static void pop_block(struct zone *z, struct page *page, unsigned order)
{
	list_del(&page->lru);
	page->flags &= ~PG_buddy;
	z->free_area[order].nr_free--;
}

/* Put the free block at @pfn back, merging upward while its buddy is a free block too. */
static void free_block(struct zone *z, pfn_t pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		pfn_t buddy = pfn ^ (1u << order);
		struct page *bp;

		/* A buddy head flagged PG_buddy was created whole inside this zone. */
		if (!in_zone(z, buddy))
			break;
		bp = pfn_to_page(buddy);
		if (!(bp->flags & PG_buddy) || bp->order != order)
			break;
		pop_block(z, bp, order);
		pfn &= ~(1u << order);
		order++;
	}
	push_block(z, pfn_to_page(pfn), order);
}

void buddy_add_range(struct zone *z, pfn_t start, pfn_t end)
{
	unsigned long flags;

	BUG_ON(start > end || start < z->start_pfn || end > z->end_pfn);
	flags = spin_lock_irqsave(&z->lock);
	for (pfn_t pfn = start; pfn < end; pfn++)
		pfn_to_page(pfn)->flags &= ~PG_reserved;
	for (pfn_t pfn = start; pfn < end;) {
		unsigned order = MAX_ORDER;

		while (order && ((pfn & ((1u << order) - 1)) || end - pfn < (1u << order)))
			order--;
		free_block(z, pfn, order);
		pfn += 1u << order;
	}
	z->managed_pages += end - start;
	z->free_pages += end - start;
	spin_unlock_irqrestore(&z->lock, flags);
}

struct page *buddy_alloc(struct zone *z, unsigned order)
{
	struct page *page = NULL;
	unsigned long flags;

	if (order > MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&z->lock);
	for (unsigned o = order; o <= MAX_ORDER; o++) {
		if (list_empty(&z->free_area[o].list))
			continue;
		page = list_first_entry(&z->free_area[o].list, struct page, lru);
		pop_block(z, page, o);
		/* Split: the upper halves go back, smallest last. */
		while (o > order) {
			o--;
			push_block(z, page + (1u << o), o);
		}
		z->free_pages -= 1u << order;
		break;
	}
	spin_unlock_irqrestore(&z->lock, flags);
	return page;
}

/*
 * Is any frame of the block at @pfn already free? A freed page that merged into a bigger
 * block is no longer a head, so look for a head covering @pfn, then for heads inside.
 */
static bool block_is_free(const struct zone *z, pfn_t pfn, unsigned order)
{
	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		pfn_t head = pfn & ~((1u << o) - 1);
		const struct page *hp;

		if (!in_zone(z, head))
			break;
		hp = pfn_to_page(head);
		if ((hp->flags & PG_buddy) && hp->order >= o)
			return true;
	}
	for (pfn_t q = pfn + 1; q < pfn + (1u << order); q++)
		if (pfn_to_page(q)->flags & PG_buddy)
			return true;
	return false;
}

void buddy_free(struct zone *z, struct page *page, unsigned order)
{
	pfn_t pfn = page_to_pfn(page);
	unsigned long flags;

	if (order > MAX_ORDER || (pfn & ((1u << order) - 1)))
		panic("buddy_free(pfn 0x%x, order %u): bad order or misaligned block", pfn, order);
	if (!in_zone(z, pfn) || !in_zone(z, pfn + (1u << order) - 1))
		panic("buddy_free(pfn 0x%x, order %u): block not inside zone %s", pfn, order,
		      z->name);
	if (page->flags & PG_reserved)
		panic("buddy_free(pfn 0x%x, order %u): page is reserved", pfn, order);
	flags = spin_lock_irqsave(&z->lock);
	if (block_is_free(z, pfn, order))
		panic("buddy_free(pfn 0x%x, order %u): double free", pfn, order);
	free_block(z, pfn, order);
	z->free_pages += 1u << order;
	spin_unlock_irqrestore(&z->lock, flags);
}
