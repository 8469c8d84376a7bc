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

/*
 * Call @fn(va, ptep, arg) for every present entry of CPU @cpu's kmap_atomic/kmap_local
 * window; only @cpu may change what it finds (another CPU's view is a racy snapshot: the
 * owner maps and unmaps its slots without a lock). set_memory_* rewrites the aliases there
 * on each CPU itself. Entries of switched-out threads are not in the windows: they take
 * their page's registered type when switched back in.
 */
void kmap_window_for_each(unsigned cpu, void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg);
/* The same over every CPU's window: for readers (tests). */
void kmap_for_each_slot(void (*fn)(u32 va, pte_t *ptep, void *arg), void *arg);

/*
 * On this CPU, with no slot held (else a panic): clear every entry of its window, the stale
 * ones kmap=lazy leaves behind included (each a set_pte_va with its flush folded).
 */
void kmap_clear_stale(void);

void kmap_local_sched_out(struct thread *t);
void kmap_local_sched_in(struct thread *t);

#endif
