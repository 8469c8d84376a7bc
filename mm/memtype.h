/*
 * The memory-type registry: which frames are reserved as a type other than WB, and by whom
 * (Linux's memtype_reserve/memtype_free, with its RAM rule: a frame takes a new type only
 * while it is WB). Every frame not in the registry is WB. A mapping the kernel creates of a
 * registered frame must carry the registered type: two mappings of a frame with different
 * types are an illegal alias (SDM vol. 3 11.12.4), which is what this refuses.
 *
 * The registry is a sorted array of ranges; RAM frames (those with a struct page) also carry
 * their type in page->flags, which is what kmap reads on its fast path.
 */
#ifndef MM_MEMTYPE_H
#define MM_MEMTYPE_H

#include "mm/page.h"
#include "pv/pat.h"

#define MEMTYPE_RANGES_MAX 256

/*
 * Reserve frames [@pfn, @pfn + @n) as @mode (not WB) for @owner (a string that outlives the
 * reservation). Returns 0; -EBUSY with one line naming the frames, the type held and its
 * owner and the type asked if any frame is already reserved; -ENOSPC when the registry is
 * full; -EINVAL for WB or n == 0. Nothing changes on failure.
 */
int memtype_reserve(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *owner);
/* Give frames [@pfn, @pfn + @n) back to WB. -EINVAL (one line) if any is not reserved. */
int memtype_free(pfn_t pfn, u32 n);
/* @pfn's registered type (WB when unregistered); its owner through @owner if not NULL. */
enum page_cache_mode memtype_lookup(pfn_t pfn, const char **owner);
/*
 * May @who map frames [@pfn, @pfn + @n) as @mode? 0 if every frame is registered as @mode
 * (unregistered counts as WB), else -EBUSY with one line naming the first frame that is
 * not, its type and owner, and the type asked.
 */
int memtype_check_map(pfn_t pfn, u32 n, enum page_cache_mode mode, const char *who);
/* Ranges in the registry now (for reports and tests). */
unsigned memtype_ranges(void);

#endif
