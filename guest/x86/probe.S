/* Probing accessors with exception-table fixups; see guest/x86/extable.h. -EFAULT = -14. */

	.text
	.globl probe_read_u32
probe_read_u32:
	movl 4(%esp), %edx
1:	movl (%edx), %eax
	movl 8(%esp), %ecx
	movl %eax, (%ecx)
	xorl %eax, %eax
	ret
2:	movl $-14, %eax
	ret

	.globl probe_write_u32
probe_write_u32:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
3:	movl %eax, (%edx)
	xorl %eax, %eax
	ret
4:	movl $-14, %eax
	ret

	/* Natively a #GP for an MSR the CPU lacks; under Xen PV, for one Xen does not emulate. */
	.globl probe_rdmsr
probe_rdmsr:
	movl 4(%esp), %ecx
5:	rdmsr
	movl 8(%esp), %ecx
	movl %eax, (%ecx)
	movl %edx, 4(%ecx)
	xorl %eax, %eax
	ret
6:	movl $-14, %eax
	ret

	.section __ex_table, "a"
	.long 1b, 2b
	.long 3b, 4b
	.long 5b, 6b
