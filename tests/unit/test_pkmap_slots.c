/*
 * Host unit tests of mm/pkmap_slots.c: the slot and count logic of the persistent kmap
 * window. The page-table side is a fake that logs every clear and flush in order, so each
 * test can check exactly which slots a wrap unmapped, with which page, and that the single
 * flush came after them.
 */
#include <string.h>

#include "unit.h"
#include "mm/pkmap_slots.h"

#define FLUSH (-1) /* a flush in the event log; clears log their slot number */
#define MAX_EVENTS (4 * LAST_PKMAP)

/* Big enough for two full cycles of distinct pages. */
static struct page pages[2 * LAST_PKMAP];
static struct pkmap_slots s;

static int events[MAX_EVENTS];
static const struct page *cleared_page[MAX_EVENTS];
static unsigned nr_events, nr_clears, nr_flushes;

static void fake_clear(unsigned nr, const struct page *page)
{
	assert_in_range(nr, 0, LAST_PKMAP - 1);
	assert_true(nr_events < MAX_EVENTS);
	cleared_page[nr_events] = page;
	events[nr_events++] = (int)nr;
	nr_clears++;
}

static void fake_flush(void)
{
	assert_true(nr_events < MAX_EVENTS);
	events[nr_events++] = FLUSH;
	nr_flushes++;
}

static const struct pkmap_slot_ops ops = {fake_clear, fake_flush};

static void forget_events(void)
{
	nr_events = nr_clears = nr_flushes = 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&s, 0, sizeof(s));
	memset(pages, 0, sizeof(pages));
	forget_events();
	unit_msgs_clear();
	return 0;
}

/* What kmap() does for a page not yet mapped: a slot, then its user. */
static int get_use(const struct page *page)
{
	int nr = pkmap_slot_get(&s, page, &ops);

	if (nr >= 0)
		pkmap_slot_use(&s, (unsigned)nr);
	return nr;
}

/* Map pages[0..511] as kmap() would: slots 1..511 then 0 (the wrap), all count 2. */
static void fill_all_in_use(void)
{
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		assert_int_equal(get_use(&pages[i]), (i + 1) % LAST_PKMAP);
	for (unsigned nr = 0; nr < LAST_PKMAP; nr++) {
		assert_int_equal(s.count[nr], 2);
		assert_ptr_equal(s.page[nr], &pages[(nr + LAST_PKMAP - 1) % LAST_PKMAP]);
	}
	/* The wrap to slot 0 found nothing with count 1: no clear, no flush. */
	assert_int_equal(nr_events, 0);
	assert_int_equal(s.flushes, 0);
}

/* The cursor starts at 0 and pre-increments, so slot 0 is only reached by a wrap. */
static void test_first_get_takes_slot_1(void **state)
{
	(void)state;
	assert_int_equal(pkmap_slot_get(&s, &pages[7], &ops), 1);
	assert_int_equal(s.count[1], 1);
	assert_ptr_equal(s.page[1], &pages[7]);
	assert_int_equal(s.last, 1);
	assert_int_equal(s.count[0], 0);
	assert_null(s.page[0]);
	assert_int_equal(nr_events, 0);
	assert_int_equal(s.flushes, 0);
}

/* 511 maps fill 1..511 in order; the 512th wraps, has nothing to clear, takes slot 0. */
static void test_fill_then_wrap_to_slot_0(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LAST_PKMAP - 1; i++) {
		assert_int_equal(get_use(&pages[i]), i + 1);
		assert_int_equal(s.last, i + 1);
	}
	assert_int_equal(s.count[0], 0);
	assert_int_equal(get_use(&pages[LAST_PKMAP - 1]), 0);
	assert_int_equal(s.last, 0);
	assert_ptr_equal(s.page[0], &pages[LAST_PKMAP - 1]);
	assert_int_equal(nr_events, 0);
	assert_int_equal(s.flushes, 0);
}

/*
 * Slots handed out but never used (count 1) are exactly what a wrap clears: 511 of them,
 * in slot order with their pages, then one flush; slot 0 (count 0) is then free.
 */
