/*
 * The page_address() hash (mm/page_address.c), and its lookup inline for mm/pkmap.c, which
 * looks up on every kmap and kunmap under kmap_lock. A highmem page has an address only while
 * it sits in a pkmap slot; one record per slot, chained in buckets by struct page pointer
 * (as Linux's HASHED_PAGE_VIRTUAL, but one bucket per slot where Linux has 128 for 1024
 * slots, so a full window still averages one record a bucket).
 */
#ifndef MM_PAGE_ADDRESS_H
#define MM_PAGE_ADDRESS_H

#include "mm/layout.h"
#include "mm/page.h"
#include "guest/spinlock.h"

#define PA_HASH_BITS 9 /* LAST_PKMAP buckets */
_Static_assert(1 << PA_HASH_BITS == LAST_PKMAP, "one page_address bucket per pkmap slot");

struct page_address_map {
	const struct page *page;
	void *vaddr;
	struct page_address_map *next; /* in the bucket's chain; NULL ends it */
};

/* A bucket: a NULL-terminated chain, so zeroed memory is an empty table (no setup). */
struct page_address_bucket {
	struct page_address_map *first;
	spinlock_t lock;
};

extern struct page_address_bucket page_address_htable[1 << PA_HASH_BITS];

static inline unsigned page_address_hash(const struct page *page)
{
	return (u32)(((uintptr_t)page >> 4) * 0x9e3779b1u) >> (32 - PA_HASH_BITS);
}

/* @page's address in bucket @h, or NULL; the caller holds the bucket lock or kmap_lock. */
static inline void *page_address_lookup(unsigned h, const struct page *page)
{
	for (const struct page_address_map *pam = page_address_htable[h].first; pam;
	     pam = pam->next)
		if (pam->page == page)
			return pam->vaddr;
	return NULL;
}

/* Every writer holds kmap_lock (mm/pkmap.c), so a holder of it needs no bucket lock. */
static inline void *page_address_kmap_locked(const struct page *page)
{
	return page_address_lookup(page_address_hash(page), page);
}

#endif
