#include "mm/pkmap_slots.h"
#include "guest/panic.h"

void pkmap_slots_flush_unused(struct pkmap_slots *s, const struct pkmap_slot_ops *ops)
{
	bool cleared = false;

	for (unsigned nr = 0; nr < LAST_PKMAP; nr++) {
		if (s->count[nr] != 1)
			continue;
		s->count[nr] = 0;
		ops->clear(nr, s->page[nr]);
		s->page[nr] = NULL;
		cleared = true;
	}
	if (cleared) {
		ops->flush();
		s->flushes++;
	}
}

int pkmap_slot_get(struct pkmap_slots *s, const struct page *page, const struct pkmap_slot_ops *ops)
{
	for (unsigned tries = LAST_PKMAP; tries > 0; tries--) {
		s->last = (s->last + 1) & (LAST_PKMAP - 1);
		if (!s->last) {
			pkmap_slots_flush_unused(s, ops);
			tries = LAST_PKMAP;
		}
		if (!s->count[s->last]) {
			s->count[s->last] = 1;
			s->page[s->last] = page;
			return (int)s->last;
		}
	}
	return -1;
}

void pkmap_slot_misuse(const struct pkmap_slots *s, unsigned nr, bool put)
{
	if (!put)
		panic("pkmap: slot %u used while free (count %d)", nr,
		      nr < LAST_PKMAP ? s->count[nr] : -1);
	panic("pkmap: kunmap of slot %u with count %d: no user left (a count must never "
	      "reach 0 without a flush)",
	      nr, nr < LAST_PKMAP ? s->count[nr] : -1);
}
