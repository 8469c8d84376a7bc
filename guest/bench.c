#include "guest/bench.h"
#include "guest/cmdline.h"
#include "guest/name_filter.h"
#include "guest/cpu.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/string.h"
#include "pv/ops.h"

#define MAX_BACKEND_COUNTS 16

extern const struct bench __benches_start[], __benches_end[];

struct bench_counts {
	u64 ops[PV_OP_NR];
	u64 backend[MAX_BACKEND_COUNTS];
	const char *names[MAX_BACKEND_COUNTS];
	unsigned nr_backend;
};

static void take(struct bench_counts *c)
{
	for (unsigned op = 0; op < PV_OP_NR; op++)
		c->ops[op] = pv_count(op);
	c->nr_backend = pv_cpu->backend_counts ?
				pv_cpu->backend_counts(c->backend, c->names, MAX_BACKEND_COUNTS) :
				0;
}

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

/* @total / @per as a decimal with three places: counts per operation are often fractional. */
static void print_ratio(const char *key, u64 total, u64 per, bool *first)
{
	u64 milli = total * 1000 / per;

	cprintf("%s\"%s\":%llu.%03llu", *first ? "" : ",", key, milli / 1000, milli % 1000);
	*first = false;
}

static void run_one(const struct bench *b)
{
	static u64 samples[BENCH_ITERATIONS];
	struct bench_counts before, after;
	u64 per = (u64)BENCH_ITERATIONS * b->ops_per_iter;
	bool first = true;

	if (b->setup)
		b->setup();
	for (unsigned i = 0; i < BENCH_WARMUP; i++)
		b->run();
	take(&before);
	for (unsigned i = 0; i < BENCH_ITERATIONS; i++) {
		u64 t0 = rdtsc();

		b->run();
		samples[i] = (rdtsc() - t0) / b->ops_per_iter;
	}
	take(&after);
	if (b->teardown)
		b->teardown();
	sort(samples, BENCH_ITERATIONS);
	cprintf("{\"pvkmap_bench\":{\"name\":\"%s\",\"backend\":\"%s\",\"pvmmu\":\"%s\","
		"\"platform\":\"%s\",\"iterations\":%u,\"ops_per_iteration\":%u,"
		"\"median_cycles\":%llu,\"p99_cycles\":%llu,\"per_op\":{",
		b->name, pv_mmu->name, pv_mmu->tables_readonly ? pvmmu_names[boot_options.pvmmu] : "n/a",
		platform_name(platform), BENCH_ITERATIONS, b->ops_per_iter,
		samples[BENCH_ITERATIONS / 2], samples[BENCH_ITERATIONS * 99 / 100]);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		if (after.ops[op] != before.ops[op])
			print_ratio(pv_op_names[op], after.ops[op] - before.ops[op], per, &first);
	cprintf("},\"backend_per_op\":{");
	first = true;
	for (unsigned i = 0; i < after.nr_backend; i++)
		if (after.backend[i] != before.backend[i])
			print_ratio(after.names[i], after.backend[i] - before.backend[i], per, &first);
	cprintf("}}}\n");
}

const struct bench *bench_find(const char *name)
{
	for (const struct bench *b = __benches_start; b < __benches_end; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

unsigned bench_run(const char *filter)
{
	unsigned ran = 0;

	for (const struct bench *b = __benches_start; b < __benches_end; b++) {
		if (!name_filter_selects(filter, b->name))
			continue;
		run_one(b);
		ran++;
	}
	return ran;
}
