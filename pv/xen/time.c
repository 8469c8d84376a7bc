/* Xen system time: nanoseconds since boot, from vcpu_time_info and the TSC. */
#include "pv/xen/xen.h"
#include "guest/cpu.h"

static u64 scale(u64 delta, u32 mul, s8 shift)
{
	delta = shift < 0 ? delta >> -shift : delta << shift;
	/* (delta * mul) >> 32 without a 128-bit product. */
	return ((delta >> 32) * mul) + (((delta & 0xffffffffull) * mul) >> 32);
}

u64 xen_tsc_to_ns(u64 delta)
{
	return scale(delta, xen_vcpu->time.tsc_to_system_mul, xen_vcpu->time.tsc_shift);
}

u64 xen_clock_ns(void)
{
	const volatile struct vcpu_time_info *t = &xen_vcpu->time;
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
