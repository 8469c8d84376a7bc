/*
 * Exception fixups: an instruction listed in __ex_table that faults resumes at its fixup
 * address instead of killing the kernel. Tests use it to probe addresses that must not be
 * mapped; the Xen backend, an MSR older Xen does not emulate.
 */
#ifndef GUEST_EXTABLE_H
#define GUEST_EXTABLE_H

#include "guest/x86/traps.h"

/* Read the u32 at @addr into *@val: 0, or -EFAULT if the access faulted. */
asmlinkage int probe_read_u32(const void *addr, u32 *val);
/* Write @val to @addr: 0, or -EFAULT if the access faulted. */
asmlinkage int probe_write_u32(void *addr, u32 val);
/* Read MSR @msr into *@val: 0, or -EFAULT if rdmsr raised #GP (*@val is then untouched). */
asmlinkage int probe_rdmsr(u32 msr, u64 *val);
/* If @f's faulting instruction has a fixup, resume there and return true. */
bool extable_fixup(struct trap_frame *f);
/* How many faults were fixed up since boot (tests check a probe really faulted). */
extern u32 extable_fixups;

#endif
