/*
 * Reading firmware tables wherever they sit in physical memory: in RAM through kmap_local,
 * and above the last RAM frame (natively, ACPI's tables), where there is no struct page,
 * through a fixmap slot of their own, mapped read-only for the copy and cleared after it.
 */
#ifndef MM_FIRMWARE_MAP_H
#define MM_FIRMWARE_MAP_H

#include "guest/lib/types.h"

/* Copy @len bytes at physical @addr into @dst; false if it is above 4 GiB. */
bool read_phys(void *dst, u64 addr, u32 len);

#endif
