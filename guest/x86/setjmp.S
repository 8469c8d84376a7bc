/*
 * kjmp_set(buf) / kjmp_long(buf, val): save and restore the callee-saved registers, stack and
 * return address, so a test can catch a panic it provokes on purpose (guest/ktest.c).
 * buf: ebx, esi, edi, ebp, esp, eip.
 */
	.text
	.globl kjmp_set
kjmp_set:
	movl 4(%esp), %eax
	movl %ebx, 0(%eax)
	movl %esi, 4(%eax)
	movl %edi, 8(%eax)
	movl %ebp, 12(%eax)
	leal 4(%esp), %ecx	/* the caller's esp after our return */
	movl %ecx, 16(%eax)
	movl (%esp), %ecx
	movl %ecx, 20(%eax)
	xorl %eax, %eax
	ret

	.globl kjmp_long
kjmp_long:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	movl 0(%edx), %ebx
	movl 4(%edx), %esi
	movl 8(%edx), %edi
	movl 12(%edx), %ebp
	movl 16(%edx), %esp
	jmp *20(%edx)
