/*
 * In-kernel benchmarks (bench= on the command line). Each benchmark's body is called through
 * one harness: a warm-up, then BENCH_ITERATIONS timed samples, each `lfence; rdtsc`, the body
 * called `group` times, `lfence; rdtsc`. Bodies cheaper than BENCH_GROUP_BELOW ticks are timed
 * BENCH_GROUP at a time so the timer's own cost is spread over many calls. The harness alone
 * (an empty body through the same loop) is measured once per run and subtracted: each record
 * carries the raw median and p99 per operation, the harness cost and the net figures.
 * Ticks are rdtsc ticks: instructions under TCG with -icount, cycles only on hardware
 * virtualization. A trapping rdtsc (an emulated TSC) is detected and labelled in every record.
 * Results are one JSON line each, {"pvkmap_bench":...}, after one {"pvkmap_harness":...} line;
 * the format is described in README.md. Timings are never asserted; only tests assert.
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include "guest/lib/types.h"

struct bench {
	const char *name;
	unsigned ops_per_iter;	 /* operations one call of the body performs */
	void (*setup)(void);	 /* optional, untimed */
	void (*run)(void);	 /* the body: one iteration */
	void (*teardown)(void);	 /* optional, untimed */
	bool (*available)(void); /* optional: false skips it on this platform */
	/* optional: why it is not available here, for the skip line (NULL: available) */
	const char *(*unavailable_why)(void);
};

#define BENCH_ITERATIONS 512
#define BENCH_WARMUP 32
#define BENCH_GROUP 16
#define BENCH_GROUP_BELOW 100 /* ticks per call, measured in the warm-up */
/* Idle ticks before the first measurement, for the console to drain (100 Hz: 2 s). */
#define BENCH_SETTLE_TICKS 200
/* An empty harness sample above this many ticks means rdtsc traps (a native one costs a few). */
#define BENCH_TSC_TRAPS_ABOVE 100

#define BENCH_WHEN(bname, when, ops, ...)                                                          \
	static const struct bench bname##_bench __section(".benches")                              \
	    __used __aligned(4) = {#bname, ops, __VA_ARGS__, when, NULL}
#define BENCH(bname, ops, ...) BENCH_WHEN(bname, NULL, ops, __VA_ARGS__)
/* Skipped where @why_not() returns a reason, which the skip line prints. */
#define BENCH_UNLESS(bname, why_not, ops, ...)                                                     \
	static const struct bench bname##_bench __section(".benches")                              \
	    __used __aligned(4) = {#bname, ops, __VA_ARGS__, NULL, why_not}

/* The benchmark called @name, or NULL (tests assert what each one's operations cost). */
const struct bench *bench_find(const char *name);
/* Why @b cannot run on this platform (a phrase), or NULL when it can. */
const char *bench_unavailable(const struct bench *b);

/* How many names in @filter are no benchmark, each reported in one line (the boot then fails). */
unsigned bench_unknown(const char *filter);
/* Run the benchmarks @filter names ("all", "none", names, "-name"); returns how many ran. */
unsigned bench_run(const char *filter);

#endif
