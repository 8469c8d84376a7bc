/*
 * The kernel's mappings under real concurrency: pkmap sleepers on other CPUs woken by kunmaps
 * on this one, and a storm of kmap, kmap_atomic, kmap_local, copy_highpage and alloc/free over
 * shared highmem pages from threads on every CPU, each page carrying its own identity, so a
 * read through a stale or wrong translation shows as a mismatch.
 */
#include "guest/ktest.h"
#include "guest/platform.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "guest/lib/string.h"
#include "mm/highmem.h"
#include "mm/zone.h"
#include "pv/ops.h"

#define STORM_PAGES 256
#define WORDS (PAGE_SIZE / 4)

static const char *too_little_highmem(void)
{
	return zones[ZONE_HIGHMEM].free_pages >= LAST_PKMAP + STORM_PAGES + 64
		   ? NULL
		   : "fewer free highmem pages than the pkmap window and the storm's pool";
}

static u32 mix(u32 seed, u32 i)
{
	u32 x = seed ^ (i * 0x9e3779b9u);

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	return x;
}

/* A page's contents: its tag (who it is), its seed, then words derived from the seed. */
static void fill(u32 *v, u32 tag, u32 seed)
{
	v[0] = tag;
	v[1] = seed;
	for (u32 i = 2; i < WORDS; i++)
		v[i] = mix(seed, i);
}

/* Check the header and @samples words (all of them with WORDS); returns mismatches. */
static u32 check(const u32 *v, u32 tag, u32 seed, u32 samples, u32 *rng)
{
	u32 bad = (v[0] != tag) + (v[1] != seed);

	for (u32 n = 0; n < samples; n++) {
		u32 i =
		    samples == WORDS ? n : 2 + (*rng = *rng * 1103515245u + 12345u) % (WORDS - 2);

		if (i >= 2)
			bad += v[i] != mix(seed, i);
	}
	return bad;
}

/* --- pkmap sleepers --- */

static struct page *held[LAST_PKMAP];

struct sleeper {
	struct page *page;
	volatile bool done;
	u32 bad;
	unsigned cpu;
};

static void sleeper_run(void *arg)
{
	struct sleeper *s = arg;
	u32 rng = 1, *v = kmap(s->page); /* sleeps: every slot is held */

	s->bad = check(v, page_to_pfn(s->page), 0x5eed, WORDS, &rng);
	s->cpu = smp_processor_id();
	kunmap(s->page);
	s->done = true;
}

/*
 * Every pkmap slot held here; two sleepers on each CPU (this one too when it is alone) wait
 * for one; the kunmaps here free slots one by one (a wrap then clears them, with a shootdown)
 * and every sleeper gets its own page's contents.
 */
static void pkmap_sleepers_woken_from_other_cpus(struct ktest *t)
{
	struct sleeper s[2 * NR_CPUS] = {0};
	struct thread *th[2 * NR_CPUS] = {0};
	unsigned n = 0;
	u64 sleeps = pkmap_sleeps, start;

	kmap_flush_unused();
	for (unsigned i = 0; i < LAST_PKMAP; i++) {
		held[i] = alloc_page(GFP_HIGHMEM);
		if (!KT_EXPECT(t, held[i] && kmap(held[i])))
			return;
	}
	for_each_online_cpu(cpu)
	{
		if (cpu == smp_processor_id() && nr_cpus_online > 1)
			continue;
		for (unsigned k = 0; k < 2; k++, n++) {
			void *v;

			s[n].page = alloc_page(GFP_HIGHMEM);
			if (!KT_EXPECT(t, s[n].page))
				return;
			v = kmap_local_page(s[n].page);
			fill(v, page_to_pfn(s[n].page), 0x5eed);
			kunmap_local(v);
			th[n] = thread_create_on("pkmap-sleeper", sleeper_run, &s[n], cpu);
			KT_EXPECT(t, th[n] != NULL);
		}
	}
	start = jiffies;
	while (pkmap_sleeps - sleeps < n && jiffies - start < 1000)
		yield();
	KT_EXPECT_EQ(t, pkmap_sleeps - sleeps, n);
	for (unsigned i = 0; i < LAST_PKMAP; i++) {
		kunmap(held[i]);
		yield();
	}
	for (unsigned i = 0; i < n; i++) {
		if (th[i])
			thread_join(th[i]);
		KT_EXPECT(t, s[i].done);
		KT_EXPECT_EQ(t, s[i].bad, 0);
		if (nr_cpus_online > 1)
			KT_EXPECT(t, s[i].cpu != smp_processor_id());
		__free_pages(s[i].page, 0);
	}
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		__free_pages(held[i], 0);
	kmap_flush_unused();
	kt_info("%u sleepers on %u CPUs woken by kunmaps on cpu %u, contents intact", n,
		nr_cpus_online, smp_processor_id());
}

/* --- the storm --- */

static struct {
	struct page *page;
	u32 tag, seed;
	volatile u32 busy;
} pool[STORM_PAGES];

static u64 storm_ops[2 * NR_CPUS], storm_bad[2 * NR_CPUS];
static u32 storm_iterations;
static u64 storm_deadline; /* jiffies: the storm also stops here, done or not */
#define STORM_TICKS 2000   /* 20 s of guest time */

