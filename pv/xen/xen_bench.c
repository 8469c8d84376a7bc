/*
 * What entering Xen costs by itself: one cheap hypercall (xen_version, which only reads a
 * constant) per iteration. The floor under every PV MMU operation; also what TSC emulation
 * changes (README: TSC emulation).
 */
#include "guest/bench.h"
#include "guest/platform.h"
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
