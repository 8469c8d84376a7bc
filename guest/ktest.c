#include <stdarg.h>
#include "guest/ktest.h"
#include "guest/spinlock.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/console.h"
#include "guest/irqflags.h"
#include "guest/lib/name_filter.h"
#include "guest/preempt.h"
#include "guest/sched.h"
#include "guest/lib/string.h"

extern const struct ktest_suite __ktest_suites_start[], __ktest_suites_end[];

struct kjmp_buf {
	u32 regs[6];
};
asmlinkage int kjmp_set(struct kjmp_buf *buf);
asmlinkage void kjmp_long(struct kjmp_buf *buf, int val) __noreturn;

static struct kjmp_buf *panic_catcher;
char ktest_last_panic[256];

bool ktest_catch_panic(const char *msg)
{
	struct kjmp_buf *buf = panic_catcher;

	if (!buf)
		return false;
	panic_catcher = NULL;
	strlcpy(ktest_last_panic, msg, sizeof(ktest_last_panic));
	cprintf("    # expected panic caught: %s\n", msg);
	kjmp_long(buf, 1);
}

bool ktest_expect_panic(void (*fn)(void *arg), void *arg)
{
	struct kjmp_buf buf;
	u32 preempt = this_cpu_read(__preempt_count),
	    locks = this_cpu_read(spinlocks_held); /* with the resched bit */
	unsigned long flags = local_irq_save();

	local_irq_restore(flags);
	ktest_last_panic[0] = 0;
	if (kjmp_set(&buf) == 0) {
		panic_catcher = &buf;
		fn(arg);
		panic_catcher = NULL;
		return false;
	}
	/* Back from panic(): undo what the panicking path had switched off. */
	this_cpu_write(__preempt_count, preempt);
	this_cpu_write(spinlocks_held, locks);
	local_irq_restore(flags);
	return true;
}

bool ktest_check(struct ktest *t, bool ok, const char *file, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	t->checks++;
	if (ok)
		return true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cprintf("    # %s: %s:%d: %s\n", t->name, file, line, msg);
	t->failures++;
	return false;
}

void ktest_progress(struct ktest *t, u64 done, u64 total, const char *what)
{
	if (!t->progress_at)
		t->progress_at = jiffies;
	if (jiffies - t->progress_at < KTEST_PROGRESS_TICKS)
		return;
	t->progress_at = jiffies;
	cprintf("    # %s: %llu of %llu %s\n", t->name, done, total, what);
}

void ktest_skip(struct ktest *t, const char *why)
{
	t->skip = why;
}

/* A case's line: passed, failed, skipped with its reason, or failed for asserting nothing. */
static bool report_case(unsigned nr, const struct ktest *t)
{
	if (t->skip && !t->failures) {
		cprintf("    ok %u %s # SKIP %s\n", nr, t->name, t->skip);
		return true;
	}
	if (!t->checks && !t->failures) {
		cprintf("    # %s: made no assertion: a case must check something or skip\n",
			t->name);
		cprintf("    not ok %u %s\n", nr, t->name);
		return false;
	}
	cprintf("    %sok %u %s\n", t->failures ? "not " : "", nr, t->name);
	return !t->failures;
}

static const char *skip_reason(const struct ktest_suite *s)
{
	return s->skip_reason ? s->skip_reason() : NULL;
}

static bool is_suite(const char *name, size_t n)
{
	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if (name_filter_word_is(name, n, s->name))
			return true;
	return false;
}

static void no_suite(const char *filter, const char *name, size_t n)
{
	cprintf("# ktest: test=%s: no suite named '%.*s'\n", filter, (int)n, name);
}

/* One suite's cases and teardown, on whichever CPU runs this. */
struct suite_run {
	const struct ktest_suite *s;
	unsigned failed;
};

static void run_cases(void *arg)
{
	struct suite_run *r = arg;
	const struct ktest_suite *s = r->s;

	for (unsigned i = 0; i < s->nr_cases; i++) {
		struct ktest t = {.name = s->cases[i].name};

		s->cases[i].run(&t);
		r->failed += !report_case(i + 1, &t);
	}
	if (s->teardown)
		s->teardown();
}

/* On CPU 0 in the runner itself; on another CPU in a thread created there. */
static unsigned run_suite_on(unsigned cpu, const struct ktest_suite *s)
{
	struct suite_run r = {s, 0};
	struct thread *th;

	if (cpu == smp_processor_id()) {
		run_cases(&r);
		return r.failed;
	}
	th = thread_create_on("ktest", run_cases, &r, cpu);
	if (!th) {
		cprintf("    # ktest: no memory for a thread on cpu %u\n", cpu);
		return 1;
	}
	thread_join(th);
	return r.failed;
}

unsigned ktest_run(const char *filter, bool every_cpu)
{
	unsigned failed, nr = 0, idx = 0, rounds = every_cpu ? nr_cpus_online : 1;

	failed = name_filter_unknown(filter, is_suite, no_suite);

	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		nr += name_filter_selects(filter, s->name);
	cprintf("KTAP version 1\n1..%u\n", nr * rounds);
	for (unsigned round = 0; round < rounds; round++)
		for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end;
		     s++) {
			unsigned suite_failed = 0, cpu = 0;
			char name[64];
			const char *why;

			if (!name_filter_selects(filter, s->name))
				continue;
			/* Round n runs on the n-th online CPU; its suites are named suite@cpuN. */
			for (unsigned k = round; !cpumask_test(&cpu_online_mask, cpu) || k--; cpu++)
				;
			snprintf(name, sizeof(name), round ? "%s@cpu%u" : "%s", s->name, cpu);
			why = skip_reason(s);
			if (why) {
				cprintf("ok %u %s # SKIP %s\n", ++idx, name, why);
				if (!round && name_filter_names(filter, s->name)) {
					cprintf("# ktest: test=%s: suite '%s' cannot run here "
						"(%s): FAIL\n",
						filter, s->name, why);
					failed++;
				}
				continue;
			}
			cprintf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", name,
				s->nr_cases);
			suite_failed = run_suite_on(cpu, s);
			cprintf("%sok %u %s\n", suite_failed ? "not " : "", ++idx, name);
			failed += suite_failed;
		}
	return failed;
}
