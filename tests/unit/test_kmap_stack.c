/*
 * Host unit tests of mm/kmap_stack.c: the LIFO discipline of kmap_atomic/kmap_local slots.
 * Misuse must panic with a message naming the address, the slot and the top, since that
 * message is all a crashed guest leaves behind.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mm/fixmap.h"
#include "mm/kmap_stack.h"

/* A fake caller and fake slot addresses; 0x1000 checks the %08x padding. */
#define CALLER ((const void *)0x12345678)
#define VA(idx) (0xffa00000u + (idx)*0x1000u)

static struct kmap_stack st;

static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	unit_msgs_clear();
	return 0;
}

/* The panic message, formatted as the host's vsnprintf prints it. */
static void assert_panic_msg(const char *fmt, ...)
{
	char want[UNIT_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_string_equal(unit_last_panic, want);
}

static void push_n(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), i);
		assert_int_equal(st.depth, i + 1);
	}
}

/* push hands out 0, 1, ... and panics once KM_MAX_IDX maps are held. */
static void test_push_until_full(void **state)
{
	(void)state;
	for (unsigned i = 0; i < KM_MAX_IDX; i++) {
		assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), i);
		assert_int_equal(st.depth, i + 1);
	}
	expect_assert_failure(kmap_stack_push(&st, KM_MAX_IDX, CALLER));
	assert_panic_msg("kmap: slot stack overflow: %u maps held, caller %p", KM_MAX_IDX, CALLER);
	assert_int_equal(st.depth, KM_MAX_IDX);
	/* A smaller limit than the depth panics too. */
	expect_assert_failure(kmap_stack_push(&st, 3, CALLER));
	assert_int_equal(st.depth, KM_MAX_IDX);
}

static void test_push_max_0(void **state)
{
	(void)state;
	expect_assert_failure(kmap_stack_push(&st, 0, CALLER));
	assert_panic_msg("kmap: slot stack overflow: 0 maps held, caller %p", CALLER);
	assert_int_equal(st.depth, 0);
}

/* 16 maps released in reverse: each pop is the top, depth goes back to 0. */
static void test_push_pop_reverse(void **state)
{
	(void)state;
	push_n(KM_MAX_IDX);
	for (unsigned i = KM_MAX_IDX; i-- > 0;) {
		kmap_stack_check_top(&st, i, VA(i), VA(i), CALLER);
		assert_int_equal(st.depth, i + 1); /* check_top changes nothing */
		kmap_stack_pop(&st, i, VA(i), VA(i), CALLER);
		assert_int_equal(st.depth, i);
	}
	assert_int_equal(unit_last_panic[0], '\0');
	/* Reusable: the next map takes slot 0 again. */
	assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), 0);
}

/* Interleaved map/unmap: a popped slot is the next one handed out. */
static void test_interleaved(void **state)
{
	(void)state;
	assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), 0);
	assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), 1);
	kmap_stack_pop(&st, 1, VA(1), VA(1), CALLER);
	assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), 1);
	assert_int_equal(kmap_stack_push(&st, KM_MAX_IDX, CALLER), 2);
	kmap_stack_pop(&st, 2, VA(2), VA(2), CALLER);
	kmap_stack_pop(&st, 1, VA(1), VA(1), CALLER);
	kmap_stack_pop(&st, 0, VA(0), VA(0), CALLER);
	assert_int_equal(st.depth, 0);
}

/* Unmapping with nothing mapped: both entry points panic, naming the address. */
static void test_underflow(void **state)
{
	(void)state;
	expect_assert_failure(kmap_stack_pop(&st, 0, 0x1000, 0x2000, CALLER));
	assert_panic_msg("kunmap(0x00001000): slot stack underflow, nothing is mapped, caller %p",
			 CALLER);
	assert_int_equal(st.depth, 0);

	unit_msgs_clear();
	expect_assert_failure(kmap_stack_check_top(&st, 3, VA(3), VA(0), CALLER));
	assert_panic_msg("kunmap(0x%08x): slot stack underflow, nothing is mapped, caller %p",
			 VA(3), CALLER);
	assert_int_equal(st.depth, 0);

	/* After a balanced push/pop the stack is empty again. */
	push_n(1);
	kmap_stack_pop(&st, 0, VA(0), VA(0), CALLER);
	expect_assert_failure(kmap_stack_pop(&st, 0, VA(0), VA(0), CALLER));
	assert_non_null(strstr(unit_last_panic, "underflow"));
	assert_int_equal(st.depth, 0);
}

/*
 * Unmapping a slot below the top (or one never pushed) panics with the vaddr, the slot,
 * the top slot and its address; the depth is left alone so the report stays accurate.
 */
static void test_out_of_order(void **state)
{
	(void)state;
	push_n(3);
	expect_assert_failure(kmap_stack_pop(&st, 1, VA(1), VA(2), CALLER));
	assert_panic_msg("kunmap(0x%08x) out of order: slot 1, but the top of the stack is slot 2 "
			 "at 0x%08x, caller %p",
			 VA(1), VA(2), CALLER);
	assert_string_equal(unit_last_panic, "kunmap(0xffa01000) out of order: slot 1, but the "
					     "top of the stack is slot 2 at 0xffa02000, caller "
					     "0x12345678");
	assert_int_equal(st.depth, 3);

	unit_msgs_clear();
	expect_assert_failure(kmap_stack_check_top(&st, 0, VA(0), VA(2), CALLER));
	assert_panic_msg("kunmap(0x%08x) out of order: slot 0, but the top of the stack is slot 2 "
			 "at 0x%08x, caller %p",
			 VA(0), VA(2), CALLER);
	assert_int_equal(st.depth, 3);

	/* Above the top: a slot that is not mapped at all. */
	expect_assert_failure(kmap_stack_pop(&st, 3, VA(3), VA(2), CALLER));
	assert_non_null(strstr(unit_last_panic, "slot 3, but the top of the stack is slot 2"));
	assert_int_equal(st.depth, 3);

	/* The right order still works after the caught panics. */
	for (unsigned i = 3; i-- > 0;)
		kmap_stack_pop(&st, i, VA(i), VA(i), CALLER);
	assert_int_equal(st.depth, 0);
}

/* Out of order at full depth: slot 0 against top 15. */
static void test_out_of_order_full(void **state)
{
	(void)state;
	push_n(KM_MAX_IDX);
	expect_assert_failure(kmap_stack_pop(&st, 0, VA(0), VA(KM_MAX_IDX - 1), CALLER));
	assert_panic_msg("kunmap(0x%08x) out of order: slot 0, but the top of the stack is slot %u "
			 "at 0x%08x, caller %p",
			 VA(0), KM_MAX_IDX - 1, VA(KM_MAX_IDX - 1), CALLER);
	assert_int_equal(st.depth, KM_MAX_IDX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_push_until_full, setup),
	    cmocka_unit_test_setup(test_push_max_0, setup),
	    cmocka_unit_test_setup(test_push_pop_reverse, setup),
	    cmocka_unit_test_setup(test_interleaved, setup),
	    cmocka_unit_test_setup(test_underflow, setup),
	    cmocka_unit_test_setup(test_out_of_order, setup),
	    cmocka_unit_test_setup(test_out_of_order_full, setup),
	};

	return cmocka_run_group_tests_name("kmap_stack", tests, NULL, NULL);
}
