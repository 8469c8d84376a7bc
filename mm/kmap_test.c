/* Self-tests of kmap_atomic and kmap_local: nesting, misuse, interrupts, switches, costs. */
#include "guest/x86/cpu.h"
#include "guest/x86/extable.h"
#include "guest/irqflags.h"
#include "guest/ktest.h"
#include "guest/sched.h"
#include "guest/lib/string.h"
#include "mm/fixmap.h"
#include "mm/highmem.h"
#include "mm/layout.h"
#include "pv/ops.h"

/* Slots are used for lowmem too only with the debug checks (force-map). */
static bool slots_in_use(void)
{
	return kmap_debug || mm_layout.max_pfn > mm_layout.max_low_pfn;
}

/* A page that goes through the slots: highmem when there is any. */
static struct page *slot_page(void)
{
	return alloc_page(GFP_HIGHMEM);
}

static void fill(struct page *page, u32 seed)
{
	u32 *v = kmap_local_page(page);

	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		v[i] = seed ^ i;
	kunmap_local(v);
}

static u32 mismatches_at(const u32 *v, u32 seed)
{
	u32 bad = 0;

	for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
		bad += v[i] != (seed ^ i);
	return bad;
}

/* Exactly @ptes slot updates and @flushes single-entry flushes in @d, nothing else. */
static void expect_delta(struct ktest *t, const struct pv_counts *d, u64 ptes, u64 flushes,
			 const char *what)
{
	for (unsigned op = 0; op < PV_OP_NR; op++) {
		u64 want = op == PV_SET_PTE_VA ? ptes : op == PV_FLUSH_ONE ? flushes : 0;
		u64 got = d->op[op];

		ktest_check(t, got == want, __FILE__, __LINE__, "%s: %llu %s, expected %llu", what,
			    got, pv_op_names[op], want);
	}
	kt_info("%s: %llu PTE writes, %llu flushes", what, ptes, flushes);
}

/* The same for everything since @s. */
static void expect_costs(struct ktest *t, const struct pv_counts *s, u64 ptes, u64 flushes,
			 const char *what)
{
	struct pv_counts d;

	pv_counts_since(s, &d);
	expect_delta(t, &d, ptes, flushes, what);
}

/* Strict: map writes the PTE, unmap clears it and flushes. Lazy: one replace-and-flush. */
static u64 pair_ptes(void)
{
	return kmap_unmap_mode == KMAP_STRICT ? 2 : 1;
}

static void kmap_atomic_pair_costs(struct ktest *t)
{
	struct page *p = slot_page();
	struct pv_counts s;
	void *v;

	pv_counts_snapshot(&s);
	v = kmap_atomic(p);
	kunmap_atomic(v);
	expect_costs(t, &s, pair_ptes(), 1, "kmap_atomic pair");
	__free_pages(p, 0);
}

static void kmap_local_pair_costs(struct ktest *t)
{
	struct page *p = slot_page();
	struct pv_counts s;
	void *v;

	pv_counts_snapshot(&s);
	v = kmap_local_page(p);
	kunmap_local(v);
	expect_costs(t, &s, pair_ptes(), 1, "kmap_local pair");
	__free_pages(p, 0);
}

static void do_nothing(void *arg)
{
	(void)arg;
}

/* Held across one switch away and back: torn down (strict) and re-installed once. */
static void kmap_local_switch_costs(struct ktest *t)
{
	struct page *p = slot_page();
	struct pv_counts s, base, d;
	void *v;

	/* What a peer thread costs by itself (its stack's mapping under pagealloc_debug). */
	pv_counts_snapshot(&s);
	thread_join(thread_create("switch-peer", do_nothing, NULL));
	pv_counts_since(&s, &base);

	pv_counts_snapshot(&s);
	v = kmap_local_page(p);
	thread_join(thread_create("switch-peer", do_nothing, NULL)); /* our slots go and return */
	kunmap_local(v);
	pv_counts_since(&s, &d);
	for (unsigned op = 0; op < PV_OP_NR; op++)
		d.op[op] -= base.op[op];
	if (kmap_unmap_mode == KMAP_STRICT)
		expect_delta(t, &d, 2 + 2, 1 + 1, "kmap_local pair across a switch");
	else
		expect_delta(t, &d, 1 + 1, 1 + 1, "kmap_local pair across a switch");
	__free_pages(p, 0);
}

