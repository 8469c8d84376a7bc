#include "guest/spinlock.h"
#include "guest/panic.h"

DEFINE_PER_CPU(u32, spinlocks_held);

void spin_lock_contended(spinlock_t *l, u32 me)
{
	for (;;) {
		u32 owner = l->locked, free = 0;

		if (owner == me)
			panic(
			    "spinlock %p: cpu %u takes it again while holding it (self-deadlock), "
			    "caller %p",
			    l, me - 1, __builtin_return_address(0));
		if (!owner && __atomic_compare_exchange_n(&l->locked, &free, me, false,
							  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
}