static void test_wrap_clears_unused_slots(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LAST_PKMAP - 1; i++)
		assert_int_equal(pkmap_slot_get(&s, &pages[i], &ops), i + 1);
	assert_int_equal(nr_events, 0);
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP], &ops), 0);
	assert_int_equal(nr_clears, LAST_PKMAP - 1);
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(nr_events, LAST_PKMAP);
	for (unsigned nr = 1; nr < LAST_PKMAP; nr++) {
		assert_int_equal(events[nr - 1], nr);
		assert_ptr_equal(cleared_page[nr - 1], &pages[nr - 1]);
		assert_int_equal(s.count[nr], 0);
		assert_null(s.page[nr]);
	}
	assert_int_equal(events[LAST_PKMAP - 1], FLUSH);
	assert_int_equal(s.flushes, 1);
	assert_int_equal(s.count[0], 1);
	assert_ptr_equal(s.page[0], &pages[LAST_PKMAP]);
	/* The cleared slots are free again, from the cursor on. */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 1], &ops), 1);
	assert_int_equal(nr_flushes, 1);
}

/* Every slot in use: -1, with no clear and no flush however often it is asked. */
static void test_all_in_use(void **state)
{
	(void)state;
	fill_all_in_use();
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + i], &ops), -1);
		assert_int_equal(nr_events, 0);
		assert_int_equal(s.flushes, 0);
	}
	/* A failed search changes no slot. */
	for (unsigned nr = 0; nr < LAST_PKMAP; nr++) {
		assert_int_equal(s.count[nr], 2);
		assert_ptr_equal(s.page[nr], &pages[(nr + LAST_PKMAP - 1) % LAST_PKMAP]);
	}
}

/*
 * All in use, then one kunmap of slot @k: count 1, still mapped, so not free. The next get
 * must not return -1: it reaches slot 0, wraps, clears exactly @k (with its old page),
 * flushes once and hands @k out in the same call.
 */
static void check_put_then_get(unsigned k)
{
	const struct page *old = s.page[k];

	assert_true(pkmap_slot_put(&s, k));
	assert_int_equal(s.count[k], 1);
	assert_ptr_equal(s.page[k], old);
	assert_int_equal(nr_events, 0);

	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + k], &ops), (int)k);
	assert_int_equal(nr_events, 2);
	assert_int_equal(events[0], k);
	assert_ptr_equal(cleared_page[0], old);
	assert_int_equal(events[1], FLUSH);
	assert_int_equal(s.flushes, 1);
	assert_int_equal(s.count[k], 1);
	assert_ptr_equal(s.page[k], &pages[LAST_PKMAP + k]);
	assert_int_equal(s.last, k);
	/* Nothing else was touched. */
	for (unsigned nr = 0; nr < LAST_PKMAP; nr++)
		if (nr != k)
			assert_int_equal(s.count[nr], 2);
}

static void test_put_then_get_wraps(void **state)
{
	static const unsigned ks[] = {0, 1, 2, 100, LAST_PKMAP - 1};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ks); i++) {
		setup(NULL);
		fill_all_in_use();
		check_put_then_get(ks[i]);
	}
}

/* Two users: only the second put makes the slot unused (the wake-up signal). */
static void test_put_returns_true_at_count_1(void **state)
{
	(void)state;
	assert_int_equal(get_use(&pages[0]), 1);
	pkmap_slot_use(&s, 1);
	assert_int_equal(s.count[1], 3);
	assert_false(pkmap_slot_put(&s, 1));
	assert_int_equal(s.count[1], 2);
	assert_true(pkmap_slot_put(&s, 1));
	assert_int_equal(s.count[1], 1);
	/* Count 1 is kept mapped: a later kmap of the same page reuses it without a get. */
	pkmap_slot_use(&s, 1);
	assert_int_equal(s.count[1], 2);
	assert_int_equal(nr_events, 0);
}

/*
 * kmap + kunmap of 512 distinct pages: slots 1..511, then the wrap clears those 511 (each
 * with the page it mapped), flushes once and takes slot 0. A second cycle takes 1..511
 * again and its wrap clears all 512 slots, slot 0 included.
 */
