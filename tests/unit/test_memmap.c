/* Host unit tests of mm/memmap.c: validating the firmware memory map. */
#include <string.h>

#include "unit.h"
#include "mm/memmap.h"

#define RAM MEM_TYPE_RAM
#define RES 2
#define ACPI 3

static struct memmap mm;

static int setup(void **state)
{
	(void)state;
	memset(&mm, 0xa5, sizeof(mm)); /* memmap_init() must not depend on zeroed memory */
	memmap_init(&mm);
	unit_msgs_clear();
	return 0;
}

static void assert_range(const struct mem_range *r, u64 start, u64 end)
{
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
}

/* QEMU's pc machine with -m 6G, as SeaBIOS reports it: 3 GiB below the PCI hole, 3 above. */
static const struct firmware_entry qemu_6g[] = {
    {0x0, 0x9fc00, RAM},
    {0x9fc00, 0x400, RES},
    {0xf0000, 0x10000, RES},
    {0x100000, 0xbfee0000, RAM},
    {0xbffe0000, 0x20000, RES},
    {0xfffc0000, 0x40000, RES},
    {0x100000000, 0xc0000000, RAM},
};

static void test_init_empty(void **state)
{
	struct mem_range out[4];

	(void)state;
	assert_int_equal(mm.nr_ram, 0);
	assert_int_equal(mm.nr_reserved, 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(memmap_max_pfn(&mm), 0);
	assert_int_equal(memmap_ram_pages(&mm, 0, 0xffffffff), 0);
	assert_int_equal(memmap_free_ranges(&mm, out, 4), 0);
	assert_false(memmap_is_ram(&mm, 0));
}

static void test_sorted(void **state)
{
	/* Firmware need not sort its map: the result must be sorted anyway. */
	static const struct firmware_entry e[] = {
	    {MiB(64), MiB(64), RAM}, {0, 0x9f000, RAM},	      {GiB(4), GiB(1), RAM},
	    {MiB(1), MiB(15), RAM},  {MiB(16), MiB(48), RAM}, /* adjacent to both neighbours: kept
								 separate */
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(mm.nr_ram, 5);
	assert_range(&mm.ram[0], 0, 0x9f000);
	assert_range(&mm.ram[1], MiB(1), MiB(16));
	assert_range(&mm.ram[2], MiB(16), MiB(64));
	assert_range(&mm.ram[3], MiB(64), MiB(128));
	assert_range(&mm.ram[4], GiB(4), GiB(5));
	assert_int_equal(mm.nr_reserved, 0);
	assert_int_equal(memmap_max_pfn(&mm), PFN_DOWN(GiB(5)));
}

static void test_align_inward(void **state)
{
	static const struct firmware_entry e[] = {
	    {0x1234, 0x5678 - 0x1234, RAM},  /* -> [0x2000, 0x5000) */
	    {0x9000, 0x9fc00 - 0x9000, RAM}, /* the usual 639 KiB: -> [0x9000, 0x9f000) */
	    {0x100001, 0xffe, RAM},	     /* inside one page: nothing, and no error */
	    {0x200800, 0x1000, RAM},	     /* one page long but straddling two: nothing */
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(mm.nr_ram, 2);
	assert_range(&mm.ram[0], 0x2000, 0x5000);
	assert_range(&mm.ram[1], 0x9000, 0x9f000);
	assert_int_equal(memmap_ram_pages(&mm, 0, 0x1000), 3 + 0x96);
}

static void test_reject_empty(void **state)
{
	static const struct firmware_entry e[] = {
	    {MiB(1), 0, RAM},
	    {MiB(2), 0, RES}, /* an empty reserved entry is just as bogus */
	    {MiB(4), MiB(4), RAM},
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 2);
	assert_int_equal(mm.rejected, 2);
	assert_int_equal(mm.nr_ram, 1);
	assert_range(&mm.ram[0], MiB(4), MiB(8));
	assert_int_equal(mm.nr_reserved, 0);
	assert_non_null(strstr(unit_last_msg, "empty"));
}

static void test_reject_wrapping(void **state)
{
	static const struct firmware_entry e[] = {
	    {0xfffffffffffff000ull, 0x2000, RAM},
	    {0xffffffffffffffffull, 1, RAM},	  /* end is exactly 2^64: wraps to 0 */
	    {MiB(8), 0xfffffffffffff000ull, RES}, /* reserved wraps too */
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 3);
	assert_int_equal(mm.rejected, 3);
	assert_int_equal(mm.nr_ram, 0);
	assert_int_equal(mm.nr_reserved, 0);
	assert_non_null(strstr(unit_last_msg, "wraps"));
}

static void test_above_64g(void **state)
{
	static const struct firmware_entry e[] = {
	    {GiB(64), GiB(1), RAM},   /* unaddressable RAM: refused */
	    {GiB(100), MiB(4), RAM},  /* likewise */
	    {GiB(64), GiB(256), RES}, /* a 64-bit PCI window: silently ignored */
	    {GiB(1), MiB(1), RAM},
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 2);
	assert_int_equal(mm.rejected, 2);
	assert_int_equal(mm.nr_ram, 1);
	assert_range(&mm.ram[0], GiB(1), GiB(1) + MiB(1));
	assert_int_equal(mm.nr_reserved, 0);
}

static void test_clip_64g(void **state)
{
	/* QEMU -m 64G: 61 GiB above 4 GiB reach 65 GiB; the last GiB is not addressable. */
	static const struct firmware_entry e[] = {
	    {GiB(4), GiB(61), RAM}, {GiB(63) + MiB(512), GiB(2), RES}, /* clipped too */
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(mm.nr_ram, 1);
	assert_range(&mm.ram[0], GiB(4), GiB(64));
	assert_int_equal(mm.nr_reserved, 1);
	assert_range(&mm.reserved[0], GiB(63) + MiB(512), GiB(64));
	assert_non_null(strstr(unit_last_msg, "clipped"));
	assert_int_equal(memmap_max_pfn(&mm), 0x1000000);
	assert_int_equal(memmap_ram_pages(&mm, 0, 0xffffffff), PFN_DOWN(GiB(60)));
}

static void test_reject_overlap(void **state)
{
	static const struct firmware_entry e[] = {
	    {MiB(16), MiB(16), RAM}, {MiB(20), MiB(1), RAM}, /* inside */
	    {MiB(8), MiB(16), RAM},			     /* straddles the start */
	    {MiB(31), MiB(2), RAM},			     /* straddles the end */
	    {MiB(16), MiB(16), RAM},			     /* an exact duplicate */
	    {0, GiB(1), RAM},				     /* covers it */
	    {MiB(32), MiB(1), RAM},			     /* merely adjacent: fine */
	    {MiB(12), MiB(4), RAM},			     /* adjacent below: fine */
	    {MiB(20), MiB(1), RES}, /* reserved may overlap RAM: it is subtracted */
	};

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 5);
	assert_int_equal(mm.rejected, 5);
	assert_int_equal(mm.nr_ram, 3);
	assert_range(&mm.ram[0], MiB(12), MiB(16));
	assert_range(&mm.ram[1], MiB(16), MiB(32));
	assert_range(&mm.ram[2], MiB(32), MiB(33));
	assert_int_equal(mm.nr_reserved, 1);
	assert_non_null(strstr(unit_last_msg, "overlaps"));
	/* rejected accumulates over calls; the return value is per call */
	assert_int_equal(memmap_add_firmware(&mm, e, 1, 0), 1);
	assert_int_equal(mm.rejected, 6);
}

static void test_reserved_subtracted(void **state)
{
	static const struct firmware_entry e[] = {
	    {0, MiB(64), RAM},
	    {MiB(1), MiB(1), RES},
	    {MiB(8) + 0x800, 0x1000, ACPI}, /* any type but 1 is reserved; rounded out */
	    {MiB(63), MiB(4), RES},	    /* crossing the end of RAM */
	    {GiB(3), GiB(1), RES},	    /* no RAM there: harmless */
	};
	struct mem_range out[8];

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 0);
	assert_int_equal(mm.nr_ram, 1);
	assert_int_equal(mm.nr_reserved, 4);
	assert_range(&mm.reserved[1], MiB(8), MiB(8) + 0x2000);
	assert_int_equal(memmap_free_ranges(&mm, out, ARRAY_SIZE(out)), 3);
	assert_range(&out[0], 0, MiB(1));
	assert_range(&out[1], MiB(2), MiB(8));
	assert_range(&out[2], MiB(8) + 0x2000, MiB(63));
	/* Reserved RAM is still RAM: present, just not free. */
	assert_int_equal(memmap_ram_pages(&mm, 0, 0xffffffff), PFN_DOWN(MiB(64)));
	assert_true(memmap_is_ram(&mm, PFN_DOWN(MiB(1))));
	assert_int_equal(memmap_max_pfn(&mm), PFN_DOWN(MiB(64)));
}

static void test_mem_limit(void **state)
{
	struct mem_range out[8];

	(void)state;
	/* mem=2G on the 6 GiB map: everything from 2 GiB up goes, silently. */
	assert_int_equal(memmap_add_firmware(&mm, qemu_6g, ARRAY_SIZE(qemu_6g), GiB(2)), 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(mm.nr_ram, 2);
	assert_range(&mm.ram[0], 0, 0x9f000);
	assert_range(&mm.ram[1], MiB(1), GiB(2));
	assert_int_equal(memmap_max_pfn(&mm), 0x80000);
	assert_int_equal(memmap_free_ranges(&mm, out, ARRAY_SIZE(out)), 2);
	assert_range(&out[1], MiB(1), GiB(2));

	/* An unaligned limit rounds down to a page. */
	setup(NULL);
	assert_int_equal(memmap_add_firmware(&mm, qemu_6g, ARRAY_SIZE(qemu_6g), GiB(5) + 0xfff), 0);
	assert_int_equal(mm.nr_ram, 3);
	assert_range(&mm.ram[2], GiB(4), GiB(5));

	/* A limit inside the first entry. */
	setup(NULL);
	assert_int_equal(memmap_add_firmware(&mm, qemu_6g, ARRAY_SIZE(qemu_6g), 0x40000), 0);
	assert_int_equal(mm.nr_ram, 1);
	assert_range(&mm.ram[0], 0, 0x40000);
	assert_int_equal(memmap_max_pfn(&mm), 0x40);
}

static void test_reserve_merge(void **state)
{
	(void)state;
	memmap_reserve(&mm, MiB(8), MiB(9));
	memmap_reserve(&mm, MiB(1), MiB(2));
	memmap_reserve(&mm, MiB(4), MiB(5));
	assert_int_equal(mm.nr_reserved, 3);
	assert_range(&mm.reserved[0], MiB(1), MiB(2)); /* sorted whatever the order of calls */
	assert_range(&mm.reserved[1], MiB(4), MiB(5));
	assert_range(&mm.reserved[2], MiB(8), MiB(9));

	memmap_reserve(&mm, MiB(2), MiB(3)); /* adjacent: merged */
	assert_int_equal(mm.nr_reserved, 3);
	assert_range(&mm.reserved[0], MiB(1), MiB(3));

	memmap_reserve(&mm, MiB(4) + 5, MiB(4) + 6); /* inside: no change */
	assert_int_equal(mm.nr_reserved, 3);
	assert_range(&mm.reserved[1], MiB(4), MiB(5));

	memmap_reserve(&mm, MiB(2) + 0x800, MiB(8) + 0x800); /* bridges three: rounded out */
	assert_int_equal(mm.nr_reserved, 1);
	assert_range(&mm.reserved[0], MiB(1), MiB(9));

	memmap_reserve(&mm, 0x1800, 0x2001); /* rounded out to [0x1000, 0x3000) */
	memmap_reserve(&mm, MiB(9), MiB(9)); /* empty and aligned: nothing */
	assert_int_equal(mm.nr_reserved, 2);
	assert_range(&mm.reserved[0], 0x1000, 0x3000);
	assert_range(&mm.reserved[1], MiB(1), MiB(9));

	memmap_reserve(&mm, 0, GiB(64)); /* swallows everything */
	assert_int_equal(mm.nr_reserved, 1);
	assert_range(&mm.reserved[0], 0, GiB(64));
}

static void test_reserve_full_panics(void **state)
{
	(void)state;
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		memmap_reserve(&mm, MiB(2 * i), MiB(2 * i) + PAGE_SIZE);
	assert_int_equal(mm.nr_reserved, MEMMAP_MAX);
	/* Merging into an existing range still works with the table full. */
	memmap_reserve(&mm, MiB(2), MiB(3));
	assert_int_equal(mm.nr_reserved, MEMMAP_MAX);
	assert_range(&mm.reserved[1], MiB(2), MiB(3));
	expect_assert_failure(memmap_reserve(&mm, GiB(1), GiB(1) + PAGE_SIZE));
	assert_non_null(strstr(unit_last_panic, "reserved table full"));
}

static void test_too_many_ram(void **state)
{
	struct firmware_entry e[MEMMAP_MAX + 2];

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = (struct firmware_entry){MiB(2 * i), MiB(1), RAM};
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 2);
	assert_int_equal(mm.nr_ram, MEMMAP_MAX);
	assert_int_equal(mm.rejected, 2);
	assert_range(&mm.ram[MEMMAP_MAX - 1], MiB(2 * (MEMMAP_MAX - 1)), MiB(2 * MEMMAP_MAX - 1));
}

static void test_qemu_6g(void **state)
{
	struct mem_range out[8];

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, qemu_6g, ARRAY_SIZE(qemu_6g), 0), 0);
	assert_int_equal(mm.rejected, 0);
	assert_int_equal(mm.nr_ram, 3);
	assert_range(&mm.ram[0], 0, 0x9f000); /* 0x9fc00 rounded down */
	assert_range(&mm.ram[1], 0x100000, 0xbffe0000);
	assert_range(&mm.ram[2], 0x100000000, 0x1c0000000);
	assert_int_equal(mm.nr_reserved, 4);
	assert_range(&mm.reserved[0], 0x9f000, 0xa0000); /* 0x9fc00 rounded out */
	assert_range(&mm.reserved[1], 0xf0000, 0x100000);
	assert_range(&mm.reserved[2], 0xbffe0000, 0xc0000000);
	assert_range(&mm.reserved[3], 0xfffc0000, 0x100000000);

	/* The firmware's reservations lie in holes: RAM is all free. */
	assert_int_equal(memmap_free_ranges(&mm, out, ARRAY_SIZE(out)), 3);
	assert_range(&out[0], 0, 0x9f000);
	assert_range(&out[1], 0x100000, 0xbffe0000);
	assert_range(&out[2], 0x100000000, 0x1c0000000);

	/* What mm_init() adds: the first MiB and the kernel image, which merge with the BIOS's. */
	memmap_reserve(&mm, 0, MiB(1));
	memmap_reserve(&mm, MiB(1), 0x2e5123);
	assert_int_equal(mm.nr_reserved, 3);
	assert_range(&mm.reserved[0], 0, 0x2e6000);
	/* A boot module in the middle of RAM splits a range. */
	memmap_reserve(&mm, 0x10000000, 0x10400000);
	assert_int_equal(memmap_free_ranges(&mm, out, ARRAY_SIZE(out)), 3);
	assert_range(&out[0], 0x2e6000, 0x10000000);
	assert_range(&out[1], 0x10400000, 0xbffe0000);
	assert_range(&out[2], 0x100000000, 0x1c0000000);
	/* Truncated at @max. */
	assert_int_equal(memmap_free_ranges(&mm, out, 2), 2);
	assert_range(&out[1], 0x10400000, 0xbffe0000);

	assert_int_equal(memmap_max_pfn(&mm), 0x1c0000);
	/* 0x9f + (0xbffe0 - 0x100) + 0xc0000 */
	assert_int_equal(memmap_ram_pages(&mm, 0, 0xffffffff), 0x17ff7f);
	assert_int_equal(memmap_ram_pages(&mm, 0, 0x1000), 0x9f + 0xf00);
	assert_int_equal(memmap_ram_pages(&mm, 0x9f, 0x100), 0);
	assert_int_equal(memmap_ram_pages(&mm, 0xbffdf, 0x100001), 2);
	assert_int_equal(memmap_ram_pages(&mm, 0x373fe, 0x1c0000), (0xbffe0 - 0x373fe) + 0xc0000);
	assert_int_equal(memmap_ram_pages(&mm, 0x200, 0x100), 0); /* start > end */
	assert_true(memmap_is_ram(&mm, 0));
	assert_true(memmap_is_ram(&mm, 0x9e));
	assert_false(memmap_is_ram(&mm, 0x9f));
	assert_false(memmap_is_ram(&mm, 0xff));
	assert_true(memmap_is_ram(&mm, 0x100));
	assert_true(memmap_is_ram(&mm, 0xbffdf));
	assert_false(memmap_is_ram(&mm, 0xbffe0));
	assert_false(memmap_is_ram(&mm, 0xfffff));
	assert_true(memmap_is_ram(&mm, 0x100000));
	assert_true(memmap_is_ram(&mm, 0x1bffff));
	assert_false(memmap_is_ram(&mm, 0x1c0000));
}

