/*
 * Self-tests of memory types (pv/pat.h) on either backend: the encodings, every CPU's PAT,
 * mappings of each type the backend accepts, and what the backend found at boot and at what
 * cost (natively CPUID and the MSR; under Xen one probing hypercall).
 */
#include "guest/x86/cpu.h"
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "guest/lib/string.h"
#include "guest/smp.h"
#include "mm/fixmap.h"
#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/pgtable.h"

#define CPUID_1_EDX_PAT (1u << 16)

static bool native(void)
{
	return pv_mmu->kind == PV_BACKEND_NATIVE;
}

/* A mode's PTE bits select it back; the mode is its PAT index, and PA6/PA7 are UC. */
static void cachemode_bits_round_trip_for_every_mode(struct ktest *t)
{
	static const u64 kernel_typed[PCM_NR] = {
	    [PCM_WB] = PAGE_KERNEL,
	    [PCM_WT] = PAGE_KERNEL_WT,
	    [PCM_UC_MINUS] = PAGE_KERNEL_UC_MINUS,
	    [PCM_UC] = PAGE_KERNEL_UC,
	    [PCM_WC] = PAGE_KERNEL_WC,
	    [PCM_WP] = PAGE_KERNEL_WP,
	};

	for (unsigned m = 0; m < PCM_NR; m++) {
		u64 bits = cachemode_pte_bits(m);

		KT_EXPECT_EQ(t, pte_bits_cachemode(bits), m);
		KT_EXPECT_EQ(t, bits & ~_PAGE_CACHE_MASK, 0);
		KT_EXPECT_EQ(t, pgprot_cachemode(PAGE_KERNEL, m), kernel_typed[m]);
		KT_EXPECT_EQ(t, pgprot_cachemode(kernel_typed[m], PCM_WB), PAGE_KERNEL);
		/* Index m of the layout holds mode m's type. */
		KT_EXPECT_EQ(t, pat_type_cachemode((PAT_LAYOUT >> (8 * m)) & 0xff), m);
	}
	KT_EXPECT_EQ(t, pte_bits_cachemode(_PAGE_PAT | _PAGE_PCD), PCM_UC);
	KT_EXPECT_EQ(t, pte_bits_cachemode(_PAGE_PAT | _PAGE_PCD | _PAGE_PWT), PCM_UC);
	KT_EXPECT_EQ(t, pat_type_cachemode(2), PCM_NR); /* reserved encodings name no mode */
}

/* 4 KiB <-> 2 MiB: PAT moves between bit 7 and bit 12, bit 7 becomes PSE and back. */
static void large_and_4k_protections_convert_both_ways(struct ktest *t)
{
	for (unsigned m = 0; m < PCM_NR; m++) {
		u64 small = pgprot_cachemode(PAGE_KERNEL, m), large = pgprot_4k_to_large(small);

		KT_EXPECT(t, large & _PAGE_PSE);
		KT_EXPECT_EQ(t, !!(large & _PAGE_PAT_LARGE), !!(m & 4));
		KT_EXPECT_EQ(t, large & (_PAGE_PCD | _PAGE_PWT), small & (_PAGE_PCD | _PAGE_PWT));
		KT_EXPECT_EQ(t, pgprot_large_to_4k(large), small);
		KT_EXPECT_EQ(t, pgprot_4k_to_large(pgprot_large_to_4k(large)), large);
		KT_EXPECT_EQ(t, pgprot_large_to_4k(large) & _PAGE_PSE, small & _PAGE_PSE);
	}
}

/* Each CPU's IA32_PAT and probe_rdmsr()'s result, written only by that CPU. */
static u64 seen_pat[NR_CPUS];
static int seen_pat_rc[NR_CPUS];

static void read_pat(void *unused)
{
	unsigned cpu = smp_processor_id();

	(void)unused;
	seen_pat[cpu] = 0;
	seen_pat_rc[cpu] = probe_rdmsr(MSR_IA32_PAT, &seen_pat[cpu]);
}

