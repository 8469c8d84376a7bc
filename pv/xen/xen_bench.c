/*
 * What entering Xen costs by itself: one cheap hypercall (xen_version, which only reads a
 * constant) per iteration. The floor under every PV MMU operation; also what TSC emulation
 * changes (README: TSC emulation).
 */
#include "guest/bench.h"
#include "guest/platform.h"
#include "guest/smp.h"
#include "mm/bench_scratch.h"
#include "mm/fixmap.h"
#include "mm/layout.h"
#include "pv/ops.h"
#include "pv/xen/hypercall.h"

static bool xen_pv(void)
{
	return platform == PLATFORM_XEN_PV;
}

static void version_call(void)
{
	xen_xen_version(XENVER_version, NULL);
}

BENCH_WHEN(hypercall_xen_version, xen_pv, 1, NULL, version_call, NULL);

/*
 * The two other ways a PV kernel can shoot down one page on every vCPU, beside the MULTI
 * hypercall that flush_tlb_kernel_page() issues (mm/shootdown_bench.c): MMUEXT_INVLPG_ALL
 * (every vCPU of the domain, one hypercall), and what Linux on Xen did for kernel ranges,
 * an event-channel IPI to every other vCPU and a local MMUEXT_INVLPG_LOCAL on each.
 */
static void invlpg_all(void)
{
	xen_flush_all_vcpus(fix_to_virt(FIX_SCRATCH));
}

static void flush_here(void *arg)
{
	pv_flush_tlb_one((u32)(uintptr_t)arg);
}

static void evtchn_ipis(void)
{
	u32 va = fix_to_virt(FIX_SCRATCH);
	cpumask_t others = cpu_others_mask();

	pv_flush_tlb_one(va);
	smp_call_function_many(&others, flush_here, (void *)(uintptr_t)va);
}

BENCH_WHEN(shootdown_page_xen_invlpg_all, xen_pv, 1, bench_scratch_map, invlpg_all,
	   bench_scratch_unmap);
BENCH_WHEN(shootdown_page_xen_evtchn_ipi, xen_pv, 1, bench_scratch_map, evtchn_ipis,
	   bench_scratch_unmap);