/* Free ranges are exactly RAM minus reserved, page by page, on a map with many holes. */
static void test_free_ranges_exhaustive(void **state)
{
	static const struct firmware_entry e[] = {
	    {MiB(40), MiB(8), RAM},  {0, 0x9fc00, RAM},	     {MiB(1), MiB(7), RAM},
	    {MiB(10), MiB(20), RAM}, {MiB(30), MiB(2), RAM}, {MiB(34) + 0x10, MiB(1), RAM},
	    {MiB(3), MiB(2), RES},   {MiB(7), MiB(4), RES},  {MiB(29), MiB(2), ACPI},
	    {MiB(36), MiB(4), RES},  {MiB(47), 0x1000, RES}, {0xf0000, 0x10000, RES},
	};
	struct mem_range out[MEMMAP_MAX * 2];
	unsigned n;
	pfn_t end = PFN_DOWN(MiB(64));
	static bool is_free[0x4000];

	(void)state;
	assert_int_equal(memmap_add_firmware(&mm, e, ARRAY_SIZE(e), 0), 0);
	memset(is_free, 0, sizeof(is_free));
	n = memmap_free_ranges(&mm, out, ARRAY_SIZE(out));
	for (unsigned i = 0; i < n; i++) {
		assert_true(out[i].start < out[i].end);
		assert_int_equal(out[i].start % PAGE_SIZE, 0);
		assert_int_equal(out[i].end % PAGE_SIZE, 0);
		if (i)
			assert_true(out[i - 1].end <= out[i].start);
		for (pfn_t p = PFN_DOWN(out[i].start); p < PFN_DOWN(out[i].end); p++)
			is_free[p] = true;
	}
	for (pfn_t p = 0; p < end; p++) {
		u64 a = PFN_PHYS(p);
		bool ram = false, res = false;

		/* The definition, straight from the entries: whole pages only. */
		for (unsigned i = 0; i < ARRAY_SIZE(e); i++) {
			u64 s = e[i].base, t = e[i].base + e[i].len;

			if (e[i].type == RAM && s <= a && a + PAGE_SIZE <= t)
				ram = true;
			if (e[i].type != RAM && s < a + PAGE_SIZE && a < t)
				res = true;
		}
		assert_int_equal(memmap_is_ram(&mm, p), ram);
		if (is_free[p] != (ram && !res))
			fail_msg("pfn 0x%x: free %d, ram %d, reserved %d", p, is_free[p], ram, res);
	}
	/* [0,0x9f) [0x100,0x300) [0x500,0x700) [0xb00,0x1d00) [0x1f00,0x2000) [0x2201,0x2300)
	 * [0x2800,0x2f00) [0x2f01,0x3000) */
	assert_int_equal(n, 8);
	assert_range(&out[5], 0x2201000, 0x2300000);
	assert_int_equal(memmap_max_pfn(&mm), 0x3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init_empty, setup),
	    cmocka_unit_test_setup(test_sorted, setup),
	    cmocka_unit_test_setup(test_align_inward, setup),
	    cmocka_unit_test_setup(test_reject_empty, setup),
	    cmocka_unit_test_setup(test_reject_wrapping, setup),
	    cmocka_unit_test_setup(test_above_64g, setup),
	    cmocka_unit_test_setup(test_clip_64g, setup),
	    cmocka_unit_test_setup(test_reject_overlap, setup),
	    cmocka_unit_test_setup(test_reserved_subtracted, setup),
	    cmocka_unit_test_setup(test_mem_limit, setup),
	    cmocka_unit_test_setup(test_reserve_merge, setup),
	    cmocka_unit_test_setup(test_reserve_full_panics, setup),
	    cmocka_unit_test_setup(test_too_many_ram, setup),
	    cmocka_unit_test_setup(test_qemu_6g, setup),
	    cmocka_unit_test_setup(test_free_ranges_exhaustive, setup),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