/* Natively each CPU programmed its own; under Xen each vCPU reads Xen's. */
static void every_cpu_pat_is_xen_pv_layout(struct ktest *t)
{
	cpumask_t others = cpu_others_mask();

	if (native() && !(pv_mmu->cache_modes & PCM_BIT(PCM_WC))) {
		ktest_skip(t, pv_mmu->cache_modes_why);
		return;
	}
	read_pat(NULL);
	if (!native() && seen_pat_rc[smp_processor_id()]) {
		ktest_skip(t, "Xen does not emulate rdmsr(IA32_PAT)");
		return;
	}
	smp_call_function_many(&others, read_pat, NULL);
	for_each_online_cpu(cpu)
	{
		ktest_check(t, seen_pat_rc[cpu] == 0, __FILE__, __LINE__,
			    "cpu %u: rdmsr(IA32_PAT) faulted", cpu);
		ktest_check(t, seen_pat[cpu] == PAT_LAYOUT, __FILE__, __LINE__,
			    "cpu %u: IA32_PAT 0x%016llx, expected 0x%016llx", cpu, seen_pat[cpu],
			    PAT_LAYOUT);
	}
	kt_info("IA32_PAT 0x%016llx on %u CPU%s", PAT_LAYOUT, nr_cpus_online,
		nr_cpus_online == 1 ? "" : "s");
}

/* A locked operation drains this CPU's write-combining buffers (SDM vol. 3 11.3.1). */
static void drain_wc_buffers(void)
{
	u32 dummy = 0;

	__asm__ volatile("lock; addl $0, %0" : "+m"(dummy) : : "memory");
}

/*
 * Each accepted type at FIX_SCRATCH through the operations table: the entry carries the
 * type's bits, the page reads back what was written through that mapping, and each map and
 * unmap is one flushing set. A page with no other mapping (highmem) takes every type; a
 * lowmem page has the direct map's WB alias, which a WC or UC mapping must not have (SDM
 * vol. 3 11.12.4), so it takes WB only.
 */
static void each_accepted_type_maps_and_reads_back(struct ktest *t)
{
	u32 va = fix_to_virt(FIX_SCRATCH);
	pte_t *ptep = lookup_pte(va);
	struct page *page = alloc_page(GFP_HIGHMEM);
	struct pv_counts s, d;
	unsigned mapped = 0;
	bool high;
	u32 modes;

	if (!KT_EXPECT(t, ptep && page))
		return;
	high = page_to_pfn(page) >= mm_layout.max_low_pfn;
	modes = high ? pv_mmu->cache_modes : PCM_BIT(PCM_WB);
	pv_counts_snapshot(&s);
	for (unsigned m = 0; m < PCM_NR; m++) {
		volatile u32 *p = (volatile u32 *)(uintptr_t)va;
		u32 v = 0;

		if (!(modes & PCM_BIT(m)))
			continue;
		pv_set_pte_va(va, ptep,
			      pfn_pte(page_to_pfn(page), pgprot_cachemode(PAGE_KERNEL, m)), true);
		KT_EXPECT_EQ(t, pte_bits_cachemode(ptep->val), m);
		KT_EXPECT_EQ(t, ptep->val & _PAGE_CACHE_MASK, cachemode_pte_bits(m));
		KT_EXPECT_EQ(t, pte_pfn(*ptep), page_to_pfn(page));
		p[1] = 0xca5e0000 + m;
		drain_wc_buffers();
		KT_EXPECT_EQ(t, probe_read_u32((const void *)&p[1], &v), 0);
		ktest_check(t, v == 0xca5e0000 + m, __FILE__, __LINE__,
			    "%s mapping reads 0x%08x, wrote 0x%08x", cachemode_names[m], v,
			    0xca5e0000 + m);
		pv_set_pte_va(va, ptep, (pte_t){0}, true);
		mapped++;
	}
	pv_counts_since(&s, &d);
	KT_EXPECT_EQ(t, d.op[PV_SET_PTE_VA], 2 * mapped);
	KT_EXPECT_EQ(t, d.op[PV_FLUSH_ONE], 2 * mapped);
	KT_EXPECT_EQ(t, ptep->val, 0);
	kt_info("%u type%s mapped (%s page, backend accepts 0x%x)", mapped, mapped == 1 ? "" : "s",
		high ? "highmem" : "lowmem", pv_mmu->cache_modes);
	__free_pages(page, 0);
}

