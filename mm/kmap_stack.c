#include "mm/kmap_stack.h"
#include "guest/panic.h"

void kmap_stack_overflow(const struct kmap_stack *s, const void *caller)
{
	panic("kmap: slot stack overflow: %u maps held, caller %p", s->depth, caller);
}

void kmap_stack_check_top(const struct kmap_stack *s, unsigned idx, u32 vaddr, u32 top_vaddr,
			  const void *caller)
{
	if (!s->depth)
		panic("kunmap(0x%08x): slot stack underflow, nothing is mapped, caller %p", vaddr,
		      caller);
	if (idx != s->depth - 1)
		panic("kunmap(0x%08x) out of order: slot %u, but the top of the stack is slot %u "
		      "at 0x%08x, caller %p",
		      vaddr, idx, s->depth - 1, top_vaddr, caller);
}
