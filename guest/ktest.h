/*
 * In-kernel self-tests, reported as KTAP v1 on the console: one subtest per suite, one line
 * per case. Suites sit next to the code they test and register with KTEST_SUITE(); the
 * test= option picks which run.
 */
#ifndef GUEST_KTEST_H
#define GUEST_KTEST_H

#include "guest/printk.h"

struct ktest {
	const char *name;
	unsigned failures;
	unsigned checks;  /* assertions made: a case that makes none and is not skipped fails */
	const char *skip; /* set by ktest_skip(): why the case cannot run here */
	u64 progress_at;  /* jiffies of the last progress line */
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	unsigned nr_cases;
	/*
	 * NULL, or why the suite cannot run on this machine (e.g. Xen-only suites, too little
	 * highmem): NULL when it can. A suite that cannot run prints a SKIP line with the reason;
	 * if test= named it, the boot's verdict is FAIL, since what was asked for did not run.
	 */
	const char *(*skip_reason)(void);
	/* NULL, or what gives back the suite's shared state after its last case, whichever ran. */
	void (*teardown)(void);
};

#define KTEST_CASE(fn)                                                                             \
	{                                                                                          \
#fn, fn                                                                            \
	}
#define KTEST_SUITE_DEF(sname, skip_fn, teardown_fn, ...)                                          \
	static const struct ktest_case sname##_cases[] = {__VA_ARGS__};                            \
	static const struct ktest_suite sname##_suite __section(".ktest_suites") __used __aligned( \
	    4) = {#sname, sname##_cases, ARRAY_SIZE(sname##_cases), skip_fn, teardown_fn}
#define KTEST_SUITE_IF(sname, skip_fn, ...) KTEST_SUITE_DEF(sname, skip_fn, NULL, __VA_ARGS__)
#define KTEST_SUITE(sname, ...) KTEST_SUITE_IF(sname, NULL, __VA_ARGS__)

/* Record a failure with its location and a message; returns @ok so callers can stop early. */
bool ktest_check(struct ktest *t, bool ok, const char *file, int line, const char *fmt, ...)
    __printf(5, 6);

#define KT_EXPECT(t, cond) ktest_check(t, (cond), __FILE__, __LINE__, "expected %s", #cond)
#define KT_EXPECT_EQ(t, a, b)                                                                      \
	({                                                                                         \
		u64 _a = (u64)(a), _b = (u64)(b);                                                  \
		ktest_check(t, _a == _b, __FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, \
			    _a, _b);                                                               \
	})
/* The case cannot run on this machine (@why, one line): it reports a SKIP, not a pass. */
void ktest_skip(struct ktest *t, const char *why);

/*
 * For long loops: a line "# case: @done of @total @what" at most every KTEST_PROGRESS_TICKS
 * of guest time, so a slow run is visibly alive.
 */
#define KTEST_PROGRESS_TICKS 1000 /* 10 s at 100 Hz */
void ktest_progress(struct ktest *t, u64 done, u64 total, const char *what);

/* A diagnostic line inside the current case's output. */
#define kt_info(fmt, ...) cprintf("    # " fmt "\n", ##__VA_ARGS__)

/*
 * Run @fn(@arg), which must panic: the panic is caught instead of ending the VM, and the
 * preemption count and interrupt state are put back as they were. Returns true if it
 * panicked; the message is in ktest_last_panic. For misuse checks only: a panic that left a
 * lock held would still leave it held.
 */
bool ktest_expect_panic(void (*fn)(void *arg), void *arg);
extern char ktest_last_panic[256];
/* Set while ktest_expect_panic() runs: panic() jumps back instead of stopping. */
bool ktest_catch_panic(const char *msg);

/*
 * Run the suites @filter names ("all", "none", or "a,b"); returns how many cases failed, plus
 * one for each suite named that cannot run here. With @every_cpu (testcpus=all) they run
 * again on each other online CPU, in a thread there, as suite@cpuN.
 */
unsigned ktest_run(const char *filter, bool every_cpu);

#endif
