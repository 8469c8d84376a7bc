/*
 * The kernel command line. Every option has a default; an unknown option or a bad value is
 * reported on one line naming it and the value used instead, and never stops the boot.
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include "guest/lib/types.h"

/* How the Xen backend writes page tables (pvmmu=); no effect natively. */
enum pvmmu_mode {
	PVMMU_HYPERCALL, /* one hypercall per update */
	PVMMU_BATCHED,	 /* lazy-MMU sections queue updates into multicalls */
	PVMMU_WRITABLE,	 /* L1 entries are plain stores that Xen traps and emulates */
	PVMMU_NR
};

extern const char *const pvmmu_names[PVMMU_NR];

struct boot_options {
	u64 mem_limit;	       /* mem=: ignore RAM above this (0 = all) */
	u64 vmalloc_size;      /* vmalloc=: size of the vmalloc area (less lowmem when larger) */
	char test[128];	       /* test=: "all", "none" or a comma list of suite names */
	char bench[128];       /* bench=: the same for benchmarks; default none */
	int loglevel;	       /* loglevel=: messages below this level are shown (0-8) */
	enum pvmmu_mode pvmmu; /* pvmmu=hypercall|batched|writable */
	bool kmap_lazy;	       /* kmap=strict|lazy: kmap_atomic/kmap_local unmap strategy */
	bool kmap_debug;       /* kmap_debug=on|off: guard slots, force-map, stale-use reports */
	unsigned max_cpus;     /* maxcpus=: bring up at most this many CPUs (0 = all offered) */
	bool test_every_cpu;   /* testcpus=all|boot: the self-tests on every CPU, or on CPU 0 */
	bool pagealloc_debug;  /* pagealloc_debug=on|off: free lowmem out of the direct map */
	bool directmap_4k;     /* directmap=2m|4k: lowmem direct map in 2 MiB pages where it can */
	u64 typed_pool_size;   /* typed_pool=: lowmem reserved for typed pages, in 2 MiB units */
};

#define MEM_LIMIT_MIN MiB(16)

extern struct boot_options boot_options;

/* Defaults: all RAM, 128 MiB vmalloc, all tests, loglevel 7, pvmmu=batched, kmap=strict,
 * kmap_debug=on, directmap=2m, typed_pool=4M. */
void boot_options_default(struct boot_options *o);
/*
 * Say in one line when the command line was cut: @len bytes passed into a buffer of @size,
 * or as long as the boot protocol's @protocol limit allows (its tail may be lost there).
 */
void cmdline_check_length(const char *kept, size_t len, size_t size, size_t protocol);
/* Parse @cmdline into @o (starting from its current values); returns the number of problems. */
unsigned cmdline_parse(const char *cmdline, struct boot_options *o);
/* Parse "<n>[KMG]" into bytes; false if @s is not exactly that or overflows. */
bool parse_size(const char *s, u64 *out);

#endif
