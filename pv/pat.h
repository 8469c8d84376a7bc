/*
 * Memory types (cache modes) and their PTE encodings. Both backends use one PAT layout, Xen's
 * fixed PV ABI (XEN_MSR_PAT in Xen's asm/processor.h, not in the public headers):
 *
 *   PA0 WB   PA1 WT   PA2 UC-   PA3 UC   PA4 WC   PA5 WP   PA6 UC   PA7 UC
 *
 * The native backend programs IA32_PAT with it; under Xen the guest reads the MSR (Xen
 * returns its value) and checks it. So a mode's PAT index is the mode itself, and one entry
 * means the same type on either backend. The index is 4*PAT + 2*PCD + PWT (SDM vol. 3
 * 11.12.3); PAT is bit 7 of an entry mapping 4 KiB and bit 12 of one mapping 2 MiB, where
 * bit 7 is PSE.
 */
#ifndef PV_PAT_H
#define PV_PAT_H

#include "pv/pte.h"

enum page_cache_mode { PCM_WB, PCM_WT, PCM_UC_MINUS, PCM_UC, PCM_WC, PCM_WP, PCM_NR };

/* One bit per mode, for the backend's set of accepted modes (pv_mmu->cache_modes). */
#define PCM_BIT(m) (1u << (m))
#define PCM_ALL (PCM_BIT(PCM_NR) - 1)

#define _PAGE_PAT (1ull << 7)	     /* in an entry that maps 4 KiB */
#define _PAGE_PAT_LARGE (1ull << 12) /* in an L2 entry that maps 2 MiB */
#define _PAGE_CACHE_MASK (_PAGE_PAT | _PAGE_PCD | _PAGE_PWT)
#define _PAGE_CACHE_MASK_LARGE (_PAGE_PAT_LARGE | _PAGE_PCD | _PAGE_PWT)

/* IA32_PAT's encodings (SDM vol. 3 table 11-10) and the layout above as the MSR's value. */
#define PAT_TYPE_UC 0x00ull
#define PAT_TYPE_WC 0x01ull
#define PAT_TYPE_WT 0x04ull
#define PAT_TYPE_WP 0x05ull
#define PAT_TYPE_WB 0x06ull
#define PAT_TYPE_UC_MINUS 0x07ull
#define PAT_LAYOUT                                                                                 \
	(PAT_TYPE_WB | PAT_TYPE_WT << 8 | PAT_TYPE_UC_MINUS << 16 | PAT_TYPE_UC << 24 |            \
	 PAT_TYPE_WC << 32 | PAT_TYPE_WP << 40 | PAT_TYPE_UC << 48 | PAT_TYPE_UC << 56)
#define MSR_IA32_PAT 0x277

/* The bits of a 4 KiB entry that select @mode. */
static inline u64 cachemode_pte_bits(enum page_cache_mode mode)
{
	return (mode & 1 ? _PAGE_PWT : 0) | (mode & 2 ? _PAGE_PCD : 0) | (mode & 4 ? _PAGE_PAT : 0);
}

/* The mode a 4 KiB entry's bits select (PA6 and PA7 are UC). */
static inline enum page_cache_mode pte_bits_cachemode(u64 val)
{
	unsigned idx =
	    (val & _PAGE_PWT ? 1 : 0) | (val & _PAGE_PCD ? 2 : 0) | (val & _PAGE_PAT ? 4 : 0);

	return idx < PCM_NR ? (enum page_cache_mode)idx : PCM_UC;
}

/* @prot with its cache mode replaced by @mode: the one way a protection gets a type. */
static inline u64 pgprot_cachemode(u64 prot, enum page_cache_mode mode)
{
	return (prot & ~_PAGE_CACHE_MASK) | cachemode_pte_bits(mode);
}

/* Converting between 4 KiB and 2 MiB entries moves the PAT bit (Linux's pgprot_*_2_*). */
static inline u64 pgprot_large_to_4k(u64 val)
{
	return (val & ~(_PAGE_PAT_LARGE | _PAGE_PSE)) | (val & _PAGE_PAT_LARGE ? _PAGE_PAT : 0);
}

static inline u64 pgprot_4k_to_large(u64 val)
{
	return (val & ~_PAGE_PAT) | (val & _PAGE_PAT ? _PAGE_PAT_LARGE : 0) | _PAGE_PSE;
}

/* Kernel protections with a memory type; PAGE_KERNEL (pv/pte.h) is WB. */
#define PAGE_KERNEL_WT (PAGE_KERNEL | _PAGE_PWT)
#define PAGE_KERNEL_UC_MINUS (PAGE_KERNEL | _PAGE_PCD)
#define PAGE_KERNEL_UC (PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)
#define PAGE_KERNEL_WC (PAGE_KERNEL | _PAGE_PAT)
#define PAGE_KERNEL_WP (PAGE_KERNEL | _PAGE_PAT | _PAGE_PWT)

extern const char *const cachemode_names[PCM_NR];

/* The mode IA32_PAT's one-byte encoding @type selects; PCM_NR for a reserved encoding. */
enum page_cache_mode pat_type_cachemode(u64 type);

/*
 * Write @pat's eight entries PA0..PA7 into @buf as names, "WB WT UC- UC WC WP UC UC" for
 * PAT_LAYOUT; a reserved encoding shows as its value ("0x2?"). Cut to fit @size (at least 1).
 */
void pat_describe(u64 pat, char *buf, size_t size);

#endif
