/*
 * What an entry path hands to start_kernel(), whichever loader ran: the command line and the
 * firmware memory map (multiboot natively; start_info under Xen), before any of it is trusted.
 */
#ifndef GUEST_BOOT_INFO_H
#define GUEST_BOOT_INFO_H

#include "mm/memmap.h"

#define BOOT_CMDLINE_MAX 512
#define BOOT_MODULES_MAX 8

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	struct firmware_entry mmap[MEMMAP_MAX];
	unsigned nr_mmap;
	/* Physical ranges the loader placed that must survive (modules, its own tables). */
	struct mem_range keep[BOOT_MODULES_MAX + 1];
	unsigned nr_keep;
};

/* The common boot path, after an entry path has a console, traps and a boot_info. */
void start_kernel(struct boot_info *bi) __noreturn;

#endif
