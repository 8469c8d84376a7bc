/*
 * An application processor's way from the start-up IPI to C (pv/native/smpboot.c).
 *
 * ap_trampoline .. ap_trampoline_end is copied to a page below 1 MiB: the SIPI starts the
 * CPU in real mode at CS:IP = page:0, with no stack and caches disabled. It says it runs,
 * loads a GDT in the kernel image (a 32-bit lgdt: the image is above 1 MiB) and jumps to
 * ap_start32 in the image at its physical address. That turns on PAE paging on the boot
 * tables (boot_paging.S: the first GiB at 0 and at PAGE_OFFSET), so it can jump to the
 * linked address, take its stack and call native_ap_entry, which moves to the kernel's own
 * tables through the operations table.
 */
#include "guest/kernel_base.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define X86_CR0_PE 0x00000001
#define X86_CR0_WP 0x00010000
#define X86_CR0_NW 0x20000000
#define X86_CR0_CD 0x40000000
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_NXE 0x00000800
#define AP_RUNNING 0x52554e21 /* "!NUR": what the trampoline writes when it runs */

	.section .rodata.trampoline, "a"
	.code16
	.globl ap_trampoline, ap_trampoline_end, ap_trampoline_running
ap_trampoline:
	cli
	movw %cs, %ax
	movw %ax, %ds
	movl $AP_RUNNING, ap_trampoline_running - ap_trampoline
	lgdtl ap_gdt_ptr - ap_trampoline
	movl %cr0, %eax
	orl $X86_CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $KERNEL_CS, $(ap_start32 - PAGE_OFFSET)
	.balign 4
ap_trampoline_running:
	.long 0
ap_gdt_ptr:
	.word ap_gdt_end - ap_gdt - 1
	.long ap_gdt - PAGE_OFFSET
ap_trampoline_end:

	/* Flat code and data, accessed bits set: the CPU never writes this read-only table. */
	.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff
	.quad 0x00cf93000000ffff
ap_gdt_end:

	.text
	.code32
ap_start32:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	/* EFER.NXE as the boot CPU has it: the kernel's entries may carry NX. */
	cmpl $0, ap_boot_nxe - PAGE_OFFSET
	je 1f
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_NXE, %eax
	wrmsr
1:	movl %cr4, %eax
	orl $X86_CR4_PAE, %eax
	movl %eax, %cr4
	movl $(boot_pdpt - PAGE_OFFSET), %eax
	movl %eax, %cr3
	/* INIT leaves the caches disabled (CD, NW): enable them with paging. */
	movl %cr0, %eax
	andl $~(X86_CR0_CD | X86_CR0_NW), %eax
	orl $(X86_CR0_PG | X86_CR0_WP), %eax
	movl %eax, %cr0
	movl $2f, %eax
	jmp *%eax
2:	movl ap_boot_stack, %esp
	xorl %ebp, %ebp
	call native_ap_entry
	ud2
