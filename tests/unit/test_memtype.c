/*
 * Host unit tests of mm/memtype.c, the memory-type registry: reservations, the RAM rule (a
 * frame takes a new type only while WB), refusals for every pair of types with their line,
 * merging, partial frees, a full registry, the page-flag mirror and the alias check.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mm/memtype.h"

#define NPAGES 4096
static struct page pages[NPAGES];

static const enum page_cache_mode typed[] = {PCM_WT, PCM_UC_MINUS, PCM_UC, PCM_WC, PCM_WP};

static int setup(void **state)
{
	(void)state;
	memset(pages, 0, sizeof(pages));
	mem_map = pages;
	mem_map_pfns = NPAGES;
	unit_msgs_clear();
	return 0;
}

/* Every test leaves the registry empty, so the next starts from all-WB. */
static int teardown(void **state)
{
	(void)state;
	assert_int_equal(memtype_ranges(), 0);
	return 0;
}

static void test_unreserved_is_wb(void **state)
{
	const char *owner = "x";

	(void)state;
	assert_int_equal(memtype_lookup(123, &owner), PCM_WB);
	assert_null(owner);
	assert_int_equal(memtype_check_map(0, NPAGES, PCM_WB, "t"), 0);
}

static void test_reserve_lookup_free(void **state)
{
	const char *owner;

	(void)state;
	assert_int_equal(memtype_reserve(100, 16, PCM_WC, "gpu"), 0);
	assert_int_equal(memtype_lookup(99, NULL), PCM_WB);
	assert_int_equal(memtype_lookup(100, &owner), PCM_WC);
	assert_string_equal(owner, "gpu");
	assert_int_equal(memtype_lookup(115, NULL), PCM_WC);
	assert_int_equal(memtype_lookup(116, NULL), PCM_WB);
	assert_int_equal(page_cachemode(&pages[100]), PCM_WC);
	assert_int_equal(page_cachemode(&pages[115]), PCM_WC);
	assert_int_equal(page_cachemode(&pages[116]), PCM_WB);
	assert_int_equal(memtype_free(100, 16), 0);
	assert_int_equal(memtype_lookup(100, NULL), PCM_WB);
	assert_int_equal(page_cachemode(&pages[100]), PCM_WB);
}

/* Held as X, asked Y: refused for every pair of non-WB types, the same type included. */
static void test_every_pair_refused(void **state)
{
	(void)state;
	for (unsigned h = 0; h < sizeof(typed) / sizeof(typed[0]); h++) {
		assert_int_equal(memtype_reserve(200, 8, typed[h], "holder"), 0);
		for (unsigned a = 0; a < sizeof(typed) / sizeof(typed[0]); a++) {
			char want[128];

			unit_msgs_clear();
			assert_int_equal(memtype_reserve(204, 8, typed[a], "asker"), -EBUSY);
			snprintf(
			    want, sizeof(want),
			    "memtype: frames 0xcc-0xcf are held as %s by holder; asker asked %s "
			    "for 0xcc-0xd3\n",
			    cachemode_names[typed[h]], cachemode_names[typed[a]]);
			assert_string_equal(unit_last_msg, want);
			/* Nothing changed: the held range as it was, the rest still WB. */
			assert_int_equal(memtype_lookup(207, NULL), typed[h]);
			assert_int_equal(memtype_lookup(208, NULL), PCM_WB);
			assert_int_equal(page_cachemode(&pages[208]), PCM_WB);
			assert_int_equal(memtype_ranges(), 1);
		}
		assert_int_equal(memtype_free(200, 8), 0);
	}
}

/* A mapping must carry the registered type: every (held, asked) pair, WB included. */
static void test_check_map_every_pair(void **state)
{
	(void)state;
	for (unsigned h = 0; h < PCM_NR; h++) {
		if (h != PCM_WB)
			assert_int_equal(memtype_reserve(300, 4, h, "holder"), 0);
		for (unsigned a = 0; a < PCM_NR; a++) {
			int want = a == h ? 0 : -EBUSY;

			unit_msgs_clear();
			assert_int_equal(memtype_check_map(300, 4, a, "vmap"), want);
			if (want) {
				char line[128];

				snprintf(
				    line, sizeof(line),
				    "memtype: vmap would map frame 0x12c as %s; it is %s (%s)\n",
				    cachemode_names[a], cachemode_names[h],
				    h == PCM_WB ? "not reserved" : "holder");
				assert_string_equal(unit_last_msg, line);
			}
		}
		if (h != PCM_WB)
			assert_int_equal(memtype_free(300, 4), 0);
	}
}

/* A range straddling a reservation's edge is checked frame by frame. */
static void test_check_map_straddle(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(10, 2, PCM_UC, "a"), 0);
	assert_int_equal(memtype_check_map(8, 2, PCM_WB, "t"), 0);
	assert_int_equal(memtype_check_map(8, 3, PCM_WB, "t"), -EBUSY);
	assert_non_null(strstr(unit_last_msg, "frame 0xa as WB; it is UC (a)"));
	assert_int_equal(memtype_check_map(11, 2, PCM_UC, "t"), -EBUSY);
	assert_non_null(strstr(unit_last_msg, "frame 0xc as UC; it is WB (not reserved)"));
	assert_int_equal(memtype_free(10, 2), 0);
}

static void test_neighbours_merge(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(10, 5, PCM_WC, "a"), 0);
	assert_int_equal(memtype_reserve(20, 5, PCM_WC, "a"), 0);
	assert_int_equal(memtype_ranges(), 2);
	assert_int_equal(memtype_reserve(15, 5, PCM_WC, "a"), 0); /* fills the gap */
	assert_int_equal(memtype_ranges(), 1);
	/* Another owner or type next to it stays its own range. */
	assert_int_equal(memtype_reserve(25, 1, PCM_WC, "b"), 0);
	assert_int_equal(memtype_reserve(9, 1, PCM_UC, "a"), 0);
	assert_int_equal(memtype_ranges(), 3);
	assert_int_equal(memtype_free(9, 17), 0); /* across all three at once */
}

