/* Host unit tests of mm/layout.c: the i386 virtual layout for a given RAM size. */
#include <string.h>

#include "unit.h"
#include "mm/fixmap.h"
#include "mm/layout.h"

/*
 * Derivation, native (no hypervisor hole, top = 4 GiB). The fixmap's size changes as slots
 * are added, so it stays symbolic: F = FIXADDR_SIZE (NR_FIXMAPS pages).
 *   fixaddr_top    = ALIGN_DOWN(4G, 2M) - 4K                  = 0xfffff000
 *   fixaddr_start  = 0xfffff000 - F + 4K                       = 0x100000000 - F
 *   pkmap_base     = (fixaddr_start - 513 pages) & ~(2M-1)      = 0xffc00000 while F <= 0x1ff000
 *   vmalloc_end    = 0xffc00000 - 2 pages                       = 0xffbfe000
 *   reserve        = 128M + 8M                                  = 0x8800000
 *   maxmem         = 0xffbfe000 - 0xc0000000 - 0x8800000        = 0x373fe000 (883.99 MiB)
 *   max_low_pfn    = min(max_pfn, 0x373fe)
 *   high_memory    = 0xc0000000 + max_low_pfn pages
 *   vmalloc_start  = ALIGN_UP(high_memory + 8M, 8M)
 * So for >= 896 MiB: high_memory 0xf73fe000, vmalloc_start ALIGN_UP(0xf7bfe000) = 0xf8000000.
 */
_Static_assert(FIXADDR_SIZE <= 0x1ff000, "fixmap grew past 511 pages: redo the derivation");
#define NATIVE_FIXADDR_TOP 0xfffff000u
#define NATIVE_FIXADDR_START (0xfffff000u + PAGE_SIZE - FIXADDR_SIZE)
#define NATIVE_PKMAP_BASE 0xffc00000u
#define NATIVE_VMALLOC_END 0xffbfe000u
#define NATIVE_MAX_LOW 0x373feu

struct layout_case {
	const char *name;
	pfn_t max_pfn;
	pfn_t max_low_pfn;
	u32 high_memory, vmalloc_start;
};

