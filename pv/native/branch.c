/* The native backend's side of pv/branch.h: every backend jump becomes a fall-through. */
#include "pv/branch.h"
#include "guest/x86/cpu.h"
#include "guest/lib/string.h"

extern const u32 __pv_branches_start[], __pv_branches_end[];

/*
 * Runs first, while the boot map still maps the kernel writable. A jump becomes the 5-byte
 * nop 0f 1f 44 00 00; cpuid then serialises, so no stale copy of the old bytes executes.
 */
void pv_branches_patch_native(void)
{
	static const u8 nop5[PV_BRANCH_BYTES] = {0x0f, 0x1f, 0x44, 0x00, 0x00};
	u32 a, b, c, d;

	for (const u32 *site = __pv_branches_start; site < __pv_branches_end; site++)
		memcpy((void *)(uintptr_t)*site, nop5, sizeof(nop5));
	cpuid(0, 0, &a, &b, &c, &d);
}
