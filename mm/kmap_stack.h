/*
 * The LIFO discipline of kmap_atomic/kmap_local slots, with no page tables: mm/kmap_local.c
 * wraps it; tests/unit exercise it on the host. Misuse is a caller bug and panics, naming the
 * caller, the slot and the addresses. Push and pop are inline (they sit on every kmap) and
 * store the depth with single stores, so an interrupt that maps and unmaps on top of the
 * same stack in between sees a consistent depth.
 */
#ifndef MM_KMAP_STACK_H
#define MM_KMAP_STACK_H

#include "guest/lib/types.h"

struct kmap_stack {
	unsigned depth;
};

/* Panic: @max maps are already held. */
void kmap_stack_overflow(const struct kmap_stack *s, const void *caller) __noreturn;
/* Panics unless slot @idx is the top of the stack (same message as kmap_stack_pop). */
void kmap_stack_check_top(const struct kmap_stack *s, unsigned idx, u32 vaddr, u32 top_vaddr,
			  const void *caller);

/* The slot a new map takes; panics when @max maps are already held. */
static inline unsigned kmap_stack_push(struct kmap_stack *s, unsigned max, const void *caller)
{
	unsigned idx = s->depth;

	if (unlikely(idx >= max))
		kmap_stack_overflow(s, caller);
	WRITE_ONCE(s->depth, idx + 1);
	return idx;
}

/*
 * Release the top slot, which must be @idx (the slot behind the address being unmapped;
 * @vaddr and @top_vaddr are only for the message). Panics on underflow or out of order.
 */
static inline void kmap_stack_pop(struct kmap_stack *s, unsigned idx, u32 vaddr, u32 top_vaddr,
				  const void *caller)
{
	if (unlikely(!s->depth || idx != s->depth - 1))
		kmap_stack_check_top(s, idx, vaddr, top_vaddr, caller);
	WRITE_ONCE(s->depth, idx);
}

#endif
