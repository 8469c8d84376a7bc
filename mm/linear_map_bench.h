/*
 * The linear-map benchmarks (mm/linear_map_bench.c): for their exact-count test, the
 * direct-map address of the 2 MiB block the set_memory and kernel_map_pages benchmarks
 * change, valid between a benchmark's setup and teardown.
 */
#ifndef MM_LINEAR_MAP_BENCH_H
#define MM_LINEAR_MAP_BENCH_H

#include "guest/lib/types.h"

u32 linear_map_bench_va(void);

#endif
