/*
 * minipv: the smallest 32-bit PAE PV guest that proves the test host works.
 *
 * It prints one line through HYPERVISOR_console_io (shows on Xen's serial
 * as "(d1) ..." because the host's Xen has CONFIG_VERBOSE_DEBUG), one line
 * through the PV console ring (what `xl console`, and so run-guest, shows),
 * then asks Xen to power it off, or, assembled with -DCRASH, to crash it.
 *
 * Every hypercall goes through the hypercall page Xen fills in: its stubs
 * use int $0x82, the only software-interrupt path that QEMU's TCG reflects
 * correctly to a PV guest (see shared/notes/xen-in-qemu.md).
 *
 * Xen enters at _start in ring 1 with %esi = virtual address of start_info
 * and a valid stack; event delivery is masked, which suits us: we never
 * take an event, we only send one.
 */
#include <xen/xen.h>
#include "pv/xen/elfnote.h"	/* the elfnote macro, shared with the kernel */
#include "abi.h"	/* generated from sched.h, event_channel.h, io/console.h */

#define VIRT_BASE	0xC0000000
#define HYPERCALL(nr)	(hypercall_page + (nr) * 32)


	elfnote XEN_ELFNOTE_GUEST_OS,       .asciz "minipv"
	elfnote XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0"
	elfnote XEN_ELFNOTE_VIRT_BASE,      .long VIRT_BASE
	/* ELF paddr == vaddr here, so paddr - PADDR_OFFSET is the offset from VIRT_BASE. */
	elfnote XEN_ELFNOTE_PADDR_OFFSET,   .long VIRT_BASE
	elfnote XEN_ELFNOTE_ENTRY,          .long _start
	elfnote XEN_ELFNOTE_HYPERCALL_PAGE, .long hypercall_page
	elfnote XEN_ELFNOTE_PAE_MODE,       .asciz "yes"
	elfnote XEN_ELFNOTE_LOADER,         .asciz "generic"
	/* Lets xl give the guest more than 4 GiB: its page directories may live there. */
	elfnote XEN_ELFNOTE_FEATURES,       .asciz "pae_pgdir_above_4gb"

	.text
	.globl _start
_start:
	cld
	mov	%esi, %ebp			/* start_info, kept in a callee-saved register */

	/* 1. HYPERVISOR_console_io(CONSOLEIO_write, len, buf) */
	mov	$CONSOLEIO_write, %ebx
	mov	$(early_msg_end - early_msg), %ecx
	mov	$early_msg, %edx
	call	HYPERCALL(__HYPERVISOR_console_io)

	/*
	 * 2. The PV console ring. start_info gives its machine frame; the
	 * read-only machine-to-phys table Xen maps into every PV guest turns
	 * that into our pseudo-physical frame, which the boot mapping places
	 * at VIRT_BASE + pfn * 4096.
	 */
	mov	START_INFO_console_mfn(%ebp), %eax
	mov	MACH2PHYS_VIRT_START(, %eax, 4), %eax
	shl	$12, %eax
	lea	VIRT_BASE(%eax), %edi		/* %edi = struct xencons_interface * */

	mov	XENCONS_out_prod(%edi), %edx
	mov	$ring_msg, %esi
	mov	$(ring_msg_end - ring_msg), %ecx
1:	mov	%edx, %eax
	and	$(XENCONS_out_size - 1), %eax
	movb	(%esi), %bl
	movb	%bl, XENCONS_out(%edi, %eax)
	inc	%esi
	inc	%edx
	loop	1b
	/* The bytes must be visible before the index that publishes them. */
	lock addl $0, (%esp)
	mov	%edx, XENCONS_out_prod(%edi)

	mov	START_INFO_console_evtchn(%ebp), %eax
	mov	%eax, evtchn_send_port
	mov	$EVTCHNOP_send, %ebx
	mov	$evtchn_send_port, %ecx
	call	HYPERCALL(__HYPERVISOR_event_channel_op)

	/*
	 * Give xenconsoled the chance to drain the ring before we die; bounded,
	 * so a host that never reads it still sees the shutdown.
	 */
	mov	$100000, %esi
2:	mov	XENCONS_out_cons(%edi), %eax
	cmp	XENCONS_out_prod(%edi), %eax
	je	3f
	mov	$SCHEDOP_yield, %ebx
	xor	%ecx, %ecx
	call	HYPERCALL(__HYPERVISOR_sched_op)
	dec	%esi
	jnz	2b

	/* 3. SCHEDOP_shutdown: Xen does not return from it. */
3:	mov	$SCHEDOP_shutdown, %ebx
	mov	$shutdown_reason, %ecx
	call	HYPERCALL(__HYPERVISOR_sched_op)
4:	ud2
	jmp	4b

	.data
#ifdef CRASH
early_msg:	.ascii "minipv: console_io works, now crashing on purpose\n"
early_msg_end:
ring_msg:	.ascii "minipv: hello from the PV console, crashing\n"
ring_msg_end:
shutdown_reason: .long SHUTDOWN_crash	/* struct sched_shutdown */
#else
early_msg:	.ascii "minipv: console_io works\n"
early_msg_end:
ring_msg:	.ascii "minipv: hello from the PV console, powering off\n"
ring_msg_end:
shutdown_reason: .long SHUTDOWN_poweroff	/* struct sched_shutdown */
#endif
evtchn_send_port: .long 0			/* struct evtchn_send */

	/* Filled with hypercall stubs by the domain builder. */
	.balign 4096
hypercall_page:
	.fill	4096, 1, 0
