/*
 * What an entry path hands to start_kernel(), whichever loader ran: the command line and the
 * firmware memory map (multiboot natively; start_info under Xen), before any of it is trusted.
 */
#ifndef GUEST_BOOT_INFO_H
#define GUEST_BOOT_INFO_H

#include "mm/memmap.h"

/*
 * The longest command line kept: multiboot sets no limit (8 KiB is four times Linux x86's
 * COMMAND_LINE_SIZE); Xen's start_info carries MAX_GUEST_CMDLINE (1024) bytes at most.
 */
#define BOOT_CMDLINE_MAX 8192
#define BOOT_MODULES_MAX 8

/* What an entry path adds to the common boot, at fixed points of start_kernel(). */
struct boot_hooks {
	/* The command line is parsed: configure the backend (e.g. Xen's pvmmu= strategy). */
	void (*options_parsed)(void);
	/* mm_init() is done: the kernel's own page tables are live and the allocator works. */
	void (*mm_ready)(void);
	/* The end of the boot report: platform-specific lines. */
	void (*report)(void);
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	size_t cmdline_len;	 /* what the loader passed; more than the buffer means cut */
	size_t cmdline_protocol; /* the most the boot protocol can pass (0: no limit) */
	struct firmware_entry mmap[MEMMAP_MAX];
	unsigned nr_mmap;
	/* Physical ranges the loader placed that must survive (modules, its own tables). */
	struct mem_range keep[BOOT_MODULES_MAX + 1];
	unsigned nr_keep;
	/* Start of the hypervisor's hole at the top of the address space; 0 natively. */
	u32 hypervisor_start;
	/* The CPU's physical address width natively (RAM above it is unusable); 0 under Xen. */
	unsigned phys_addr_bits;
	const struct boot_hooks *hooks; /* may be NULL, as may each hook */
};

/* The common boot path, after an entry path has a console, traps and a boot_info. */
void start_kernel(struct boot_info *bi) __noreturn;

#endif
