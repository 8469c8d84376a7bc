/*
 * The image's entry points. Natively a multiboot (v1) loader (QEMU -kernel, GRUB) jumps to
 * native_entry at its physical address with paging off. The Xen PV entry (pv/xen/entry.S)
 * sits beside it in this same image; nothing here may assume which one ran.
 */
#include "guest/kernel_base.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */

	.section .multiboot, "a"
	.align 4
multiboot_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text.head, "ax"
	.code32
	.globl native_entry
native_entry:
	cli
	cld
	/* Zero .bss (its page tables and the boot stack live there) before using either. */
	movl %eax, %esi
	movl $(__bss_start - PAGE_OFFSET), %edi
	movl $(__bss_end - PAGE_OFFSET), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl %esi, %eax
	movl $(boot_stack_top - PAGE_OFFSET), %esp
	pushl %ebx			/* multiboot info (physical) */
	pushl %eax			/* multiboot magic */
	call native_boot_paging		/* relative: works at the physical address */
	popl %eax
	popl %ebx
	/* Paging is on with the image mapped twice; continue at the linked address. */
	movl $1f, %ecx
	jmp *%ecx
1:	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	pushl %ebx
	pushl %eax
	call native_start
	ud2

	.section .bss
	.align 16
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
