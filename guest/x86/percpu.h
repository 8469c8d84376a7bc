/*
 * Per-CPU data is an array indexed by CPU number. Only the boot CPU runs today; when APs come
 * up, smp_processor_id() reads the number from per-CPU segment data instead of returning 0.
 */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#define NR_CPUS 8

static inline unsigned smp_processor_id(void)
{
	return 0;
}

#endif