static const struct layout_case native_cases[] = {
    /* All lowmem: high_memory = 0xc0000000 + RAM, vmalloc 8 MiB above it, 8M-aligned. */
    {"native_32M", 0x2000, 0x2000, 0xc2000000, 0xc2800000},
    {"native_768M", 0x30000, 0x30000, 0xf0000000, 0xf0800000},
    /* Above 883.99 MiB of RAM the rest is highmem and the layout stops changing. */
    {"native_896M", 0x38000, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
    /* QEMU -m 4G: 3 GiB below the PCI hole, 1 GiB from 4 GiB: RAM ends at 5 GiB. */
    {"native_4G", 0x140000, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
    /* -m 12G: 3 GiB low, 9 GiB from 4 GiB: RAM ends at 13 GiB. */
    {"native_12G", 0x340000, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
    {"native_64G", 0x1000000, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
    /* Exactly at the limit: all lowmem, nothing high. */
    {"native_max_lowmem", 0x373fe, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
    {"native_max_lowmem_plus_1", 0x373ff, NATIVE_MAX_LOW, 0xf73fe000, 0xf8000000},
};

/* What must hold for every layout layout_compute() accepts. */
static void assert_invariants(const struct mm_layout *l)
{
	u64 top = l->hypervisor_start ? l->hypervisor_start : GiB(4);

	assert_true((u64)l->fixaddr_top + PAGE_SIZE <= top);
	assert_int_equal(l->fixaddr_top + PAGE_SIZE - l->fixaddr_start, FIXADDR_SIZE);
	assert_int_equal(l->pkmap_base % PMD_SIZE, 0);
	assert_true(l->pkmap_base + LAST_PKMAP * PAGE_SIZE <= l->fixaddr_start);
	assert_true(l->vmalloc_end + PAGE_SIZE <= l->pkmap_base); /* a guard page at least */
	assert_true(l->vmalloc_start < l->vmalloc_end);
	assert_int_equal(l->vmalloc_start % VMALLOC_OFFSET, 0);
	assert_true(l->high_memory + VMALLOC_OFFSET <= l->vmalloc_start);
	assert_int_equal(l->high_memory, PAGE_OFFSET + PFN_PHYS(l->max_low_pfn));
	assert_true(l->max_low_pfn <= l->max_pfn);
	assert_true(l->max_low_pfn <= l->maxmem >> PAGE_SHIFT);
	assert_int_equal(l->maxmem % PAGE_SIZE, 0);
	assert_true(l->maxmem >= LOWMEM_MIN);
	/* The direct map of maxmem bytes plus the reserve fits below vmalloc_end. */
	assert_true((u64)PAGE_OFFSET + l->maxmem + l->vmalloc_reserve <= l->vmalloc_end);
	assert_true((u64)PAGE_OFFSET + l->maxmem + l->vmalloc_reserve + PAGE_SIZE > l->vmalloc_end);
}

static void test_native(void **state)
{
	const struct layout_case *c = *state;
	struct mm_layout l;

	assert_int_equal(layout_compute(&l, c->max_pfn, VMALLOC_DEFAULT, 0), 0);
	assert_int_equal(l.hypervisor_start, 0);
	assert_int_equal(l.fixaddr_top, NATIVE_FIXADDR_TOP);
	assert_int_equal(l.fixaddr_start, NATIVE_FIXADDR_START);
	assert_int_equal(l.pkmap_base, NATIVE_PKMAP_BASE);
	assert_int_equal(l.vmalloc_end, NATIVE_VMALLOC_END);
	assert_int_equal(l.vmalloc_reserve, MiB(136));
	assert_int_equal(l.maxmem, 0x373fe000);
	assert_int_equal(l.max_pfn, c->max_pfn);
	assert_int_equal(l.max_low_pfn, c->max_low_pfn);
	assert_int_equal(l.high_memory, c->high_memory);
	assert_int_equal(l.vmalloc_start, c->vmalloc_start);
	assert_invariants(&l);
}

static void test_fixmap_helpers(void **state)
{
	(void)state;
	assert_int_equal(layout_compute(&mm_layout, 0x140000, VMALLOC_DEFAULT, 0), 0);
	assert_int_equal(fix_to_virt(FIX_HOLE), NATIVE_FIXADDR_TOP);
	assert_int_equal(fix_to_virt(NR_FIXMAPS - 1), NATIVE_FIXADDR_START);
	assert_int_equal(pkmap_addr(0), NATIVE_PKMAP_BASE);
	assert_int_equal(pkmap_addr(LAST_PKMAP - 1), 0xffdff000);
	assert_int_equal(fix_to_virt(FIX_KMAP_BEGIN), 0xffffe000);
}

static void test_vmalloc_larger(void **state)
{
	struct mm_layout l;

	(void)state;
	/* vmalloc=256M: 128 MiB more than the default, so 0x8000 pages less lowmem. */
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(256), 0), 0);
	assert_int_equal(l.vmalloc_reserve, MiB(264));
	assert_int_equal(l.max_low_pfn, NATIVE_MAX_LOW - 0x8000);
	assert_int_equal(l.max_low_pfn, 0x2f3fe);
	assert_int_equal(l.high_memory, 0xef3fe000);
	assert_int_equal(l.vmalloc_start, 0xf0000000); /* ALIGN_UP(0xefbfe000, 8M) */
	assert_int_equal(l.vmalloc_end, NATIVE_VMALLOC_END);
	assert_invariants(&l);

	/* An odd size: 200 MiB + 4 KiB is 72 MiB + 1 page more than the default. */
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(200) + PAGE_SIZE, 0), 0);
	assert_int_equal(l.max_low_pfn, NATIVE_MAX_LOW - 0x4800 - 1);
	assert_invariants(&l);

	/* Smaller than the default gives more lowmem, as long as the RAM is there. */
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(64), 0), 0);
	assert_int_equal(l.max_low_pfn, NATIVE_MAX_LOW + 0x4000);
	assert_invariants(&l);

	/*
	 * The command line's bounds, 8M..800M, give a layout natively and under Xen. 8M:
	 * high_memory 0xfebfe000, vmalloc_start ALIGN_UP(0xff3fe000, 8M) = 0xff800000.
	 */
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(8), 0), 0);
	assert_int_equal(l.max_low_pfn, NATIVE_MAX_LOW + PFN_DOWN(MiB(120)));
	assert_int_equal(l.vmalloc_start, 0xff800000);
	assert_invariants(&l);
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(800), 0), 0);
	assert_int_equal(l.max_low_pfn, NATIVE_MAX_LOW - PFN_DOWN(MiB(672)));
	assert_int_equal(l.max_low_pfn, 0xd3fe);
	assert_invariants(&l);
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(800), 0xf5800000), 0);
	assert_int_equal(l.max_low_pfn, 0x2bfe); /* 43.99 MiB: above LOWMEM_MIN */
	assert_invariants(&l);

	/* With little RAM vmalloc= changes nothing but the reserve. */
	assert_int_equal(layout_compute(&l, 0x20000, MiB(256), 0), 0);
	assert_int_equal(l.max_low_pfn, 0x20000);
	assert_int_equal(l.high_memory, 0xe0000000);
	assert_int_equal(l.vmalloc_start, 0xe0800000);
}

