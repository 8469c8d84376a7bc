/*
 * switch_to(prev, next): save the callee-saved registers and stack pointer of @prev, load
 * @next's, and return on @next's stack (struct thread keeps esp first). It returns, in %eax,
 * the thread that was switched away from: whoever resumes learns who is now off its CPU.
 */
	.text
	.globl switch_to
switch_to:
	movl 4(%esp), %eax	/* prev */
	movl 8(%esp), %edx	/* next */
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl (%edx), %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* A new thread's first return lands here, with its struct thread in %ebx. */
	.globl thread_trampoline
thread_trampoline:
	pushl %eax		/* the thread switched away from */
	pushl %ebx
	call thread_start
	ud2
