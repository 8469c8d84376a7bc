#include "guest/bench.h"
#include "guest/smp.h"
#include "guest/console.h"
#include "guest/lib/name_filter.h"
#include "guest/x86/cpu.h"
#include "guest/irqflags.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/lib/string.h"
#include "guest/panic.h"
#include "guest/sched.h"
#include <stdarg.h>
#include "pv/ops.h"

extern const struct bench __benches_start[], __benches_end[];

static bool tsc_fenced; /* lfence exists (SSE2): rdtsc is ordered, as on hardware */

/*
 * Ticks for @group calls of @run, between two TSC reads. In assembly so that nothing but
 * the calls and their loop sits between the reads: the window holds two stores, the fences,
 * and call/ret/dec/jnz per call (the body's own work aside), which the empty-body harness
 * measures and every record subtracts. @run may clobber what the C ABI lets it.
 */
static inline u64 time_calls(void (*run)(void), unsigned group)
{
	u32 lo0, hi0, lo1, hi1;

	if (tsc_fenced)
		__asm__ volatile("lfence; rdtsc; mov %%eax, %%ebx; mov %%edx, %[hi0]; lfence\n"
				 "1: call *%%esi; dec %%edi; jnz 1b\n"
				 "lfence; rdtsc"
				 : "=a"(lo1), "=d"(hi1), "=b"(lo0), [hi0] "=m"(hi0), "+S"(run),
				   "+D"(group)
				 :
				 : "ecx", "memory", "cc");
	else
		__asm__ volatile("rdtsc; mov %%eax, %%ebx; mov %%edx, %[hi0]\n"
				 "1: call *%%esi; dec %%edi; jnz 1b\n"
				 "rdtsc"
				 : "=a"(lo1), "=d"(hi1), "=b"(lo0), [hi0] "=m"(hi0), "+S"(run),
				   "+D"(group)
				 :
				 : "ecx", "memory", "cc");
	return (((u64)hi1 << 32) | lo1) - (((u64)hi0 << 32) | lo0);
}

/*
 * The records are kept here and printed after the last benchmark: console output drains
 * asynchronously (under Xen dom0 forwards it, and the test host's TSC counts dom0's
 * instructions too), so printing between benchmarks would leak into the next one's samples.
 */
static char out[32768];
static size_t out_len;

static void __printf(1, 2) bench_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(out) - out_len)
		panic("bench: %zu bytes of records do not fit the %zu-byte buffer", out_len + n,
		      sizeof(out));
	out_len += (size_t)n;
}

/* Print the kept records (straight to the console: a record is longer than cprintf's buffer). */
static void bench_flush(void)
{
	console_write(out, out_len);
	out_len = 0;
}

/* Median and p99 of one sample series, in ticks per sample. */
struct bench_stats {
	u64 median, p99;
};

/* The empty body's cost per sample at each group size, and whether rdtsc traps. */
static struct {
	struct bench_stats group[BENCH_GROUP + 1];
	bool tsc_traps;
} harness;

