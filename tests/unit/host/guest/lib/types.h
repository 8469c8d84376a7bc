/*
 * Host build of guest/lib/types.h. On x86_64 uint64_t is unsigned long, so the kernel's %llx
 * formats for u64 would fail -Wformat; on i386 (the kernel) it is unsigned long long. Make
 * the host agree with i386 and otherwise use the real header unchanged.
 */
#ifndef UNIT_HOST_GUEST_TYPES_H
#define UNIT_HOST_GUEST_TYPES_H

#include <stdint.h>

#define uint64_t unsigned long long
#define int64_t long long
#include "../../../../../guest/lib/types.h"
#undef uint64_t
#undef int64_t

_Static_assert(sizeof(u64) == 8 && sizeof(s64) == 8, "u64/s64 must stay 64-bit");

#endif