/*
 * What each backend accepts: natively every type with PAT, PCD/PWT's four without; under Xen
 * WB only, since the test hosts' domains have no device access. Not WB only without a why.
 */
static void backend_accepts_the_types_it_reports(struct ktest *t)
{
	u32 a, b, c, d;

	KT_EXPECT(t, pv_mmu->cache_modes & PCM_BIT(PCM_WB));
	KT_EXPECT_EQ(t, pv_mmu->cache_modes & ~PCM_ALL, 0);
	KT_EXPECT_EQ(t, pv_mmu->cache_modes == PCM_ALL, pv_mmu->cache_modes_why == NULL);
	if (native()) {
		cpuid(1, 0, &a, &b, &c, &d);
		KT_EXPECT_EQ(t, pv_mmu->cache_modes,
			     d & CPUID_1_EDX_PAT ? PCM_ALL
						 : PCM_BIT(PCM_WB) | PCM_BIT(PCM_WT) |
						       PCM_BIT(PCM_UC_MINUS) | PCM_BIT(PCM_UC));
		KT_EXPECT(t, pv_mmu->cache_modes_probe_cost == NULL);
	} else {
		KT_EXPECT_EQ(t, pv_mmu->cache_modes, PCM_BIT(PCM_WB));
		KT_EXPECT(t, pv_mmu->cache_modes_why &&
				 strstr(pv_mmu->cache_modes_why, "Xen refuses cache attributes") &&
				 strstr(pv_mmu->cache_modes_why, "-EINVAL"));
	}
	if (pv_mmu->cache_modes_why)
		kt_info("not every type: %s", pv_mmu->cache_modes_why);
}

/*
 * Xen's answer cost one update_va_mapping, refused, and nothing else: no operation of the
 * table, no page update, no flush (the refused entry never existed). The probe's entry is
 * empty afterwards on either backend.
 */
static void xen_probe_cost_one_refused_update_va_mapping(struct ktest *t)
{
	const struct pv_counts *cost = pv_mmu->cache_modes_probe_cost;

	KT_EXPECT_EQ(t, lookup_pte(fix_to_virt(FIX_CACHE_PROBE))->val, 0);
	if (native()) {
		ktest_skip(t, "natively CPUID says, no probe");
		return;
	}
	if (!KT_EXPECT(t, cost != NULL))
		return;
	for (unsigned op = 0; op < PV_OP_NR; op++)
		ktest_check(t, cost->op[op] == 0, __FILE__, __LINE__, "%s: %llu operations",
			    pv_op_names[op], cost->op[op]);
	for (unsigned ev = 0; ev < PV_EV_NR; ev++)
		ktest_check(t, cost->ev[ev] == (ev == PV_EV_UPDATE_VA_MAPPING), __FILE__, __LINE__,
			    "%s: %llu, expected %u", pv_event_names[ev], cost->ev[ev],
			    ev == PV_EV_UPDATE_VA_MAPPING);
}

KTEST_SUITE(pat, KTEST_CASE(cachemode_bits_round_trip_for_every_mode),
	    KTEST_CASE(large_and_4k_protections_convert_both_ways),
	    KTEST_CASE(every_cpu_pat_is_xen_pv_layout),
	    KTEST_CASE(each_accepted_type_maps_and_reads_back),
	    KTEST_CASE(backend_accepts_the_types_it_reports),
	    KTEST_CASE(xen_probe_cost_one_refused_update_va_mapping));
