/*
 * Busy-wait delays on the TSC, whose rate the timer's calibration against the PIT measured
 * (timer.c sets it); until then a delay returns at once, which native_udelay_ready() tells.
 */
#include "pv/native/native.h"
#include "guest/x86/cpu.h"

u32 native_tsc_khz;

bool native_udelay_ready(void)
{
	return native_tsc_khz != 0;
}

void native_udelay(u32 us)
{
	u64 start = rdtsc(), ticks_1000 = (u64)us * native_tsc_khz; /* TSC ticks, times 1000 */

	while ((rdtsc() - start) * 1000 < ticks_1000)
		cpu_relax();
}