static void copy_highpage_costs_and_copies(struct ktest *t)
{
	struct page *a = slot_page(), *b = slot_page();
	struct pv_counts s;
	u32 *v;

	fill(a, 0x1234);
	fill(b, 0);
	pv_counts_snapshot(&s);
	copy_highpage(b, a);
	expect_costs(t, &s, 2 * pair_ptes(), 2, "copy_highpage");
	v = kmap_local_page(b);
	KT_EXPECT_EQ(t, mismatches_at(v, 0x1234), 0);
	kunmap_local(v);
	clear_highpage(b);
	v = kmap_local_page(b);
	KT_EXPECT_EQ(t, mismatches_at(v, 0), PAGE_SIZE / 4 - 1); /* 0 ^ i is 0 only at i = 0 */
	kunmap_local(v);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

static void memcpy_to_and_from_page(struct ktest *t)
{
	struct page *p = slot_page();
	char in[32] = "pvkmap memcpy_to_page", out[32] = {0};

	memcpy_to_page(p, PAGE_SIZE - sizeof(in), in, sizeof(in));
	memcpy_from_page(out, p, PAGE_SIZE - sizeof(in), sizeof(out));
	KT_EXPECT(t, !memcmp(in, out, sizeof(in)));
	__free_pages(p, 0);
}

static struct page *nest_pages[KM_MAX_IDX + 1];

static void map_one_more(void *arg)
{
	(void)arg;
	kmap_atomic(nest_pages[KM_MAX_IDX]);
}

/* KM_MAX_IDX nested maps, each its own slot with its own contents; one more is caught. */
static void kmap_atomic_nests_to_the_limit(struct ktest *t)
{
	void *v[KM_MAX_IDX];
	u32 bad = 0;

	for (unsigned i = 0; i <= KM_MAX_IDX; i++) {
		nest_pages[i] = slot_page();
		fill(nest_pages[i], 0xabc00000 + i);
	}
	for (unsigned i = 0; i < KM_MAX_IDX; i++)
		v[i] = kmap_atomic(nest_pages[i]);
	for (unsigned i = 0; i < KM_MAX_IDX; i++) {
		bad += mismatches_at(v[i], 0xabc00000 + i);
		KT_EXPECT_EQ(t, (u32)(uintptr_t)v[i], kmap_slot_vaddr(smp_processor_id(), i));
	}
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT(t, ktest_expect_panic(map_one_more, NULL));
	KT_EXPECT(t, strstr(ktest_last_panic, "overflow"));
	for (unsigned i = KM_MAX_IDX; i-- > 0;)
		kunmap_atomic(v[i]);
	KT_EXPECT_EQ(t, preempt_count(), 0);
	for (unsigned i = 0; i <= KM_MAX_IDX; i++)
		__free_pages(nest_pages[i], 0);
}

static void *out_of_order_addr;

static void unmap_out_of_order(void *arg)
{
	(void)arg;
	kunmap_atomic(out_of_order_addr);
}

static void kmap_atomic_catches_out_of_order_unmap(struct ktest *t)
{
	struct page *a = slot_page(), *b = slot_page();
	void *va = kmap_atomic(a), *vb = kmap_atomic(b);

	out_of_order_addr = va;
	KT_EXPECT(t, ktest_expect_panic(unmap_out_of_order, NULL));
	KT_EXPECT(t, strstr(ktest_last_panic, "out of order"));
	kunmap_atomic(vb);
	kunmap_atomic(va);
	out_of_order_addr = va; /* now nothing is mapped: an underflow */
	KT_EXPECT(t, ktest_expect_panic(unmap_out_of_order, NULL));
	KT_EXPECT(t, strstr(ktest_last_panic, "underflow"));
	KT_EXPECT_EQ(t, preempt_count(), 0);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

/* Strict: the old address faults after kunmap_atomic and the report names its last owner. */
static void kunmap_atomic_leaves_no_stale_mapping(struct ktest *t)
{
	struct page *p = slot_page();
	u64 reports = kmap_stale_faults;
	u32 x;
	void *v = kmap_atomic(p);

	kunmap_atomic(v);
	if (kmap_unmap_mode == KMAP_STRICT) {
		KT_EXPECT_EQ(t, probe_read_u32(v, &x), -EFAULT);
		KT_EXPECT_EQ(t, kmap_stale_faults, reports + 1);
	} else {
		/* What lazy mode gives up: the stale mapping still reads the old page. */
		KT_EXPECT_EQ(t, probe_read_u32(v, &x), 0);
	}
	__free_pages(p, 0);
}

/*
 * With the debug checks, running off either end of a slot's page hits an unmapped guard
 * slot (slot 1 here, so both neighbours are guards inside the window), and is reported.
 */
static void kmap_guard_slot_catches_overrun(struct ktest *t)
{
	struct page *p = slot_page(), *q = slot_page();
	u64 reports = kmap_stale_faults;
	char *u = kmap_atomic(p), *v = kmap_atomic(q);
	u32 x;

	if (kmap_debug) {
		KT_EXPECT_EQ(t, probe_read_u32(v + PAGE_SIZE, &x), -EFAULT); /* overrun */
		KT_EXPECT_EQ(t, probe_read_u32(v - 4, &x), -EFAULT);	     /* underrun */
		KT_EXPECT_EQ(t, kmap_stale_faults, reports + 2);
	} else {
		ktest_skip(t, "guard slots exist only with kmap_debug=on");
	}
	kunmap_atomic(v);
	kunmap_atomic(u);
	__free_pages(p, 0);
	__free_pages(q, 0);
}

/* Force-map: with the debug checks a lowmem page goes through a slot too. */
static void kmap_debug_forces_lowmem_through_slots(struct ktest *t)
{
	struct page *p = alloc_page(GFP_KERNEL);
	void *v = kmap_local_page(p);

	if (kmap_debug)
		KT_EXPECT_EQ(t, (u32)(uintptr_t)v, kmap_slot_vaddr(smp_processor_id(), 0));
	else
		KT_EXPECT(t, v == page_address(p));
	kunmap_local(v);
	__free_pages(p, 0);
}

/* A timer interrupt maps a fourth page while this thread holds three. */
static struct page *irq_page;
static volatile u32 irq_mapped_ok, irq_ran;

static void map_in_interrupt(void)
{
	u32 *v = kmap_atomic(irq_page);

	irq_mapped_ok = mismatches_at(v, 0x1dd) == 0 && in_interrupt();
	v[0] = 0x1dd; /* unchanged: 0x1dd ^ 0 */
	kunmap_atomic(v);
	irq_ran = 1;
	tick_hook = NULL;
}

static void kmap_atomic_in_interrupt_keeps_all_maps(struct ktest *t)
{
	struct page *p[3];
	void *v[3];
	u64 start = jiffies;

	irq_page = slot_page();
	fill(irq_page, 0x1dd);
	for (unsigned i = 0; i < 3; i++) {
		p[i] = slot_page();
		fill(p[i], 0x5000 + i);
		v[i] = kmap_atomic(p[i]);
	}
	irq_ran = 0;
	tick_hook = map_in_interrupt;
	while (!irq_ran && *(volatile u64 *)&jiffies - start < 100)
		cpu_relax();
	KT_EXPECT(t, irq_ran);
	KT_EXPECT(t, irq_mapped_ok);
	for (unsigned i = 0; i < 3; i++)
		KT_EXPECT_EQ(t, mismatches_at(v[i], 0x5000 + i), 0);
	for (unsigned i = 3; i-- > 0;)
		kunmap_atomic(v[i]);
	tick_hook = NULL;
	for (unsigned i = 0; i < 3; i++)
		__free_pages(p[i], 0);
	__free_pages(irq_page, 0);
}

/* Two threads on one CPU hold kmap_local maps across forced switches. */
struct local_worker {
	struct page *page[2];
	u32 seed;
	u32 bad;
	u64 switches;
};

static void local_worker(void *arg)
{
	struct local_worker *w = arg;
	u32 *a = kmap_local_page(w->page[0]);
	u32 *b = kmap_local_page(w->page[1]);

	for (int round = 0; round < 50; round++) {
		w->bad += mismatches_at(a, w->seed) + mismatches_at(b, w->seed + 1);
		yield();
	}
	kunmap_local(b);
	kunmap_local(a);
	w->switches = current_thread()->switches; /* the thread is freed by thread_join */
}

static void kmap_local_survives_switches(struct ktest *t)
{
	struct local_worker w[2];
	struct thread *th[2];

	for (unsigned i = 0; i < 2; i++) {
		w[i].seed = 0x70000 * (i + 1);
		w[i].bad = 0;
		for (unsigned j = 0; j < 2; j++) {
			w[i].page[j] = slot_page();
			fill(w[i].page[j], w[i].seed + j);
		}
	}
	for (unsigned i = 0; i < 2; i++)
		th[i] = thread_create(i ? "local-b" : "local-a", local_worker, &w[i]);
	for (unsigned i = 0; i < 2; i++)
		if (!KT_EXPECT(t, th[i] != NULL))
			return;
	for (unsigned i = 0; i < 2; i++) {
		u64 switches;

		thread_join(th[i]);
		switches = w[i].switches;
		KT_EXPECT(t, switches >= 50);
		KT_EXPECT_EQ(t, w[i].bad, 0);
		for (unsigned j = 0; j < 2; j++)
			__free_pages(w[i].page[j], 0);
	}
}

static const char *kmap_skip_reason(void)
{
	return slots_in_use() ? NULL : "no highmem and kmap_debug=off: no page takes a slot";
}

KTEST_SUITE_IF(kmap, kmap_skip_reason, KTEST_CASE(kmap_atomic_pair_costs),
	       KTEST_CASE(kmap_local_pair_costs), KTEST_CASE(kmap_local_switch_costs),
	       KTEST_CASE(copy_highpage_costs_and_copies), KTEST_CASE(memcpy_to_and_from_page),
	       KTEST_CASE(kmap_atomic_nests_to_the_limit),
	       KTEST_CASE(kmap_atomic_catches_out_of_order_unmap),
	       KTEST_CASE(kunmap_atomic_leaves_no_stale_mapping),
	       KTEST_CASE(kmap_guard_slot_catches_overrun),
	       KTEST_CASE(kmap_debug_forces_lowmem_through_slots),
	       KTEST_CASE(kmap_atomic_in_interrupt_keeps_all_maps),
	       KTEST_CASE(kmap_local_survives_switches));
