/*
 * Which backend runs, as a branch patched once at boot (a small form of Linux's static keys
 * and paravirt patching). pv_is_native() assembles to a 5-byte jump to the backend's path;
 * the native backend rewrites every such jump into a 5-byte nop before anything else runs
 * (pv/native/mmu.c), so native code falls straight through to its inline operation at the
 * cost of one nop and no register, while under Xen the jump stays. Every site is listed in
 * .pv_branches.
 */
#ifndef PV_BRANCH_H
#define PV_BRANCH_H

#include "guest/lib/types.h"

#define PV_BRANCH_BYTES 5

static __always_inline bool pv_is_native(void)
{
	__asm__ goto("1: .byte 0xe9\n\t.long %l[backend] - 2f\n2:\n\t"
		     ".pushsection .pv_branches, \"a\"\n\t.balign 4\n\t.long 1b\n\t.popsection"
		     :
		     :
		     :
		     : backend);
	return true;
backend:
	return false;
}

/* Turn every pv_is_native() site into a fall-through (the native backend, at its start). */
void pv_branches_patch_native(void);

#endif
