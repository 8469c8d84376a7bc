/*
 * Native early paging, run at physical addresses straight from the multiboot entry: turn on
 * PAE paging with temporary tables that map physical 0..1 GiB twice, at 0 (so this code keeps
 * running) and at PAGE_OFFSET (where the kernel is linked), in 2 MiB pages. mm/ later builds
 * the real tables through the operations table and switches to them, dropping the identity
 * half. The temporary map covers all of lowmem, so boot allocations are reachable before then.
 */
#include "guest/kernel_base.h"

#define X86_CR0_WP 0x00010000
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE 0x00000020
#define MSR_EFER 0xC0000080
#define EFER_NXE 0x00000800
#define PDE_LARGE 0x83 /* present, writable, 2 MiB page */

	.section .text.head, "ax"
	.code32
	.globl native_boot_paging
native_boot_paging:
	pushl %ebx
	/* One page directory of 512 x 2 MiB pages = physical 0..1 GiB. */
	movl $(boot_pmd - PAGE_OFFSET), %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $PDE_LARGE, %eax
	movl %eax, (%edi,%ecx,8)
	movl $0, 4(%edi,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b
	/* PDPT slot 0 (identity) and slot 3 (PAGE_OFFSET) share it; PDPT entries allow only P. */
	movl $(boot_pdpt - PAGE_OFFSET), %ebx
	leal 1(%edi), %eax
	movl %eax, 0(%ebx)
	movl %eax, 24(%ebx)
	/* EFER.NXE when the CPU has NX, so PTEs may carry bit 63. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb 2f
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 20), %edx
	jz 2f
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_NXE, %eax
	wrmsr
2:	movl %cr4, %eax
	orl $X86_CR4_PAE, %eax
	movl %eax, %cr4
	movl $(boot_pdpt - PAGE_OFFSET), %eax	/* cpuid clobbered %ebx */
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(X86_CR0_PG | X86_CR0_WP), %eax
	movl %eax, %cr0
	popl %ebx
	ret

	.section .bss
	.align 4096
	.globl boot_pdpt
boot_pdpt:
	.skip 4096
boot_pmd:
	.skip 4096
