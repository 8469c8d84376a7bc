/*
 * Xen PV entry points: the start of day, the event upcall and the failsafe callback, and the
 * hypercall page. Xen starts us at xen_entry in ring 1, paging on, %esi = start_info (virtual),
 * %esp = the top of its boot stack, events masked.
 */
#include "pv/xen/elfnote.h"
#include "guest/kernel_base.h"

	.text
	.globl xen_entry
xen_entry:
	cld
	movl %esp, %eax			/* the end of Xen's boot region */
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	pushl %eax
	pushl %esi
	call xen_start
	ud2

/*
 * A secondary vCPU starts here with the registers of its VCPUOP_initialise context: %eax =
 * its CPU number, %esp = the top of its boot stack, %fs = its per-CPU segment, events masked.
 */
	.globl xen_ap_entry
xen_ap_entry:
	cld
	xorl %ebp, %ebp
	pushl %eax
	call xen_ap_start
	ud2

/* Xen bounces events here with a frame like an interrupt's (eip, cs, eflags), events masked. */
	.globl xen_event_callback
xen_event_callback:
	pushal
	cld
	call xen_evtchn_upcall
	popal
	iret

	.globl xen_failsafe_callback
xen_failsafe_callback:
	cld
	call xen_failsafe
	ud2

/* The domain builder fills this page with one 32-byte stub per hypercall. */
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

/* The ELF notes the domain builder reads. */

	elfnote XEN_ELFNOTE_GUEST_OS,       .asciz "pvkmap"
	elfnote XEN_ELFNOTE_GUEST_VERSION,  .asciz "0.1"
	elfnote XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0"
	/* Segments are loaded at p_paddr + VIRT_BASE - PADDR_OFFSET: our p_paddr is physical. */
	elfnote XEN_ELFNOTE_VIRT_BASE,      .long PAGE_OFFSET
	elfnote XEN_ELFNOTE_PADDR_OFFSET,   .long 0
	elfnote XEN_ELFNOTE_ENTRY,          .long xen_entry
	elfnote XEN_ELFNOTE_HYPERCALL_PAGE, .long hypercall_page
	elfnote XEN_ELFNOTE_PAE_MODE,       .asciz "yes"
	elfnote XEN_ELFNOTE_LOADER,         .asciz "generic"
	/* Page directories above 4 GiB: needed for guests bigger than 4 GiB. */
	elfnote XEN_ELFNOTE_FEATURES,       .asciz "pae_pgdir_above_4gb"
