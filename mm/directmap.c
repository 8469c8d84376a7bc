#include "mm/directmap.h"
#include "mm/bootmem.h"
#include "mm/gfp.h"
#include "mm/pgtable.h"
#include "mm/tlbflush.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/lib/format.h"
#include "guest/lib/string.h"

/*
 * The first 2 MiB region holds the kernel's start, so a text boundary keeps it 4 KiB. That
 * also keeps the first MiB, which fixed-range MTRRs may split into several memory types,
 * out of any 2 MiB page (Linux leaves that region 4 KiB for the same reason).
 */
_Static_assert(KERNEL_PHYS_LOAD > 0 && KERNEL_PHYS_LOAD < PMD_SIZE,
	       "the kernel's start must stay inside the first 2 MiB region");

struct directmap_stats directmap_stats;

extern char _text[], _etext[], _rodata[], _erodata[];

/*
 * The table frame hooked at each kernel PMD slot while the tree is built. The tree is not
 * live yet (and under Xen not even mapped), so the build never reads it back.
 */
static pfn_t table_pfn[PTRS_PER_PMD];
/* Slots paging_init() maps with one 2 MiB entry each. */
static bool build_large[PTRS_PER_PMD];

/* Set before paging_init() to keep the map 4 KiB (directmap_force_4k()); NULL otherwise. */
static const char *forced_4k_why;
/* End of the direct map once paging_init() has built it; 0 before. */
static u32 directmap_end;
/*
 * The direct map's page sizes: frames mapped by 4 KiB entries, and 2 MiB entries. A split
 * moves 512 frames from the second to the first, a merge back; nothing else changes them.
 */
static u32 pages_4k, large_entries;
/*
 * Bit i set: kernel_pmd slot i was a 2 MiB entry that directmap_pte() split, and its page
 * table is still hooked there. Only these slots may merge back; the tables paging_init()
 * built stay, whatever their entries hold.
 */
static u32 split_slots[PTRS_PER_PMD / 32];

static bool slot_split(unsigned idx)
{
	return split_slots[idx / 32] & (1u << (idx % 32));
}

static void slot_mark(unsigned idx, bool split)
{
	if (split)
		split_slots[idx / 32] |= 1u << (idx % 32);
	else
		split_slots[idx / 32] &= ~(1u << (idx % 32));
}

u64 directmap_prot(pfn_t pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);

	if (pv_mmu->tables_readonly && pgtable_is_table_frame(pfn))
		return PAGE_KERNEL_RO;
	if (pa >= virt_to_phys(_text) && pa < virt_to_phys(_etext))
		return PAGE_KERNEL_RX;
	if (pa >= virt_to_phys(_rodata) && pa < virt_to_phys(_erodata))
		return PAGE_KERNEL_RO;
	return PAGE_KERNEL;
}

void directmap_force_4k(const char *why)
{
	if (directmap_end)
		panic("directmap_force_4k(%s) after paging_init: the direct map is built", why);
	forced_4k_why = why;
}

const char *directmap_4k_only_why(void)
{
	if (!pv_mmu->large_pages)
		return pv_mmu->large_pages_why ? pv_mmu->large_pages_why
					       : "the MMU backend has no 2 MiB pages";
	/* The map is planned before its table frames are allocated, so it could not keep
	 * those 4 KiB and read-only; no backend has both (Xen, the one with read-only
	 * tables, has no large pages). */
	if (pv_mmu->tables_readonly)
		return "the backend needs read-only page-table frames";
	return forced_4k_why;
}

u32 directmap_tables_for(u32 first, u32 last)
{
	return ((last & PMD_MASK) - (first & PMD_MASK)) / PMD_SIZE + 1;
}

/* Hook the next free table frames under every 2 MiB region of [first, last] (inclusive). */
static void hook_tables(u32 first, u32 last, pfn_t *next)
{
	for (u32 v = first & PMD_MASK;; v += PMD_SIZE) {
		unsigned idx = pmd_index(v);

		if (!table_pfn[idx]) {
			table_pfn[idx] = (*next)++;
			pv_set_pmd(&kernel_pmd[idx], pmd_make_table(table_pfn[idx]));
			directmap_stats.page_tables++;
		}
		if (v == (last & PMD_MASK))
			break; /* the fixmap ends at 4 GiB, where u32 wraps */
	}
}

static pte_t *build_pte(u32 vaddr)
{
	return (pte_t *)phys_to_virt(PFN_PHYS(table_pfn[pmd_index(vaddr)])) + pte_index(vaddr);
}

static pfn_t directmap_pfn(u32 vaddr)
{
	return (vaddr - PAGE_OFFSET) >> PAGE_SHIFT;
}

