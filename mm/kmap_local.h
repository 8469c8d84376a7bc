/* A thread's kmap_local state and the scheduler's hooks around a switch (mm/kmap_local.c). */
#ifndef MM_KMAP_LOCAL_H
#define MM_KMAP_LOCAL_H

#include "mm/fixmap.h"
#include "mm/kmap_stack.h"

struct thread;

/* A thread's kmap_local slots, kept across switches: one entry per slot of the stack. */
struct kmap_local_state {
	struct kmap_stack stack;
	u64 pteval[KM_MAX_IDX]; /* each claimed slot's entry at switch-out, put back at switch-in */
};

void kmap_local_sched_out(struct thread *t);
void kmap_local_sched_in(struct thread *t);

#endif
