/*
 * Memory types under Xen PV. The guest cannot program IA32_PAT: Xen keeps its own, and its
 * PV ABI fixes the value (pv/pat.h's PAT_LAYOUT), which a PV guest's rdmsr returns since
 * Xen 4.15. Whether an L1 entry may carry PAT, PCD or PWT is Xen's decision per domain: only
 * a domain with device access (iomem, ioports or passed-through PCI) may; in any other,
 * Xen refuses every such entry with -EINVAL ("Bad L1 flags" in its log) on every path that
 * installs one. One probing update finds out which kind of domain this is.
 */
#include "pv/xen/hypercall.h"
#include "pv/xen/multicall.h"
#include "pv/ops.h"
#include "guest/lib/format.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/x86/extable.h"
#include "mm/fixmap.h"
#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/pgtable.h"
#include <xen/errno.h>

/* What the probe cost (zero ops; one update_va_mapping, two when Xen takes the entry). */
static struct pv_counts probe_cost;
static char why[160];

/*
 * Map a frame of our own UC at FIX_CACHE_PROBE, never touching it through that mapping, and
 * take the entry out again if Xen took it. The index is unused until then, so no TLB entry
 * can be stale: the probe itself needs no flush. Returns Xen's answer to the first update;
 * panics if there is no page to probe with (at boot, that is no memory at all).
 */
static long probe_uc_entry(u64 *pte)
{
	u32 va = fix_to_virt(FIX_CACHE_PROBE);
	struct page *page = alloc_page(GFP_KERNEL);
	struct pv_counts before;
	long rc;

	if (!page)
		panic("xen: no page for the cache-attribute probe, at boot");
	*pte = pfn_pte(page_to_pfn(page), PAGE_KERNEL_UC).val;
	pv_counts_snapshot(&before);
	rc = xen_update_va_mapping_may_fail(va, *pte, UVMF_NONE);
	if (rc == 0)
		xen_update_va_mapping(va, 0, UVMF_INVLPG | UVMF_LOCAL);
	pv_counts_since(&before, &probe_cost);
	__free_pages(page, 0);
	return rc;
}

void xen_probe_cache_modes(void)
{
	u32 va = fix_to_virt(FIX_CACHE_PROBE);
	char names[64];
	u64 pat = 0, pte = 0;
	long rc;

	if (probe_rdmsr(MSR_IA32_PAT, &pat)) {
		snprintf(why, sizeof(why),
			 "Xen does not emulate rdmsr(IA32_PAT) (older than 4.15?), so its PAT "
			 "layout is unknown");
		cprintf("cache attributes: rdmsr(0x%x) raised #GP: WB only for this domain\n",
			MSR_IA32_PAT);
		xen_mmu_set_cache_modes(PCM_BIT(PCM_WB), why, NULL);
		return;
	}
	if (pat != PAT_LAYOUT) {
		pat_describe(pat, names, sizeof(names));
		snprintf(why, sizeof(why),
			 "Xen's PAT is 0x%016llx (%s), not its PV ABI's 0x%016llx", pat, names,
			 PAT_LAYOUT);
		cprintf("cache attributes: Xen's PAT reads 0x%016llx (%s), not 0x%016llx: WB "
			"only for this domain\n",
			pat, names, PAT_LAYOUT);
		xen_mmu_set_cache_modes(PCM_BIT(PCM_WB), why, NULL);
		return;
	}
	rc = probe_uc_entry(&pte);
	if (rc == 0) {
		cprintf("cache attributes: Xen accepts every type for this domain\n");
		xen_mmu_set_cache_modes(PCM_ALL, NULL, &probe_cost);
	} else if (rc == -XEN_EINVAL) {
		snprintf(why, sizeof(why),
			 "Xen refuses cache attributes in this domain's L1 entries (no device "
			 "access): update_va_mapping -> -EINVAL");
		cprintf("cache attributes: Xen accepts WB only for this domain (no device "
			"access)\n");
		xen_mmu_set_cache_modes(PCM_BIT(PCM_WB), why, &probe_cost);
	} else {
		snprintf(why, sizeof(why),
			 "the probe update_va_mapping(va=0x%08x pte=0x%llx flags=0x0) failed: "
			 "%ld (%s)",
			 va, pte, rc, xen_errno_name(rc));
		cprintf("cache attributes: update_va_mapping(va=0x%08x pte=0x%llx flags=0x0) "
			"failed: %ld (%s): WB only for this domain\n",
			va, pte, rc, xen_errno_name(rc));
		xen_mmu_set_cache_modes(PCM_BIT(PCM_WB), why, &probe_cost);
	}
}
