/*
 * Exception entry stubs: give every vector the same frame (struct trap_frame), then C.
 * Segment registers are left alone: there is no user mode, so they always hold the kernel's
 * selectors (ours natively, Xen's flat ring-1 ones under PV).
 */

.macro TRAP_NOERR vec
	.globl trap_stub_\vec
trap_stub_\vec:
	pushl $0
	pushl $\vec
	jmp trap_common
.endm

.macro TRAP_ERR vec
	.globl trap_stub_\vec
trap_stub_\vec:
	pushl $\vec
	jmp trap_common
.endm

	.text
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31

/* Hardware interrupts (native: the PIC's 16 lines at vectors 32-47, the LAPIC's below). */
.macro IRQ_STUB vec
	.globl irq_stub_\vec
irq_stub_\vec:
	pushl $0
	pushl $\vec
	jmp irq_common
.endm
	.irp v,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	IRQ_STUB \v
	.endr
/* Native: the local APIC's vectors (0xe0-0xff: its timer, IPIs, spurious). */
	.irp v,224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239
	IRQ_STUB \v
	.endr
	.irp v,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
	IRQ_STUB \v
	.endr

irq_common:
	pushal
	cld
	pushl %esp
	call irq_dispatch
	addl $4, %esp
	popal
	addl $8, %esp
	iret

trap_common:
	pushal
	cld
	pushl %esp
	call trap_dispatch
	addl $4, %esp
	popal
	addl $8, %esp		/* vector and error code */
	iret

	.section .rodata
	.globl trap_stubs
trap_stubs:
	.irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long trap_stub_\v
	.endr
	.globl irq_stubs
irq_stubs:
	.irp v,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.long irq_stub_\v
	.endr
	.globl apic_stubs
apic_stubs:
	.irp v,224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239
	.long irq_stub_\v
	.endr
	.irp v,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
	.long irq_stub_\v
	.endr
