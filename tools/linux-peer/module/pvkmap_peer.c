// SPDX-License-Identifier: GPL-2.0
/*
 * pvkmap_peer: pvkmap's highmem mapping benchmarks, run in Debian's own 32-bit PAE Linux
 * kernel so that the report can set pvkmap's figures beside Linux's.
 *
 * At load it times every benchmark once, with the harness of pvkmap's guest/bench.c as
 * described in README.md ("Benchmark records"), and keeps the JSON records (one per line) for
 * /proc/pvkmap_peer, which the initramfs's /init copies to the serial console; printk
 * would interleave them with the kernel's own messages.
 *
 * Harness: per benchmark, 32 warm-up samples of one body call each; their median decides the
 * group G (16 calls per sample when one call costs under 100 ticks, else 1); then 512 samples
 * of G calls, each between two serialised TSC reads (lfence; rdtsc). Interrupts are off from
 * the first warm-up call to the last sample. A sample divided by G * ops_per_iteration is
 * the per-operation figure; median = sorted[256], p99 = sorted[506]. The same loop around an
 * empty body (a bare ret) at G = 1 and G = 16 is the harness that every record subtracts.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/highmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/utsname.h>
#include <linux/irqflags.h>
#include <linux/sched.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#define PEER_ITERATIONS 512
#define PEER_WARMUP 32
#define PEER_GROUP 16
#define PEER_GROUP_BELOW 100	 /* ticks of one warm-up call under which G = PEER_GROUP */
#define PEER_TSC_TRAPS_ABOVE 100 /* an empty G = 1 sample above this: rdtsc is emulated */
#define POOL_PAGES 1024		 /* twice the pkmap window: every kmap finds a fresh page */
#define OUT_SIZE (32 * 1024)

static char *package = "unknown";
module_param(package, charp, 0444);
MODULE_PARM_DESC(package, "the kernel package's Debian version, for the records");

static struct page *pool[POOL_PAGES];
static unsigned int pool_next;
static struct page *lowmem_page, *held_page;

static char *out;
static size_t out_len;
static const char *platform = "hypervisor";
static bool tsc_traps;

struct stats {
	u64 median, p99;
};

static struct stats harness[PEER_GROUP + 1];

static __printf(1, 2) void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_len += vscnprintf(out + out_len, OUT_SIZE - out_len, fmt, ap);
	va_end(ap);
}

/*
 * Ticks for @group calls of @body between two serialised TSC reads. The window holds only
 * the fences, the saving of the first reading and call/ret/dec/jnz per call, so the empty
 * body measures exactly what every real one adds besides its own work. The body is an
 * ordinary C function: eax, ecx and edx are its to clobber; esi, edi, ebx survive it.
 */
static __always_inline u64 time_group(void (*body)(void), unsigned int group)
{
	u32 start_lo, start_hi, end_lo, end_hi;

	asm volatile("lfence\n\t"
		     "rdtsc\n\t"
		     "movl %%eax, %%ebx\n\t"
		     "movl %%edx, %[sh]\n\t"
		     "lfence\n"
		     "1:\tcall *%%esi\n\t"
		     "decl %%edi\n\t"
		     "jnz 1b\n\t"
		     "lfence\n\t"
		     "rdtsc"
		     : "=a"(end_lo), "=d"(end_hi), "=b"(start_lo), [sh] "=m"(start_hi),
		       "+S"(body), "+D"(group)
		     :
		     : "ecx", "memory", "cc");
	return (((u64)end_hi << 32) | end_lo) - (((u64)start_hi << 32) | start_lo);
}

