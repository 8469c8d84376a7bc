/* Basic types for freestanding kernel code and for mm/ compiled on the host. */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;

/* A pseudo-physical page frame number (36-bit PAE addresses need more than 20 bits). */
typedef u32 pfn_t;
/* A pseudo-physical address; may exceed 4 GiB under PAE. */
typedef u64 phys_addr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PMD_SHIFT 21
#define PMD_SIZE (1u << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))

#define KiB(x) ((u64)(x) << 10)
#define MiB(x) ((u64)(x) << 20)
#define GiB(x) ((u64)(x) << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define PFN_UP(addr) ((pfn_t)(((addr) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_DOWN(addr) ((pfn_t)((addr) >> PAGE_SHIFT))
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)

#define EFAULT 14
#define EINVAL 22
#define ENOMEM 12
#define EBUSY 16
#define ENOSPC 28
#define EOPNOTSUPP 95

#define __section(s) __attribute__((section(s)))
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#ifndef __always_inline /* the host build of the unit tests has glibc's */
#define __always_inline inline __attribute__((always_inline))
#endif
/*
 * The kernel passes the first three arguments in eax, edx, ecx (-mregparm=3, as Linux does on
 * i386); functions called from or written in assembly take theirs on the stack.
 */
#define asmlinkage __attribute__((regparm(0)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used __attribute__((used))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define likely(x) __builtin_expect(!!(x), 1)
/* One store or load the compiler may not merge, drop or move past another such access. */
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))

#endif
