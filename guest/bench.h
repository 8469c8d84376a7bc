/*
 * In-kernel benchmarks (bench= on the command line): each runs a fixed number of timed
 * iterations after a warm-up and reports the median and 99th percentile cycles per
 * operation (rdtsc: instructions under TCG with -icount, real cycles only on hardware
 * virtualization), plus the MMU operations and backend events (hypercalls) per operation.
 * Results are one JSON line each, {"pvkmap_bench":...}, for tools to collect. Timings are
 * never asserted; only tests assert.
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include "guest/types.h"

struct bench {
	const char *name;
	unsigned ops_per_iter; /* operations one iteration performs */
	void (*setup)(void);   /* optional, untimed */
	void (*run)(void);     /* one iteration */
	void (*teardown)(void); /* optional, untimed */
};

#define BENCH_ITERATIONS 512
#define BENCH_WARMUP 32

#define BENCH(bname, ...)                                                                   \
	static const struct bench bname##_bench __section(".benches") __used __aligned(4) = { \
		#bname, __VA_ARGS__                                                           \
	}

/* The benchmark called @name, or NULL (tests assert what each one's operations cost). */
const struct bench *bench_find(const char *name);

/* Run the benchmarks @filter names ("all", "none", names, "-name"); returns how many ran. */
unsigned bench_run(const char *filter);

#endif
