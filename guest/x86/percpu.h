/*
 * Per-CPU variables. DEFINE_PER_CPU puts a variable in .bss.percpu; the linked copy is CPU
 * 0's, and CPU n's copy lies n * percpu_stride bytes further on (guest/x86/linker.ld keeps
 * NR_CPUS copies of the section). Each CPU's %fs segment has base n * percpu_stride, so
 * this_cpu_*(var) is one %fs-relative instruction on var's linked address. Every entry starts
 * with a flat %fs (base 0), which is CPU 0's: the boot CPU needs no set-up before its first
 * per-CPU access, and an application processor loads its selector first thing.
 *
 * The this_cpu_* accessors take 4-byte objects (counters, flags, pointers). Per-CPU data is
 * zero at boot: a CPU sets any other initial value itself (guest/smp.c).
 */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#include "guest/kernel_base.h"
#include "guest/lib/types.h"

#define DEFINE_PER_CPU(type, name) __attribute__((section(".bss.percpu"))) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name

/* Bytes between two CPUs' copies (a multiple of 64: no two CPUs share a cache line). */
extern char __percpu_stride[];

static inline u32 percpu_offset(unsigned cpu)
{
	return cpu * (u32)(uintptr_t)__percpu_stride;
}

#define per_cpu_ptr(var, cpu) ((__typeof__(&(var)))((char *)&(var) + percpu_offset(cpu)))
#define per_cpu(var, cpu) (*per_cpu_ptr(var, cpu))

#define PERCPU_CHECK_SIZE(var) _Static_assert(sizeof(var) == 4, "this_cpu_* takes 4-byte objects")

/* Not volatile: a read may be merged with an earlier one, but not moved across a call or a
 * write to the same variable. */
#define this_cpu_read(var)                                                                         \
	({                                                                                         \
		__typeof__(var) v_;                                                                \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__("movl %%fs:%1, %0" : "=r"(v_) : "m"(var));                                 \
		v_;                                                                                \
	})

#define this_cpu_write(var, v)                                                                     \
	do {                                                                                       \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__ volatile("movl %1, %%fs:%0" : "=m"(var) : "ri"((u32)(uintptr_t)(v)));      \
	} while (0)

/* One instruction: an interrupt on this CPU sees the variable before or after, never half. */
#define this_cpu_add(var, n)                                                                       \
	do {                                                                                       \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__ volatile("addl %1, %%fs:%0" : "+m"(var) : "ri"((u32)(n)) : "cc");          \
	} while (0)

#define this_cpu_sub(var, n)                                                                       \
	do {                                                                                       \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__ volatile("subl %1, %%fs:%0" : "+m"(var) : "ri"((u32)(n)) : "cc");          \
	} while (0)

#define this_cpu_and(var, n)                                                                       \
	do {                                                                                       \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__ volatile("andl %1, %%fs:%0" : "+m"(var) : "ri"((u32)(n)) : "cc");          \
	} while (0)

#define this_cpu_or(var, n)                                                                        \
	do {                                                                                       \
		PERCPU_CHECK_SIZE(var);                                                            \
		__asm__ volatile("orl %1, %%fs:%0" : "+m"(var) : "ri"((u32)(n)) : "cc");           \
	} while (0)

/* This CPU's number (0 .. NR_CPUS - 1), set by each CPU when it comes up. */
DECLARE_PER_CPU(u32, cpu_number);

static inline unsigned smp_processor_id(void)
{
	return this_cpu_read(cpu_number);
}

/* This CPU's copy of @var, as a plain pointer (for structures and arrays). */
#define this_cpu_ptr(var) per_cpu_ptr(var, smp_processor_id())

#endif