/* Whether the 2 MiB region from frame @first (a multiple of 512) is all lowmem, one
 * protection throughout. */
static bool region_uniform(pfn_t first, pfn_t max_low_pfn)
{
	u64 prot = directmap_prot(first);

	if (first + PTRS_PER_PTE > max_low_pfn)
		return false;
	for (pfn_t pfn = first + 1; pfn < first + PTRS_PER_PTE; pfn++)
		if (directmap_prot(pfn) != prot)
			return false;
	return true;
}

void paging_init(const struct mm_layout *l)
{
	u32 pkmap_last = l->pkmap_base + LAST_PKMAP * PAGE_SIZE - 1;
	bool large = !directmap_4k_only_why();
	u32 nr_large = 0, tables;
	struct pv_counts before, d;
	pfn_t first, next;

	for (u32 v = PAGE_OFFSET; v < l->high_memory; v += PMD_SIZE) {
		build_large[pmd_index(v)] =
		    large && region_uniform(directmap_pfn(v), l->max_low_pfn);
		nr_large += build_large[pmd_index(v)];
	}
	tables = directmap_tables_for(PAGE_OFFSET, l->high_memory - 1) - nr_large +
		 directmap_tables_for(l->pkmap_base, pkmap_last) +
		 directmap_tables_for(l->fixaddr_start, l->fixaddr_top);

	pv_counts_snapshot(&before);
	/* PDPT, the kernel's page directory, then the page tables: one run of frames. */
	first = bootmem_alloc_pages(2 + tables);
	pgtable_note_table_frames(first, 2 + tables);
	kernel_pud_pfn = first;
	kernel_pmd_pfn = first + 1;
	kernel_pud = phys_to_virt(PFN_PHYS(kernel_pud_pfn));
	kernel_pmd = phys_to_virt(PFN_PHYS(kernel_pmd_pfn));
	next = first + 2;

	pv_lazy_enter();
	for (pfn_t pfn = first; pfn < first + 2 + tables; pfn++)
		pv_alloc_table(pfn);
	/* Slots 0-2 (user space) stay empty: that drops the boot identity map. */
	pv_set_pud(&kernel_pud[pud_index(PAGE_OFFSET)], pud_make_table(first + 1));
	for (u32 v = PAGE_OFFSET; v < l->high_memory; v += PMD_SIZE) {
		unsigned idx = pmd_index(v);

		if (build_large[idx]) {
			pv_set_pmd(
			    &kernel_pmd[idx],
			    pmd_make_large(directmap_pfn(v), directmap_prot(directmap_pfn(v))));
			directmap_stats.large_entries++;
		} else {
			hook_tables(v, v, &next);
		}
	}
	for (pfn_t pfn = 0; pfn < l->max_low_pfn; pfn++) {
		u32 v = PAGE_OFFSET + (pfn << PAGE_SHIFT);

		if (!build_large[pmd_index(v)])
			pv_set_pte(build_pte(v), pfn_pte(pfn, directmap_prot(pfn)));
	}
	hook_tables(l->pkmap_base, pkmap_last, &next);
	hook_tables(l->fixaddr_start, l->fixaddr_top, &next);
	pv_lazy_leave();

	pv_pin_table(kernel_pud_pfn);
	pv_load_cr3(kernel_pud_pfn);
	pv_flush_tlb_all();
	pv_counts_since(&before, &d);
	memcpy(directmap_stats.ops, d.op, sizeof(directmap_stats.ops));
	directmap_end = l->high_memory;
	large_entries = nr_large;
	pages_4k = l->max_low_pfn - nr_large * PTRS_PER_PTE;
}

bool directmap_is_large(u32 va)
{
	return va >= PAGE_OFFSET && va < directmap_end && lookup_large(va, NULL);
}

/*
 * Replace the 2 MiB entry at @pmdp with a page table whose 512 entries map the same frames
 * with the same attributes, so that one of them can change. The table is written through
 * the direct map (where the new page is writable) before it is hooked, and the flush drops
 * the 2 MiB translation everywhere; until then a CPU may hold both sizes, which is allowed
 * while their attributes agree. Returns false, the map unchanged, if no page was free.
 */