static void test_vmalloc_too_large(void **state)
{
	struct mm_layout l, saved;
	/* Largest vmalloc leaving exactly LOWMEM_MIN: 0xffbfe000 - 0xc0000000 - 8M - 32M. */
	const u64 largest = 0x3d3fe000;

	(void)state;
	assert_int_equal(layout_compute(&l, 0x1000000, largest, 0), 0);
	assert_int_equal(l.max_low_pfn, PFN_DOWN(LOWMEM_MIN));
	assert_int_equal(l.high_memory, 0xc2000000);
	assert_invariants(&l);

	/* Sizes near 2^64 used to wrap the sums: 2^64 - 100M gave max_low_pfn 0x457fe. */
	const u64 bad[] = {
	    largest + 1,	  largest + PAGE_SIZE, GiB(1), GiB(8),
	    ~0ull - MiB(100) + 1, 1ull << 63,	       ~0ull,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&l, 0x5a, sizeof(l));
		saved = l;
		assert_int_equal(layout_compute(&l, 0x1000000, bad[i], 0), -EINVAL);
		assert_memory_equal(&l, &saved, sizeof(l)); /* untouched */
	}
	/* The same whatever the RAM: the limit is on what could be mapped. */
	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(layout_compute(&l, 0x2000, largest + 1, 0), -EINVAL);
	assert_memory_equal(&l, &saved, sizeof(l));
}

static void test_xen_hole(void **state)
{
	struct mm_layout native, l;

	(void)state;
	/*
	 * Xen's hole for 32-bit PAE guests starts at 0xf5800000 (2M-aligned):
	 *   fixaddr_top   = 0xf5800000 - 4K                      = 0xf57ff000
	 *   fixaddr_start = 0xf57ff000 + 4K - F                  = 0xf5800000 - F
	 *   pkmap_base    = (fixaddr_start - 513 pages) & ~(2M-1) = 0xf5400000 (F <= 0x1ff000)
	 *   vmalloc_end   = 0xf53fe000
	 *   maxmem        = 0xf53fe000 - 0xc0000000 - 0x8800000   = 0x2cbfe000
	 * Everything moved down by 0xa800000 = 168 MiB, lowmem included.
	 */
	assert_int_equal(layout_compute(&native, 0x1000000, VMALLOC_DEFAULT, 0), 0);
	assert_int_equal(layout_compute(&l, 0x1000000, VMALLOC_DEFAULT, 0xf5800000), 0);
	assert_int_equal(l.hypervisor_start, 0xf5800000);
	assert_int_equal(l.fixaddr_top, 0xf57ff000);
	assert_int_equal(l.fixaddr_start, 0xf5800000 - FIXADDR_SIZE);
	assert_int_equal(l.pkmap_base, 0xf5400000);
	assert_int_equal(l.vmalloc_end, 0xf53fe000);
	assert_int_equal(l.max_low_pfn, 0x2cbfe);
	assert_int_equal(native.max_low_pfn - l.max_low_pfn, PFN_DOWN(MiB(168)));
	assert_int_equal(l.high_memory, 0xecbfe000);
	assert_int_equal(l.vmalloc_start, 0xed800000); /* ALIGN_UP(0xed3fe000, 8M) */
	assert_invariants(&l);

	/* A hole that is not 2M-aligned: fixmap ends below the 2M boundary under it. */
	assert_int_equal(layout_compute(&l, 0x1000000, VMALLOC_DEFAULT, 0xf5900000), 0);
	assert_int_equal(l.hypervisor_start, 0xf5900000);
	assert_int_equal(l.fixaddr_top, 0xf57ff000);
	assert_int_equal(l.max_low_pfn, 0x2cbfe);
	assert_invariants(&l);

	/* Small RAM under Xen: still all lowmem. */
	assert_int_equal(layout_compute(&l, 0x30000, VMALLOC_DEFAULT, 0xf5800000), 0);
	assert_int_equal(l.max_low_pfn, 0x2cbfe);
	assert_int_equal(layout_compute(&l, 0x20000, VMALLOC_DEFAULT, 0xf5800000), 0);
	assert_int_equal(l.max_low_pfn, 0x20000);
}

