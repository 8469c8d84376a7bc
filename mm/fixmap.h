/*
 * Fixed virtual addresses at the top of the kernel's space, counted down from FIXADDR_TOP
 * (which the hypervisor hole moves under Xen). Each kmap_atomic slot is one index; with guard
 * slots on, every other index stays unmapped so an overrun faults.
 */
#ifndef MM_FIXMAP_H
#define MM_FIXMAP_H

#include "guest/x86/percpu.h"
#include "pv/pte.h"

/* Nesting depth of kmap_atomic/kmap_local per CPU (Linux's KM_MAX_IDX). */
#define KM_MAX_IDX 16
/* Slots per CPU: each usable slot is followed by an unmapped guard slot. */
#define KM_SLOTS_PER_CPU (2 * KM_MAX_IDX)

enum fixed_addresses {
	FIX_HOLE, /* FIXADDR_TOP itself stays unmapped */
	FIX_KMAP_BEGIN,
	FIX_KMAP_END = FIX_KMAP_BEGIN + KM_SLOTS_PER_CPU * NR_CPUS - 1,
	FIX_SCRATCH,	 /* for tests that need a mapping they own */
	FIX_SHARED_INFO, /* Xen's shared_info page, under PV */
	FIX_FIRMWARE,	 /* a firmware frame read in passing (mm/firmware_map.c) */
	FIX_LAPIC,	 /* natively, the local APIC's registers (uncached; every CPU its own) */
	FIX_CACHE_PROBE, /* under Xen, the boot's one probe of the cache bits (pv/xen/pat.c) */
	FIX_CACHE_FLUSH, /* a frame with no kernel mapping, while set_memory flushes its lines */
	NR_FIXMAPS
};

#define FIXADDR_SIZE ((u32)NR_FIXMAPS << PAGE_SHIFT)

/* The kmap fast path finds every slot's entry from slot 0's: the fixmap is one page table. */
_Static_assert(NR_FIXMAPS <= PTRS_PER_PTE, "the fixmap must fit in one page table");

#endif