static bool split_large(pmd_t *pmdp)
{
	struct page *page = alloc_page(GFP_KERNEL);
	pmd_t large = *pmdp;
	pfn_t first = pmd_large_pfn(large);
	u64 prot = pmd_large_prot(large);
	pte_t *ptes;

	if (!page)
		return false;
	ptes = page_address(page);
	pv_alloc_table(page_to_pfn(page));
	for (unsigned i = 0; i < PTRS_PER_PTE; i++)
		pv_set_pte(&ptes[i], pfn_pte(first + i, prot));
	pv_set_pmd(pmdp, pmd_make_table(page_to_pfn(page)));
	flush_tlb_kernel_all();
	pv_count_kernel_event(PV_EV_SPLITS);
	slot_mark((unsigned)(pmdp - kernel_pmd), true);
	large_entries--;
	pages_4k += PTRS_PER_PTE;
	return true;
}

pte_t *directmap_pte(u32 va)
{
	pmd_t *pmdp;

	if (va < PAGE_OFFSET || va >= directmap_end)
		return NULL;
	if (lookup_large(va, &pmdp) && !split_large(pmdp))
		return NULL;
	return lookup_pte(va);
}

#define PTE_AD (_PAGE_ACCESSED | _PAGE_DIRTY)

/*
 * Whether the 512 entries at @ptes could be one 2 MiB entry: all present, mapping
 * contiguous frames from a 2 MiB-aligned one, with one set of bits apart from Accessed and
 * Dirty (which the CPU sets on its own). If so, *@prot is that set in the 4 KiB format, with
 * Accessed and Dirty where any entry had them.
 */
static bool mergeable(const pte_t *ptes, u64 *prot)
{
	pte_t e0 = ptes[0];
	u64 frame0 = e0.val & PTE_FRAME_MASK, attrs = pte_prot(e0) & ~PTE_AD, ad = 0;

	if (!pte_present(e0) || (frame0 & ~PMD_LARGE_FRAME_MASK))
		return false;
	for (unsigned i = 0; i < PTRS_PER_PTE; i++) {
		pte_t e = ptes[i];

		if ((e.val & PTE_FRAME_MASK) != frame0 + (u64)i * PAGE_SIZE ||
		    (pte_prot(e) & ~PTE_AD) != attrs)
			return false;
		ad |= pte_prot(e) & PTE_AD;
	}
	*prot = attrs | ad;
	return true;
}

/*
 * Make split slot @idx one 2 MiB entry again if its entries allow. The table is freed only
 * after the flush: until then another CPU's walk may still read it. (Natively a freed table
 * is an ordinary page; a backend with read-only tables would have to release it first, but
 * such a backend never splits, having no large pages.)
 */
static void merge_slot(unsigned idx)
{
	pmd_t *pmdp = &kernel_pmd[idx];
	pfn_t table = pmd_pfn(*pmdp);
	const pte_t *ptes = phys_to_virt(PFN_PHYS(table));
	u64 prot;

	if (!mergeable(ptes, &prot))
		return;
	pv_set_pmd(pmdp, pmd_make_large(pte_pfn(ptes[0]), prot));
	flush_tlb_kernel_all();
	pv_count_kernel_event(PV_EV_MERGES);
	slot_mark(idx, false);
	large_entries++;
	pages_4k -= PTRS_PER_PTE;
	__free_pages(pfn_to_page(table), 0);
}

void directmap_try_merge(u32 va, u32 n)
{
	u64 end = (u64)va + (u64)n * PAGE_SIZE;

	if (va < PAGE_OFFSET)
		va = PAGE_OFFSET;
	if (end > directmap_end)
		end = directmap_end;
	for (u64 v = va & PMD_MASK; v < end; v += PMD_SIZE)
		if (slot_split(pmd_index((u32)v)))
			merge_slot(pmd_index((u32)v));
}

void directmap_sizes(u64 *bytes_4k, u64 *bytes_2m)
{
	*bytes_4k = (u64)pages_4k * PAGE_SIZE;
	*bytes_2m = (u64)large_entries * PMD_SIZE;
}

/* @bytes as "12 MiB", or in KiB when it is not whole MiB. */
static const char *size_str(char *buf, size_t n, u64 bytes)
{
	if (bytes % MiB(1))
		snprintf(buf, n, "%llu KiB", bytes >> 10);
	else
		snprintf(buf, n, "%llu MiB", bytes >> 20);
	return buf;
}

void directmap_print(void)
{
	const char *why = directmap_4k_only_why();
	char s4k[24], s2m[24];
	u64 b4k, b2m;

	directmap_sizes(&b4k, &b2m);
	if (why)
		cprintf("  direct map : %s in 4 KiB pages only: %s\n",
			size_str(s4k, sizeof(s4k), b4k), why);
	else
		cprintf("  direct map : %s in 4 KiB pages, %s in 2 MiB pages (DirectMap4k/2M)\n",
			size_str(s4k, sizeof(s4k), b4k), size_str(s2m, sizeof(s2m), b2m));
}
