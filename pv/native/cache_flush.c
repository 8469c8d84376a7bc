/*
 * Cache flushing after a memory-type change (pv_mmu->flush_cache_range). A line cached as
 * WB stays in the caches when its page turns UC or WC; a CPU that snoops its own caches
 * (CPUID.1:EDX.SS) keeps such accesses coherent, one that does not may then read stale data
 * or write back over newer uncached writes. Without self-snoop each changed page is flushed:
 * CLFLUSH on each line where the CPU has it, else WBINVD of everything.
 */
#include "pv/native/native.h"
#include "pv/ops.h"
#include "guest/printk.h"
#include "guest/x86/cpu.h"

#define CPUID_1_EDX_CLFSH (1u << 19)
#define CPUID_1_EDX_SS (1u << 27)

static bool self_snoop;
static u32 line_size; /* CLFLUSH's line in bytes; 0 without CLFLUSH */

bool native_cache_flush_init(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	self_snoop = d & CPUID_1_EDX_SS;
	if (d & CPUID_1_EDX_CLFSH)
		line_size = ((b >> 8) & 0xff) * 8;
	return !self_snoop;
}

void native_flush_cache_range(u32 va, u32 len)
{
	if (line_size) {
		for (u32 p = va & ~(line_size - 1); p < va + len; p += line_size)
			__asm__ volatile("clflush (%0)" ::"r"(p) : "memory");
		/* CLFLUSH is ordered only by fences and locked operations (SDM vol. 2). */
		__asm__ volatile("lock; addl $0, (%%esp)" ::: "memory", "cc");
	} else {
		__asm__ volatile("wbinvd" ::: "memory");
	}
	for (u32 n = (len + PAGE_SIZE - 1) >> PAGE_SHIFT; n; n--)
		pv_count_kernel_event(PV_EV_CACHE_FLUSH_PAGES);
}

void native_cache_flush_report(void)
{
	if (self_snoop)
		cprintf("cache: the CPU snoops its own caches (CPUID SS): a memory-type change "
			"flushes nothing\n");
	else if (line_size)
		cprintf("cache: no self-snoop (CPUID SS clear): a memory-type change flushes each "
			"changed page with CLFLUSH (%u-byte lines)\n",
			line_size);
	else
		cprintf("cache: no self-snoop and no CLFLUSH: a memory-type change flushes every "
			"cache with WBINVD\n");
}
