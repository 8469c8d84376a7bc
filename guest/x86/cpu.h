/* x86 instructions that are not MMU operations: port I/O, CPUID, TSC, interrupt flag, halt. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include "guest/lib/types.h"

#define X86_EFLAGS_IF 0x200

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* lfence (an SSE2 instruction) exists: guest/bench.c orders its TSC reads with it. */
static inline bool cpu_has_sse2(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d & (1u << 26);
}

/*
 * MAXPHYADDR: CPUID 0x80000008 where the CPU has it; otherwise, by the SDM's rule, 36 bits
 * with PSE-36 and 32 without (QEMU's default qemu32 model: PAE but 32 bits).
 */
static inline unsigned cpu_phys_addr_bits(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		if ((a & 0xff) >= 32)
			return a & 0xff;
	}
	cpuid(1, 0, &a, &b, &c, &d);
	return d & (1u << 17) ? 36 : 32;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline u32 read_eflags(void)
{
	u32 f;

	__asm__ volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

static inline void barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

#endif