static bool take(unsigned i)
{
	u32 free = 0;

	return __atomic_compare_exchange_n(&pool[i].busy, &free, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static void give(unsigned i)
{
	__atomic_store_n(&pool[i].busy, 0, __ATOMIC_RELEASE);
}

static void storm_run(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	u32 rng = 0x1234567u * (me + 1), ops = 0, bad = 0;

	for (u32 it = 0; it < storm_iterations; it++) {
		if (!(it & 255) && jiffies >= storm_deadline)
			break;
		u32 r = rng = rng * 1103515245u + 12345u;
		unsigned i = (r >> 4) % STORM_PAGES, j = (r >> 12) % STORM_PAGES;
		u32 *v;

		if (!take(i))
			continue;
		switch ((r >> 24) % 8) {
		case 0:
		case 1:
			v = kmap(pool[i].page);
			bad += check(v, pool[i].tag, pool[i].seed, 8, &rng);
			kunmap(pool[i].page);
			break;
		case 2:
		case 3:
			v = kmap_atomic(pool[i].page);
			bad += check(v, pool[i].tag, pool[i].seed, 8, &rng);
			kunmap_atomic(v);
			break;
		case 4: /* rewrite through kmap_local, preemptible: ticks switch threads here */
			v = kmap_local_page(pool[i].page);
			bad += check(v, pool[i].tag, pool[i].seed, 8, &rng);
			pool[i].seed = r;
			fill(v, pool[i].tag, r);
			kunmap_local(v);
			break;
		case 5: /* copy another CPU's page over this one */
			if (j != i && take(j)) {
				copy_highpage(pool[i].page, pool[j].page);
				pool[i].tag = pool[j].tag;
				pool[i].seed = pool[j].seed;
				give(j);
			}
			break;
		case 6: { /* free it, take a new page */
			struct page *np = alloc_page(GFP_HIGHMEM);

			if (np) {
				__free_pages(pool[i].page, 0);
				pool[i].page = np;
				pool[i].tag = page_to_pfn(np);
				v = kmap_local_page(np);
				fill(v, pool[i].tag, pool[i].seed);
				kunmap_local(v);
			}
			break;
		}
		default: /* the whole page, through a kmap_atomic nested in a kmap_local */
			v = kmap_local_page(pool[i].page);
			if (j != i && take(j)) {
				u32 *w = kmap_atomic(pool[j].page);

				bad += check(w, pool[j].tag, pool[j].seed, 8, &rng);
				kunmap_atomic(w);
				give(j);
				ops++;
			}
			bad += check(v, pool[i].tag, pool[i].seed, WORDS, &rng);
			kunmap_local(v);
		}
		give(i);
		ops++;
	}
	storm_ops[me] = ops;
	storm_bad[me] = bad;
}

static void kmap_storm_every_cpu(struct ktest *t)
{
	struct thread *th[2 * NR_CPUS] = {0};
	unsigned nthreads = 2 * nr_cpus_online, k = 0;
	u64 ops = 0, bad = 0, final_bad = 0;
	/* Under Xen every map is a hypercall: fewer operations in the same time. */
	u32 total = platform == PLATFORM_XEN_PV ? 400000 : 2000000;
	u32 rng = 7;

	storm_iterations = total / nthreads;
	storm_deadline = jiffies + STORM_TICKS;
	for (unsigned i = 0; i < STORM_PAGES; i++) {
		void *v;

		pool[i].page = alloc_page(GFP_HIGHMEM);
		if (!KT_EXPECT(t, pool[i].page))
			return;
		pool[i].tag = page_to_pfn(pool[i].page);
		pool[i].seed = i;
		pool[i].busy = 0;
		v = kmap_local_page(pool[i].page);
		fill(v, pool[i].tag, pool[i].seed);
		kunmap_local(v);
	}
	for_each_online_cpu(cpu) for (unsigned n = 0; n < 2; n++, k++) th[k] =
	    thread_create_on("kmap-storm", storm_run, (void *)(uintptr_t)k, cpu);
	for (unsigned i = 0; i < nthreads; i++) {
		KT_EXPECT(t, th[i] != NULL);
		if (th[i])
			thread_join(th[i]);
		ops += storm_ops[i];
		bad += storm_bad[i];
	}
	for (unsigned i = 0; i < STORM_PAGES; i++) {
		u32 *v = kmap_local_page(pool[i].page);

		final_bad += check(v, pool[i].tag, pool[i].seed, WORDS, &rng);
		kunmap_local(v);
		__free_pages(pool[i].page, 0);
	}
	kmap_flush_unused();
	KT_EXPECT(t, ops >= 10000); /* a storm, even where every map traps into Xen */
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, final_bad, 0);
	kt_info("storm: %llu operations by %u threads on %u CPUs in %llu ticks, %llu mismatches, "
		"%llu in the final check of %u pages",
		ops, nthreads, nr_cpus_online, jiffies - (storm_deadline - STORM_TICKS), bad,
		final_bad, STORM_PAGES);
}

KTEST_SUITE_IF(smp_storm, too_little_highmem, KTEST_CASE(pkmap_sleepers_woken_from_other_cpus),
	       KTEST_CASE(kmap_storm_every_cpu));
