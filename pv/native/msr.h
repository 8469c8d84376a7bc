/* Model-specific registers for the native backend: the APIC base, EFER, IA32_PAT (pv/pat.h). */
#ifndef PV_NATIVE_MSR_H
#define PV_NATIVE_MSR_H

#include "guest/lib/types.h"

#define MSR_IA32_APIC_BASE 0x1b
#define MSR_EFER 0xc0000080
#define EFER_NXE (1u << 11)

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

#endif
