/*
 * The physical memory map: the firmware's entries validated into sorted, non-overlapping,
 * page-aligned RAM ranges, plus the ranges that must never reach the allocator (below 1 MiB,
 * the kernel image, boot modules, boot allocations). Host-testable: no hardware access.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "guest/lib/types.h"

#define MEMMAP_MAX 64
#define MEM_TYPE_RAM 1 /* the E820/multiboot "available" type; anything else is reserved */
/* PAE's physical address limit: 36 bits. */
#define PHYS_LIMIT GiB(64)

/* One firmware entry as the loader reported it; nothing about it is trusted. */
struct firmware_entry {
	u64 base, len;
	u32 type;
};

/* A half-open byte range [start, end). */
struct mem_range {
	u64 start, end;
};

struct memmap {
	struct mem_range ram[MEMMAP_MAX]; /* sorted, disjoint, page-aligned */
	unsigned nr_ram;
	struct mem_range reserved[MEMMAP_MAX]; /* sorted, merged */
	unsigned nr_reserved;
	unsigned rejected; /* firmware entries refused */
};

void memmap_init(struct memmap *m);
/*
 * Validate @n firmware entries and add the usable RAM below @mem_limit (0 = no limit).
 * Empty, wrapping, out-of-range and RAM-overlapping entries are refused with a message and
 * counted in m->rejected; returns the number refused by this call.
 */
unsigned memmap_add_firmware(struct memmap *m, const struct firmware_entry *e, unsigned n,
			     u64 mem_limit);
/* Keep [start, end) (rounded out to pages) away from the allocator. Panics if the table is full. */
void memmap_reserve(struct memmap *m, u64 start, u64 end);
/* RAM minus reserved, as page-aligned byte ranges, into @out (at most @max); returns the count. */
unsigned memmap_free_ranges(const struct memmap *m, struct mem_range *out, unsigned max);
/* One past the highest RAM page frame. */
pfn_t memmap_max_pfn(const struct memmap *m);
/* RAM pages in [start_pfn, end_pfn). */
u64 memmap_ram_pages(const struct memmap *m, pfn_t start_pfn, pfn_t end_pfn);
/* Is page frame @pfn RAM? */
bool memmap_is_ram(const struct memmap *m, pfn_t pfn);
void memmap_print(const struct memmap *m);

#endif
