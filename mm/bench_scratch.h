/*
 * The shootdown benchmarks' target (mm/shootdown_bench.c, pv/xen/xen_bench.c): a page mapped
 * at the scratch fixmap slot, so that every shootdown drops a real translation.
 */
#ifndef MM_BENCH_SCRATCH_H
#define MM_BENCH_SCRATCH_H

void bench_scratch_map(void);
void bench_scratch_unmap(void);

#endif
