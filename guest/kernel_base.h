/* Where the kernel lives; shared by C, assembly and the linker script. */
#ifndef GUEST_KERNEL_BASE_H
#define GUEST_KERNEL_BASE_H

/* Linux's 3G/1G split: the direct map of lowmem starts here. */
#define PAGE_OFFSET 0xC0000000
/* The image is loaded at physical 1 MiB and linked at PAGE_OFFSET + 1 MiB. */
#define KERNEL_PHYS_LOAD 0x00100000
#define BOOT_STACK_SIZE 16384
/* CPUs the kernel can run on; the linker script keeps this many per-CPU copies. */
#define NR_CPUS 8

#endif
