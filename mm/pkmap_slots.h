/*
 * The slot and count logic of the persistent kmap window, with no page tables and no
 * locking: mm/pkmap.c wraps it; tests/unit exercise it on the host.
 *
 * count[nr] encodes each slot's state (Linux's encoding):
 *   0  free, and not mapped since the last TLB flush: may be handed out
 *   1  no users, but still mapped (maybe cached in a TLB): not reusable before a flush
 *   n  n - 1 users
 */
#ifndef MM_PKMAP_SLOTS_H
#define MM_PKMAP_SLOTS_H

#include "mm/layout.h"
#include "mm/page.h"

struct pkmap_slots {
	int count[LAST_PKMAP];
	const struct page *page[LAST_PKMAP]; /* what a slot with count >= 1 maps */
	unsigned last;			     /* round-robin cursor */
	u64 flushes;			     /* wrap-around flushes done */
};

/* What the caller does to the page tables when the logic says so. */
struct pkmap_slot_ops {
	void (*clear)(unsigned nr, const struct page *page); /* unmap a count-1 slot */
	void (*flush)(void);				     /* one flush of the window */
};

/*
 * Find a free slot for @page, searching round robin from the cursor. Passing slot 0 on the
 * way means a wrap: every count-1 slot is cleared and the window flushed once. Returns the
 * slot (its count set to 1, page recorded), or -1 when every slot is in use.
 */
int pkmap_slot_get(struct pkmap_slots *s, const struct page *page,
		   const struct pkmap_slot_ops *ops);
/* Clear every slot with count 1 and, if any was, flush the window once (done on a wrap). */
void pkmap_slots_flush_unused(struct pkmap_slots *s, const struct pkmap_slot_ops *ops);
/* Panics: slot @nr was used while free, or put with no user left. */
void pkmap_slot_misuse(const struct pkmap_slots *s, unsigned nr, bool put) __noreturn;

/* One more user of slot @nr (mapped, count >= 1). Panics on a free slot. */
static inline void pkmap_slot_use(struct pkmap_slots *s, unsigned nr)
{
	if (unlikely(nr >= LAST_PKMAP || s->count[nr] < 1))
		pkmap_slot_misuse(s, nr, false);
	s->count[nr]++;
}

/* One user fewer; returns true when the slot just became unused (count 1): wake waiters. */
static inline bool pkmap_slot_put(struct pkmap_slots *s, unsigned nr)
{
	if (unlikely(nr >= LAST_PKMAP || s->count[nr] < 2))
		pkmap_slot_misuse(s, nr, true);
	return --s->count[nr] == 1;
}

#endif