static void test_full_cycle(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LAST_PKMAP; i++) {
		int nr = get_use(&pages[i]);

		assert_int_equal(nr, (i + 1) % LAST_PKMAP);
		assert_true(pkmap_slot_put(&s, (unsigned)nr));
	}
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(s.flushes, 1);
	assert_int_equal(nr_clears, LAST_PKMAP - 1);
	for (unsigned nr = 1; nr < LAST_PKMAP; nr++) {
		assert_int_equal(events[nr - 1], nr);
		assert_ptr_equal(cleared_page[nr - 1], &pages[nr - 1]);
	}
	assert_int_equal(events[LAST_PKMAP - 1], FLUSH);

	forget_events();
	for (unsigned i = 0; i < LAST_PKMAP; i++) {
		int nr = get_use(&pages[LAST_PKMAP + i]);

		assert_int_equal(nr, (i + 1) % LAST_PKMAP);
		assert_true(pkmap_slot_put(&s, (unsigned)nr));
	}
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(s.flushes, 2);
	assert_int_equal(nr_clears, LAST_PKMAP);
	/* Slot 0 still held cycle 1's last page; 1..511 cycle 2's. */
	assert_int_equal(events[0], 0);
	assert_ptr_equal(cleared_page[0], &pages[LAST_PKMAP - 1]);
	for (unsigned nr = 1; nr < LAST_PKMAP; nr++) {
		assert_int_equal(events[nr], nr);
		assert_ptr_equal(cleared_page[nr], &pages[LAST_PKMAP + nr - 1]);
	}
	assert_int_equal(events[LAST_PKMAP], FLUSH);
	/* Only slot 0, put after the wrap, is left mapped. */
	for (unsigned nr = 1; nr < LAST_PKMAP; nr++)
		assert_int_equal(s.count[nr], 0);
	assert_int_equal(s.count[0], 1);
	assert_ptr_equal(s.page[0], &pages[2 * LAST_PKMAP - 1]);
}

/* Was slot @nr cleared since the events were last forgotten? */
static bool was_cleared(unsigned nr)
{
	for (unsigned i = 0; i < nr_events; i++)
		if (events[i] == (int)nr)
			return true;
	return false;
}

/* A slot with users (count 2 or 3) keeps its mapping across wraps; get skips it. */
static void test_busy_slot_survives_wrap(void **state)
{
	(void)state;
	assert_int_equal(get_use(&pages[0]), 1);
	pkmap_slot_use(&s, 1);			 /* two users: count 3 */
	assert_int_equal(get_use(&pages[1]), 2); /* one user: count 2 */
	for (unsigned i = 2; i < LAST_PKMAP - 1; i++) {
		int nr = get_use(&pages[i]);

		assert_int_equal(nr, i + 1);
		assert_true(pkmap_slot_put(&s, (unsigned)nr));
	}
	/* Wrap: clears 3..511, never 1 or 2. */
	assert_int_equal(get_use(&pages[LAST_PKMAP]), 0);
	assert_int_equal(nr_clears, LAST_PKMAP - 3);
	assert_int_equal(nr_flushes, 1);
	assert_false(was_cleared(1));
	assert_false(was_cleared(2));
	assert_int_equal(s.count[1], 3);
	assert_ptr_equal(s.page[1], &pages[0]);
	assert_int_equal(s.count[2], 2);
	assert_ptr_equal(s.page[2], &pages[1]);
	/* The search skips the busy slots. */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 1], &ops), 3);

	/* One user left on slot 1: still busy through a second wrap. */
	assert_false(pkmap_slot_put(&s, 1));
	assert_true(pkmap_slot_put(&s, 0));
	forget_events();
	for (unsigned nr = 4; nr < LAST_PKMAP; nr++)
		assert_int_equal(pkmap_slot_get(&s, &pages[nr], &ops), nr);
	assert_int_equal(nr_events, 0);
	/* Wrap: slot 0 (put) and 3..511 (never used) are count 1, slot 1 and 2 are not. */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 2], &ops), 0);
	assert_int_equal(nr_clears, 1 + LAST_PKMAP - 3);
	assert_int_equal(nr_flushes, 1);
	assert_false(was_cleared(1));
	assert_false(was_cleared(2));
	assert_true(was_cleared(0));
	assert_int_equal(s.count[1], 2);
	assert_ptr_equal(s.page[1], &pages[0]);
	assert_int_equal(s.flushes, 2);
}

