/*
 * The memory-type registry (mm/memtype.h). ranges[0, nr) is sorted by start and never
 * overlaps; neighbours of the same type and owner are merged, so a reservation made in pieces
 * costs one slot. The lock keeps a reservation and its page-flag mirror one step.
 */
#include "mm/memtype.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/spinlock.h"
#include "guest/lib/string.h"

struct memtype_range {
	pfn_t start, end; /* [start, end) */
	enum page_cache_mode mode;
	const char *owner;
};

static struct memtype_range ranges[MEMTYPE_RANGES_MAX];
static unsigned nr;
/* Taken with interrupts off: short, and kmap (which may run in interrupts) looks up. */
static spinlock_t memtype_lock;

/* Index of the first range that ends after @pfn (nr if none). */
static unsigned first_ending_after(pfn_t pfn)
{
	unsigned lo = 0, hi = nr;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void mirror(pfn_t start, pfn_t end, enum page_cache_mode mode)
{
	for (pfn_t pfn = start; pfn < end && pfn < mem_map_pfns; pfn++) {
		struct page *page = pfn_to_page(pfn);

		page->flags = (page->flags & ~PG_CACHE_MASK) | (u32)mode << PG_CACHE_SHIFT;
	}
}

static void insert_at(unsigned i, struct memtype_range r)
{
	memmove(&ranges[i + 1], &ranges[i], (nr - i) * sizeof(ranges[0]));
	ranges[i] = r;
	nr++;
}

static void remove_at(unsigned i)
{
	memmove(&ranges[i], &ranges[i + 1], (nr - i - 1) * sizeof(ranges[0]));
	nr--;
}

static bool same_kind(const struct memtype_range *a, const struct memtype_range *b)
{
	return a->mode == b->mode && a->owner == b->owner;
}

static int reserve_locked(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *owner)
{
	struct memtype_range r = {pfn, pfn + n, mode, owner};
	unsigned i = first_ending_after(pfn);
	bool join_prev, join_next;

	if (i < nr && ranges[i].start < r.end) {
		const struct memtype_range *h = &ranges[i];

		pr_err(
		    "memtype: frames 0x%x-0x%x are held as %s by %s; %s asked %s for 0x%x-0x%x\n",
		    MAX(h->start, pfn), MIN(h->end, r.end) - 1, cachemode_names[h->mode], h->owner,
		    owner, cachemode_names[mode], pfn, r.end - 1);
		return -EBUSY;
	}
	join_prev = i > 0 && ranges[i - 1].end == pfn && same_kind(&ranges[i - 1], &r);
	join_next = i < nr && ranges[i].start == r.end && same_kind(&ranges[i], &r);
	if (join_prev && join_next) {
		ranges[i - 1].end = ranges[i].end;
		remove_at(i);
	} else if (join_prev) {
		ranges[i - 1].end = r.end;
	} else if (join_next) {
		ranges[i].start = pfn;
	} else if (nr == MEMTYPE_RANGES_MAX) {
		pr_err("memtype: registry full (%u ranges): %s asked %s for 0x%x-0x%x\n",
		       MEMTYPE_RANGES_MAX, owner, cachemode_names[mode], pfn, r.end - 1);
		return -ENOSPC;
	} else {
		insert_at(i, r);
	}
	mirror(pfn, r.end, mode);
	return 0;
}

int memtype_reserve(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *owner)
{
	unsigned long flags;
	int ret;

	if (!n || mode == PCM_WB || mode >= PCM_NR || pfn + n < pfn)
		return -EINVAL;
	flags = spin_lock_irqsave(&memtype_lock);
	ret = reserve_locked(pfn, n, mode, owner);
	spin_unlock_irqrestore(&memtype_lock, flags);
	return ret;
}

/* Whether ranges from @i on cover [pfn, end) with no gap. */
static bool covered(unsigned i, pfn_t pfn, pfn_t end)
{
	for (; pfn < end; i++) {
		if (i >= nr || ranges[i].start > pfn)
			return false;
		pfn = ranges[i].end;
	}
	return true;
}

static int free_locked(pfn_t pfn, pfn_t end)
{
	unsigned i = first_ending_after(pfn);

	if (!covered(i, pfn, end)) {
		pr_err("memtype: free of 0x%x-0x%x: not all of it is reserved\n", pfn, end - 1);
		return -EINVAL;
	}
	/* Freeing the middle of one range leaves two: the only case that needs a slot. */
	if (ranges[i].start < pfn && ranges[i].end > end) {
		struct memtype_range tail = ranges[i];

		if (nr == MEMTYPE_RANGES_MAX) {
			pr_err("memtype: registry full (%u ranges): cannot free 0x%x-0x%x\n",
			       MEMTYPE_RANGES_MAX, pfn, end - 1);
			return -ENOSPC;
		}
		tail.start = end;
		ranges[i].end = pfn;
		insert_at(i + 1, tail);
		mirror(pfn, end, PCM_WB);
		return 0;
	}
	while (i < nr && ranges[i].start < end) {
		struct memtype_range *r = &ranges[i];

		if (r->start < pfn) {
			r->end = pfn; /* keeps its head */
			i++;
		} else if (r->end > end) {
			r->start = end; /* keeps its tail */
			break;
		} else {
			remove_at(i);
		}
	}
	mirror(pfn, end, PCM_WB);
	return 0;
}

int memtype_free(pfn_t pfn, u32 n)
{
	unsigned long flags;
	int ret;

	if (!n || pfn + n < pfn)
		return -EINVAL;
	flags = spin_lock_irqsave(&memtype_lock);
	ret = free_locked(pfn, pfn + n);
	spin_unlock_irqrestore(&memtype_lock, flags);
	return ret;
}

enum page_cache_mode memtype_lookup(pfn_t pfn, const char **owner)
{
	unsigned long flags;
	enum page_cache_mode mode = PCM_WB;
	const char *who = NULL;
	unsigned i;

	flags = spin_lock_irqsave(&memtype_lock);
	i = first_ending_after(pfn);
	if (i < nr && ranges[i].start <= pfn) {
		mode = ranges[i].mode;
		who = ranges[i].owner;
	}
	spin_unlock_irqrestore(&memtype_lock, flags);
	if (owner)
		*owner = who;
	return mode;
}

int memtype_check_map(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *who)
{
	unsigned long flags;
	pfn_t end = pfn + n, bad = end;
	enum page_cache_mode held = PCM_WB;
	const char *owner = "nobody";

	flags = spin_lock_irqsave(&memtype_lock);
	for (unsigned i = first_ending_after(pfn); pfn < end; pfn++) {
		enum page_cache_mode m = PCM_WB;

		while (i < nr && ranges[i].end <= pfn)
			i++;
		if (i < nr && ranges[i].start <= pfn)
			m = ranges[i].mode;
		if (m != mode) {
			bad = pfn;
			held = m;
			owner = m == PCM_WB ? "nobody" : ranges[i].owner;
			break;
		}
	}
	spin_unlock_irqrestore(&memtype_lock, flags);
	if (bad == end)
		return 0;
	pr_err("memtype: %s would map frame 0x%x as %s; it is %s (%s)\n", who, bad,
	       cachemode_names[mode], cachemode_names[held],
	       held == PCM_WB ? "not reserved" : owner);
	return -EBUSY;
}

unsigned memtype_ranges(void)
{
	return nr;
}