/* One loop for the empty body and every real one; noipa keeps @body a true indirect call. */
static noinline __attribute__((noipa)) void take_samples(void (*body)(void), unsigned int group,
							 u64 *samples, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		samples[i] = time_group(body, group);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static struct stats stats_of(u64 *samples, unsigned int n)
{
	sort(samples, n, sizeof(*samples), cmp_u64, NULL);
	return (struct stats){ samples[n / 2], samples[n * 99 / 100] };
}

static u64 samples[PEER_ITERATIONS];

/* The empty body: a bare ret, as pvkmap's. */
void pvkmap_peer_empty_body(void);
asm(".pushsection .text\n\t"
    ".globl pvkmap_peer_empty_body\n\t"
    ".type pvkmap_peer_empty_body, @function\n"
    "pvkmap_peer_empty_body:\n\t"
    "ret\n\t"
    ".size pvkmap_peer_empty_body, . - pvkmap_peer_empty_body\n\t"
    ".popsection");

/* ---- the benchmarks' bodies -------------------------------------------------------- */

static struct page *next_page(void)
{
	struct page *p = pool[pool_next];

	pool_next = (pool_next + 1) % POOL_PAGES;
	return p;
}

static noinline void atomic_pair(void)
{
	kunmap_atomic(kmap_atomic(next_page()));
}

static noinline void atomic_nested4(void)
{
	void *a = kmap_atomic(next_page()), *b = kmap_atomic(next_page());
	void *c = kmap_atomic(next_page()), *d = kmap_atomic(next_page());

	kunmap_atomic(d);
	kunmap_atomic(c);
	kunmap_atomic(b);
	kunmap_atomic(a);
}

static noinline void local_pair(void)
{
	kunmap_local(kmap_local_page(next_page()));
}

static noinline void local_pair_lowmem(void)
{
	kunmap_local(kmap_local_page(lowmem_page));
}

static noinline void kmap_same(void)
{
	kmap(held_page);
	kunmap(held_page);
}

static noinline void kmap_fresh(void)
{
	struct page *p = next_page();

	kmap(p);
	kunmap(p);
}

static noinline void kmap_window_cycle(void)
{
	unsigned int i;

	for (i = 0; i < LAST_PKMAP; i++)
		kmap_fresh();
}

static noinline void copy_one(void)
{
	struct page *to = next_page();

	copy_highpage(to, next_page());
}

static noinline void clear_one(void)
{
	clear_highpage(next_page());
}

static noinline void flush_all(void)
{
	__flush_tlb_all();
}

static void hold_page(void)
{
	kmap(held_page); /* the extra user that keeps it mapped throughout */
}

static void release_page(void)
{
	kunmap(held_page);
}

struct peer_bench {
	const char *name;
	unsigned int ops_per_iter;
	void (*body)(void);
	void (*setup)(void);
	void (*teardown)(void);
};

static const struct peer_bench benches[] = {
	{ "kmap_atomic_strict", 1, atomic_pair },
	{ "kmap_atomic_nested4", 4, atomic_nested4 },
	{ "kmap_free_slot", 1, kmap_fresh },
	{ "kmap_full_wrap_amortized", LAST_PKMAP, kmap_window_cycle },
	{ "kmap_already_mapped", 1, kmap_same, hold_page, release_page },
	{ "kmap_local_pair", 1, local_pair },
	{ "kmap_local_lowmem", 1, local_pair_lowmem },
	{ "copy_highpage", 1, copy_one },
	{ "clear_highpage", 1, clear_one },
	{ "flush_tlb_all", 1, flush_all },
};

/* ---- records --------------------------------------------------------------------- */

/* @v thousandths as a decimal with three places; signed, a net figure may dip below 0. */
static void emit_milli(const char *key, s64 v)
{
	u64 whole = v < 0 ? -(u64)v : (u64)v;
	u32 frac = do_div(whole, 1000);

	emit(",\"%s\":%s%llu.%03u", key, v < 0 ? "-" : "", whole, frac);
}

/* Copies @s into the output as a JSON string body (it comes from the command line). */
static void emit_json_string(const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			emit("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			emit("\\u%04x", c);
		else
			emit("%c", c);
	}
}

static void emit_head(const char *kind)
{
	emit("{\"%s\":{\"backend\":\"linux\",\"pvmmu\":\"n/a\",\"platform\":\"%s\",\"tsc\":\"%s\","
	     "\"kernel\":\"",
	     kind, platform, tsc_traps ? "trapping" : "native");
	emit_json_string(init_utsname()->release);
	emit("\",\"package\":\"");
	emit_json_string(package);
	emit("\"");
}

/*
 * Interrupts off, with no reschedule pending. A pending one would change what the bodies
 * execute (preempt_enable() then calls the preemption hook; kmap()'s might_sleep() would
 * even schedule, turning interrupts back on), so let it happen first.
 */
static unsigned long settled_irq_save(void)
{
	unsigned long flags;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		cond_resched();
		local_irq_save(flags);
		if (!need_resched())
			return flags;
		local_irq_restore(flags);
		schedule();
	}
	local_irq_save(flags);
	return flags;
}

static struct stats measure_harness(unsigned int group)
{
	take_samples(pvkmap_peer_empty_body, group, samples, PEER_WARMUP);
	take_samples(pvkmap_peer_empty_body, group, samples, PEER_ITERATIONS);
	return stats_of(samples, PEER_ITERATIONS);
}

static void calibrate(void)
{
	unsigned long flags;

	flags = settled_irq_save();
	harness[1] = measure_harness(1);
	harness[PEER_GROUP] = measure_harness(PEER_GROUP);
	local_irq_restore(flags);
	tsc_traps = harness[1].median > PEER_TSC_TRAPS_ABOVE;
	emit_head("pvkmap_harness");
	emit(",\"iterations\":%u,\"group_1\":{\"median\":%llu,\"p99\":%llu},"
	     "\"group_%u\":{\"median\":%llu,\"p99\":%llu}}}\n",
	     PEER_ITERATIONS, harness[1].median, harness[1].p99, PEER_GROUP,
	     harness[PEER_GROUP].median, harness[PEER_GROUP].p99);
}

