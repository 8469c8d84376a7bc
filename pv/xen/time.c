/* Xen system time: nanoseconds since boot, from vcpu_time_info and the TSC. */
#include "pv/xen/xen.h"
#include "guest/x86/cpu.h"

#include <xen/arch-x86/cpuid.h>

struct xen_tsc_info xen_tsc;

/*
 * CPUID as Xen answers it: the forced-emulation prefix (ud2; .ascii "xen") makes Xen emulate
 * the cpuid (pv/emul-inv-op.c), so its own leaves are seen whether or not it faults CPUID.
 */
static void xen_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("ud2a; .ascii \"xen\"; cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

/* Xen's time leaf (base + 3, subleaf 0): vtsc, host TSC safe, tsc_mode, guest TSC kHz. */
void xen_tsc_probe(void)
{
	for (u32 base = 0x40000000; base < 0x40010000; base += 0x100) {
		u32 a, b, c, d;

		xen_cpuid(base, 0, &a, &b, &c, &d);
		if (b != XEN_CPUID_SIGNATURE_EBX || c != XEN_CPUID_SIGNATURE_ECX ||
		    d != XEN_CPUID_SIGNATURE_EDX)
			continue;
		if (a - base < 3)
			return;
		xen_cpuid(base + 3, 0, &a, &b, &c, &d);
		xen_tsc = (struct xen_tsc_info){.found = true,
						.emulated = a & 1,
						.host_safe = (a >> 1) & 1,
						.mode = b,
						.khz = c};
		return;
	}
}

static u64 scale(u64 delta, u32 mul, s8 shift)
{
	delta = shift < 0 ? delta >> -shift : delta << shift;
	/* (delta * mul) >> 32 without a 128-bit product. */
	return ((delta >> 32) * mul) + (((delta & 0xffffffffull) * mul) >> 32);
}

u64 xen_tsc_to_ns(u64 delta)
{
	const struct vcpu_time_info *t = &this_cpu_read(xen_vcpu)->time;

	return scale(delta, t->tsc_to_system_mul, t->tsc_shift);
}

u64 xen_clock_ns(void)
{
	const volatile struct vcpu_time_info *t = &this_cpu_read(xen_vcpu)->time; /* this vCPU's */
	u32 version, mul;
	u64 delta, sys;
	s8 shift;

	do {
		version = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		delta = rdtsc() - t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != t->version); /* odd: Xen is updating it */
	return sys + scale(delta, mul, shift);
}
