#ifndef MM_KMAP_LOCAL_H
#define MM_KMAP_LOCAL_H

struct thread;

/* The scheduler's hooks around a switch (mm/kmap_local.c). */
void kmap_local_sched_out(struct thread *t);
void kmap_local_sched_in(struct thread *t);

#endif