/* s.flushes counts wraps that flushed: a wrap with nothing to clear does not count. */
static void test_flushes_count(void **state)
{
	(void)state;
	fill_all_in_use(); /* one wrap, nothing cleared */
	assert_int_equal(s.flushes, 0);
	assert_true(pkmap_slot_put(&s, 10));
	assert_true(pkmap_slot_put(&s, 20));
	/* One wrap clears both, flushes once, returns the first from the cursor (0). */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP], &ops), 10);
	assert_int_equal(nr_clears, 2);
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(s.flushes, 1);
	/* The second needs no wrap. */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 1], &ops), 20);
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(s.flushes, 1);
	pkmap_slot_use(&s, 10);
	pkmap_slot_use(&s, 20);
	/* Full again: failed searches wrap without flushing. */
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 2], &ops), -1);
	assert_int_equal(pkmap_slot_get(&s, &pages[LAST_PKMAP + 2], &ops), -1);
	assert_int_equal(nr_events, 3);
	assert_int_equal(s.flushes, 1);
}

/* kunmap of a free slot, or of a slot nobody uses, or out of range, panics. */
static void test_put_misuse_panics(void **state)
{
	(void)state;
	expect_assert_failure(pkmap_slot_put(&s, 5));
	assert_non_null(strstr(unit_last_panic, "slot 5 with count 0"));
	assert_int_equal(s.count[5], 0);

	assert_int_equal(pkmap_slot_get(&s, &pages[0], &ops), 1); /* count 1 */
	expect_assert_failure(pkmap_slot_put(&s, 1));
	assert_non_null(strstr(unit_last_panic, "slot 1 with count 1"));
	assert_int_equal(s.count[1], 1);

	/* After use + put the slot is back at count 1: one more put is a double kunmap. */
	pkmap_slot_use(&s, 1);
	assert_true(pkmap_slot_put(&s, 1));
	expect_assert_failure(pkmap_slot_put(&s, 1));
	assert_int_equal(s.count[1], 1);

	expect_assert_failure(pkmap_slot_put(&s, LAST_PKMAP));
	assert_non_null(strstr(unit_last_panic, "slot 512 with count -1"));
}

/* kmap use of a slot that was never handed out (or was cleared) panics. */
static void test_use_misuse_panics(void **state)
{
	(void)state;
	expect_assert_failure(pkmap_slot_use(&s, 3));
	assert_non_null(strstr(unit_last_panic, "slot 3 used while free (count 0)"));
	assert_int_equal(s.count[3], 0);

	expect_assert_failure(pkmap_slot_use(&s, LAST_PKMAP));
	assert_non_null(strstr(unit_last_panic, "slot 512 used while free (count -1)"));

	/* A slot the last wrap cleared is free again: using it without a get is a bug. */
	for (unsigned i = 0; i < LAST_PKMAP; i++)
		pkmap_slot_get(&s, &pages[i], &ops);
	assert_int_equal(s.count[1], 0);
	expect_assert_failure(pkmap_slot_use(&s, 1));
	assert_int_equal(s.count[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_first_get_takes_slot_1, setup),
	    cmocka_unit_test_setup(test_fill_then_wrap_to_slot_0, setup),
	    cmocka_unit_test_setup(test_wrap_clears_unused_slots, setup),
	    cmocka_unit_test_setup(test_all_in_use, setup),
	    cmocka_unit_test_setup(test_put_then_get_wraps, setup),
	    cmocka_unit_test_setup(test_put_returns_true_at_count_1, setup),
	    cmocka_unit_test_setup(test_full_cycle, setup),
	    cmocka_unit_test_setup(test_busy_slot_survives_wrap, setup),
	    cmocka_unit_test_setup(test_flushes_count, setup),
	    cmocka_unit_test_setup(test_put_misuse_panics, setup),
	    cmocka_unit_test_setup(test_use_misuse_panics, setup),
	};

	return cmocka_run_group_tests_name("pkmap_slots", tests, NULL, NULL);
}