static void test_hole_too_low(void **state)
{
	struct mm_layout l, saved;

	(void)state;
	/* PAGE_OFFSET + 512 MiB is the lowest hole accepted: 0x173fe pages of lowmem remain. */
	assert_int_equal(layout_compute(&l, 0x1000000, VMALLOC_DEFAULT, 0xe0000000), 0);
	assert_int_equal(l.fixaddr_top, 0xdffff000);
	assert_int_equal(l.max_low_pfn, 0x173fe);
	assert_invariants(&l);

	const u32 bad[] = {0xdffff000, 0xdfe00000, 0xc0000000, 0x1000};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&l, 0x77, sizeof(l));
		saved = l;
		assert_int_equal(layout_compute(&l, 0x1000000, VMALLOC_DEFAULT, bad[i]), -EINVAL);
		assert_memory_equal(&l, &saved, sizeof(l));
	}
	/* A hole high enough, but with a vmalloc= leaving less than 32 MiB under it. */
	memset(&l, 0x77, sizeof(l));
	assert_int_equal(layout_compute(&l, 0x1000000, MiB(480), 0xe0000000), -EINVAL);
	assert_memory_equal(&l, &saved, sizeof(l));
}

/*
 * Sweep vmalloc sizes and holes: each result is either a layout satisfying every invariant,
 * with lowmem exactly maxmem (or all RAM), or -EINVAL with the struct untouched.
 */
static void test_sweep(void **state)
{
	static const u32 holes[] = {0, 0xfc000000, 0xf5800000, 0xf5801000, 0xe8000000, 0xe0000000};
	static const pfn_t rams[] = {0x2000, 0x30000, 0x373fe, 0x1000000};
	unsigned ok = 0, einval = 0;
	struct mm_layout l, saved;

	(void)state;
	memset(&saved, 0x33, sizeof(saved));
	for (unsigned h = 0; h < ARRAY_SIZE(holes); h++)
		for (unsigned r = 0; r < ARRAY_SIZE(rams); r++)
			for (u64 v = 0; v <= GiB(1); v += MiB(1) + PAGE_SIZE) {
				l = saved;
				if (layout_compute(&l, rams[r], v, holes[h])) {
					assert_memory_equal(&l, &saved, sizeof(l));
					einval++;
					continue;
				}
				assert_invariants(&l);
				assert_int_equal(l.vmalloc_reserve, v + VMALLOC_OFFSET);
				assert_int_equal(l.max_low_pfn,
						 MIN(rams[r], l.maxmem >> PAGE_SHIFT));
				ok++;
			}
	/* Both outcomes really happen. */
	assert_true(ok > 1000);
	assert_true(einval > 1000);
}

#define NATIVE(i)                                                                                  \
	{                                                                                          \
		native_cases[i].name, test_native, NULL, NULL, (void *)&native_cases[i]            \
	}

int main(void)
{
	struct CMUnitTest tests[] = {
	    NATIVE(0),
	    NATIVE(1),
	    NATIVE(2),
	    NATIVE(3),
	    NATIVE(4),
	    NATIVE(5),
	    NATIVE(6),
	    NATIVE(7),
	    cmocka_unit_test(test_fixmap_helpers),
	    cmocka_unit_test(test_vmalloc_larger),
	    cmocka_unit_test(test_vmalloc_too_large),
	    cmocka_unit_test(test_xen_hole),
	    cmocka_unit_test(test_hole_too_low),
	    cmocka_unit_test(test_sweep),
	};

	_Static_assert(ARRAY_SIZE(native_cases) == 8, "one NATIVE() per case");
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