static void sort(u64 *v, unsigned n)
{
	for (unsigned gap = n / 2; gap; gap /= 2)
		for (unsigned i = gap; i < n; i++)
			for (unsigned j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
				u64 t = v[j];

				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

static struct bench_stats stats_of(u64 *samples, unsigned n)
{
	sort(samples, n);
	return (struct bench_stats){samples[n / 2], samples[n * 99 / 100]};
}

/*
 * @n samples of @group calls of @run each, into @samples. The loop is the same for the
 * empty harness and every body, so subtracting the first leaves the second's own cost.
 */
static __attribute__((noinline)) void sample(void (*run)(void), unsigned group, u64 *samples,
					     unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		samples[i] = time_calls(run, group);
}

/* The empty body: a bare ret, so the harness holds only what every body's call costs. */
void bench_empty_body(void);
__asm__(".pushsection .text\n.globl bench_empty_body\nbench_empty_body: ret\n.popsection");

static struct bench_stats measure_harness(unsigned group)
{
	static u64 samples[BENCH_ITERATIONS];

	sample(bench_empty_body, group, samples, BENCH_WARMUP);
	sample(bench_empty_body, group, samples, BENCH_ITERATIONS);
	return stats_of(samples, BENCH_ITERATIONS);
}

/* @v / 1000 with three places, signed: a net figure can be just below zero. */
static void print_milli(const char *key, s64 v, bool comma)
{
	u64 a = v < 0 ? -(u64)v : (u64)v;

	bench_printf("%s\"%s\":%s%llu.%03llu", comma ? "," : "", key, v < 0 ? "-" : "", a / 1000,
		     a % 1000);
}

/* @total / @per as a decimal with three places: counts per operation are often fractional. */
static void print_ratio(const char *key, u64 total, u64 per, bool *first)
{
	print_milli(key, (s64)(total * 1000 / per), !*first);
	*first = false;
}

static void print_head(const char *kind)
{
	bench_printf(
	    "{\"%s\":{\"backend\":\"%s\",\"pvmmu\":\"%s\",\"platform\":\"%s\",\"tsc\":\"%s\","
	    "\"cpus\":%u",
	    kind, pv_mmu->name, pv_mmu->strategy, platform_name(platform),
	    harness.tsc_traps ? "trapping" : "native", nr_cpus_online);
}

static void run_one(const struct bench *b)
{
	static u64 samples[BENCH_ITERATIONS];
	struct pv_counts before, d;
	u64 per = (u64)BENCH_ITERATIONS * b->ops_per_iter, div;
	unsigned group;
	s64 raw_median, raw_p99, cost;
	struct bench_stats s;
	unsigned long flags;
	bool first = true;

	if (b->setup)
		b->setup();
	/* Interrupts off while timing, as the Linux peer does: no tick lands in a sample. */
	flags = local_irq_save();
	sample(b->run, 1, samples, BENCH_WARMUP);
	group = stats_of(samples, BENCH_WARMUP).median < BENCH_GROUP_BELOW ? BENCH_GROUP : 1;
	pv_counts_snapshot(&before);
	sample(b->run, group, samples, BENCH_ITERATIONS);
	pv_counts_since(&before, &d);
	local_irq_restore(flags);
	if (b->teardown)
		b->teardown();
	s = stats_of(samples, BENCH_ITERATIONS);
	div = (u64)group * b->ops_per_iter;
	raw_median = (s64)(s.median * 1000 / div);
	raw_p99 = (s64)(s.p99 * 1000 / div);
	cost = (s64)(harness.group[group].median * 1000 / div);
	per *= group;

	print_head("pvkmap_bench");
	bench_printf(",\"name\":\"%s\",\"iterations\":%u,\"warmup\":%u,\"ops_per_iteration\":%u,"
		     "\"group\":%u",
		     b->name, BENCH_ITERATIONS, BENCH_WARMUP, b->ops_per_iter, group);
	print_milli("median_raw", raw_median, true);
	print_milli("p99_raw", raw_p99, true);
	print_milli("harness", cost, true);
	print_milli("median_net", raw_median - cost, true);
	print_milli("p99_net", raw_p99 - cost, true);
	bench_printf(",\"per_op\":{");
	for (unsigned op = 0; op < PV_OP_NR; op++)
		if (d.op[op])
			print_ratio(pv_op_names[op], d.op[op], per, &first);
	bench_printf("},\"backend_per_op\":{");
	first = true;
	for (unsigned ev = 0; ev < PV_EV_NR; ev++)
		if (d.ev[ev])
			print_ratio(pv_event_names[ev], d.ev[ev], per, &first);
	bench_printf("}}}\n");
}

/*
 * Let the boot's console output drain first (about a second of it at 115200 baud): the
 * CPU idles, ticking, so whoever forwards the output is done before anything is timed.
 */
static void settle(void)
{
	u64 end = jiffies + BENCH_SETTLE_TICKS;

	while (jiffies < end)
		pv_cpu->idle_halt();
}

/* Time the empty body at both group sizes; a costly one means rdtsc traps. */
static void harness_calibrate(void)
{
	unsigned long flags;

	tsc_fenced = cpu_has_sse2();
	flags = local_irq_save();
	harness.group[1] = measure_harness(1);
	harness.group[BENCH_GROUP] = measure_harness(BENCH_GROUP);
	local_irq_restore(flags);
	harness.tsc_traps = harness.group[1].median > BENCH_TSC_TRAPS_ABOVE;
	if (harness.tsc_traps)
		bench_printf(
		    "bench: rdtsc traps: the empty harness costs %llu ticks per sample (a "
		    "native rdtsc costs a few); every figure below includes TSC emulation\n",
		    harness.group[1].median);
	print_head("pvkmap_harness");
	bench_printf(",\"iterations\":%u,\"group_1\":{\"median\":%llu,\"p99\":%llu},"
		     "\"group_%u\":{\"median\":%llu,\"p99\":%llu}}}\n",
		     BENCH_ITERATIONS, harness.group[1].median, harness.group[1].p99, BENCH_GROUP,
		     harness.group[BENCH_GROUP].median, harness.group[BENCH_GROUP].p99);
}

const struct bench *bench_find(const char *name)
{
	for (const struct bench *b = __benches_start; b < __benches_end; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static bool is_bench(const char *name, size_t n)
{
	for (const struct bench *b = __benches_start; b < __benches_end; b++)
		if (name_filter_word_is(name, n, b->name))
			return true;
	return false;
}

static void no_bench(const char *filter, const char *name, size_t n)
{
	cprintf("# bench: bench=%s: no benchmark named '%.*s'\n", filter, (int)n, name);
}

unsigned bench_unknown(const char *filter)
{
	return name_filter_unknown(filter, is_bench, no_bench);
}

const char *bench_unavailable(const struct bench *b)
{
	if (b->unavailable_why)
		return b->unavailable_why();
	if (b->available && !b->available())
		return "the benchmark does not apply to this backend";
	return NULL;
}

unsigned bench_run(const char *filter)
{
	const char *why;
	unsigned ran = 0;

	for (const struct bench *b = __benches_start; b < __benches_end; b++) {
		if (!name_filter_selects(filter, b->name))
			continue;
		why = bench_unavailable(b);
		if (why) {
			/* The report reads this line: "n/a: <why>" in the benchmark's cell. */
			cprintf("bench: %s: not available on this platform (%s): %s; skipped\n",
				b->name, platform_name(platform), why);
			continue;
		}
		if (!ran) {
			settle();
			harness_calibrate();
		}
		run_one(b);
		ran++;
	}
	bench_flush();
	return ran;
}