static void run_one(const struct peer_bench *b)
{
	unsigned long flags;
	unsigned int group;
	struct stats s;
	s64 median, p99, cost;
	u64 div;

	if (b->setup)
		b->setup();
	flags = settled_irq_save();
	take_samples(b->body, 1, samples, PEER_WARMUP);
	group = stats_of(samples, PEER_WARMUP).median < PEER_GROUP_BELOW ? PEER_GROUP : 1;
	take_samples(b->body, group, samples, PEER_ITERATIONS);
	local_irq_restore(flags);
	if (b->teardown)
		b->teardown();

	s = stats_of(samples, PEER_ITERATIONS);
	div = (u64)group * b->ops_per_iter;
	median = div64_u64(s.median * 1000, div);
	p99 = div64_u64(s.p99 * 1000, div);
	cost = div64_u64(harness[group].median * 1000, div);

	emit_head("pvkmap_bench");
	emit(",\"name\":\"%s\",\"iterations\":%u,\"warmup\":%u,\"ops_per_iteration\":%u,"
	     "\"group\":%u",
	     b->name, PEER_ITERATIONS, PEER_WARMUP, b->ops_per_iter, group);
	emit_milli("median_raw", median);
	emit_milli("p99_raw", p99);
	emit_milli("harness", cost);
	emit_milli("median_net", median - cost);
	emit_milli("p99_net", p99 - cost);
	emit(",\"per_op\":{},\"backend_per_op\":{}}}\n");
}

/* CPUID.1:ECX[31] says a hypervisor runs us; its signature is at 0x40000000 + n * 0x100. */
static void detect_platform(void)
{
	u32 leaf, sig[3], eax;
	char name[13];

	if (!(cpuid_ecx(1) & (1u << 31))) {
		platform = "bare metal";
		return;
	}
	for (leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		cpuid(leaf, &eax, &sig[0], &sig[1], &sig[2]);
		memcpy(name, sig, 12);
		name[12] = 0;
		if (!strcmp(name, "TCGTCGTCGTCG")) {
			platform = "QEMU TCG";
			return;
		}
		if (!memcmp(name, "KVMKVMKVM", 9)) {
			platform = "KVM";
			return;
		}
		if (!strcmp(name, "XenVMMXenVMM")) {
			platform = "Xen HVM";
			return;
		}
	}
}

static void free_pages_held(void)
{
	unsigned int i;

	for (i = 0; i < POOL_PAGES; i++)
		if (pool[i]) {
			__free_page(pool[i]);
			pool[i] = NULL;
		}
	if (held_page)
		__free_page(held_page);
	if (lowmem_page)
		__free_page(lowmem_page);
	held_page = lowmem_page = NULL;
}

static struct page *alloc_highmem_page(void)
{
	struct page *p = alloc_page(GFP_HIGHUSER);

	if (p && !PageHighMem(p)) {
		__free_page(p);
		return NULL;
	}
	return p;
}

static int alloc_pages_needed(void)
{
	unsigned int i;

	for (i = 0; i < POOL_PAGES; i++) {
		pool[i] = alloc_highmem_page();
		if (!pool[i])
			goto no_highmem;
	}
	held_page = alloc_highmem_page();
	if (!held_page)
		goto no_highmem;
	lowmem_page = alloc_page(GFP_KERNEL);
	if (!lowmem_page) {
		pr_err("pvkmap_peer: no lowmem page\n");
		return -ENOMEM;
	}
	return 0;
no_highmem:
	pr_err("pvkmap_peer: only %u highmem pages from alloc_page(GFP_HIGHUSER), %u needed: "
	       "boot with more RAM than lowmem holds (2 GiB)\n",
	       i, POOL_PAGES + 1);
	return -ENOMEM;
}

static int peer_show(struct seq_file *m, void *v)
{
	seq_write(m, out, out_len);
	return 0;
}

static int __init pvkmap_peer_init(void)
{
	unsigned int i;
	int err;

	out = kzalloc(OUT_SIZE, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	err = alloc_pages_needed();
	if (err)
		goto fail;
	detect_platform();
	calibrate();
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		run_one(&benches[i]);
		cond_resched();
	}
	free_pages_held();
	if (out_len >= OUT_SIZE - 1) {
		pr_err("pvkmap_peer: the records overflow their %u-byte buffer\n", OUT_SIZE);
		err = -ENOSPC;
		goto fail;
	}
	if (!proc_create_single("pvkmap_peer", 0444, NULL, peer_show)) {
		err = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	free_pages_held();
	kfree(out);
	return err;
}

static void __exit pvkmap_peer_exit(void)
{
	remove_proc_entry("pvkmap_peer", NULL);
	kfree(out);
}

module_init(pvkmap_peer_init);
module_exit(pvkmap_peer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pvkmap's highmem mapping benchmarks in Linux");