static void test_free_middle_splits(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(0, 100, PCM_UC_MINUS, "a"), 0);
	assert_int_equal(memtype_free(40, 10), 0);
	assert_int_equal(memtype_ranges(), 2);
	assert_int_equal(memtype_lookup(39, NULL), PCM_UC_MINUS);
	assert_int_equal(memtype_lookup(40, NULL), PCM_WB);
	assert_int_equal(memtype_lookup(49, NULL), PCM_WB);
	assert_int_equal(memtype_lookup(50, NULL), PCM_UC_MINUS);
	assert_int_equal(page_cachemode(&pages[45]), PCM_WB);
	assert_int_equal(page_cachemode(&pages[50]), PCM_UC_MINUS);
	/* Across the hole: not all of it is reserved, so nothing is freed. */
	assert_int_equal(memtype_free(30, 30), -EINVAL);
	assert_int_equal(memtype_lookup(30, NULL), PCM_UC_MINUS);
	assert_int_equal(memtype_free(0, 40), 0);
	assert_int_equal(memtype_free(50, 50), 0);
}

/* One free across two touching ranges of different owners trims the head of one, the tail
 * of the other. */
static void test_free_trims_neighbours(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(0, 50, PCM_WC, "a"), 0);
	assert_int_equal(memtype_reserve(50, 50, PCM_WC, "b"), 0);
	assert_int_equal(memtype_ranges(), 2);
	assert_int_equal(memtype_free(30, 30), 0);
	assert_int_equal(memtype_ranges(), 2);
	assert_int_equal(memtype_lookup(29, NULL), PCM_WC);
	assert_int_equal(memtype_lookup(30, NULL), PCM_WB);
	assert_int_equal(memtype_lookup(59, NULL), PCM_WB);
	assert_int_equal(memtype_lookup(60, NULL), PCM_WC);
	assert_int_equal(memtype_free(0, 30), 0);
	assert_int_equal(memtype_free(60, 40), 0);
}

static void test_free_unreserved_refused(void **state)
{
	(void)state;
	assert_int_equal(memtype_free(5, 1), -EINVAL);
	assert_string_equal(unit_last_msg, "memtype: free of 0x5-0x5: not all of it is reserved\n");
	assert_int_equal(memtype_reserve(10, 4, PCM_WC, "a"), 0);
	assert_int_equal(memtype_reserve(15, 4, PCM_WC, "a"), 0);
	assert_int_equal(memtype_free(10, 9), -EINVAL); /* frame 14 is WB: all or nothing */
	assert_int_equal(memtype_lookup(10, NULL), PCM_WC);
	assert_int_equal(memtype_lookup(18, NULL), PCM_WC);
	assert_int_equal(memtype_free(10, 4), 0);
	assert_int_equal(memtype_free(15, 4), 0);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(1, 1, PCM_WB, "a"), -EINVAL);
	assert_int_equal(memtype_reserve(1, 0, PCM_WC, "a"), -EINVAL);
	assert_int_equal(memtype_reserve(1, 1, PCM_NR, "a"), -EINVAL);
	assert_int_equal(memtype_reserve(0xfffffff0u, 0x20, PCM_WC, "a"), -EINVAL);
	assert_int_equal(memtype_free(1, 0), -EINVAL);
}

/* Full: a new range is refused and nothing changes; a free that would split is refused. */
static void test_registry_full(void **state)
{
	(void)state;
	for (unsigned i = 0; i < MEMTYPE_RANGES_MAX; i++)
		assert_int_equal(memtype_reserve(2 * i, 1, PCM_WC, "a"), 0);
	assert_int_equal(memtype_ranges(), MEMTYPE_RANGES_MAX);
	assert_int_equal(memtype_reserve(2 * MEMTYPE_RANGES_MAX + 1, 1, PCM_WC, "a"), -ENOSPC);
	assert_int_equal(memtype_lookup(2 * MEMTYPE_RANGES_MAX + 1, NULL), PCM_WB);
	/* Joining a neighbour needs no slot. */
	assert_int_equal(memtype_reserve(2 * MEMTYPE_RANGES_MAX - 1, 1, PCM_WC, "a"), 0);
	assert_int_equal(memtype_ranges(), MEMTYPE_RANGES_MAX);
	assert_int_equal(memtype_free(2 * MEMTYPE_RANGES_MAX - 1, 1), 0);
	for (unsigned i = 0; i < MEMTYPE_RANGES_MAX; i++)
		assert_int_equal(memtype_free(2 * i, 1), 0);
}

/* Frames beyond mem_map (MMIO, say) are registered but have no page flags to mirror. */
static void test_frames_without_pages(void **state)
{
	(void)state;
	assert_int_equal(memtype_reserve(NPAGES - 1, 2, PCM_UC, "mmio"), 0);
	assert_int_equal(page_cachemode(&pages[NPAGES - 1]), PCM_UC);
	assert_int_equal(memtype_lookup(NPAGES, NULL), PCM_UC);
	assert_int_equal(memtype_free(NPAGES - 1, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unreserved_is_wb, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reserve_lookup_free, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_pair_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_map_every_pair, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_map_straddle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_neighbours_merge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_middle_splits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_trims_neighbours, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_unreserved_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frames_without_pages, setup, teardown),
	};

	return cmocka_run_group_tests_name("memtype", tests, NULL, NULL);
}
