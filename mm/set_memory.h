/*
 * Attributes of kernel mappings (Linux's set_memory_* and kernel_map_pages).
 *
 * set_memory_* take @n pages from @vaddr, a page-aligned direct-map or vmap address, and
 * change every mapping the kernel has of those frames: the direct map (a 2 MiB entry is split
 * first), vmap aliases, pkmap slots and every CPU's kmap_atomic/kmap_local slots (another
 * CPU's by that CPU, in an IPI, when it holds one of the frames). A memory
 * type goes through the registry (mm/memtype.h) first: a frame takes a type other than WB
 * only while it is WB and goes back only by set_memory_wb, so no call can leave two mappings
 * of a frame with different types. Each returns 0 or a negative error after one line naming
 * the call, the frames and the reason, with nothing changed; each issues one shootdown
 * (flush_tlb_kernel_page when one entry changed, else flush_tlb_kernel_all), and none may be
 * called from interrupts.
 */
#ifndef MM_SET_MEMORY_H
#define MM_SET_MEMORY_H

#include "mm/page.h"
#include "pv/pat.h"

/* Make the frames @mode (reserving them in the registry as "set_memory"). -EOPNOTSUPP when
 * the backend refuses @mode (Xen PV without device access: WB only), -EBUSY when a frame is
 * reserved already, -EINVAL for an address outside the direct map and the vmalloc area. */
int set_memory_uc(u32 vaddr, u32 n);
int set_memory_wc(u32 vaddr, u32 n);
int set_memory_wt(u32 vaddr, u32 n);
/* Give the frames back to WB (-EINVAL, one line, unless every frame is reserved). */
int set_memory_wb(u32 vaddr, u32 n);
/*
 * set_memory_type by frame, Linux's set_pages_*: the @n frames from @page, lowmem or
 * highmem, in every mapping the kernel has of them (a highmem frame that nothing maps costs
 * no entry and no flush), reserved for @owner. What a pool of typed pages calls on frames
 * it owns; the same errors as set_memory_type, -EINVAL for frames past mem_map.
 */
int set_pages_type(struct page *page, u32 n, enum page_cache_mode mode, const char *owner);
/* Read-only / writable in every mapping (the type is left as it is). */
int set_memory_ro(u32 vaddr, u32 n);
int set_memory_rw(u32 vaddr, u32 n);
/* No mapping of the frames is left: the direct map's entries cleared (pages marked as
 * kernel_map_pages(.., 0) marks them) and every alias cleared. */
int set_memory_np(u32 vaddr, u32 n);
/* The general form: @mode one of enum page_cache_mode, for tests that walk every type. */
int set_memory_type(u32 vaddr, u32 n, enum page_cache_mode mode);

/*
 * Remove (@enable false) or restore the direct-map entries of @n lowmem pages from @page
 * (highmem pages have none: ignored, as Linux does). A removed page is marked PG_unmapped:
 * page_address() returns NULL for it and kmap, kmap_atomic and kmap_local_page map it through
 * a slot like a highmem page, with its registered type. Removing costs one pte_clear per page
 * and one shootdown; restoring one set_pte per page (a not-present entry is never cached) and
 * may merge a 2 MiB range back. Pages already in the wanted state are left alone. Under Xen it
 * works in every pvmmu strategy (it only unmaps and maps WB).
 */
void kernel_map_pages(struct page *page, u32 n, bool enable);

#endif
