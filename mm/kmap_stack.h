/*
 * The LIFO discipline of kmap_atomic/kmap_local slots, with no page tables: mm/kmap_local.c
 * wraps it; tests/unit exercise it on the host. Misuse is a caller bug and panics, naming the
 * caller, the slot and the addresses.
 */
#ifndef MM_KMAP_STACK_H
#define MM_KMAP_STACK_H

#include "guest/types.h"

struct kmap_stack {
	unsigned depth;
};

/* Panics unless slot @idx is the top of the stack (same message as kmap_stack_pop). */
void kmap_stack_check_top(const struct kmap_stack *s, unsigned idx, u32 vaddr, u32 top_vaddr,
			  const void *caller);
/* The slot a new map takes; panics when @max maps are already held. */
unsigned kmap_stack_push(struct kmap_stack *s, unsigned max, const void *caller);
/*
 * Release the top slot, which must be @idx (the slot behind the address being unmapped;
 * @vaddr and @top_vaddr are only for the message). Panics on underflow or out of order.
 */
void kmap_stack_pop(struct kmap_stack *s, unsigned idx, u32 vaddr, u32 top_vaddr,
		    const void *caller);

#endif
